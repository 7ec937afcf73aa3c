import type {ResolvedEnvironment, WafManagedRule} from '../lib/config/types.js'
import {fitName, logicalId, NameLimits} from '../lib/naming.js'
import {defineStack, newTemplate, prefix, tagList} from './common.js'
import {hostedZoneSource, viewerHostnames} from './dns.js'
import type {CfnResource, ParameterSource, StackDefinition} from '../lib/stacks/types.js'
import {outsideStackCut} from '../lib/stacks/invariant.js'

import {EDGE_REGION} from '../lib/stacks/types.js'

export {EDGE_REGION}

/** Config names of AWS managed rule groups → the group names WAF knows. */
export const MANAGED_RULE_GROUPS: Record<WafManagedRule, string> = {
  common: 'AWSManagedRulesCommonRuleSet',
  sqli: 'AWSManagedRulesSQLiRuleSet',
  'known-bad-inputs': 'AWSManagedRulesKnownBadInputsRuleSet',
  'ip-reputation': 'AWSManagedRulesAmazonIpReputationList',
  'anonymous-ip': 'AWSManagedRulesAnonymousIpList',
  linux: 'AWSManagedRulesLinuxRuleSet',
}

/**
 * Fixed rule priorities: turning one rule on or off never renumbers the others. The allow list
 * comes first so that listed addresses bypass every other rule; managed groups follow in the
 * config's order from {@link MANAGED_RULES_FIRST_PRIORITY}.
 */
export const WAF_PRIORITIES = {allowIps: 0, blockIps: 1, geoBlock: 2, rateLimit: 3} as const
export const MANAGED_RULES_FIRST_PRIORITY = 10

/**
 * The us-east-1 pieces CloudFront needs: the ACM certificate for the domain (and `*.domain`),
 * validated through DNS records ACM writes into the hosted zone, and the CLOUDFRONT-scope WAF web
 * ACL, when there is a domain or a WAF.
 */
export function renderEdgeStack(env: ResolvedEnvironment): StackDefinition {
  if (!env.domain && !env.waf.enabled) throw outsideStackCut('edge', 'a domain or a WAF')
  const template = newTemplate(`${prefix(env)}: CloudFront certificate and WAF (us-east-1)`)
  const parameters: Record<string, ParameterSource> = {}

  if (env.domain) {
    template.Parameters!.HostedZoneId = {Type: 'String', Description: `Hosted zone of ${env.domain} (ACM writes its validation records there)`}
    parameters.HostedZoneId = hostedZoneSource(env)
    const names = certificateNames(env)
    template.Resources.Certificate = {
      Type: 'AWS::CertificateManager::Certificate',
      Metadata: {'platform:description': `CloudFront certificate for ${names.join(', ')}`},
      Properties: {
        DomainName: env.domain,
        SubjectAlternativeNames: names.slice(1),
        ValidationMethod: 'DNS',
        DomainValidationOptions: validationNames(names).map((DomainName) => ({DomainName, HostedZoneId: {Ref: 'HostedZoneId'}})),
        Tags: tagList(env, {Name: `${prefix(env)}-cloudfront`}),
      },
    }
    template.Outputs!.CertificateArn = {Description: 'ACM certificate for CloudFront (us-east-1)', Value: {Ref: 'Certificate'}}
  }

  if (env.waf.enabled) {
    Object.assign(template.Resources, renderWaf(env))
    template.Outputs!.WebAclArn = {Description: 'CLOUDFRONT-scope WAF web ACL', Value: {'Fn::GetAtt': ['WebAcl', 'Arn']}}
  }

  return defineStack(env, 'edge', template, {region: EDGE_REGION, parameters})
}

/**
 * The names CloudFront's certificate must cover: exactly the hostnames it serves (its aliases),
 * the domain first. No `*.domain` unless a record asks for one: a wildcard nobody uses only widens
 * what a leaked key could impersonate.
 */
export function certificateNames(env: ResolvedEnvironment): string[] {
  const domain = env.domain!
  return [...new Set([domain, ...viewerHostnames(env)])]
}

/**
 * The names to give a validation option. ACM validates `*.x` with the same CNAME record as `x`;
 * CloudFormation writes one record per option into the zone and fails writing the same record
 * twice (aws-cdk #9248), so a wildcard whose base name is also listed gets no option of its own.
 */
export function validationNames(names: string[]): string[] {
  return names.filter((name) => !(name.startsWith('*.') && names.includes(name.slice(2))))
}

