import {existsSync} from 'node:fs'
import {isAbsolute, join} from 'node:path'
import type {ResolvedEnvironment} from '../config/types.js'
import {PlatformError} from '../errors.js'
import {repositoryName} from '../../templates/registry.js'
import type {Builder, RegistryLogin} from './builder.js'
import type {EcrApi} from './ecr.js'
import {checkTag, sourceTag} from './tag.js'

/** Builds (and pushes) run at once: each is CPU- and disk-bound, and CI runners have 2 to 4 cores. */
export const BUILD_CONCURRENCY = 3

/** One service's image, as the release pins it. */
export interface ServiceImage {
  service: string
  repository: string
  tag: string
  /** `sha256:...` as the registry stored it. */
  digest?: string
  /** `host/repository@sha256:...`: what the service stack's ImageUri receives. */
  uri?: string
  /** `built`: built and pushed now; `existing`: the tag was already in the repository. */
  action: 'built' | 'existing' | 'pending'
  commit?: string
  dirty: boolean
  /** Build and push took this long (0 when existing). */
  elapsedMs: number
}

export interface ImagePlan {
  images: ServiceImage[]
  /** Repositories that do not exist yet (the registry stack is not deployed). */
  missingRepositories: string[]
}

export type ImageEvent =
  | {type: 'image'; service: string; phase: 'existing' | 'building' | 'pushing' | 'pushed'; tag: string; digest?: string; elapsedMs?: number}

/** Services that platform builds, in name order; `only` narrows them (unknown names are a usage error). */
export function builtServices(env: ResolvedEnvironment, only?: string[]): string[] {
  const built = Object.keys(env.services)
    .filter((name) => env.services[name].build)
    .sort()
  if (!only || only.length === 0) return built
  for (const name of only) {
    if (!env.services[name]) throw new PlatformError(`No service "${name}" in ${env.name}.`, {code: 'BAD_ARG', exit: 2, suggestions: [`Services: ${Object.keys(env.services).sort().join(', ')}.`]})
    if (!env.services[name].build) throw new PlatformError(`Service "${name}" has a prebuilt image and no build.`, {code: 'BAD_ARG', exit: 2})
  }
  return built.filter((name) => only.includes(name))
}

function resolvePath(base: string, path: string): string {
  return isAbsolute(path) ? path : join(base, path)
}

/**
 * Decide each image without building anything: its immutable tag (`--tag`, else from git), and
 * whether ECR already holds that tag (DescribeImages), as the CDK's asset publisher does.
 */
export async function planImages(input: {env: ResolvedEnvironment; configDir: string; services: string[]; tag?: string; ecr: EcrApi}): Promise<ImagePlan> {
  const fixedTag = input.tag === undefined ? undefined : checkTag(input.tag)
  const images = await Promise.all(
    input.services.map(async (service): Promise<ServiceImage & {missingRepository?: boolean}> => {
      const build = input.env.services[service].build!
      for (const [field, path] of [['context', build.context], ['dockerfile', build.dockerfile]] as const) {
        if (!existsSync(resolvePath(input.configDir, path))) {
          throw new PlatformError(`services.${service}.build.${field}: ${path} does not exist (relative to platform.yaml).`, {
            code: 'BUILD_INPUT_MISSING',
            exit: 3,
            suggestions: ['Point `build` at your service\'s Containerfile, or deploy the stacks alone first: platform deploy ENV --infra-only'],
          })
        }
      }
      const source = await sourceTag(resolvePath(input.configDir, build.context), [resolvePath(input.configDir, build.dockerfile)])
      const tag = fixedTag ?? source.tag
      const repository = repositoryName(input.env, service)
      const found = await input.ecr.findImage(repository, tag)
      const base = {service, repository, tag, commit: source.commit, dirty: source.dirty, elapsedMs: 0}
      if (found === 'no-repository') return {...base, action: 'pending', missingRepository: true}
      if (found) return {...base, action: 'existing', digest: found.digest}
      return {...base, action: 'pending'}
    }),
  )
  return {
    images: images.map(({missingRepository: _, ...image}) => image),
    missingRepositories: images.filter((i) => i.missingRepository).map((i) => i.repository),
  }
}

