import type {ResolvedEnvironment} from '../lib/config/types.js'
import {logicalId, ORIGIN_RECORD} from '../lib/naming.js'
import {assertRenderable, outsideStackCut} from '../lib/stacks/invariant.js'
import {defineStack, fromOutput, newTemplate, prefix, tagList} from './common.js'
import {maintenanceDomainId, renderMaintenanceResources} from './maintenance.js'
import type {CfnResource, ParameterSource, StackDefinition} from '../lib/stacks/types.js'

/** The fixed hosted zone id of every CloudFront distribution, for alias records. */
export const CLOUDFRONT_HOSTED_ZONE_ID = 'Z2FDTNDATAQYW2'

/** The ALB's own name under the domain; CloudFront reaches the ALB through it (and its certificate). */
export function originHostname(domain: string): string {
  return `${ORIGIN_RECORD}.${domain}`
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
 * Whether the site's records fail over to the maintenance page: asked by `dns.failover`, and only
 * possible with the health check that switches them (checks.ts refuses `failover: true` with
 * `healthCheck: false`; left to its default, failover simply follows the health check).
 */
export function failoverEnabled(env: ResolvedEnvironment): boolean {
  return Boolean(env.domain) && env.dns.failover && env.dns.healthCheck
}

/** Set identifiers of the failover records: the CloudFront PRIMARY and the maintenance page SECONDARY. */
export const PRIMARY_SET_IDENTIFIER = 'cloudfront'
export const SECONDARY_SET_IDENTIFIER = 'maintenance'

/** Logical id of the health check, which the failover primaries name. */
const HEALTH_CHECK_ID = 'HealthCheck'

/**
 * Route53 records, only when a domain is set: A and AAAA aliases to CloudFront for each
 * `dns.records` name, `origin.<domain>` aliased to the internal ALB (the name CloudFront gives
 * its VPC origin, matching the ALB's certificate; it resolves to private addresses only), and an
 * HTTPS health check of the site through CloudFront. With failover (the default), each name is a
 * failover pair: PRIMARY to CloudFront, switched by the health check, and SECONDARY to the
 * maintenance page on API Gateway (maintenance.ts).
 *
 * Without failover each name is still the failover PRIMARY record, alone and with no health
 * check, never a simple record: Route 53 refuses a simple record beside failover records of the
 * same name and type, and a stack update deletes the records it drops only in its cleanup, after
 * every update. Were the record simple without failover, turning failover off would update the
 * PRIMARY to simple while the SECONDARY still exists, and fail. Kept a PRIMARY, turning failover
 * off or on only adds or removes its health check, in place (same logical id, name, type and set
 * identifier: one Route 53 change), and adds or removes the SECONDARY: one deploy either way, and
 * the name always has its record. A lone failover record without a health check is always
 * answered (Route 53 Developer Guide, "How Amazon Route 53 chooses records when health checking
 * is configured": a record with no health check is always healthy), so DNS answers exactly as a
 * simple record would. An environment deployed as simple records (before this) turns each into
 * the PRIMARY in place too: SetIdentifier and Failover are not create-only properties of
 * AWS::Route53::RecordSet (only HostedZoneId, HostedZoneName and Name are), and the SECONDARY is
 * created after it.
 */
export function renderDnsStack(env: ResolvedEnvironment): StackDefinition {
  if (!env.domain) throw outsideStackCut('dns', 'a domain')
  const domain = env.domain
  const failover = failoverEnabled(env)
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
      const primary = `${id}${type}Record`
      resources[primary] = {
        Type: 'AWS::Route53::RecordSet',
        Metadata: {'platform:description': `${hostname} ${type} alias to CloudFront (failover primary${failover ? '' : ', alone: failover off'})`},
        Properties: {
          HostedZoneId: {Ref: 'HostedZoneId'},
          Name: `${hostname}.`,
          Type: type,
          // EvaluateTargetHealth cannot be true for a CloudFront target (Route 53 API Reference,
          // "AliasTarget"): the health check is what says whether it is up.
          AliasTarget: {DNSName: {Ref: 'DistributionDomainName'}, HostedZoneId: CLOUDFRONT_HOSTED_ZONE_ID, EvaluateTargetHealth: false},
          // A PRIMARY with or without failover: see the comment of renderDnsStack.
          SetIdentifier: PRIMARY_SET_IDENTIFIER,
          Failover: 'PRIMARY',
          ...(failover ? {HealthCheckId: {Ref: HEALTH_CHECK_ID}} : {}),
        },
      }
      if (!failover) continue
      const domainId = maintenanceDomainId(hostname)
      resources[`${id}${type}MaintenanceRecord`] = {
        Type: 'AWS::Route53::RecordSet',
        // After the primary: for an environment whose records are still simple (deployed before
        // they were always PRIMARY), the primary's update from simple to failover must land before
        // a second record of the same name and type exists (Route53 refuses a failover record
        // beside a simple one).
        DependsOn: [primary],
        Metadata: {'platform:description': `${hostname} ${type} alias to the maintenance page (failover secondary)`},
        Properties: {
          HostedZoneId: {Ref: 'HostedZoneId'},
          Name: `${hostname}.`,
          Type: type,
          SetIdentifier: SECONDARY_SET_IDENTIFIER,
          Failover: 'SECONDARY',
          // No health check: the secondary is answered whenever the primary is unhealthy, and
          // API Gateway's static page has no origin that could be down.
          AliasTarget: {
            DNSName: {'Fn::GetAtt': [domainId, 'RegionalDomainName']},
            HostedZoneId: {'Fn::GetAtt': [domainId, 'RegionalHostedZoneId']},
            EvaluateTargetHealth: false,
          },
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
  if (failover) Object.assign(resources, renderMaintenanceResources(env, viewerHostnames(env)))
  template.Resources = resources

  if (env.dns.healthCheck) {
    // The check requests the distribution's own name, not the site's: once the site's names fail
    // over they resolve to the maintenance page, and a check that followed them would stay
    // unhealthy forever and never fail back. Through CloudFront it still sees what viewers see:
    // the edge, the WAF and the origin on the health path (Route 53 Developer Guide, "Values that
    // you specify when you create or update health checks": a domain name alone is resolved by
    // the checkers and requested with it as Host and SNI).
    resources[HEALTH_CHECK_ID] = {
      Type: 'AWS::Route53::HealthCheck',
      Metadata: {'platform:description': `HTTPS health check of the site through CloudFront on ${env.dns.healthCheckPath}`},
      Properties: {
        HealthCheckConfig: {
          Type: 'HTTPS',
          FullyQualifiedDomainName: {Ref: 'DistributionDomainName'},
          Port: 443,
          ResourcePath: env.dns.healthCheckPath,
          EnableSNI: true,
          // Unhealthy after 3 failed requests 30 s apart: about 90 s before the records switch.
          RequestInterval: 30,
          FailureThreshold: 3,
        },
        // Route53 health checks take their tags in `HealthCheckTags`, not `Tags`.
        HealthCheckTags: tagList(env, {Name: `${prefix(env)}-site`}),
      },
    }
    template.Outputs = {HealthCheckId: {Description: `Route53 health check of ${domain} through CloudFront`, Value: {Ref: HEALTH_CHECK_ID}}}
  }
  if (failover) {
    template.Outputs = {
      ...template.Outputs,
      MaintenanceApiId: {Description: 'REST API serving the maintenance page', Value: {Ref: 'MaintenanceApi'}},
    }
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