/** IP sets, when their lists are non-empty, and the web ACL. */
function renderWaf(env: ResolvedEnvironment): Record<string, CfnResource> {
  const waf = env.waf
  const resources: Record<string, CfnResource> = {}
  const rules: Array<Record<string, unknown>> = []

  const allow = ipSets(env, 'AllowIps', 'allow', waf.allowIps, resources)
  if (allow) rules.push(rule('AllowListedIps', WAF_PRIORITIES.allowIps, env, {Action: {Allow: {}}, Statement: allow}))
  const block = ipSets(env, 'BlockIps', 'block', waf.blockIps, resources)
  if (block) rules.push(rule('BlockListedIps', WAF_PRIORITIES.blockIps, env, {Action: {Block: {}}, Statement: block}))
  if (waf.blockCountries.length > 0) {
    rules.push(rule('GeoBlock', WAF_PRIORITIES.geoBlock, env, {Action: {Block: {}}, Statement: {GeoMatchStatement: {CountryCodes: [...waf.blockCountries]}}}))
  }
  if (waf.rateLimit > 0) {
    rules.push(
      rule('RateLimit', WAF_PRIORITIES.rateLimit, env, {
        Action: {Block: {}},
        // WAF counts requests per source IP over a sliding 5-minute window.
        Statement: {RateBasedStatement: {Limit: waf.rateLimit, AggregateKeyType: 'IP'}},
      }),
    )
  }
  waf.managedRules.forEach((name, index) => {
    const group = MANAGED_RULE_GROUPS[name]
    rules.push(
      rule(group, MANAGED_RULES_FIRST_PRIORITY + index, env, {
        // None = keep the group's own actions (Count would only observe).
        OverrideAction: {None: {}},
        Statement: {ManagedRuleGroupStatement: {VendorName: 'AWS', Name: group}},
      }),
    )
  })

  resources.WebAcl = {
    Type: 'AWS::WAFv2::WebACL',
    Metadata: {'platform:description': `WAF web ACL for CloudFront (${rules.length} rules)`},
    Properties: {
      Name: wafName(env, 'web-acl'),
      Description: `${prefix(env)} CloudFront protection, managed by platform`,
      Scope: 'CLOUDFRONT',
      DefaultAction: {Allow: {}},
      Rules: rules,
      VisibilityConfig: visibility(env, 'web-acl'),
      Tags: tagList(env),
    },
  }
  return resources
}

/**
 * IP sets for a list of CIDRs, split by address family as WAF requires, and the statement that
 * matches either; `undefined` for an empty list (WAF rejects a rule over nothing).
 */
function ipSets(env: ResolvedEnvironment, idPrefix: string, purpose: string, cidrs: string[], resources: Record<string, CfnResource>): Record<string, unknown> | undefined {
  const families = [
    {version: 'IPV4', suffix: 'V4', addresses: cidrs.filter((c) => !c.includes(':')).map((c) => (c.includes('/') ? c : `${c}/32`))},
    {version: 'IPV6', suffix: 'V6', addresses: cidrs.filter((c) => c.includes(':')).map((c) => (c.includes('/') ? c : `${c}/128`))},
  ]
  const statements: Array<Record<string, unknown>> = []
  for (const family of families) {
    if (family.addresses.length === 0) continue
    const id = `${idPrefix}${family.suffix}`
    resources[id] = {
      Type: 'AWS::WAFv2::IPSet',
      Metadata: {'platform:description': `WAF ${purpose} list (${family.version}, ${family.addresses.length} CIDRs)`},
      Properties: {
        Name: wafName(env, `${purpose}-${family.suffix.toLowerCase()}`),
        Description: `${prefix(env)} ${purpose} list`,
        Scope: 'CLOUDFRONT',
        IPAddressVersion: family.version,
        Addresses: [...new Set(family.addresses)].sort(),
        Tags: tagList(env),
      },
    }
    statements.push({IPSetReferenceStatement: {Arn: {'Fn::GetAtt': [id, 'Arn']}}})
  }
  if (statements.length === 0) return undefined
  return statements.length === 1 ? statements[0] : {OrStatement: {Statements: statements}}
}

function rule(name: string, priority: number, env: ResolvedEnvironment, body: Record<string, unknown>): Record<string, unknown> {
  return {Name: name, Priority: priority, ...body, VisibilityConfig: visibility(env, name)}
}

function visibility(env: ResolvedEnvironment, name: string): Record<string, unknown> {
  return {CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: `${logicalId(prefix(env))}${logicalId(name)}`}
}

function wafName(env: ResolvedEnvironment, what: string): string {
  return fitName(`${prefix(env)}-${what}`, NameLimits.wafName)
}