/** Run `work` over `items`, at most `limit` at once; the first failure is thrown after the running ones end. */
export async function boundedAll<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  let failure: unknown
  const worker = async () => {
    while (next < items.length && failure === undefined) {
      const i = next++
      try {
        results[i] = await work(items[i])
      } catch (error) {
        failure ??= error
      }
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker))
  if (failure !== undefined) throw failure
  return results
}

/** Show the end of a long build log in the error; the whole log is in `output`. */
function failedStep(step: string, service: string, output: string): PlatformError {
  return new PlatformError(`${step} of ${service} failed:\n${output.trimEnd()}`, {code: step === 'Build' ? 'BUILD_FAILED' : 'PUSH_FAILED', exit: 5})
}

/**
 * Build and push the images the plan marks `pending`, in parallel (bounded); existing ones are
 * only pinned. Build output stays folded unless a build fails; then all of it is in the error.
 */
export async function pushImages(input: {
  plan: ImagePlan
  env: ResolvedEnvironment
  configDir: string
  builder: () => Promise<Builder>
  login: () => Promise<RegistryLogin>
  /** PLATFORM_REGISTRY or the local AWS's registry: push there instead of ECR's host. */
  registryHost?: string
  emit?: (event: ImageEvent) => void
  signal?: AbortSignal
  now?: () => number
}): Promise<ServiceImage[]> {
  const now = input.now ?? Date.now
  const emit = input.emit ?? (() => undefined)
  if (input.plan.missingRepositories.length > 0) {
    throw new PlatformError(`The image repositories ${input.plan.missingRepositories.join(', ')} do not exist yet.`, {
      code: 'NO_REPOSITORY',
      exit: 5,
      suggestions: [`Deploy the registry stack first: platform deploy ${input.env.name} --stack registry`],
    })
  }
  let login: Promise<RegistryLogin> | undefined
  const credentials = async () => {
    login ??= input.login()
    const l = await login
    return {...l, host: input.registryHost ?? l.host}
  }
  const pending = input.plan.images.filter((image) => image.action === 'pending')
  const builder = pending.length > 0 ? await input.builder() : undefined
  const host = input.plan.images.length > 0 ? (await credentials()).host : ''
  const built = await boundedAll(pending, BUILD_CONCURRENCY, async (image): Promise<ServiceImage> => {
    const started = now()
    const build = input.env.services[image.service].build!
    const ref = `${host}/${image.repository}:${image.tag}`
    emit({type: 'image', service: image.service, phase: 'building', tag: image.tag})
    const built = await builder!.build({contextDir: resolvePath(input.configDir, build.context), dockerfile: resolvePath(input.configDir, build.dockerfile), ref, args: build.args ?? {}}, input.signal)
    if (built.code !== 0) throw failedStep('Build', image.service, built.output)
    emit({type: 'image', service: image.service, phase: 'pushing', tag: image.tag})
    const pushed = await builder!.push(ref, await credentials(), input.signal)
    if (pushed.code !== 0) throw failedStep('Push', image.service, pushed.output)
    if (!pushed.digest) throw failedStep('Push', image.service, `${pushed.output}\n(no digest reported by ${builder!.name})`)
    const elapsedMs = now() - started
    emit({type: 'image', service: image.service, phase: 'pushed', tag: image.tag, digest: pushed.digest, elapsedMs})
    return {...image, action: 'built', digest: pushed.digest, elapsedMs}
  })
  const byService = new Map(built.map((image) => [image.service, image]))
  return input.plan.images.map((image) => {
    const done = byService.get(image.service) ?? image
    if (done.action === 'existing') emit({type: 'image', service: image.service, phase: 'existing', tag: image.tag, digest: image.digest})
    return {...done, uri: `${host}/${done.repository}@${done.digest}`}
  })
}
