import {lintStacks as lint} from '../helpers/cfn-lint.js'
import {beforeAll, describe, expect, it} from 'vitest'
import {getEnvironment, loadConfig} from '../../src/lib/config/load.js'
import {RenderInvariantError} from '../../src/lib/stacks/invariant.js'
import {CLOUDFRONT_HOSTED_ZONE_ID, renderDnsStack} from '../../src/templates/dns.js'
import type {StackDefinition} from '../../src/lib/stacks/types.js'
import {minimalEnv, prodEnv, ROOT_CONFIG} from '../helpers/env.js'

describe('renderDnsStack', () => {
  let prod: StackDefinition

  beforeAll(async () => {
    prod = renderDnsStack(getEnvironment(await loadConfig(ROOT_CONFIG), 'prod'))!
  })

  it('aliases www and the apex to CloudFront with A and AAAA records', () => {
    const records = Object.values(prod.template.Resources).filter((r) => r.Type === 'AWS::Route53::RecordSet' && (r.Properties!.AliasTarget as any).HostedZoneId === CLOUDFRONT_HOSTED_ZONE_ID)
    expect(records.map((r) => `${r.Properties!.Name} ${r.Properties!.Type}`).sort()).toEqual(['example.com. A', 'example.com. AAAA', 'www.example.com. A', 'www.example.com. AAAA'])
    for (const record of records) {
      expect(record.Properties).toMatchObject({
        HostedZoneId: {Ref: 'HostedZoneId'},
        AliasTarget: {DNSName: {Ref: 'DistributionDomainName'}, HostedZoneId: 'Z2FDTNDATAQYW2', EvaluateTargetHealth: false},
      })
    }
  })

  it('gives wildcard records ids of their own', () => {
    const resources = renderDnsStack(prodEnv({dns: {...prodEnv().dns, records: ['app', '*', '*.app']}}))!.template.Resources
    const names = Object.values(resources).filter((r) => r.Type === 'AWS::Route53::RecordSet').map((r) => `${r.Properties!.Name} ${r.Properties!.Type}`)
    expect(names).toHaveLength(7)
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

  it('checks the site over HTTPS on the health path', () => {
    expect(prod.template.Resources.HealthCheck.Properties).toMatchObject({
      HealthCheckConfig: {Type: 'HTTPS', FullyQualifiedDomainName: 'example.com', Port: 443, ResourcePath: '/api/health', EnableSNI: true},
      HealthCheckTags: expect.arrayContaining([{Key: 'managed-by', Value: 'platform'}]),
    })
    expect(prod.template.Outputs).toEqual({HealthCheckId: expect.objectContaining({Value: {Ref: 'HealthCheck'}})})
    const withoutCheck = renderDnsStack(prodEnv({dns: {...prodEnv().dns, healthCheck: false}}))!
    expect(withoutCheck.template.Resources.HealthCheck).toBeUndefined()
    expect(withoutCheck.template.Outputs).toBeUndefined()
    const wwwOnly = renderDnsStack(prodEnv({dns: {...prodEnv().dns, records: ['www']}}))!
    expect((wwwOnly.template.Resources.HealthCheck.Properties as any).HealthCheckConfig.FullyQualifiedDomainName).toBe('www.bookmarks.example.com')
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
    const existing = renderDnsStack(prodEnv({dns: {...prodEnv().dns, createZone: false, zoneId: 'Z0123456789ABC'}}))!
    expect(existing.parameters.HostedZoneId).toEqual({from: 'value', value: 'Z0123456789ABC'})
    expect(existing.dependsOn).not.toContain('bookmark-manager-prod-zone')
    expect(() => renderDnsStack(prodEnv({dns: {...prodEnv().dns, createZone: false}}))).toThrow(RenderInvariantError)
  })

  it('renders nothing without a domain', () => {
    expect(renderDnsStack(minimalEnv())).toBeUndefined()
  })

  it('passes cfn-lint with an existing zone and www only', async () => {
    const existing = renderDnsStack(prodEnv({dns: {createZone: false, zoneId: 'Z0123456789ABC', records: ['www'], healthCheck: true, healthCheckPath: '/healthz'}}))!
    expect(await lint([existing, prod])).toBe('')
  }, 120_000)
})
