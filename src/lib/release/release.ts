import {createHash} from 'node:crypto'
import {takeOverInterrupts} from '../cli/interrupts.js'
import {userInfo} from 'node:os'
import {Writable} from 'node:stream'
import {stackOutputs} from '../aws/cloudformation.js'
import type {AwsClients} from '../aws/clients.js'
import type {ResolvedEnvironment} from '../config/types.js'
import {createDeployView, formatEventLine, formatWhatToOpen} from '../ui/deploy-progress.js'
import {type DeployCommandInput, deployEnvironment, DEFAULT_POLL_INTERVAL_MS, type DeployCommandResult, type DeployFlags, type DeployView, type Prompter} from '../deploy/run-environment.js'
import type {DeploySdkClients} from '../deploy/adapter.js'
import type {DeployEvent} from '../deploy/types.js'
import {listItems} from '../deploy/skip.js'
import {AbortedError, DeployFailedError, ExitCode, PlatformError} from '../errors.js'
import {builtServices, type ImageEvent, type ServiceImage} from '../images/build.js'
import type {BuilderName} from '../images/builder.js'
import {buildEnvironmentImages} from '../images/command.js'
import {checkTag, headCommit} from '../images/tag.js'
import {serviceOfPart, servicePart} from '../stacks/parts.js'
import type {StackDefinition} from '../stacks/types.js'
import {createEcrApi} from '../images/ecr.js'
import {createS3AssetsBucket, publishServiceAssets, type ServiceAssets} from './assets.js'
import {createEcsApi, type EcsApi} from './ecs.js'
import {createS3ReleaseStore, type ReleaseOutcome, type ReleaseRecord, type ReleaseStore, type ServiceRelease} from './history.js'
import {createReleaseRecorder, type ReleaseRecorder} from './recorder.js'
import {type FollowedService, followRollout, type RolloutDisplay, withLiveRollouts} from './live-rollout.js'
import {findFailedRollout, type RolloutEvent, type RolloutResult, type RolloutTarget, watchRollout} from './watch.js'

export {servicePart}

export interface ReleaseFlags extends DeployFlags {
  /** Deploy only what --image names; build nothing. */
  skipBuild?: boolean
  /** `--tag`: one immutable tag for every image built. */
  tag?: string
  builder?: BuilderName
  /** Rollout watch limit; past it, ECS rolls back and the release fails. */
  timeoutMs?: number
  /** Between ECS polls. */
  rolloutPollMs?: number
}

export interface ReleaseInput {
  env: ResolvedEnvironment
  stacks: StackDefinition[]
  /** Directory of platform.yaml (build contexts resolve against it). */
  configDir: string
  aws: AwsClients
  deployClients: DeploySdkClients
  flags: ReleaseFlags
  prompt?: Prompter
  streams?: {stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream}
  /** What the record says this release is. @default 'deploy' */
  description?: string
  /** service → image URI decided by the caller (rollback); nothing is built for these. */
  presetImages?: Record<string, string>
  /** Runs before each change set is executed (the database snapshot of `--snapshot`). */
  beforeExecute?: DeployCommandInput['beforeExecute']
  rollbackOf?: string
}

/** What `deploy` (and `rollback`) returns and prints under --json: the stacks' result, and the release's. */
export interface ReleaseResult extends DeployCommandResult {
  /** The recorded release; undefined when nothing changed (nothing is recorded then). */
  release?: ReleaseRecord
  images: ServiceImage[]
  /** Images built and pushed by this release. */
  pushes: number
  /** Services whose static assets this release published (those whose image changed). */
  assets: ServiceAssets[]
  rollouts: RolloutResult[]
}

/** sha256 of a value's JSON: the template and config hashes of the record. */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex')
}

/**
 * The engine's --json lines pass through, except its final `result`: its fields are part of the
 * release's result (one `{"type":"result"}` per run, as --json promises).
 */
