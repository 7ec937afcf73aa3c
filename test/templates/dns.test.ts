import {lintStacks as lint} from '../helpers/cfn-lint.js'
import {beforeAll, describe, expect, it} from 'vitest'
import {getEnvironment, loadConfig} from '../../src/lib/config/load.js'
import {RenderInvariantError} from '../../src/lib/stacks/invariant.js'
import {CLOUDFRONT_HOSTED_ZONE_ID, renderDnsStack} from '../../src/templates/dns.js'
import {maintenanceDomainId} from '../../src/templates/maintenance.js'
import type {StackDefinition} from '../../src/lib/stacks/types.js'
import {minimalEnv, prodEnv, ROOT_CONFIG} from '../helpers/env.js'

describe('renderDnsStack', () => {
  let prod: StackDefinition

  beforeAll(async () => {
    prod = renderDnsStack(getEnvironment(await loadConfig(ROOT_CONFIG), 'prod'))
  })

  it('aliases www and the apex to CloudFront with A and AAAA records, failover primaries switched by the health check', () => {
    const records = Object.values(prod.template.Resources).filter((r) => r.Type === 'AWS::Route53::RecordSet' && (r.Properties!.AliasTarget as any).HostedZoneId === CLOUDFRONT_HOSTED_ZONE_ID)
    expect(records.map((r) => `${r.Properties!.Name} ${r.Properties!.Type}`).sort()).toEqual(['example.com. A', 'example.com. AAAA', 'www.example.com. A', 'www.example.com. AAAA'])
    for (const record of records) {
      expect(record.Properties).toEqual({
        HostedZoneId: {Ref: 'HostedZoneId'},
        Name: expect.any(String),
        Type: expect.any(String),
        AliasTarget: {DNSName: {Ref: 'DistributionDomainName'}, HostedZoneId: 'Z2FDTNDATAQYW2', EvaluateTargetHealth: false},
        SetIdentifier: 'cloudfront',
        Failover: 'PRIMARY',
        HealthCheckId: {Ref: 'HealthCheck'},
      })
    }
  })

  it('gives each name a failover secondary aliased to its regional API Gateway custom domain, created after the primary', () => {
    const resources = prod.template.Resources
    const secondaries = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Route53::RecordSet' && r.Properties!.Failover === 'SECONDARY')
    expect(secondaries.map(([, r]) => `${r.Properties!.Name} ${r.Properties!.Type}`).sort()).toEqual(['example.com. A', 'example.com. AAAA', 'www.example.com. A', 'www.example.com. AAAA'])
    for (const [id, record] of secondaries) {
      const hostname = (record.Properties!.Name as string).slice(0, -1)
      const domainId = maintenanceDomainId(hostname)
      expect(record.Properties).toEqual({
        HostedZoneId: {Ref: 'HostedZoneId'},
        Name: `${hostname}.`,
        Type: record.Properties!.Type,
        SetIdentifier: 'maintenance',
        Failover: 'SECONDARY',
        AliasTarget: {DNSName: {'Fn::GetAtt': [domainId, 'RegionalDomainName']}, HostedZoneId: {'Fn::GetAtt': [domainId, 'RegionalHostedZoneId']}, EvaluateTargetHealth: false},
      })
      // The primary it pairs with: same name and type, and the secondary waits for it.
      const primaryId = record.DependsOn as string[]
      expect(primaryId).toEqual([id.replace('MaintenanceRecord', 'Record')])
      expect(resources[primaryId[0]].Properties).toMatchObject({Name: record.Properties!.Name, Type: record.Properties!.Type, Failover: 'PRIMARY'})
      expect(resources[domainId]).toMatchObject({Type: 'AWS::ApiGateway::DomainName', Properties: {DomainName: hostname, EndpointConfiguration: {Types: ['REGIONAL'], IpAddressType: 'dualstack'}}})
    }
  })

  it('without failover (or without the health check) keeps each name a lone failover PRIMARY with no health check, never a simple record, and no maintenance page', () => {
    for (const dns of [{...prodEnv().dns, failover: false}, {...prodEnv().dns, healthCheck: false}]) {
      const resources = renderDnsStack(prodEnv({dns})).template.Resources
      const records = Object.entries(resources).filter(([id, r]) => r.Type === 'AWS::Route53::RecordSet' && id !== 'OriginRecord')
      expect(records.map(([, r]) => `${r.Properties!.Name} ${r.Properties!.Type}`).sort()).toEqual(['bookmarks.example.com. A', 'bookmarks.example.com. AAAA', 'www.bookmarks.example.com. A', 'www.bookmarks.example.com. AAAA'])
      for (const [, record] of records) {
        expect(record.Properties).toEqual({
          HostedZoneId: {Ref: 'HostedZoneId'},
          Name: expect.any(String),
          Type: expect.any(String),
          AliasTarget: {DNSName: {Ref: 'DistributionDomainName'}, HostedZoneId: CLOUDFRONT_HOSTED_ZONE_ID, EvaluateTargetHealth: false},
          SetIdentifier: 'cloudfront',
          Failover: 'PRIMARY',
        })
      }
      expect(Object.values(resources).filter((r) => r.Type.startsWith('AWS::ApiGateway::') || r.Type === 'AWS::CertificateManager::Certificate')).toEqual([])
    }
  })

  it('turns failover off and on again in place: the primaries keep their logical ids and every create-only property, only the health check and the secondaries come and go', () => {
    const on = renderDnsStack(prodEnv()).template.Resources
    const off = renderDnsStack(prodEnv({dns: {...prodEnv().dns, failover: false}})).template.Resources
    const recordIds = (resources: typeof on) => Object.keys(resources).filter((id) => resources[id].Type === 'AWS::Route53::RecordSet')
    const secondaries = recordIds(on).filter((id) => on[id].Properties!.Failover === 'SECONDARY')
    expect(secondaries).toHaveLength(4)
    // Off is on minus the secondaries: nothing is added or renamed, so CloudFormation creates no
    // record beside an existing one in either direction.
    expect(recordIds(off).sort()).toEqual(recordIds(on).filter((id) => !secondaries.includes(id)).sort())
    expect(off.OriginRecord).toEqual(on.OriginRecord)
    for (const id of recordIds(off).filter((id) => id !== 'OriginRecord')) {
      const before = on[id].Properties!
      const after = off[id].Properties!
      // AWS::Route53::RecordSet's create-only properties (its CloudFormation schema): unchanged, so an update, not a replacement.
      for (const createOnly of ['HostedZoneId', 'HostedZoneName', 'Name']) expect(after[createOnly], `${id}.${createOnly}`).toEqual(before[createOnly])
      // Name, type and set identifier identify a record set in Route 53: the same record set, updated.
      expect([after.Type, after.SetIdentifier, after.Failover]).toEqual([before.Type, before.SetIdentifier, before.Failover])
      const {HealthCheckId, ...rest} = before
      expect(HealthCheckId).toEqual({Ref: 'HealthCheck'})
      expect(after).toEqual(rest)
    }
    // The health check stays (dns.healthCheck), switching nothing; the maintenance page goes.
    expect(off.HealthCheck).toEqual(on.HealthCheck)
    const maintenance = Object.keys(on).filter((id) => id.startsWith('Maintenance'))
    expect(maintenance.length).toBeGreaterThan(0)
    for (const id of maintenance) expect(off[id], id).toBeUndefined()
  })

  it('gives wildcard records ids of their own', () => {
    const resources = renderDnsStack(prodEnv({dns: {...prodEnv().dns, records: ['app', '*', '*.app']}})).template.Resources
    const names = Object.values(resources).filter((r) => r.Type === 'AWS::Route53::RecordSet').map((r) => `${r.Properties!.Name} ${r.Properties!.Type}`)
    // 3 names × A/AAAA × primary/secondary, plus origin.<domain>
    expect(names).toHaveLength(13)
    expect(names).toEqual(expect.arrayContaining(['*.bookmarks.example.com. A', '*.app.bookmarks.example.com. AAAA', 'app.bookmarks.example.com. A']))
  })

  it('points origin.<domain> at the ALB for CloudFront', () => {
    expect(prod.template.Resources.OriginRecord.Properties).toEqual({
      HostedZoneId: {Ref: 'HostedZoneId'},
      Name: 'origin.example.com.',
      Type: 'A',
      AliasTarget: {DNSName: {Ref: 'LoadBalancerDnsName'}, HostedZoneId: {Ref: 'LoadBalancerHostedZoneId'}, EvaluateTargetHealth: true},
    })
  })

  it('checks the site through CloudFront over HTTPS on the health path, by the distribution\'s own name', () => {
    // Not the site's name: after a failover it resolves to the maintenance page, and the check would never recover.
    expect(prod.template.Resources.HealthCheck.Properties).toMatchObject({
      HealthCheckConfig: {Type: 'HTTPS', FullyQualifiedDomainName: {Ref: 'DistributionDomainName'}, Port: 443, ResourcePath: '/api/health', EnableSNI: true, RequestInterval: 30, FailureThreshold: 3},
      HealthCheckTags: expect.arrayContaining([{Key: 'managed-by', Value: 'platform'}]),
    })
    expect(prod.template.Outputs!.HealthCheckId).toEqual(expect.objectContaining({Value: {Ref: 'HealthCheck'}}))
    const withoutCheck = renderDnsStack(prodEnv({dns: {...prodEnv().dns, healthCheck: false}}))
    expect(withoutCheck.template.Resources.HealthCheck).toBeUndefined()
    expect(withoutCheck.template.Outputs).toBeUndefined()
    const custom = renderDnsStack(prodEnv({dns: {...prodEnv().dns, healthCheckPath: '/healthz'}}))
    expect((custom.template.Resources.HealthCheck.Properties as any).HealthCheckConfig.ResourcePath).toBe('/healthz')
  })

  it('reads its parameters from zone, cdn and cluster', () => {
    expect(prod.parameters).toEqual({
      HostedZoneId: {from: 'output', stack: 'bookmark-manager-prod-zone', output: 'HostedZoneId'},
      DistributionDomainName: {from: 'output', stack: 'bookmark-manager-prod-cdn', output: 'DistributionDomainName'},
      LoadBalancerDnsName: {from: 'output', stack: 'bookmark-manager-prod-cluster', output: 'LoadBalancerDnsName'},
      LoadBalancerHostedZoneId: {from: 'output', stack: 'bookmark-manager-prod-cluster', output: 'LoadBalancerHostedZoneId'},
    })
    expect(prod.region).toBe('ap-northeast-1')
  })

  it('uses an existing zone by id, and refuses a domain with no zone at all', () => {
    const existing = renderDnsStack(prodEnv({dns: {...prodEnv().dns, createZone: false, zoneId: 'Z0123456789ABC'}}))
    expect(existing.parameters.HostedZoneId).toEqual({from: 'value', value: 'Z0123456789ABC'})
    expect(existing.dependsOn).not.toContain('bookmark-manager-prod-zone')
    expect(() => renderDnsStack(prodEnv({dns: {...prodEnv().dns, createZone: false}}))).toThrow(RenderInvariantError)
  })

  it('is a bug to call without a domain (the stack cut leaves the dns stack out)', () => {
    expect(() => renderDnsStack(minimalEnv())).toThrow(RenderInvariantError)
  })

  it('passes cfn-lint with an existing zone and www only, with a wildcard, and without failover', async () => {
    const existing = renderDnsStack(prodEnv({dns: {createZone: false, zoneId: 'Z0123456789ABC', records: ['www'], healthCheck: true, healthCheckPath: '/healthz', failover: true}}))
    const wildcard = renderDnsStack(prodEnv({name: 'wild', dns: {...prodEnv().dns, records: ['*', 'app']}}))
    const simple = renderDnsStack(prodEnv({name: 'simple', dns: {...prodEnv().dns, failover: false}}))
    expect(await lint([existing, prod, wildcard, simple])).toBe('')
  }, 120_000)
})
