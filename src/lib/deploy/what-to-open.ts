import type {DeployedStack} from '../aws/cloudformation.js'
import type {ResolvedEnvironment} from '../config/types.js'
import {serviceOfPart} from '../stacks/parts.js'
import type {StackDefinition} from '../stacks/types.js'
import {viewerHostnames} from '../../templates/dns.js'
import type {DeployAws, StackResult} from './types.js'

/** What a deploy ends with: where the site is, what the load balancer is, what was left for later. */
export interface WhatToOpen {
  /** The site's URLs: the custom domain's hostnames, else CloudFront's own domain. Empty until the cdn stack is deployed. */
  site: string[]
  /** The distribution's *.cloudfront.net name (also serves the site when there is a domain). */
  cloudFront?: string
  /**
   * The ALB's DNS name. It is internal (private subnets, reached through CloudFront's VPC origin):
   * it resolves to private addresses only, so it is for diagnosis from inside the VPC, not to open.
   */
  loadBalancer?: string
  /** Stacks not deployed for want of an image (--infra-only on a first deploy). */
  deferred: string[]
  /** What is left to do: commands to run (as pasted, same target) and what each does; empty when nothing is. */
  nextSteps: Array<{command: string; does: string}>
}

/**
 * Say what to open from the cdn and cluster stacks' outputs: as the deploy last saw them
 * (`deployedStacks`), else read (a DescribeStacks each, in parallel: stacks a `--stack` deploy
 * did not need). A stack not deployed (yet) leaves its part out; never guessed.
 */
export async function readWhatToOpen(input: {
  env: ResolvedEnvironment
  stacks: StackDefinition[]
  results: StackResult[]
  deployedStacks: ReadonlyMap<string, DeployedStack>
  aws: DeployAws
  command: string
}): Promise<WhatToOpen> {
  const {env, stacks, results, aws} = input
  const outputsOf = async (part: string): Promise<Record<string, string>> => {
    const def = stacks.find((s) => s.part === part)
    if (!def) return {}
    const deployed = input.deployedStacks.get(def.name) ?? (await aws.cloudFormation(def.region).describeStack(def.name))
    return deployed && /_COMPLETE$/.test(deployed.status) && !/ROLLBACK_COMPLETE$|^DELETE/.test(deployed.status) ? deployed.outputs : {}
  }
  const [cdn, cluster] = await Promise.all([outputsOf('cdn'), outputsOf('cluster')])
  const cloudFront = cdn.DistributionDomainName || undefined
  const hostnames = viewerHostnames(env)
  const site = cloudFront ? (hostnames.length > 0 ? hostnames : [cloudFront]).map((h) => `https://${h}`) : []
  const deferred = results.filter((r) => r.outcome === 'deferred').map((r) => r.part)
  const services = deferred.flatMap((part) => serviceOfPart(part) ?? [])
  const nextSteps = services.length > 0 ? [{command: input.command, does: `builds and pushes the images of ${services.join(', ')}, then deploys ${deferred.join(', ')}`}] : []
  return {site, cloudFront, loadBalancer: cluster.LoadBalancerDnsName || undefined, deferred, nextSteps}
}