function deployStdout(target: NodeJS.WritableStream): NodeJS.WritableStream {
  let pending = ''
  return new Writable({
    write(chunk, _encoding, done) {
      pending += chunk.toString()
      let i: number
      while ((i = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, i)
        pending = pending.slice(i + 1)
        if (!line.startsWith('{"type":"result"')) target.write(`${line}\n`)
      }
      done()
    },
  })
}

/** Where the history lives: the environment's bootstrap bucket. */
export async function releaseStore(aws: AwsClients, env: ResolvedEnvironment, stacks: StackDefinition[]): Promise<ReleaseStore | undefined> {
  const bootstrap = stacks.find((s) => s.part === 'bootstrap')
  if (!bootstrap) return undefined
  const bucket = (await stackOutputs(aws, bootstrap.region, bootstrap.name))?.outputs.ArtifactBucketName
  if (!bucket) return undefined
  return createS3ReleaseStore(await aws.s3(bootstrap.region), bucket)
}

/**
 * The ECS service a service stack runs: its ServiceName output and ClusterName parameter once
 * deployed; on a first create (no outputs yet) the name the template gives the service.
 */
async function locateService(input: ReleaseInput, def: StackDefinition): Promise<FollowedService | undefined> {
  const deployed = await stackOutputs(input.aws, def.region, def.name)
  const named = def.template.Resources.Service?.Properties?.ServiceName
  const ecsService = deployed?.outputs.ServiceName ?? (typeof named === 'string' ? named : undefined)
  const cluster = deployed?.parameters.ClusterName
  return cluster && ecsService ? {cluster, ecsService} : undefined
}

async function whoAmI(aws: AwsClients): Promise<ReleaseRecord['who']> {
  const {GetCallerIdentityCommand} = await import('@aws-sdk/client-sts')
  let awsCaller: string | undefined
  try {
    awsCaller = (await (await aws.sts()).send(new GetCallerIdentityCommand({}))).Arn
  } catch {
    // The deploy already proved the credentials; a missing ARN only leaves the field empty.
  }
  let localUser: string | undefined
  try {
    localUser = userInfo().username
  } catch {
    localUser = process.env.USER
  }
  return {awsCaller, localUser}
}

function formatImageEvent(event: ImageEvent): string {
  const digest = event.digest ? ` ${event.digest.slice(0, 19)}` : ''
  const took = event.elapsedMs !== undefined ? ` in ${(event.elapsedMs / 1000).toFixed(1)}s` : ''
  const what = {existing: 'already in the registry, not rebuilt', building: 'building', pushing: 'pushing', pushed: 'pushed'}[event.phase]
  return `image ${event.service}:${event.tag} ${what}${digest}${took}`
}

/**
 * One release: build and push what changed (skipping tags ECR already holds), deploy every stack
 * through change sets with the new image digests, watch each changed service's ECS rollout to its
 * end, and record the release in the bootstrap bucket. Exit 5 when any rollout failed; the record
 * then says so.
 */
