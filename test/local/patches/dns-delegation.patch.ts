/** local/patches/dns_delegation.py: the launcher's DNS server answers NS queries for the hosted zones. */
import {describe, expect, it} from 'vitest'
import {createNameServerResolver} from '../../../src/lib/deploy/delegation.js'
import {usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

const zoneTemplate = JSON.stringify({
  Resources: {HostedZone: {Type: 'AWS::Route53::HostedZone', Properties: {Name: 'shop.example.org'}}},
  Outputs: {NameServers: {Value: {'Fn::Join': [',', {'Fn::GetAtt': ['HostedZone', 'NameServers']}]}}},
})

async function delegate(domain: string, nameServers: string[] | null): Promise<void> {
  const response = await fetch(`${moto.aws().endpoint}/moto-api/platform-local/dns/delegations`, {method: 'POST', body: JSON.stringify({domain, nameServers})})
  expect(response.status).toBe(200)
}

describe('DNS beside moto', () => {
  it('answers a hosted zone’s NS query with its name servers, as resolvers do once the registrar delegated; other names NXDOMAIN', async () => {
    const server = moto.aws().env.PLATFORM_DNS_SERVER
    expect(server).toMatch(/^127\.0\.0\.1:\d+$/)
    const dns = createNameServerResolver(server)
    await expect(dns.resolveNs('shop.example.org')).rejects.toMatchObject({code: 'ENOTFOUND'})

    const stack = await moto.deploy('zone', 'CREATE', zoneTemplate, {})
    const nameServers = stack.Outputs?.find((o) => o.OutputKey === 'NameServers')?.OutputValue?.split(',')
    expect(nameServers).toHaveLength(4)
    expect((await dns.resolveNs('shop.example.org')).sort()).toEqual([...nameServers!].sort())
    expect((await dns.resolveNs('SHOP.example.org.')).sort()).toEqual([...nameServers!].sort())
    await expect(dns.resolveNs('other.example.org')).rejects.toMatchObject({code: 'ENOTFOUND'})
  })

  it('a registrar that has not delegated yet is set per domain, undone with null, and cleared by a reset', async () => {
    await moto.deploy('zone', 'CREATE', zoneTemplate, {})
    const dns = createNameServerResolver(moto.aws().env.PLATFORM_DNS_SERVER)
    const zoneServers = await dns.resolveNs('shop.example.org')

    await delegate('shop.example.org', ['dns1.registrar-servers.com'])
    expect(await dns.resolveNs('shop.example.org')).toEqual(['dns1.registrar-servers.com'])
    await delegate('shop.example.org', [])
    await expect(dns.resolveNs('shop.example.org')).rejects.toMatchObject({code: 'ENOTFOUND'})
    await delegate('shop.example.org', null)
    expect(await dns.resolveNs('shop.example.org')).toEqual(zoneServers)

    await delegate('shop.example.org', [])
    await moto.aws().reset()
    await moto.deploy('zone', 'CREATE', zoneTemplate, {})
    expect(await dns.resolveNs('shop.example.org')).toEqual(zoneServers)
  })
})
