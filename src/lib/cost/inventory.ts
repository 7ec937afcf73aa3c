import type {CfnResource, StackDefinition} from '../stacks/types.js'

/** One rendered resource and the stack part it belongs to. */
export interface RenderedResource {
  part: string
  logicalId: string
  resource: CfnResource
}

/**
 * What an environment's rendered templates create, read by the estimate: the stacks are the ones a
 * deploy creates (`renderEnvironment`), so a resource the renderers add or drop (an alarm, a WAF
 * rule, a NAT gateway, a public load balancer) changes the estimate without a second list here.
 */
export class Inventory {
  private readonly all: RenderedResource[]

  constructor(readonly stacks: StackDefinition[]) {
    this.all = stacks.flatMap((stack) => Object.entries(stack.template.Resources).map(([logicalId, resource]) => ({part: stack.part, logicalId, resource})))
  }

  /** Resources of a CloudFormation type, in stack then template order. */
  ofType(type: string): RenderedResource[] {
    return this.all.filter((r) => r.resource.Type === type)
  }

  count(type: string): number {
    return this.ofType(type).length
  }

  /** Interface endpoints (each billed per AZ) with the number of subnets, hence AZs, each sits in. */
  interfaceEndpoints(): Array<{logicalId: string; azs: number}> {
    return this.ofType('AWS::EC2::VPCEndpoint')
      .filter((r) => props(r).VpcEndpointType === 'Interface')
      .map((r) => ({logicalId: r.logicalId, azs: Array.isArray(props(r).SubnetIds) ? (props(r).SubnetIds as unknown[]).length : 1}))
  }

  /** Internet-facing load balancers: each holds a public IPv4 address in every subnet (AZ) it spans. */
  publicLoadBalancerAddresses(azs: number): number {
    return this.ofType('AWS::ElasticLoadBalancingV2::LoadBalancer')
      .filter((r) => (props(r).Scheme ?? 'internet-facing') === 'internet-facing')
      .reduce((n, r) => n + (Array.isArray(props(r).Subnets) ? (props(r).Subnets as unknown[]).length : azs), 0)
  }

  /** Rules of each web ACL: AWS bills every rule and every managed rule group in it. */
  webAclRules(): number {
    return this.ofType('AWS::WAFv2::WebACL').reduce((n, r) => n + (Array.isArray(props(r).Rules) ? (props(r).Rules as unknown[]).length : 0), 0)
  }

  /** Route 53 health checks, and how many of them use HTTPS (billed as an optional feature). */
  healthChecks(): {total: number; https: number} {
    const checks = this.ofType('AWS::Route53::HealthCheck')
    const https = checks.filter((r) => String((props(r).HealthCheckConfig as {Type?: string} | undefined)?.Type ?? '').startsWith('HTTPS')).length
    return {total: checks.length, https}
  }

  /** Secrets in Secrets Manager: declared ones, and the master password RDS manages for a cluster. */
  managedSecrets(): number {
    return this.count('AWS::SecretsManager::Secret') + this.ofType('AWS::RDS::DBCluster').filter((r) => props(r).ManageMasterUserPassword === true).length
  }

  /** Services whose task definition runs, beside the service's own container, one from `image`. */
  servicesWithSidecar(image: string): string[] {
    return this.ofType('AWS::ECS::TaskDefinition').flatMap((r) => {
      const containers = (props(r).ContainerDefinitions ?? []) as Array<{Name?: string; Image?: unknown}>
      if (!containers.some((c) => c.Image === image)) return []
      return containers.filter((c) => c.Image !== image && typeof c.Name === 'string').map((c) => c.Name as string)
    })
  }
}

function props(r: RenderedResource): Record<string, unknown> {
  return r.resource.Properties ?? {}
}
