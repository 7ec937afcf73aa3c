/**
 * The rollout shown while a service stack's change set executes, against an in-process fake of the
 * ECS service deployment API: when it starts and stops relative to the stack's events, what it
 * shows, and that it never fails the release. The built CLI against the local AWS shows it too
 * (test/e2e/release-flow.test.ts).
 */
import {describe, expect, it} from 'vitest'
import type {DeployView} from '../../src/lib/deploy/run-environment.js'
import type {DeployEvent, RolloutProgress} from '../../src/lib/deploy/types.js'
import type {EcsApi, ServiceDeploymentState} from '../../src/lib/release/ecs.js'
import {followRollout, type FollowedRollout, withLiveRollouts} from '../../src/lib/release/live-rollout.js'

const DEPLOYMENT = 'arn:aws:ecs:ap-northeast-1:123456789012:service-deployment/shop-prod-cluster/shop-prod-web/abc'
const STACK = 'shop-prod-svc-web'

/** A deployment that moves one state per DescribeServiceDeployments (the last one repeats). */
function fakeEcs(states: Array<Partial<ServiceDeploymentState>>, options: {stopped?: string[]; listedAfter?: number; failOn?: number} = {}) {
  const calls: string[] = []
  let describes = 0
  let lists = 0
  const ecs: EcsApi = {
    async listServiceDeployments(cluster, service, since) {
      calls.push(`list ${cluster} ${service} ${since?.toISOString()}`)
      return lists++ < (options.listedAfter ?? 0) ? [] : [{arn: DEPLOYMENT, status: 'IN_PROGRESS', createdAt: new Date()}]
    },
    async describeServiceDeployment(arn) {
      calls.push('describe')
      if (describes === options.failOn) {
        describes++
        throw new Error('Rate exceeded')
      }
      return {arn, status: 'IN_PROGRESS', running: 0, requested: 2, ...states[Math.min(describes++, states.length - 1)]}
    },
    async describeService() {
      throw new Error('not used while following')
    },
    async stoppedTaskReasons(_cluster, _service, createdSince) {
      calls.push(`stopped-tasks since ${createdSince?.toISOString()}`)
      return options.stopped ?? []
    },
    async rollBackServiceDeployment() {
      throw new Error('following never rolls back')
    },
  }
  return {ecs, calls, describes: () => describes}
}

const since = new Date('2026-12-01T10:00:00Z')

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 2))
  if (!condition()) throw new Error(`timed out waiting for ${what}`)
}

function follow(ecs: EcsApi, events: RolloutProgress[], extra: Partial<Parameters<typeof followRollout>[0]> = {}): FollowedRollout {
  return followRollout({
    ecs: async () => ecs,
    service: 'web',
    stack: STACK,
    locate: async () => ({cluster: 'shop-prod-cluster', ecsService: 'shop-prod-web'}),
    since,
    pollIntervalMs: 0,
    elapsed: () => 1234,
    emit: (event) => events.push(event),
    ...extra,
  })
}