export async function runRelease(input: ReleaseInput): Promise<ReleaseResult> {
  const {env, flags} = input
  const streams = input.streams ?? {stdout: process.stdout, stderr: process.stderr}
  const started = Date.now()
  const since = new Date(started - 5_000)
  const controller = new AbortController()
  const releaseInterrupts = takeOverInterrupts(() => controller.abort())
  // The record exists from the release's first change: teammates and CI see it running (see recorder.ts).
  const recorder = createReleaseRecorder({
    store: () => releaseStore(input.aws, env, input.stacks),
    initial: async () => ({...(await releaseFacts(input, started)), services: {}, stackParameters: {}, outcome: 'in-progress'}),
    warn: (message) => streams.stderr.write(`warning: ${message}\n`),
  })
  const startRecord = async () => {
    try {
      await recorder.start()
    } catch (error) {
      streams.stderr.write(`warning: the release could not be recorded yet: ${(error as Error).message}\n`)
    }
  }
  const emitImage = (event: ImageEvent) => {
    // A build is the first step towards a push: the record is written while the image builds.
    if (event.phase === 'building') void startRecord()
    return flags.json ? streams.stdout.write(`${JSON.stringify(event)}\n`) : streams.stderr.write(`${formatImageEvent(event)}\n`)
  }
  const emitRollout = (event: RolloutEvent) => (flags.json ? streams.stdout.write(`${JSON.stringify(event)}\n`) : streams.stderr.write(`${formatEventLine(event)}\n`))
  const deployFlags: DeployFlags = {...flags}
  const ecsByRegion = new Map<string, Promise<EcsApi>>()
  const ecsFor = (region: string) => {
    if (!ecsByRegion.has(region)) ecsByRegion.set(region, input.aws.ecs(region).then(createEcsApi))
    return ecsByRegion.get(region)!
  }
  /** Whether a change set was about to execute: from then on, a failure is a failed release. */
  let changing = false
  /** The services whose image this release sets, once decided. */
  const releasing = new Set<string>()
  // While a service stack executes, CloudFormation waits for its ECS rollout: shown as it goes.
  const followWhileExecuting = (stackName: string, view: RolloutDisplay) => {
    const def = input.stacks.find((s) => s.name === stackName)
    const service = def && serviceOfPart(def.part)
    if (!def || !service) return undefined
    return followRollout({
      ecs: () => ecsFor(def.region),
      service,
      stack: def.name,
      locate: () => locateService(input, def),
      onDeployment: (serviceDeploymentArn) => releasing.has(service) && recorder.updateService(service, {serviceDeploymentArn}),
      since,
      pollIntervalMs: flags.rolloutPollMs ?? flags.pollInterval ?? DEFAULT_POLL_INTERVAL_MS,
      ...view,
    })
  }
  // The in-progress record follows the services of this release as their stacks run; ECS is loaded before one executes.
  const observeDeploy = (event: DeployEvent) => {
    if (event.type === 'plan') {
      for (const plan of event.stacks) {
        const service = serviceOfPart(plan.part)
        if (!service) continue
        if (releasing.has(service) && plan.action === 'skip') recorder.updateService(service, {outcome: 'unchanged'})
        // ECS's client is loaded before the stack executes, so its rollout is followed from the first seconds.
        if (!['skip', 'read-only', 'deferred'].includes(plan.action)) ecsFor(plan.region).catch(() => undefined)
      }
    }
    if (event.type !== 'stack' || event.phase !== 'complete') return
    const def = input.stacks.find((s) => s.name === event.stack)
    const service = def && serviceOfPart(def.part)
    if (!def || !service || !releasing.has(service)) return
    // The revision the stack now runs (the new one, or the pinned one of a rollback).
    void stackOutputs(input.aws, def.region, def.name)
      .then((deployed) => deployed?.outputs.TaskDefinitionArn && recorder.updateService(service, {taskDefinitionArn: deployed.outputs.TaskDefinitionArn}))
      .catch(() => undefined)
  }
  const deploy = (extra: Partial<DeployFlags>) =>
    deployEnvironment({
      env,
      stacks: input.stacks,
      aws: input.deployClients,
      flags: {...deployFlags, ...extra},
      prompt: input.prompt,
      streams: {stdout: deployStdout(streams.stdout), stderr: streams.stderr},
      beforeExecute: async (stack) => {
        changing = true
        await startRecord()
        await input.beforeExecute?.(stack)
      },
      // What to open is said once, after the rollouts: last.
      createView: () => {
        const view = createDeployView({json: flags.json, streams: {stdout: deployStdout(streams.stdout), stderr: streams.stderr}, whatToOpen: false})
        const recorded: DeployView = {
          ...view,
          emit: (event) => {
            observeDeploy(event)
            view.emit(event)
          },
        }
        return withLiveRollouts(recorded, followWhileExecuting)
      },
    })
  try {
    if (flags.tag !== undefined) checkTag(flags.tag)
    for (const [service, uri] of Object.entries(parseImageFlags(flags.image))) checkPinned(service, uri)
    // 1. Images: what --image or the caller fixed, then build what is not in ECR yet.
    const fixed = {...parseImageFlags(flags.image), ...input.presetImages}
    let images: ServiceImage[] = []
    const toBuild = flags.skipBuild || input.presetImages ? [] : builtServices(env).filter((s) => !fixed[s])
    if (toBuild.length > 0) {
      const built = await buildEnvironmentImages({
        env,
        configDir: input.configDir,
        aws: input.aws,
        services: toBuild,
        tag: flags.tag,
        builder: flags.builder,
        emit: emitImage,
        signal: controller.signal,
        createRepositories: async (missing) => {
          // First release: the repositories (and the bootstrap bucket the history goes to) come first.
          streams.stderr.write(`Creating the image repositories first (${missing.join(', ')}).\n`)
          await deploy({stack: ['bootstrap', 'registry'], image: []})
        },
      })
      images = built.images
    }
    if (controller.signal.aborted) throw new AbortedError('Interrupted before anything was deployed.')
    const uris: Record<string, string> = {...fixed}
    for (const image of images) uris[image.service] = image.uri!
    for (const [service, uri] of Object.entries(uris)) {
      releasing.add(service)
      recorder.updateService(service, {...imageFacts(uri, images.find((i) => i.service === service)), outcome: 'in-progress'})
    }
    const pushes = images.filter((i) => i.action === 'built').length

    // 2. Static assets of every service whose image changes, in the bucket before any task serves pages that use them.
    const assets = await publishAssets(input, uris, deploy, streams, controller.signal)
    if (controller.signal.aborted) throw new AbortedError('Interrupted before anything was deployed.')

    // 3. Stacks, through change sets; a service's new image is its stack's ImageUri parameter.
    let deployResult: DeployCommandResult
    try {
      deployResult = await deploy({image: Object.entries(uris).map(([service, uri]) => `${service}=${uri}`)})
    } catch (error) {
      const deployFailed = (error as {exitCode?: number}).exitCode === ExitCode.deployFailed
      // CloudFormation fails a service whose ECS deployment was rolled back: say why ECS did.
      const rollouts = deployFailed ? await explainFailedRollouts(input, Object.keys(uris), ecsFor, since) : []
      const reason = [...rollouts.map((r) => `${r.service}: ${r.reason}`), (error as Error).message].join('\n')
      let release: ReleaseRecord | undefined
      // A deploy refused before any change (the lock, the guard, a preflight) is no release: nothing is recorded.
      if (pushes > 0 || changing) {
        release = await tryRecord(input, recorder, {started, images, uris, assets, rollouts, outcome: controller.signal.aborted ? 'interrupted' : 'failed', reason, streams})
      }
      if (rollouts.length === 0) throw error
      throw new DeployFailedError(`Release ${release?.id ?? ''} of ${env.name} failed:\n${reason}`, (error as DeployFailedError).failures ?? [], {
        code: 'ROLLOUT_FAILED',
        suggestions: [`See the history: platform releases ${env.name}`, `Put the previous release back: platform rollback ${env.name}`],
      })
    }

    // 4. Watch every service whose stack changed.
    const changed = deployResult.stacks.flatMap((stack) => {
      const service = serviceOfPart(stack.part)
      return service && (stack.outcome === 'created' || stack.outcome === 'updated') ? [{stack, service}] : []
    })
    const rollouts = await Promise.all(
      changed.map(async ({stack, service}) => {
        const deployed = await stackOutputs(input.aws, stack.region, stack.stack)
        const target: RolloutTarget = {
          service,
          cluster: deployed?.parameters.ClusterName ?? '',
          ecsService: deployed?.outputs.ServiceName ?? '',
          taskDefinitionArn: deployed?.outputs.TaskDefinitionArn ?? '',
        }
        recorder.updateService(service, {taskDefinitionArn: target.taskDefinitionArn || undefined})
        const rollout = await watchRollout(target, {
          ecs: await ecsFor(stack.region),
          since,
          timeoutMs: flags.timeoutMs,
          pollIntervalMs: flags.rolloutPollMs,
          emit: emitRollout,
          signal: controller.signal,
        })
        recorder.updateService(service, {serviceDeploymentArn: rollout.serviceDeploymentArn, outcome: serviceOutcome(rollout), reason: rollout.reason})
        return rollout
      }),
    )
    const failed = rollouts.filter((r) => r.outcome !== 'succeeded')
    const interrupted = controller.signal.aborted || rollouts.some((r) => r.outcome === 'interrupted')
    const outcome: ReleaseOutcome = interrupted ? 'interrupted' : failed.length > 0 ? 'failed' : 'succeeded'
    const anythingChanged = pushes > 0 || deployResult.stacks.some((s) => s.outcome === 'created' || s.outcome === 'updated')
    const reason = failed.map((r) => `${r.service}: ${r.reason}`).join('\n') || undefined
    const release = anythingChanged || input.rollbackOf ? await tryRecord(input, recorder, {started, images, uris, assets, rollouts, outcome, reason, streams}) : undefined
    const result: ReleaseResult = {...deployResult, release, images, pushes, assets, rollouts, elapsedMs: Date.now() - started}
    if (interrupted) {
      const running = rollouts.filter((r) => r.outcome === 'interrupted').map((r) => r.service)
      throw new AbortedError(
        `Interrupted${release ? `; ${release.id} is recorded as interrupted` : ''}. ${running.length > 0 ? `ECS is still rolling out ${running.join(', ')}: it finishes or rolls back on its own.` : ''}`,
        [`Watch: platform releases ${env.name}, or aws ecs list-service-deployments --cluster <cluster> --service <service>`, `Roll back: platform rollback ${env.name}`],
      )
    }
    if (failed.length > 0) {
      throw new DeployFailedError(`Release ${release?.id ?? ''} of ${env.name} failed:\n${reason}`, [], {
        code: 'ROLLOUT_FAILED',
        suggestions: [`See the history: platform releases ${env.name}`, `Put the previous release back: platform rollback ${env.name}`],
      })
    }
    if (flags.json) streams.stdout.write(`${JSON.stringify({type: 'result', ...result})}\n`)
    else streams.stderr.write(`${[describeRelease(result), formatWhatToOpen(result.open)].filter(Boolean).join('\n')}\n`)
    return result
  } catch (error) {
    // A failure the steps above did not record (a build, the assets, an error of ours): an in-progress record never stays so.
    if (recorder.id !== undefined && !recorder.finished) {
      const outcome: ReleaseOutcome = controller.signal.aborted || error instanceof AbortedError ? 'interrupted' : 'failed'
      await recorder
        .finish({...(await releaseFacts(input, started)), services: {}, stackParameters: {}, endedAt: new Date().toISOString(), outcome, reason: (error as Error).message})
        .catch((recordError: Error) => streams.stderr.write(`warning: the release could not be recorded: ${recordError.message}\n`))
    }
    throw error
  } finally {
    releaseInterrupts()
  }
}

