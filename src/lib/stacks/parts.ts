/**
 * The stack cut: which stacks an environment has, decided once from its config alone.
 * renderEnvironment renders exactly these parts, `validate` counts them without loading a
 * renderer, and assembleStacks breaks ties in the deploy order by the same list.
 */

/** A service's stack is `svc-<service>`, one per service. */
export const SERVICE_PART_PREFIX = 'svc-'

/** The part name of a service's stack. */
export const servicePart = (service: string): string => `${SERVICE_PART_PREFIX}${service}`

/**
 * Every kind of stack in deploy order when the dependency graph leaves a choice: foundation first,
 * then the edge, the application, and what watches it. `svc-` stands for the services' stacks.
 */
export const PART_ORDER = ['bootstrap', 'network', 'storage', 'registry', 'data', 'zone', 'edge', 'cluster', SERVICE_PART_PREFIX, 'cdn', 'dns', 'monitoring'] as const

/** The facts of an environment that decide its stacks (a resolved environment has them). */
export interface StackCutFacts {
  services: Record<string, {build?: unknown}>
  database?: unknown
  domain?: string
  dns: {createZone: boolean}
  waf: {enabled: boolean}
}

/** The environment's stack parts, in {@link PART_ORDER} (services in the config's order). */
export function stackParts(env: StackCutFacts): string[] {
  const has: Record<Exclude<(typeof PART_ORDER)[number], typeof SERVICE_PART_PREFIX>, boolean> = {
    bootstrap: true,
    network: true,
    storage: true,
    // ECR repositories only for the images platform builds.
    registry: Object.values(env.services).some((service) => Boolean(service.build)),
    data: Boolean(env.database),
    zone: Boolean(env.domain) && env.dns.createZone,
    // The certificate and the web ACL live in us-east-1, for CloudFront.
    edge: Boolean(env.domain) || env.waf.enabled,
    cluster: true,
    cdn: true,
    dns: Boolean(env.domain),
    monitoring: true,
  }
  return PART_ORDER.flatMap((kind) => (kind === SERVICE_PART_PREFIX ? Object.keys(env.services).map(servicePart) : has[kind] ? [kind] : []))
}
