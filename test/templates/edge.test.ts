import {lintStacks as lint} from '../helpers/cfn-lint.js'
import {beforeAll, describe, expect, it} from 'vitest'
import {getEnvironment, loadConfig} from '../../src/lib/config/load.js'
import type {ResolvedEnvironment} from '../../src/lib/config/types.js'
import {RenderInvariantError} from '../../src/lib/stacks/invariant.js'
import {renderEdgeStack} from '../../src/templates/edge.js'
import type {StackDefinition} from '../../src/lib/stacks/types.js'
import {minimalEnv, prodEnv, ROOT_CONFIG} from '../helpers/env.js'

const STANDARD_TAGS = [
  {Key: 'environment', Value: 'prod'},
  {Key: 'managed-by', Value: 'platform'},
  {Key: 'project', Value: 'bookmark-manager'},
]

/** Every WAF option on: both address families in the allow list, a bare IP in the block list. */
function fullWafEnv(): ResolvedEnvironment {
  return prodEnv({
    waf: {
      enabled: true,
      managedRules: ['ip-reputation', 'common', 'sqli', 'known-bad-inputs', 'anonymous-ip', 'linux'],
      rateLimit: 500,
      blockCountries: ['KP', 'RU'],
      allowIps: ['203.0.113.0/24', '2001:db8::/32'],
      blockIps: ['198.51.100.7'],
    },
  })
}

/** cfn-lint findings (errors and warnings) over the stacks, each linted in its own region; '' when clean. */
function rules(stack: StackDefinition): Array<Record<string, any>> {
  return (stack.template.Resources.WebAcl.Properties as any).Rules
}

