/**
 * A first deploy with a new hosted zone (the root platform.yaml's prod: dns.createZone) stops after
 * the zone until the domain is delegated to it. The built CLI against the patched moto, whose DNS
 * server (PLATFORM_DNS_SERVER, set by the local AWS) answers the NS queries; a registrar that has
 * not delegated yet is set on it per domain.
 */
import {CloudFormationClient, DescribeStacksCommand} from '@aws-sdk/client-cloudformation'
import {describe, expect, it} from 'vitest'
import {rootConfigWithoutAssets, runCli, spawnCli} from '../helpers/built-cli.js'
import {useLocalAws} from '../helpers/e2e-setup.js'

const PREFIX = 'bookmark-manager-prod-'
const local = useLocalAws()
const config = rootConfigWithoutAssets()

async function stacks(region: string): Promise<Record<string, string>> {
  const cfn = new CloudFormationClient({region, endpoint: local.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}})
  const out = await cfn.send(new DescribeStacksCommand({}))
  return Object.fromEntries((out.Stacks ?? []).filter((s) => s.StackName?.startsWith(PREFIX)).map((s) => [s.StackName!.slice(PREFIX.length), s.StackStatus!]))
}

/** What the registrar's NS records for example.com say (null: the hosted zone's, as once delegated). */
async function registrar(nameServers: string[] | null): Promise<void> {
  const response = await fetch(`${local.endpoint}/moto-api/platform-local/dns/delegations`, {method: 'POST', body: JSON.stringify({domain: 'example.com', nameServers})})
  expect(response.status).toBe(200)
}


describe('first deploy with a new hosted zone (built CLI, patched moto)', () => {
  it('creates the zone, prints its name servers, and stops (exit 5) with the registrar steps until the domain is delegated', async () => {
    await registrar([])
    const run = runCli(['deploy', 'prod', '--yes', '--infra-only', '--config', config], {env: local.env})
    expect(run.status, run.stderr).toBe(5)
    const zoneOutputs = (await new CloudFormationClient({region: local.region, endpoint: local.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}}).send(new DescribeStacksCommand({StackName: `${PREFIX}zone`}))).Stacks![0].Outputs!
    const nameServers = zoneOutputs.find((o) => o.OutputKey === 'NameServers')!.OutputValue!.split(',')
    expect(nameServers).toHaveLength(4)
    expect(run.stderr).toContain('The hosted zone example.com comes first')
    expect(run.stderr).toContain(`Hosted zone example.com: name servers ${nameServers.join(', ')}; NOT delegated yet.`)
    expect(run.stderr).toContain('example.com has no NS records yet (asked 127.0.0.1:')
    for (const ns of nameServers) expect(run.stderr).toContain(`example.com. NS ${ns}.`)
    expect(run.stderr).toContain('dig +short NS example.com')
    // The zone and nothing else, in either region.
    expect(await stacks(local.region)).toEqual({zone: 'CREATE_COMPLETE'})
    expect(await stacks('us-east-1')).toEqual({})
  }, 180_000)

  it('the registrar’s old name servers are no delegation either (--json: a delegation line, then the error)', async () => {
    await registrar(['dns1.registrar-servers.com', 'dns2.registrar-servers.com'])
    const run = await spawnCli(['deploy', 'prod', '--yes', '--infra-only', '--json', '--config', config], {env: local.env})
    expect(run.code, run.stderr).toBe(5)
    expect(run.lines.find((l) => l.type === 'delegation')).toMatchObject({status: 'not-delegated', foreign: ['dns1.registrar-servers.com', 'dns2.registrar-servers.com']})
    expect(run.error).toMatchObject({code: 'DELEGATION_MISSING', exitCode: 5})
    expect(await stacks('us-east-1')).toEqual({})
  }, 180_000)

  it('once delegated, the rerun creates the certificate stacks', async () => {
    await registrar(null)
    const run = await spawnCli(['deploy', 'prod', '--yes', '--json', '--stack', 'zone', '--stack', 'edge', '--config', config], {env: local.env})
    expect(run.code, run.stderr).toBe(0)
    expect(run.lines.find((l) => l.type === 'delegation')).toMatchObject({status: 'delegated', missing: []})
    expect(await stacks('us-east-1')).toEqual({edge: 'CREATE_COMPLETE'})
    // Issued certificates: the next deploy asks DNS nothing, even with the registrar pointing elsewhere.
    await registrar([])
    const again = await spawnCli(['deploy', 'prod', '--yes', '--json', '--stack', 'zone', '--stack', 'edge', '--config', config], {env: local.env})
    expect(again.code, again.stderr).toBe(0)
    expect(again.lines.some((l) => l.type === 'delegation')).toBe(false)
  }, 180_000)
})
