import type {ResolvedEnvironment} from '../config/types.js'
import {takeOverInterrupts} from '../cli/interrupts.js'
import {AbortedError, DeployFailedError, PlatformError} from '../errors.js'
import type {DeployedStack} from '../aws/cloudformation.js'
import {isServicePart} from '../stacks/parts.js'
import type {StackDefinition} from '../stacks/types.js'
import {createDeployAws, type DeploySdkClients} from './adapter.js'
import {createNameServerResolver, type DelegationCheck, ensureDelegation, type NameServerResolver} from './delegation.js'
import {type DeployEngineOptions, type DeployResult, runDeploy} from './engine.js'
import {selectStacks} from './planner.js'
import {describeHolder, LEASE_KEY, leaseHolder} from './lease.js'
import {acquireEnvironmentLock, defaultLockDir, type EnvironmentLock} from './lock.js'
import type {OrphanedStack} from './orphans.js'
import {inDeployOrder, type PlanSummary, summarizePlans} from './plan-summary.js'
import {runPreflight} from './preflight.js'
import {sharedStackReads} from './stack-reads.js'
import type {DeployAws, DeployEvent, StackPlan} from './types.js'
import {readWhatToOpen, type WhatToOpen} from './what-to-open.js'

/** Between CloudFormation polls: what the AWS console and CDK use; a local AWS answers faster and its env sets PLATFORM_POLL_INTERVAL. */
export const DEFAULT_POLL_INTERVAL_MS = 2000

/** Flags shared by `deploy` and `diff`, already parsed. */
export interface DeployFlags {
  json: boolean
  yes?: boolean
  force?: boolean
  infraOnly?: boolean
  stack?: string[]
  allowReplace?: string[]
  image?: string[]
  skipResources?: string[]
  concurrency?: number
  /** ms between polls (`--poll-interval`, else PLATFORM_POLL_INTERVAL). @default DEFAULT_POLL_INTERVAL_MS */
  pollInterval?: number
  /** Deploy the stacks with certificates without checking that a new hosted zone is delegated. */
  skipDelegationCheck?: boolean
}

export interface Prompter {
  canPrompt(): boolean
  confirm(message: string): Promise<boolean>
}

/**
 * How a deploy is shown to the user: lib/ui implements it and the command passes it in, so this
 * service never imports the UI.
 */
export interface DeployView {
  /** Each engine event as it happens. */
  emit(event: DeployEvent): void
  /** Show the change review, then `ask` (the prompt); the time spent there is no deploy time. */
  confirm(plans: StackPlan[], ask: () => Promise<boolean>): Promise<boolean>
  /** The run is over (done or failed): settle what is shown and stop rendering. */
  stop(): Promise<void>
  /** The last words of a deploy that succeeded (text modes). */
  outcome(result: DeployCommandResult): void
  /** Milliseconds spent at the review prompt so far. */
  timeAtPrompt(): number
}

export interface DeployCommandInput {
  env: ResolvedEnvironment
  stacks: StackDefinition[]
  /** SDK clients from the factory (or a ready DeployAws, in tests). */
  aws: DeploySdkClients | DeployAws
  flags: DeployFlags
  prompt?: Prompter
  streams?: {stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream}
  /** Runs before each change set is executed (the database snapshot of `--snapshot`). */
  beforeExecute?: DeployEngineOptions['beforeExecute']
  /** Answers the delegation check's NS queries. @default the clients' dnsServer (PLATFORM_DNS_SERVER, the local AWS's), else the system's resolvers */
  resolver?: NameServerResolver
}

export interface DeployEnvironmentInput extends DeployCommandInput {
  /** A view per engine run (a first deploy with a new zone runs two) and for the preflight. */
  createView: () => DeployView
  /** The command that deploys what --infra-only deferred, as the user runs it (same target). @default `platform deploy ENV` */
  releaseCommand?: string
}

export interface DiffEnvironmentInput extends DeployCommandInput {
  /** Warnings and retries while planning: never silent, also under --json. */
  notice: (event: Extract<DeployEvent, {type: 'warning' | 'retry'}>) => void
}