/**
 * Publish the static assets of each service with `assets` whose image this release changes (an
 * unchanged image's files are already in the bucket): copied out of the pushed image, uploaded to
 * the storage stack's assets bucket. On a first release the storage stack is deployed first.
 */
async function publishAssets(
  input: ReleaseInput,
  uris: Record<string, string>,
  deploy: (extra: Partial<DeployFlags>) => Promise<DeployCommandResult>,
  streams: {stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream},
  signal: AbortSignal,
): Promise<ServiceAssets[]> {
  const {env} = input
  const changed: string[] = []
  for (const service of Object.keys(uris).sort()) {
    if (!env.services[service]?.assets.length) continue
    const def = input.stacks.find((s) => s.part === servicePart(service))
    const deployed = def ? await stackOutputs(input.aws, def.region, def.name) : undefined
    if (deployed?.parameters.ImageUri !== uris[service]) changed.push(service)
  }
  if (changed.length === 0) return []
  const storage = input.stacks.find((s) => s.part === 'storage')
  if (!storage) return []
  let bucketName = (await stackOutputs(input.aws, storage.region, storage.name))?.outputs.AssetsBucketName
  if (!bucketName) {
    streams.stderr.write('Creating the assets bucket first (the storage stack).\n')
    await deploy({stack: ['storage'], image: []})
    bucketName = (await stackOutputs(input.aws, storage.region, storage.name))?.outputs.AssetsBucketName
    if (!bucketName) throw new PlatformError(`The storage stack ${storage.name} has no AssetsBucketName output.`, {code: 'NO_ASSETS_BUCKET', exit: 5})
  }
  const bucket = createS3AssetsBucket(await input.aws.s3(storage.region), bucketName)
  const login = await createEcrApi(await input.aws.ecr()).login()
  const published: ServiceAssets[] = []
  for (const service of changed) {
    const done = await publishServiceAssets({env, service, uri: uris[service], login, bucket, signal})
    if (input.flags.json) streams.stdout.write(`${JSON.stringify({type: 'assets', ...done})}\n`)
    else streams.stderr.write(`assets ${service}: ${done.files} file(s) in s3://${bucketName}, ${done.uploaded} uploaded\n`)
    published.push(done)
  }
  return published
}

