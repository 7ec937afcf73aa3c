/**
 * The stack cut: which stacks an environment has, decided once from its config alone.
 * renderEnvironment renders exactly these parts, `validate` counts them without loading a
 * renderer, and assembleStacks breaks ties in the deploy order by the same list.
 */

/** A service's stack is `svc-<service>`, one per service. */
export const SERVICE_PART_PREFIX = 'svc-'

/** The part name of a service's stack. */
export const servicePart = (service: string): string => `${SERVICE_PART_PREFIX}${service}`

/** Whether a part is a service's stack. */
export const isServicePart = (part: string): boolean => part.startsWith(SERVICE_PART_PREFIX)

/** The platform.yaml service of a service stack's part (`svc-web` → `web`); undefined for any other part. */
export function serviceOfPart(part: string): string | undefined {
  return isServicePart(part) ? part.slice(SERVICE_PART_PREFIX.length) : undefined
}

/**
 * Every kind of stack in deploy order when the dependency graph leaves a choice: foundation first,
 * then the edge, the application, and what watches it. `svc-` stands for the services' stacks.
 */
export const PART_ORDER = ['bootstrap', 'network', 'storage', 'registry', 'data', 'zone', 'edge', 'cluster', SERVICE_PART_PREFIX, 'cdn', 'dns', 'monitoring'] as const

/** A kind of stack: one of {@link PART_ORDER}. */
export type StackKind = (typeof PART_ORDER)[number]

/** A kind with exactly one stack per environment (every kind but the services'). */
export type SingleStackKind = Exclude<StackKind, typeof SERVICE_PART_PREFIX>

/** The facts of an environment that decide its stacks (a resolved environment has them). */
export interface StackCutFacts {
  services: Record<string, {build?: unknown}>
  database?: unknown
  domain?: string
  dns: {createZone: boolean}
  waf: {enabled: boolean}
}

/**
 * The kinds of stack the environment has, in {@link PART_ORDER}: {@link SERVICE_PART_PREFIX} stands
 * for its services' stacks (listed when it has services).
 */
export function stackKinds(env: StackCutFacts): StackKind[] {
  const has: Record<SingleStackKind, boolean> = {
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
  return PART_ORDER.filter((kind) => (kind === SERVICE_PART_PREFIX ? Object.keys(env.services).length > 0 : has[kind]))
}

/** The environment's stack parts, in {@link PART_ORDER} (services in the config's order). */
export function stackParts(env: StackCutFacts): string[] {
  return stackKinds(env).flatMap((kind) => (kind === SERVICE_PART_PREFIX ? Object.keys(env.services).map(servicePart) : [kind]))
}