/** `--image web=URI` → {web: URI}; unknown services are a usage error. */
export function parseImages(values: string[] | undefined, services: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const value of values ?? []) {
    const i = value.indexOf('=')
    const service = value.slice(0, i)
    if (i <= 0 || i === value.length - 1) throw new PlatformError(`--image ${value}: expected SERVICE=IMAGE_URI.`, {code: 'BAD_FLAG', exit: 2})
    if (!services.includes(service)) throw new PlatformError(`--image ${value}: no service "${service}".`, {code: 'BAD_FLAG', exit: 2, suggestions: [`Services: ${services.join(', ')}.`]})
    out[service] = value.slice(i + 1)
  }
  return out
}

function toDeployAws(aws: DeploySdkClients | DeployAws, interrupt: AbortSignal): DeployAws {
  return 'callerAccount' in aws ? aws : createDeployAws(aws, {interrupt})
}

/** What `deploy --json` prints last, and `run()` returns. */
export interface DeployCommandResult extends Omit<DeployResult, 'deployedStacks'> {
  summary: PlanSummary
  /** Where the site is, the load balancer, what was deferred and what is left to do. */
  open: WhatToOpen
  /** Of `elapsedMs`, the time spent at the review prompt. */
  promptMs: number
}

/**
 * `platform deploy ENV`: the local lock, Ctrl-C handling, progress rendering and the review
 * prompt around the engine. With --json, stdout carries one JSON object per line: the engine's
 * events, then `{"type":"result"}` (or `{"type":"error"}`).
 */