function describeRelease(result: ReleaseResult): string {
  const seconds = (result.elapsedMs / 1000).toFixed(1)
  if (!result.release) return `Nothing to release in ${result.environment}: every image is already deployed and no stack changed (${seconds}s).`
  const rolled = result.rollouts.map((r) => `${r.service} ${r.outcome}`).join(', ')
  return `Released ${result.environment} ${result.release.id}: ${result.pushes} image(s) pushed, ${result.changeSetsCreated} change set(s)${rolled ? `, rollout: ${rolled}` : ''} in ${seconds}s.`
}

/** The failed ECS deployments behind a failed stack deploy, per service whose image this release set. */
async function explainFailedRollouts(input: ReleaseInput, services: string[], ecsFor: (region: string) => Promise<EcsApi>, since: Date): Promise<RolloutResult[]> {
  const found = await Promise.all(
    services.map(async (service) => {
      const def = input.stacks.find((s) => s.part === servicePart(service))
      const deployed = def ? await stackOutputs(input.aws, def.region, def.name).catch(() => undefined) : undefined
      if (!def || !deployed?.outputs.ServiceName) return undefined
      return findFailedRollout({service, cluster: deployed.parameters.ClusterName, ecsService: deployed.outputs.ServiceName}, await ecsFor(def.region), since).catch(() => undefined)
    }),
  )
  return found.filter((r): r is RolloutResult => r !== undefined)
}

