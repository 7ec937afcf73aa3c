import type {ResolvedEnvironment} from '../lib/config/types.js'
import {logicalId} from '../lib/naming.js'
import {assertRenderable} from '../lib/stacks/invariant.js'
import {defineStack, fromOutput, newTemplate, prefix, tagList} from './common.js'
import type {CfnResource, ParameterSource, StackDefinition} from '../lib/stacks/types.js'

/** The fixed hosted zone id of every CloudFront distribution, for alias records. */
export const CLOUDFRONT_HOSTED_ZONE_ID = 'Z2FDTNDATAQYW2'

/** The ALB's own name under the domain; CloudFront reaches the ALB through it (and its certificate). */
export function originHostname(domain: string): string {
  return `origin.${domain}`
}

/** `www` + `example.com` → `www.example.com`; `''` is the apex. */
export function recordHostname(record: string, domain: string): string {
  return record === '' ? domain : `${record}.${domain}`
}

/** The hostnames CloudFront serves (its aliases), one per `dns.records` entry, in config order. */
export function viewerHostnames(env: ResolvedEnvironment): string[] {
  if (!env.domain) return []
  return [...new Set(env.dns.records.map((record) => recordHostname(record, env.domain!)))]
}

/**
 * Where the hosted zone id comes from: the zone stack's output when platform creates the zone,
 * else the existing zone's id from `dns.zoneId`.
 */
export function hostedZoneSource(env: ResolvedEnvironment): ParameterSource {
  if (env.dns.createZone) return fromOutput(env, 'zone', 'HostedZoneId')
  assertRenderable(env.dns.zoneId ? [] : [`environment ${env.name} has a domain, no dns.zoneId and dns.createZone false`])
  return {from: 'value', value: env.dns.zoneId!}
}

/**
 * Route53 records, only when a domain is set: A and AAAA aliases to CloudFront for each
 * `dns.records` name, `origin.<domain>` aliased to the internal ALB (the name CloudFront gives
 * its VPC origin, matching the ALB's certificate; it resolves to private addresses only), and an
 * HTTPS health check on the site.
 */
export function renderDnsStack(env: ResolvedEnvironment): StackDefinition | undefined {
  if (!env.domain) return undefined
  const domain = env.domain
  const template = newTemplate(`${prefix(env)}: DNS records for ${domain}`)
  template.Parameters = {
    HostedZoneId: {Type: 'String', Description: `Hosted zone of ${domain}`},
    DistributionDomainName: {Type: 'String', Description: 'CloudFront distribution domain name'},
    LoadBalancerDnsName: {Type: 'String', Description: 'ALB DNS name'},
    LoadBalancerHostedZoneId: {Type: 'String', Description: 'ALB canonical hosted zone id'},
  }
  const resources: Record<string, CfnResource> = {}
  for (const record of [...new Set(env.dns.records)]) {
    const hostname = recordHostname(record, domain)
    // `*` has no letters: spell it so that `*` and `*.app` get ids distinct from `app`.
    const id = record === '' ? 'Apex' : logicalId(record.replaceAll('*', 'wildcard'))
    // AAAA too: the distribution has IPv6 enabled, and without it IPv6-only clients get nothing.
    for (const type of ['A', 'AAAA'] as const) {
      resources[`${id}${type}Record`] = {
        Type: 'AWS::Route53::RecordSet',
        Metadata: {'platform:description': `${hostname} ${type} alias to CloudFront`},
        Properties: {
          HostedZoneId: {Ref: 'HostedZoneId'},
          Name: `${hostname}.`,
          Type: type,
          AliasTarget: {DNSName: {Ref: 'DistributionDomainName'}, HostedZoneId: CLOUDFRONT_HOSTED_ZONE_ID, EvaluateTargetHealth: false},
        },
      }
    }
  }
  resources.OriginRecord = {
    Type: 'AWS::Route53::RecordSet',
    Metadata: {'platform:description': `${originHostname(domain)} alias to the ALB (CloudFront origin)`},
    Properties: {
      HostedZoneId: {Ref: 'HostedZoneId'},
      Name: `${originHostname(domain)}.`,
      Type: 'A',
      AliasTarget: {DNSName: {Ref: 'LoadBalancerDnsName'}, HostedZoneId: {Ref: 'LoadBalancerHostedZoneId'}, EvaluateTargetHealth: true},
    },
  }
  template.Resources = resources

  if (env.dns.healthCheck) {
    // Check what users reach: the apex if it is served, else the first record.
    const checked = env.dns.records.includes('') ? domain : recordHostname(env.dns.records[0] ?? '', domain)
    resources.HealthCheck = {
      Type: 'AWS::Route53::HealthCheck',
      Metadata: {'platform:description': `HTTPS health check on ${checked}${env.dns.healthCheckPath}`},
      Properties: {
        HealthCheckConfig: {
          Type: 'HTTPS',
          FullyQualifiedDomainName: checked,
          Port: 443,
          ResourcePath: env.dns.healthCheckPath,
          EnableSNI: true,
          RequestInterval: 30,
          FailureThreshold: 3,
        },
        // Route53 health checks take their tags in `HealthCheckTags`, not `Tags`.
        HealthCheckTags: tagList(env, {Name: `${prefix(env)}-site`}),
      },
    }
    template.Outputs = {HealthCheckId: {Description: `Route53 health check of ${checked}`, Value: {Ref: 'HealthCheck'}}}
  }

  return defineStack(env, 'dns', template, {
    parameters: {
      HostedZoneId: hostedZoneSource(env),
      DistributionDomainName: fromOutput(env, 'cdn', 'DistributionDomainName'),
      LoadBalancerDnsName: fromOutput(env, 'cluster', 'LoadBalancerDnsName'),
      LoadBalancerHostedZoneId: fromOutput(env, 'cluster', 'LoadBalancerHostedZoneId'),
    },
  })
}