export async function deployEnvironment(input: DeployEnvironmentInput): Promise<DeployCommandResult> {
  const {env, flags} = input
  const views: DeployView[] = []
  const newView = () => {
    const view = input.createView()
    views.push(view)
    return view
  }
  const streams = input.streams ?? {stdout: process.stdout, stderr: process.stderr}
  // Ctrl-C is handled from here on, before the lock is taken: the first stops the deploy cleanly
  // (and releases the lock), the second exits at once.
  const controller = new AbortController()
  const aws = toDeployAws(input.aws, controller.signal)
  const images = parseImages(flags.image, Object.keys(env.services))
  // Each stack is read once before anything changes: by the lease, the delegation check, the engine.
  const reads = sharedStackReads(aws)
  let lock: EnvironmentLock | undefined
  let interrupts = 0
  const onSigint = () => {
    interrupts++
    if (interrupts > 1) {
      // The lease cannot be released synchronously; it expires (or this machine's next run takes it over).
      lock?.releaseLocal()
      process.exit(130)
    }
    streams.stderr.write('\nStopping: no new stacks start; an update in progress is cancelled (rolled back), a create is left to finish. Ctrl-C again to exit now.\n')
    controller.abort()
  }
  const releaseInterrupts = takeOverInterrupts(onSigint)
  // A warning outside an engine run (the lock's), on its own short-lived progress display.
  const warn = (message: string) => {
    const view = newView()
    view.emit({type: 'warning', message})
    void view.stop()
  }
  let leaseLost: string | undefined
  try {
    // Errors are printed by the command's base class (under --json as the last line, {"type":"error"}).
    lock = await acquireEnvironmentLock({
      dir: defaultLockDir(),
      project: env.project,
      env: env.name,
      command: `deploy ${env.name}`,
      aws,
      stacks: input.stacks,
      reads,
      warn,
      onLost: (message) => {
        // Another run now owns the environment: stop as after Ctrl-C, and say why.
        leaseLost = message
        warn(message)
        controller.abort()
      },
    })
  } catch (error) {
    releaseInterrupts()
    throw error
  }
  const canPrompt = input.prompt?.canPrompt() ?? false
  // Set when the delegation path ran the preflight for every selected stack before the zone.
  let preflightDone = false
  // One engine run, with its own progress display (a first deploy with a new zone runs two).
  const engine = async (select: string[] | undefined): Promise<DeployResult> => {
    const view = newView()
    try {
      return await runDeploy({
        env,
        stacks: input.stacks,
        aws,
        emit: (event) => view.emit(event.type === 'plan' ? {...event, stacks: inDeployOrder(event.stacks, input.stacks)} : event),
        mode: 'deploy',
        select,
        images,
        infraOnly: flags.infraOnly,
        force: flags.force,
        allowReplace: flags.allowReplace,
        skipResources: flags.skipResources,
        concurrency: flags.concurrency,
        pollIntervalMs: flags.pollInterval ?? DEFAULT_POLL_INTERVAL_MS,
        yes: flags.yes,
        signal: controller.signal,
        beforeExecute: input.beforeExecute,
        preflight: !preflightDone,
        readStack: reads.read,
        confirm: canPrompt ? (plans) => view.confirm(inDeployOrder(plans, input.stacks), () => input.prompt!.confirm(`Deploy these changes to ${env.name}?`)) : undefined,
      })
    } finally {
      await view.stop()
    }
  }
  // The bootstrap stack as the run last saw it, recorded with the lease's release.
  let finalStates: DeployResult['deployedStacks'] | undefined
  try {
    if (controller.signal.aborted) throw new AbortedError('Interrupted before anything started; nothing was changed.')
    let zoneRun: DeployResult | undefined
    const selected = selectStacks(input.stacks, flags.stack)
    if (!flags.skipDelegationCheck) {
      await ensureDelegation({
        envName: env.name,
        domain: env.domain,
        stacks: input.stacks,
        selected,
        readStack: reads.read,
        resolver: () => input.resolver ?? createNameServerResolver(aws.dnsServer),
        // What the engine checks for the stacks that change, run once for this deploy: on this path
        // (certificates not yet issued) they are new, and the engine runs skip their own preflight.
        preflight: async (selected) => {
          const view = newView()
          try {
            await runPreflight(env, aws, {
              database: selected.some((s) => s.part === 'data'),
              // With --infra-only a service without an image is deferred, and needs no secrets yet.
              services: !flags.infraOnly && selected.some((s) => isServicePart(s.part)),
              types: selected,
            })
            preflightDone = true
          } finally {
            await view.stop()
          }
        },
        deployZone: async (zone) => {
          if (!flags.json) streams.stderr.write(`The hosted zone ${env.domain} comes first: the stacks with certificates wait until the domain is delegated to it.\n`)
          zoneRun = await engine([zone.part])
          // The zone changed, and what was read before may be out of date: read again from here.
          reads.forget()
        },
        report: (check) => reportDelegation(check, flags.json, streams),
      })
    }
    const {deployedStacks, ...result} = withEarlierRun(await engine(flags.stack), zoneRun)
    finalStates = deployedStacks
    const plans = inDeployOrder(result.plans, input.stacks)
    const stacks = inDeployOrder(result.stacks, input.stacks)
    // The deploy is done: not being able to say where the site is must not turn it into a failure.
    const open = await readWhatToOpen({env, stacks: input.stacks, results: stacks, deployedStacks, aws, command: input.releaseCommand ?? `platform deploy ${env.name}`}).catch((error: Error) => {
      streams.stderr.write(`warning: the deploy is done, but its site and load balancer could not be read: ${error.message}\n`)
      return {site: [], deferred: stacks.filter((s) => s.outcome === 'deferred').map((s) => s.part), nextSteps: []}
    })
    const promptMs = views.reduce((sum, view) => sum + view.timeAtPrompt(), 0)
    const out: DeployCommandResult = {...result, plans, stacks, summary: summarizePlans(plans), open, promptMs}
    if (flags.json) streams.stdout.write(`${JSON.stringify({type: 'result', ...out})}\n`)
    else newView().outcome(out)
    return out
  } catch (error) {
    if (leaseLost) throw new DeployFailedError(`${leaseLost} The deploy stopped.`, [], {code: 'DEPLOY_LOCKED', cause: error})
    throw error
  } finally {
    releaseInterrupts()
    const bootstrap = input.stacks.find((s) => s.part === 'bootstrap')
    await lock.release(bootstrap && finalStates?.get(bootstrap.name))
  }
}

/** The zone's name servers and what DNS answered: a `delegation` line under --json. */
function reportDelegation(check: DelegationCheck, json: boolean, streams: {stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream}): void {
  if (json) {
    streams.stdout.write(`${JSON.stringify({type: 'delegation', ...check})}\n`)
    return
  }
  const verdict = check.status === 'delegated' ? `delegated${check.missing.length > 0 ? ` (not to ${check.missing.join(', ')}: set all of them at the registrar)` : ''}` : check.status === 'unknown' ? 'not checked: DNS did not answer' : 'NOT delegated yet'
  streams.stderr.write(`Hosted zone ${check.domain}: name servers ${check.zoneNameServers.join(', ')}; ${verdict}.\n`)
}

