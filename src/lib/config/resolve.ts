import {posix} from 'node:path'
import type {ResolvedEnvironment} from './types.js'
import type {IssueCollector, IssueInput} from './issues.js'
import type {YamlPath} from './positions.js'
import {fargateMemoryFor} from './fargate.js'
import {environmentSchema, fillDefaults, isPlainObject, platformSchema} from './schema.js'

/** Where each value of a merged environment is written in the file. */
export class OriginMap {
  private readonly origins = new Map<string, YamlPath>()

  set(envPath: YamlPath, origin: YamlPath): void {
    this.origins.set(envPath.join('\u0000'), origin)
  }

  get(envPath: YamlPath): YamlPath | undefined {
    return this.origins.get(envPath.join('\u0000'))
  }

  /**
   * The file path for an environment path: where the value is written, or, for a value that is
   * not written (a default), where it would go under its nearest written ancestor.
   */
  resolve(envPath: YamlPath): {origin: YamlPath; written: boolean} {
    for (let depth = envPath.length; depth >= 0; depth--) {
      const origin = this.get(envPath.slice(0, depth))
      if (origin) return {origin: [...origin, ...envPath.slice(depth)], written: depth === envPath.length}
    }
    return {origin: [...envPath], written: false}
  }
}

interface Layer {
  value: unknown
  origin: YamlPath
}

/**
 * Deep-merge layers (lowest priority first): mappings merge key by key, lists and scalars replace,
 * `null` removes what lower layers set. Records where every resulting value is written.
 */
export function mergeLayers(layers: Layer[], at: YamlPath, origins: OriginMap): unknown {
  const present = layers.filter((l) => l.value !== undefined)
  if (present.length === 0) return undefined
  const top = present[present.length - 1]
  if (top.value === null) return undefined
  if (!isPlainObject(top.value)) {
    recordOrigins(top.value, at, top.origin, origins)
    return cloneData(top.value)
  }
  const objects: Layer[] = []
  for (let i = present.length - 1; i >= 0 && isPlainObject(present[i].value); i--) objects.unshift(present[i])
  origins.set(at, top.origin)
  const keys = new Set(objects.flatMap((l) => Object.keys(l.value as object)))
  const result: Record<string, unknown> = {}
  for (const key of keys) {
    const merged = mergeLayers(
      objects.map((l) => ({value: (l.value as Record<string, unknown>)[key], origin: [...l.origin, key]})),
      [...at, key],
      origins,
    )
    if (merged !== undefined) result[key] = merged
  }
  return result
}

/** Plain data from YAML: primitives are immutable, and JSON round-trips are much cheaper than structuredClone. */
export function cloneData<T>(value: T): T {
  return value !== null && typeof value === 'object' ? (JSON.parse(JSON.stringify(value)) as T) : value
}

function recordOrigins(value: unknown, at: YamlPath, origin: YamlPath, origins: OriginMap): void {
  origins.set(at, origin)
  if (Array.isArray(value)) value.forEach((item, i) => recordOrigins(item, [...at, i], [...origin, i], origins))
  else if (isPlainObject(value)) for (const [key, item] of Object.entries(value)) recordOrigins(item, [...at, key], [...origin, key], origins)
}

/** The raw document after schema validation (types may still be wrong where the schema failed). */
export interface RawConfig {
  version?: unknown
  project?: string
  region?: string
  defaults?: Record<string, unknown>
  environments?: Record<string, Record<string, unknown> | null>
  cost?: Record<string, unknown>
}

/** One environment, merged, defaulted, with a reporter that points at where its values are written. */
export interface EnvironmentUnderCheck {
  env: ResolvedEnvironment
  origins: OriginMap
  /** Report an issue at an environment path (`['services', 'web', 'cpu']`). */
  report(envPath: YamlPath, issue: Omit<IssueInput, 'path' | 'environments'>): void
}

/**
 * Merge `cost`, `defaults` and the environment, apply every default (computed ones first:
 * region, protect, memory for the CPU, desired count from autoscaling, health check shorthand),
 * and report what is still missing once merged (a service's port, its build or image).
 */
export function resolveEnvironment(raw: RawConfig, name: string, sink: IssueCollector): EnvironmentUnderCheck {
  const origins = new OriginMap()
  const envOrigin: YamlPath = ['environments', name]
  const merged = (mergeLayers(
    [
      {value: raw.cost === undefined ? undefined : {cost: raw.cost}, origin: []},
      {value: isPlainObject(raw.defaults) ? expandShorthands(raw.defaults) : undefined, origin: ['defaults']},
      {value: expandShorthands(raw.environments?.[name] ?? {}), origin: envOrigin},
    ],
    [],
    origins,
  ) ?? {}) as Record<string, any>
  origins.set([], envOrigin)

  const report = (envPath: YamlPath, issue: Omit<IssueInput, 'path' | 'environments'>): void => {
    // A value that is not written (a default, a missing key) is reported at its would-be path
    // and located at its nearest written ancestor.
    const {origin} = origins.resolve(envPath)
    const shared = origin[0] !== 'environments'
    sink.add({...issue, path: origin, environments: shared ? [name] : undefined})
  }

  applyComputedDefaults(merged, name, raw.region ?? 'ap-northeast-1')
  fillDefaults(merged, environmentSchema())
  // Identity first, then the file's order: easier to read in --json output and debug dumps.
  const {region, ...rest} = merged
  const env = {name, project: raw.project ?? '', region, ...rest} as ResolvedEnvironment
  checkRequiredAfterMerge(env, report)
  return {env, origins, report}
}