/**
 * A released image must name one build: a digest, or a tag other than `latest` (ECR's IMMUTABLE
 * repositories keep a tag on one image; a missing tag means `latest`).
 */
function checkPinned(service: string, uri: string): void {
  if (uri.includes('@sha256:')) return
  const name = uri.slice(uri.lastIndexOf('/') + 1)
  const tag = name.includes(':') ? name.slice(name.indexOf(':') + 1) : 'latest'
  try {
    checkTag(tag)
  } catch (error) {
    throw new PlatformError(`--image ${service}=${uri}: ${(error as Error).message}`, {code: (error as PlatformError).code, exit: 2, suggestions: ['Pin the image by digest: REPOSITORY@sha256:...']})
  }
}

/** `--image web=URI` flags as a map (the engine validates them again with the service names). */
function parseImageFlags(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const value of values ?? []) {
    const i = value.indexOf('=')
    if (i > 0) out[value.slice(0, i)] = value.slice(i + 1)
  }
  return out
}

/**
 * The parameters a rollback replays. Service stack parameters name resources (ARNs, ids, endpoints),
 * never secrets; one a template marks NoEcho is left out all the same (CloudFormation shows it masked).
 */
function recordableParameters(def: StackDefinition, parameters: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of Object.keys(parameters).sort()) if (!def.template.Parameters?.[name]?.NoEcho) out[name] = parameterValue(def, name, parameters[name])
  return out
}

