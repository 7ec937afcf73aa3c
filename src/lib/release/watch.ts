import type {RolloutProgress} from '../deploy/types.js'
import type {EcsApi, ServiceDeploymentState} from './ecs.js'

/** Past this, a rollout is stopped with ECS's own rollback and the release fails. @default 15 min */
export const DEFAULT_ROLLOUT_TIMEOUT_MS = 15 * 60 * 1000

/** ECS service deployment statuses after which nothing changes any more. */
const SUCCEEDED = new Set(['SUCCESSFUL'])
const FAILED = new Set(['STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'])
/** Running, or on its way to a terminal state that is a failure. */
const ROLLING_BACK = new Set(['STOP_REQUESTED', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS'])

/** A deployment that failed, or is on its way to a failure: its stopped tasks say why. */
export function failingOrFailed(status: string): boolean {
  return FAILED.has(status) || ROLLING_BACK.has(status)
}

/** A service whose stack changed in this release, and what it must end up running. */
export interface RolloutTarget {
  service: string
  cluster: string
  /** ECS service name. */
  ecsService: string
  /** The task definition the stack now names: the revision that must be serving at the end. */
  taskDefinitionArn: string
}

export type RolloutOutcome = 'succeeded' | 'failed' | 'timed-out' | 'interrupted'

export interface RolloutResult {
  service: string
  outcome: RolloutOutcome
  reason?: string
  taskDefinitionArn: string
  serviceDeploymentArn?: string
  /** Reasons of tasks ECS stopped during the rollout (DescribeTasks). */
  stoppedTaskReasons: string[]
  elapsedMs: number
}

/** What the watcher reports at each change of the deployment (the deploy view shows it). */
export type RolloutEvent = RolloutProgress

export interface WatchOptions {
  ecs: EcsApi
  /** When the release started: deployments created before it belong to someone else. */
  since: Date
  timeoutMs?: number
  /** @default 5000 (ECS updates a deployment every few seconds); tests pass 0 */
  pollIntervalMs?: number
  emit?: (event: RolloutEvent) => void
  signal?: AbortSignal
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/** setTimeout that ends early when the signal aborts. */
export const sleepUnlessAborted = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, {once: true})
  })

/** What a rollout event says of a service deployment. */
export function progressOf(d: ServiceDeploymentState): Pick<RolloutProgress, 'status' | 'lifecycleStage' | 'running' | 'desired' | 'failureCount' | 'message'> {
  return {status: d.status, lifecycleStage: d.lifecycleStage, running: d.running, desired: d.requested, failureCount: d.circuitBreaker?.failureCount, message: d.statusReason}
}

function describeFailure(d: ServiceDeploymentState, stopped: string[]): string {
  const parts = [`ECS deployment ${d.status}`]
  if (d.rollbackReason) parts.push(`rolled back: ${d.rollbackReason}`)
  else if (d.statusReason) parts.push(d.statusReason)
  if (d.circuitBreaker && d.circuitBreaker.failureCount > 0) parts.push(`circuit breaker: ${d.circuitBreaker.failureCount}${d.circuitBreaker.threshold ? `/${d.circuitBreaker.threshold}` : ''} failed tasks`)
  if (stopped.length > 0) parts.push(`stopped task: ${stopped[0]}`)
  return parts.join('; ')
}

/**
 * Watch one service's rollout to its end with the ECS service deployment API (not the
 * services-stable waiter, which cannot tell a rollout from a circuit-breaker rollback to the old
 * revision). Success needs both: the deployment ended SUCCESSFUL, and the service's PRIMARY
 * deployment runs the target task definition at full count. Anything else is a failure with the
 * reason ECS gives, and the reasons of the tasks it stopped.
 */