/** The final result counts what an earlier run of the same deploy (the zone first) created too. */
function withEarlierRun(result: DeployResult, earlier: DeployResult | undefined): DeployResult {
  if (!earlier) return result
  const done = new Map(earlier.stacks.filter((s) => s.outcome === 'created' || s.outcome === 'updated').map((s) => [s.stack, s]))
  return {
    ...result,
    stacks: result.stacks.map((s) => done.get(s.stack) ?? s),
    changeSetsCreated: result.changeSetsCreated + earlier.changeSetsCreated,
    retries: result.retries + earlier.retries,
    elapsedMs: result.elapsedMs + earlier.elapsedMs,
  }
}

/** What `platform diff --json` prints. */
export interface DiffCommandResult {
  environment: string
  stacks: StackPlan[]
  /** Deployed stacks platform.yaml no longer renders: a deploy leaves them alone. */
  orphaned: OrphanedStack[]
  summary: PlanSummary
}

/**
 * `platform diff ENV`: the deploy's plan without executing anything. Updates are read from a
 * change set (created, read, deleted); creates and stacks whose inputs are not deployed yet from
 * the template comparison.
 *
 * A diff takes no lease: it executes nothing, deletes only the change sets it made (never stale
 * ones, which may be a waiting deploy's), and taking the lease would refuse a teammate's or CI's
 * deploy for as long as a diff runs. It reads the lease, though: while a deploy holds it, the
 * diff says so, since that deploy may be changing the stacks it compares with (and executing a
 * change set makes CloudFormation delete the stack's others, the diff's included).
 */
export async function diffEnvironment(input: DiffEnvironmentInput): Promise<DiffCommandResult> {
  const streams = input.streams ?? {stdout: process.stdout, stderr: process.stderr}
  // Ctrl-C: the review change sets made so far are deleted before exiting (the engine stops planning).
  const controller = new AbortController()
  const aws = toDeployAws(input.aws, controller.signal)
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130)
    streams.stderr.write('\nStopping: deleting the change sets made for the review. Ctrl-C again to exit now.\n')
    controller.abort()
  }
  const releaseInterrupts = takeOverInterrupts(onSigint)
  try {
    return await diffWithSignal(input, aws, controller.signal)
  } finally {
    releaseInterrupts()
  }
}

async function diffWithSignal(input: DiffEnvironmentInput, aws: DeployAws, signal: AbortSignal): Promise<DiffCommandResult> {
  const reads = sharedStackReads(aws)
  const runningDeploy = warnOfRunningDeploy(input, aws, reads.read)
  const result = await runDeploy({
    signal,
    readStack: reads.read,
    env: input.env,
    stacks: input.stacks,
    aws,
    emit: (event) => {
      if (event.type === 'warning' || event.type === 'retry') input.notice(event)
    },
    mode: 'diff',
    select: input.flags.stack,
    images: parseImages(input.flags.image, Object.keys(input.env.services)),
    infraOnly: true,
    force: input.flags.force,
    pollIntervalMs: input.flags.pollInterval ?? DEFAULT_POLL_INTERVAL_MS,
  })
  await runningDeploy
  const plans = inDeployOrder(result.plans, input.stacks).filter((p) => p.action !== 'read-only')
  return {environment: input.env.name, stacks: plans, orphaned: result.orphaned, summary: summarizePlans(plans)}
}

/** A diff's notice when a deploy of the environment holds the lease (one S3 read; none before the bootstrap bucket exists). */
async function warnOfRunningDeploy(input: DiffEnvironmentInput, aws: DeployAws, readStack: (stack: StackDefinition) => Promise<DeployedStack | undefined>): Promise<void> {
  const bootstrap = input.stacks.find((s) => s.part === 'bootstrap')
  try {
    const bucket = bootstrap && (await readStack(bootstrap))?.outputs.ArtifactBucketName
    if (!bootstrap || !bucket) return
    const held = await leaseHolder(aws.leaseStore(bootstrap.region, bucket, LEASE_KEY))
    if (held) {
      input.notice({
        type: 'warning',
        message: `A deploy of ${input.env.name} is running: ${describeHolder(held.holder)}. This diff compares with the stacks as they are now, which that deploy may be changing: run it again once the deploy is done.`,
      })
    }
  } catch (error) {
    // The engine's own read reports a stack it cannot read; the lease is only a notice.
    input.notice({type: 'warning', message: `Could not check whether a deploy of ${input.env.name} is running: ${(error as Error).message}`})
  }
}