describe('renderEdgeStack', () => {
  let prod: StackDefinition

  beforeAll(async () => {
    prod = renderEdgeStack(getEnvironment(await loadConfig(ROOT_CONFIG), 'prod'))
  })

  it('lives in us-east-1, where CloudFront takes certificates and CLOUDFRONT web ACLs from', () => {
    expect(prod.region).toBe('us-east-1')
    expect(prod.name).toBe('bookmark-manager-prod-edge')
    expect(prod.template.Resources.WebAcl.Properties!.Scope).toBe('CLOUDFRONT')
  })

  it('issues a DNS-validated certificate for exactly the served names, one validation record each (issue 10 item 1)', () => {
    const certificate = prod.template.Resources.Certificate
    expect(certificate.Type).toBe('AWS::CertificateManager::Certificate')
    expect(certificate.Properties).toMatchObject({
      DomainName: 'example.com',
      SubjectAlternativeNames: ['www.example.com'],
      ValidationMethod: 'DNS',
      DomainValidationOptions: [
        {DomainName: 'example.com', HostedZoneId: {Ref: 'HostedZoneId'}},
        {DomainName: 'www.example.com', HostedZoneId: {Ref: 'HostedZoneId'}},
      ],
    })
    expect(prod.template.Parameters!.HostedZoneId.Type).toBe('String')
    expect(prod.parameters.HostedZoneId).toEqual({from: 'output', stack: 'bookmark-manager-prod-zone', output: 'HostedZoneId'})
    expect(prod.dependsOn).toEqual(['bookmark-manager-prod-zone'])
  })

  it('lists a wildcard record whose base name is also covered without a validation option of its own: ACM gives both one CNAME', () => {
    const deep = renderEdgeStack(prodEnv({dns: {...prodEnv().dns, records: ['www', '', '*', 'a.b', '*.app']}}))
    const properties = deep.template.Resources.Certificate.Properties!
    expect(properties.SubjectAlternativeNames).toEqual(['www.bookmarks.example.com', '*.bookmarks.example.com', 'a.b.bookmarks.example.com', '*.app.bookmarks.example.com'])
    const validated = (properties.DomainValidationOptions as Array<{DomainName: string}>).map((o) => o.DomainName)
    expect(validated).toEqual(['bookmarks.example.com', 'www.bookmarks.example.com', 'a.b.bookmarks.example.com', '*.app.bookmarks.example.com'])
    // No two options may produce the same validation record: `*.x` and `x` share one.
    const recordOf = (name: string) => name.replace(/^\*\./, '')
    expect(new Set(validated.map(recordOf)).size).toBe(validated.length)
  })

  it('takes an existing zone id as a value, and refuses a domain with neither zone nor id', () => {
    const existing = renderEdgeStack(prodEnv({dns: {...prodEnv().dns, createZone: false, zoneId: 'Z0123456789ABC'}}))
    expect(existing.parameters.HostedZoneId).toEqual({from: 'value', value: 'Z0123456789ABC'})
    expect(existing.dependsOn).toEqual([])
    expect(() => renderEdgeStack(prodEnv({dns: {...prodEnv().dns, createZone: false}}))).toThrow(RenderInvariantError)
  })

  it('outputs exactly CertificateArn and WebAclArn', () => {
    expect(Object.keys(prod.template.Outputs!)).toEqual(['CertificateArn', 'WebAclArn'])
    expect(prod.template.Outputs!.WebAclArn.Value).toEqual({'Fn::GetAtt': ['WebAcl', 'Arn']})
  })

  it("renders the root config's rules: rate limit, then the managed groups in config order", () => {
    expect(rules(prod).map((r) => [r.Name, r.Priority])).toEqual([
      ['RateLimit', 3],
      ['AWSManagedRulesCommonRuleSet', 10],
      ['AWSManagedRulesSQLiRuleSet', 11],
      ['AWSManagedRulesKnownBadInputsRuleSet', 12],
    ])
    expect(rules(prod)[0]).toMatchObject({Action: {Block: {}}, Statement: {RateBasedStatement: {Limit: 2000, AggregateKeyType: 'IP'}}})
    expect(prod.template.Resources.WebAcl.Properties!.DefaultAction).toEqual({Allow: {}})
    // No lists configured: no IP sets (WAF rejects an IP set rule over nothing).
    expect(Object.values(prod.template.Resources).filter((r) => r.Type === 'AWS::WAFv2::IPSet')).toEqual([])
  })

  it('puts the allow list first with Allow, then the block list, geo block, rate limit and managed groups', () => {
    const stack = renderEdgeStack(fullWafEnv())
    expect(rules(stack).map((r) => [r.Name, r.Priority])).toEqual([
      ['AllowListedIps', 0],
      ['BlockListedIps', 1],
      ['GeoBlock', 2],
      ['RateLimit', 3],
      ['AWSManagedRulesAmazonIpReputationList', 10],
      ['AWSManagedRulesCommonRuleSet', 11],
      ['AWSManagedRulesSQLiRuleSet', 12],
      ['AWSManagedRulesKnownBadInputsRuleSet', 13],
      ['AWSManagedRulesAnonymousIpList', 14],
      ['AWSManagedRulesLinuxRuleSet', 15],
    ])
    const [allow, block, geo, rate, ...managed] = rules(stack)
    expect(allow.Action).toEqual({Allow: {}})
    expect(allow.Statement).toEqual({
      OrStatement: {
        Statements: [{IPSetReferenceStatement: {Arn: {'Fn::GetAtt': ['AllowIpsV4', 'Arn']}}}, {IPSetReferenceStatement: {Arn: {'Fn::GetAtt': ['AllowIpsV6', 'Arn']}}}],
      },
    })
    expect(block).toMatchObject({Action: {Block: {}}, Statement: {IPSetReferenceStatement: {Arn: {'Fn::GetAtt': ['BlockIpsV4', 'Arn']}}}})
    expect(geo).toMatchObject({Action: {Block: {}}, Statement: {GeoMatchStatement: {CountryCodes: ['KP', 'RU']}}})
    expect(rate.Statement).toEqual({RateBasedStatement: {Limit: 500, AggregateKeyType: 'IP'}})
    for (const group of managed) {
      expect(group.OverrideAction).toEqual({None: {}})
      expect(group.Statement.ManagedRuleGroupStatement.VendorName).toBe('AWS')
      expect(group.Action).toBeUndefined()
    }
    for (const rule of rules(stack)) {
      expect(rule.VisibilityConfig).toMatchObject({CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: expect.stringMatching(/^[\w-]+$/)})
    }
  })

  it('splits IP lists by address family, in CIDR notation', () => {
    const resources = renderEdgeStack(fullWafEnv()).template.Resources
    expect(resources.AllowIpsV4.Properties).toMatchObject({Scope: 'CLOUDFRONT', IPAddressVersion: 'IPV4', Addresses: ['203.0.113.0/24']})
    expect(resources.AllowIpsV6.Properties).toMatchObject({Scope: 'CLOUDFRONT', IPAddressVersion: 'IPV6', Addresses: ['2001:db8::/32']})
    expect(resources.BlockIpsV4.Properties).toMatchObject({IPAddressVersion: 'IPV4', Addresses: ['198.51.100.7/32']})
    expect(resources.BlockIpsV6).toBeUndefined()
  })

  it('keeps every other rule priority when one rule is turned off', () => {
    const full = renderEdgeStack(fullWafEnv())
    const env = fullWafEnv()
    const withoutGeo = renderEdgeStack({...env, waf: {...env.waf, blockCountries: [], rateLimit: 0}})
    const priorities = (stack: StackDefinition): Record<string, number> => Object.fromEntries(rules(stack).map((r) => [r.Name, r.Priority]))
    const before = priorities(full)
    delete before.GeoBlock
    delete before.RateLimit
    expect(priorities(withoutGeo)).toEqual(before)
  })

  it('renders only the WAF without a domain, and is a bug to call without either', () => {
    const minimal = minimalEnv()
    expect(() => renderEdgeStack(minimal)).toThrow(RenderInvariantError)
    const wafOnly = renderEdgeStack({...minimal, waf: {...minimal.waf, enabled: true}})
    expect(wafOnly.region).toBe('us-east-1')
    expect(wafOnly.template.Resources.Certificate).toBeUndefined()
    expect(wafOnly.template.Parameters).toBeUndefined()
    expect(Object.keys(wafOnly.template.Outputs!)).toEqual(['WebAclArn'])
    const certificateOnly = renderEdgeStack(prodEnv({waf: {...prodEnv().waf, enabled: false}}))
    expect(Object.keys(certificateOnly.template.Outputs!)).toEqual(['CertificateArn'])
  })

  it('tags the certificate, web ACL and IP sets', () => {
    const resources = renderEdgeStack(fullWafEnv()).template.Resources
    for (const id of ['Certificate', 'WebAcl', 'AllowIpsV4', 'AllowIpsV6', 'BlockIpsV4']) {
      expect(resources[id].Properties!.Tags, id).toEqual(expect.arrayContaining(STANDARD_TAGS))
    }
  })

  it('passes cfn-lint in us-east-1 with every WAF option on, and WAF-only', async () => {
    const minimal = minimalEnv()
    const wafOnly = renderEdgeStack({...minimal, waf: {...fullWafEnv().waf}})
    expect(await lint([renderEdgeStack(fullWafEnv()), wafOnly])).toBe('')
  }, 120_000)
})