describe('followRollout', () => {
  it('shows each change of the deployment once: status, stage, running/desired, failures, on the view\'s clock', async () => {
    const {ecs, calls} = fakeEcs([
      {status: 'PENDING', running: 0},
      {status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP', running: 0},
      {status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP', running: 0},
      {status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP', running: 1},
      {status: 'IN_PROGRESS', lifecycleStage: 'CLEAN_UP', running: 2},
      {status: 'SUCCESSFUL', running: 2},
    ])
    const events: RolloutProgress[] = []
    const arns: string[] = []
    const rollout = follow(ecs, events, {onDeployment: (arn) => arns.push(arn)})
    await until(() => events.at(-1)?.status === 'SUCCESSFUL', 'SUCCESSFUL')
    await rollout.stop()
    expect(events.map((e) => `${e.status} ${e.lifecycleStage ?? '-'} ${e.running}/${e.desired}`)).toEqual([
      'PENDING - 0/2',
      'IN_PROGRESS SCALE_UP 0/2',
      'IN_PROGRESS SCALE_UP 1/2',
      'IN_PROGRESS CLEAN_UP 2/2',
      'SUCCESSFUL - 2/2',
    ])
    expect(events[0]).toMatchObject({type: 'rollout', service: 'web', stack: STACK, elapsedMs: 1234})
    expect(events.every((e) => e.stoppedTasks === undefined)).toBe(true)
    // The deployment is looked up once, among those created since the release started; a healthy rollout reads no tasks.
    expect(calls.filter((c) => c.startsWith('list'))).toEqual([`list shop-prod-cluster shop-prod-web ${since.toISOString()}`])
    expect(calls.some((c) => c.startsWith('stopped-tasks'))).toBe(false)
    expect(arns).toEqual([DEPLOYMENT])
  })

  it('reads the stopped tasks when the circuit breaker counts a failure or ECS rolls back, each reason shown once', async () => {
    const reason = 'CannotPullContainerError: pull image manifest has been retried 5 time(s)'
    const {ecs, calls} = fakeEcs(
      [
        {status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP', circuitBreaker: {status: 'MONITORING', failureCount: 0, threshold: 3}},
        {status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP', circuitBreaker: {status: 'MONITORING', failureCount: 2, threshold: 3}},
        {status: 'ROLLBACK_IN_PROGRESS', circuitBreaker: {status: 'TRIGGERED', failureCount: 4, threshold: 3}},
        {status: 'ROLLBACK_SUCCESSFUL', circuitBreaker: {status: 'TRIGGERED', failureCount: 4, threshold: 3}},
      ],
      {stopped: [reason]},
    )
    const events: RolloutProgress[] = []
    const rollout = follow(ecs, events)
    await until(() => events.at(-1)?.status === 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_SUCCESSFUL')
    await rollout.stop()
    expect(events.map((e) => [e.status, e.failureCount, e.stoppedTasks])).toEqual([
      ['IN_PROGRESS', 0, undefined],
      ['IN_PROGRESS', 2, [reason]],
      ['ROLLBACK_IN_PROGRESS', 4, undefined],
      ['ROLLBACK_SUCCESSFUL', 4, undefined],
    ])
    // Only tasks created since the release started: an earlier release's failures are not this one's.
    expect(calls).toContain(`stopped-tasks since ${since.toISOString()}`)
  })

  it('waits for the service to be named and its deployment to appear; a failed read is tried again, never thrown', async () => {
    const {ecs, describes} = fakeEcs([{status: 'IN_PROGRESS', running: 1}, {status: 'IN_PROGRESS', running: 1}, {status: 'SUCCESSFUL', running: 2}], {listedAfter: 2, failOn: 1})
    let located = 0
    const events: RolloutProgress[] = []
    const rollout = follow(ecs, events, {locate: async () => (located++ < 2 ? undefined : {cluster: 'c', ecsService: 's'})})
    await until(() => events.at(-1)?.status === 'SUCCESSFUL', 'SUCCESSFUL')
    await rollout.stop()
    expect(located).toBe(3)
    expect(describes()).toBeGreaterThanOrEqual(3)
    // The throttled read in between is not shown: the next one carries on.
    expect(events.map((e) => `${e.status} ${e.running}`)).toEqual(['IN_PROGRESS 1', 'SUCCESSFUL 2'])
  })

  it('emits nothing once stopped, even a read that was in flight', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const {ecs} = fakeEcs([{status: 'IN_PROGRESS', running: 1}])
    const slow: EcsApi = {
      ...ecs,
      async describeServiceDeployment(arn) {
        await gate
        return ecs.describeServiceDeployment(arn)
      },
    }
    const events: RolloutProgress[] = []
    const rollout = follow(slow, events)
    await new Promise((resolve) => setTimeout(resolve, 10))
    const stopped = rollout.stop()
    release()
    await stopped
    expect(events).toEqual([])
  })
})

/** A view that records what it is shown. */
function recordingView() {
  const shown: DeployEvent[] = []
  let stopped = false
  const view: DeployView = {
    emit: (event) => shown.push(event),
    confirm: async (_plans, ask) => ask(),
    stop: async () => {
      stopped = true
    },
    outcome: () => undefined,
    timeAtPrompt: () => 0,
  }
  return {view, shown, stopped: () => stopped}
}

describe('withLiveRollouts', () => {
  it('follows a stack from its executing phase to its next one; the rollout lines come before the stack\'s completion', async () => {
    const {ecs} = fakeEcs([{status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP', running: 1}, {status: 'IN_PROGRESS', lifecycleStage: 'CLEAN_UP', running: 2}])
    const {view, shown} = recordingView()
    const asked: string[] = []
    let rollout: FollowedRollout | undefined
    const live = withLiveRollouts(view, (stack, display) => {
      asked.push(stack)
      if (stack !== STACK) return undefined
      rollout = followRollout({ecs: async () => ecs, service: 'web', stack, locate: async () => ({cluster: 'c', ecsService: 's'}), since, pollIntervalMs: 0, ...display})
      return rollout
    })
    live.emit({type: 'stack', stack: 'shop-prod-network', region: 'ap-northeast-1', phase: 'executing', elapsedMs: 100})
    live.emit({type: 'stack', stack: 'shop-prod-network', region: 'ap-northeast-1', phase: 'complete', elapsedMs: 900})
    live.emit({type: 'stack', stack: STACK, region: 'ap-northeast-1', phase: 'executing', elapsedMs: 5000})
    await until(() => shown.some((e) => e.type === 'rollout' && e.lifecycleStage === 'CLEAN_UP'), 'CLEAN_UP')
    live.emit({type: 'stack', stack: STACK, region: 'ap-northeast-1', phase: 'complete', elapsedMs: 7000})
    await new Promise((resolve) => setTimeout(resolve, 20))
    await live.stop()
    expect(asked).toEqual(['shop-prod-network', STACK])
    const complete = shown.findIndex((e) => e.type === 'stack' && e.stack === STACK && e.phase === 'complete')
    const rollouts = shown.flatMap((e, i) => (e.type === 'rollout' ? [i] : []))
    expect(rollouts.length).toBe(2)
    expect(Math.max(...rollouts)).toBeLessThan(complete)
    // On the engine's clock: from the executing event's 5 s on.
    const first = shown[rollouts[0]] as RolloutProgress
    expect(first.elapsedMs).toBeGreaterThanOrEqual(5000)
    expect(first.elapsedMs).toBeLessThan(7000)
  })

  it('stops what it still follows before the view stops (a deploy that ends on an error)', async () => {
    const {ecs} = fakeEcs([{status: 'IN_PROGRESS', running: 1}])
    const {view, shown, stopped} = recordingView()
    const live = withLiveRollouts(view, (stack, display) => followRollout({ecs: async () => ecs, service: 'web', stack, locate: async () => ({cluster: 'c', ecsService: 's'}), since, pollIntervalMs: 0, ...display}))
    live.emit({type: 'stack', stack: STACK, region: 'ap-northeast-1', phase: 'executing', elapsedMs: 0})
    await until(() => shown.some((e) => e.type === 'rollout'), 'a rollout line')
    await live.stop()
    const count = shown.length
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(shown.length).toBe(count)
    expect(stopped()).toBe(true)
  })
})