/** A deployed parameter's value as it is submitted: a list parameter's items comma-joined. */
export function parameterValue(def: StackDefinition, name: string, value: string): string {
  return /^List<|^CommaDelimitedList$/.test(def.template.Parameters?.[name]?.Type ?? '') ? listItems(value).join(',') : value
}

/** What a record says of a service's image: the URI, its digest, and whether this release built it. */
function imageFacts(uri: string, image: ServiceImage | undefined): Pick<ServiceRelease, 'image' | 'digest' | 'imageAction'> {
  return {image: uri, digest: /@(sha256:[0-9a-f]{64})$/.exec(uri)?.[1], imageAction: image ? (image.action === 'built' ? 'built' : 'existing') : 'kept'}
}

/** A service's outcome in the record, from its rollout's. */
function serviceOutcome(rollout: RolloutResult): ServiceRelease['outcome'] {
  return rollout.outcome === 'succeeded' ? 'succeeded' : rollout.outcome === 'interrupted' ? 'interrupted' : 'failed'
}

/** What a record says of the release whatever its outcome: what, who, which commit, which templates and config. */
async function releaseFacts(input: ReleaseInput, started: number) {
  return {
    environment: input.env.name,
    description: input.description ?? 'deploy',
    startedAt: new Date(started).toISOString(),
    who: await whoAmI(input.aws),
    git: await headCommit(input.configDir),
    templateHash: hashOf(input.stacks.map((s) => [s.name, s.template])),
    configHash: hashOf(input.env),
    rollbackOf: input.rollbackOf,
  }
}

async function tryRecord(
  input: ReleaseInput,
  recorder: ReleaseRecorder,
  facts: {started: number; images: ServiceImage[]; uris: Record<string, string>; assets: ServiceAssets[]; rollouts: RolloutResult[]; outcome: ReleaseOutcome; reason?: string; streams: {stderr: NodeJS.WritableStream}},
): Promise<ReleaseRecord | undefined> {
  const {env} = input
  try {
    const store = await releaseStore(input.aws, env, input.stacks)
    if (!store) {
      facts.streams.stderr.write('warning: the release is not recorded: the bootstrap stack (its bucket holds the history) is not deployed.\n')
      return undefined
    }
    const services: Record<string, ServiceRelease> = {}
    const stackParameters: Record<string, Record<string, string>> = {}
    await Promise.all(
      Object.keys(env.services)
        .sort()
        .map(async (service) => {
          const def = input.stacks.find((s) => s.part === servicePart(service))
          const deployed = def ? await stackOutputs(input.aws, def.region, def.name) : undefined
          if (deployed) stackParameters[def!.name] = recordableParameters(def!, deployed.parameters)
          const rollout = facts.rollouts.find((r) => r.service === service)
          const uri = deployed?.parameters.ImageUri ?? facts.uris[service] ?? ''
          services[service] = {
            ...imageFacts(uri, facts.images.find((i) => i.service === service)),
            taskDefinitionArn: deployed?.outputs.TaskDefinitionArn,
            serviceDeploymentArn: rollout?.serviceDeploymentArn,
            outcome: rollout ? serviceOutcome(rollout) : facts.outcome === 'succeeded' ? 'unchanged' : facts.outcome,
            reason: rollout?.reason,
            assets: facts.assets.find((a) => a.service === service)?.files,
          }
        }),
    )
    const sortedParameters: Record<string, Record<string, string>> = {}
    for (const name of Object.keys(stackParameters).sort()) sortedParameters[name] = stackParameters[name]
    return await recorder.finish({
      ...(await releaseFacts(input, facts.started)),
      endedAt: new Date().toISOString(),
      services,
      stackParameters: sortedParameters,
      outcome: facts.outcome,
      reason: facts.reason,
    })
  } catch (error) {
    if (error instanceof PlatformError && error.code === 'RELEASE_ID_CONFLICT') throw error
    facts.streams.stderr.write(`warning: the release could not be recorded: ${(error as Error).message}\n`)
    return undefined
  }
}
