import type {ResolvedEnvironment} from '../lib/config/types.js'
import {defineStack, newTemplate, prefix, tagList} from './common.js'
import {outsideStackCut} from '../lib/stacks/invariant.js'
import type {StackDefinition} from '../lib/stacks/types.js'

/**
 * The Route53 hosted zone, only when a domain is set and `dns.createZone` asks for one (otherwise
 * the other stacks take `dns.zoneId` as a value). Its own stack because it must exist before the
 * us-east-1 certificate validates against it, and it almost never changes.
 */
export function renderZoneStack(env: ResolvedEnvironment): StackDefinition {
  if (!env.domain || !env.dns.createZone) throw outsideStackCut('zone', 'a domain whose hosted zone platform creates')
  const template = newTemplate(`${prefix(env)}: hosted zone ${env.domain}`)
  template.Resources.HostedZone = {
    Type: 'AWS::Route53::HostedZone',
    // A new zone gets new name servers, which breaks the registrar's delegation: never delete or replace it silently.
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Metadata: {'platform:description': `Hosted zone ${env.domain}`},
    Properties: {
      Name: env.domain,
      HostedZoneConfig: {Comment: `${prefix(env)} (managed by platform)`},
      HostedZoneTags: tagList(env),
    },
  }
  template.Outputs = {
    HostedZoneId: {Description: `Hosted zone id of ${env.domain}`, Value: {Ref: 'HostedZone'}},
    NameServers: {Description: 'Name servers to delegate to at the registrar, comma-separated', Value: {'Fn::Join': [',', {'Fn::GetAtt': ['HostedZone', 'NameServers']}]}},
  }
  return defineStack(env, 'zone', template)
}
