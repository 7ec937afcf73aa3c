import type {DeployView} from '../deploy/run-environment.js'
import type {RolloutProgress} from '../deploy/types.js'
import type {EcsApi} from './ecs.js'
import {failingOrFailed, progressOf, sleepUnlessAborted} from './watch.js'

/** The ECS service a service stack runs, once it can be named. */
export interface FollowedService {
  cluster: string
  ecsService: string
}

/** Where a followed rollout is shown: the deploy view of the stack, on its clock. */
export interface RolloutDisplay {
  elapsed: () => number
  emit: (event: RolloutProgress) => void
}

export interface FollowRolloutOptions extends RolloutDisplay {
  ecs: () => Promise<EcsApi>
  /** The platform.yaml service. */
  service: string
  /** Its stack, whose change set is executing. */
  stack: string
  /** Where the ECS service is; undefined while it cannot be told yet (asked again at the next poll). */
  locate: () => Promise<FollowedService | undefined>
  /** When the release started: deployments and tasks created before it belong to someone else. */
  since: Date
  pollIntervalMs: number
  /** Called once, when the rollout's ECS service deployment is found. */
  onDeployment?: (serviceDeploymentArn: string) => void
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

export interface FollowedRollout {
  /** Stop polling; nothing is emitted once this is called. Resolves when the last read is over. */
  stop(): Promise<void>
}

/**
 * Show an ECS rollout while CloudFormation waits for it inside a service stack's update: its
 * running/desired counts, status, lifecycle stage, circuit-breaker failures and the reasons of the
 * tasks it started that stopped. Read-only: it decides nothing (the stack's outcome and the
 * watcher after it do), and a failed read is tried again at the next poll instead of failing the
 * release. Each change is emitted once; a stopped task's reason is read only when the circuit
 * breaker counts a new failure or the deployment is rolling back, so a healthy rollout costs two
 * ECS calls per poll.
 */
export function followRollout(options: FollowRolloutOptions): FollowedRollout {
  const sleep = options.sleep ?? sleepUnlessAborted
  const controller = new AbortController()
  let stopped = false
  const emit = (event: Omit<RolloutProgress, 'type' | 'service' | 'stack' | 'elapsedMs'>) => {
    if (!stopped) options.emit({type: 'rollout', service: options.service, stack: options.stack, ...event, elapsedMs: options.elapsed()})
  }

  const run = async () => {
    let target: FollowedService | undefined
    let deploymentArn: string | undefined
    let last = ''
    let failuresRead = 0
    const reasonsShown = new Set<string>()
    while (!stopped) {
      try {
        const ecs = await options.ecs()
        target ??= await options.locate()
        if (target && !deploymentArn) {
          // Newest first: the one CloudFormation's update started.
          deploymentArn = (await ecs.listServiceDeployments(target.cluster, target.ecsService, options.since))[0]?.arn
          if (deploymentArn && !stopped) options.onDeployment?.(deploymentArn)
        }
        const deployment = deploymentArn ? await ecs.describeServiceDeployment(deploymentArn) : undefined
        if (target && deployment) {
          const failureCount = deployment.circuitBreaker?.failureCount ?? 0
          let stoppedTasks: string[] = []
          if (failureCount > failuresRead || failingOrFailed(deployment.status)) {
            failuresRead = failureCount
            const reasons = await ecs.stoppedTaskReasons(target.cluster, target.ecsService, options.since)
            stoppedTasks = reasons.filter((reason) => !reasonsShown.has(reason))
            for (const reason of stoppedTasks) reasonsShown.add(reason)
          }
          const state = [deployment.status, deployment.lifecycleStage, deployment.running, deployment.requested, failureCount, deployment.statusReason].join('/')
          if (state !== last || stoppedTasks.length > 0) {
            last = state
            emit({...progressOf(deployment), ...(stoppedTasks.length > 0 ? {stoppedTasks} : {})})
          }
        }
      } catch {
        // Progress only: the stack's own outcome, and the watcher after it, decide the release.
      }
      await sleep(options.pollIntervalMs, controller.signal)
    }
  }
  const running = run()
  return {
    async stop() {
      stopped = true
      controller.abort()
      await running
    },
  }
}

/**
 * The deploy view of a release: while a stack's change set executes, `follow` may start following
 * its rollout (a service stack's), shown in this view; any later phase of the stack (complete,
 * failed, cancelled) stops it before the view shows that phase, so no rollout line comes after it.
 */
export function withLiveRollouts(view: DeployView, follow: (stack: string, display: RolloutDisplay) => FollowedRollout | undefined): DeployView {
  const followed = new Map<string, FollowedRollout>()
  const stopping: Array<Promise<void>> = []
  // The view's clock is the engine's: the last event's elapsed time, moved on by the wall clock since.
  let clock = {at: Date.now(), elapsedMs: 0}
  const elapsed = () => clock.elapsedMs + (Date.now() - clock.at)
  const stopFollowing = (stack: string) => {
    const rollout = followed.get(stack)
    if (!rollout) return
    followed.delete(stack)
    stopping.push(rollout.stop())
  }
  return {
    emit(event) {
      if ('elapsedMs' in event) clock = {at: Date.now(), elapsedMs: event.elapsedMs}
      if (event.type === 'stack') {
        stopFollowing(event.stack)
        if (event.phase === 'executing') {
          const rollout = follow(event.stack, {elapsed, emit: (progress) => view.emit(progress)})
          if (rollout) followed.set(event.stack, rollout)
        }
      }
      view.emit(event)
    },
    confirm: (plans, ask) => view.confirm(plans, ask),
    async stop() {
      for (const stack of [...followed.keys()]) stopFollowing(stack)
      await Promise.all(stopping)
      await view.stop()
    },
    outcome: (result) => view.outcome(result),
    timeAtPrompt: () => view.timeAtPrompt(),
  }
}