/**
 * `healthCheck: /path` becomes `{path: /path}` before merging, so that an environment can change
 * one field (`healthCheck: {intervalSeconds: 10}`) and keep the path from `defaults`.
 */
function expandShorthands(layer: Record<string, unknown>): Record<string, unknown> {
  if (!isPlainObject(layer.services)) return layer
  const services: Record<string, unknown> = {}
  for (const [name, service] of Object.entries(layer.services)) {
    services[name] = isPlainObject(service) && typeof service.healthCheck === 'string' ? {...service, healthCheck: {path: service.healthCheck}} : service
  }
  return {...layer, services}
}

function applyComputedDefaults(env: Record<string, any>, name: string, region: string): void {
  env.region ??= region
  env.protect ??= name.startsWith('prod')
  env.alb = isPlainObject(env.alb) ? env.alb : {}
  env.alb.deletionProtection ??= env.protect
  if (isPlainObject(env.database)) env.database.deletionProtection ??= env.protect
  // An existing provider named by ARN is reused; otherwise the environment creates one.
  if (isPlainObject(env.ci)) env.ci.createOidcProvider ??= typeof env.ci.oidcProviderArn !== 'string'
  const cpuDefault = platformSchema().definitions?.service.properties?.cpu.default as number | undefined
  for (const service of Object.values(isPlainObject(env.services) ? env.services : {})) {
    if (!isPlainObject(service)) continue
    const healthCheck = service.healthCheck
    if (typeof healthCheck === 'string') service.healthCheck = {path: healthCheck}
    else if (!isPlainObject(healthCheck)) service.healthCheck = {}
    service.cpu ??= cpuDefault ?? 256
    service.memory ??= fargateMemoryFor(Number(service.cpu))[0] ?? 512
    const autoscaling = service.autoscaling as Record<string, unknown> | undefined
    service.desiredCount ??= isPlainObject(autoscaling) && typeof autoscaling.min === 'number' ? Math.max(autoscaling.min, 1) : 1
    if (isPlainObject(service.build)) {
      const context = typeof service.build.context === 'string' ? service.build.context : '.'
      service.build.dockerfile ??= posix.join(context, 'Dockerfile')
    }
    if (isPlainObject(service.environment)) {
      for (const [key, value] of Object.entries(service.environment)) service.environment[key] = String(value)
    }
  }
}

function checkRequiredAfterMerge(env: ResolvedEnvironment, report: EnvironmentUnderCheck['report']): void {
  const services = isPlainObject(env.services) ? env.services : {}
  if (Object.keys(services).length === 0) {
    report(['services'], {
      target: 'key',
      message: 'no services: an environment needs at least one',
      hint: 'add one under `services:` (here or in `defaults`), e.g. `web: {port: 3000, image: public.ecr.aws/nginx/nginx:1.27}`',
    })
  }
  for (const [serviceName, service] of Object.entries(services)) {
    if (!isPlainObject(service)) continue
    const at = ['services', serviceName]
    if (service.port === undefined) {
      report(at, {target: 'key', message: `service "${serviceName}" has no port`, hint: 'add `port:` (the container port the ALB forwards to), here or in `defaults`'})
    }
    if (service.build === undefined && service.image === undefined) {
      report(at, {target: 'key', message: `service "${serviceName}" has neither build nor image`, hint: 'add `build: {context: ., dockerfile: Dockerfile}` or `image: <registry/repo:tag>`'})
    }
    if (service.build !== undefined && service.image !== undefined) {
      report([...at, 'image'], {target: 'key', message: `service "${serviceName}" has both build and image`, hint: 'keep one: `build` builds and pushes to ECR, `image` runs a prebuilt image'})
    }
    const autoscaling = service.autoscaling as unknown as Record<string, unknown> | undefined
    if (isPlainObject(autoscaling)) {
      for (const key of ['min', 'max']) {
        if (autoscaling[key] === undefined) report([...at, 'autoscaling'], {target: 'key', message: `autoscaling has no ${key}`, hint: `add \`${key}:\` (the ${key === 'min' ? 'fewest' : 'most'} tasks)`})
      }
    }
  }
}