export async function watchRollout(target: RolloutTarget, options: WatchOptions): Promise<RolloutResult> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? sleepUnlessAborted
  const interval = options.pollIntervalMs ?? 5000
  const timeoutMs = options.timeoutMs ?? DEFAULT_ROLLOUT_TIMEOUT_MS
  const started = now()
  const emit = options.emit ?? (() => undefined)
  const {ecs} = options
  const result = (outcome: RolloutOutcome, reason: string | undefined, extra: Partial<RolloutResult> = {}): RolloutResult => ({
    service: target.service,
    outcome,
    reason,
    taskDefinitionArn: target.taskDefinitionArn,
    stoppedTaskReasons: [],
    elapsedMs: now() - started,
    ...extra,
  })
  let deploymentArn: string | undefined
  let lastLine = ''
  for (;;) {
    if (options.signal?.aborted) {
      return result('interrupted', `interrupted while ECS was still rolling out ${target.ecsService}`, {serviceDeploymentArn: deploymentArn})
    }
    if (!deploymentArn) {
      // The newest deployment created since the release started is this release's.
      deploymentArn = (await ecs.listServiceDeployments(target.cluster, target.ecsService, options.since))[0]?.arn
    }
    if (!deploymentArn) {
      // A stack update that left the service's task definition alone (a log retention, a parameter
      // resolving to the same revision) starts no deployment: done once the target is what serves.
      const serving = await verifyServing(target, ecs, result, undefined)
      if (serving.outcome === 'succeeded') return serving
    }
    const deployment = deploymentArn ? await ecs.describeServiceDeployment(deploymentArn) : undefined
    if (deployment) {
      const line = `${deployment.status}/${deployment.lifecycleStage}/${deployment.running}/${deployment.requested}/${deployment.circuitBreaker?.failureCount}`
      if (line !== lastLine) {
        lastLine = line
        emit({type: 'rollout', service: target.service, ...progressOf(deployment), elapsedMs: now() - started})
      }
      if (FAILED.has(deployment.status)) {
        const stopped = await ecs.stoppedTaskReasons(target.cluster, target.ecsService)
        return result('failed', describeFailure(deployment, stopped), {serviceDeploymentArn: deploymentArn, stoppedTaskReasons: stopped})
      }
      if (SUCCEEDED.has(deployment.status)) return verifyServing(target, ecs, result, deploymentArn)
    }
    if (now() - started >= timeoutMs && !(deployment && ROLLING_BACK.has(deployment.status))) {
      const stopped = await ecs.stoppedTaskReasons(target.cluster, target.ecsService)
      if (deploymentArn) await ecs.rollBackServiceDeployment(deploymentArn)
      const minutes = Math.round(timeoutMs / 60_000)
      const reason = deploymentArn
        ? `not done after ${minutes} min (--timeout): ECS is rolling ${target.ecsService} back to its previous revision`
        : `no ECS service deployment appeared within ${minutes} min (--timeout)`
      return result('timed-out', stopped.length > 0 ? `${reason}; stopped task: ${stopped[0]}` : reason, {serviceDeploymentArn: deploymentArn, stoppedTaskReasons: stopped})
    }
    await sleep(interval, options.signal)
  }
}

/** The deployment says SUCCESSFUL; the service must also be running the target revision, fully. */
async function verifyServing(
  target: RolloutTarget,
  ecs: EcsApi,
  result: (outcome: RolloutOutcome, reason: string | undefined, extra?: Partial<RolloutResult>) => RolloutResult,
  deploymentArn: string | undefined,
): Promise<RolloutResult> {
  const service = await ecs.describeService(target.cluster, target.ecsService)
  const serving = service?.primaryTaskDefinition ?? service?.taskDefinition
  if (!service || serving !== target.taskDefinitionArn) {
    return result('failed', `the service runs ${serving ?? 'nothing'}, not the released ${target.taskDefinitionArn}`, {serviceDeploymentArn: deploymentArn})
  }
  if (service.primaryRolloutState && service.primaryRolloutState !== 'COMPLETED') {
    return result('failed', `the service's primary deployment is ${service.primaryRolloutState}, not COMPLETED`, {serviceDeploymentArn: deploymentArn})
  }
  if (service.running < service.desired) {
    return result('failed', `${service.running} of ${service.desired} tasks running at the end`, {serviceDeploymentArn: deploymentArn})
  }
  return result('succeeded', undefined, {serviceDeploymentArn: deploymentArn})
}

/**
 * After CloudFormation failed a service update (it waits for ECS, and fails the resource when the
 * circuit breaker rolled the deployment back), what ECS says went wrong: the failed deployment of
 * this release, if any, with the reasons of the tasks it stopped.
 */
export async function findFailedRollout(target: Omit<RolloutTarget, 'taskDefinitionArn'>, ecs: EcsApi, since: Date): Promise<RolloutResult | undefined> {
  for (const summary of await ecs.listServiceDeployments(target.cluster, target.ecsService, since)) {
    const deployment = await ecs.describeServiceDeployment(summary.arn)
    if (!deployment || !failingOrFailed(deployment.status)) continue
    const stopped = await ecs.stoppedTaskReasons(target.cluster, target.ecsService)
    return {service: target.service, outcome: 'failed', reason: describeFailure(deployment, stopped), taskDefinitionArn: '', serviceDeploymentArn: summary.arn, stoppedTaskReasons: stopped, elapsedMs: 0}
  }
  return undefined
}
