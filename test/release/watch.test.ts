/**
 * The rollout watcher against an in-process fake of the ECS service deployment API: the states the
 * local AWS cannot produce on demand (a stalled rollout, a revision that is not serving) are
 * covered here; the failure path also runs end to end in test/e2e/release.test.ts.
 */
import {describe, expect, it} from 'vitest'
import type {EcsApi, ServiceDeploymentState, ServiceState} from '../../src/lib/release/ecs.js'
import {type RolloutEvent, type RolloutTarget, watchRollout} from '../../src/lib/release/watch.js'

const TD2 = 'arn:aws:ecs:ap-northeast-1:123456789012:task-definition/shop-prod-web:2'
const TD1 = 'arn:aws:ecs:ap-northeast-1:123456789012:task-definition/shop-prod-web:1'
const DEPLOYMENT = 'arn:aws:ecs:ap-northeast-1:123456789012:service-deployment/shop-prod-cluster/shop-prod-web/abc'
const target: RolloutTarget = {service: 'web', cluster: 'shop-prod-cluster', ecsService: 'shop-prod-web', taskDefinitionArn: TD2}

/** A fake whose deployment walks through `states` one poll at a time (the last one repeats). */
function fakeEcs(states: Array<Partial<ServiceDeploymentState>>, service: ServiceState, stopped: string[] = [], deployments = [{arn: DEPLOYMENT, status: 'IN_PROGRESS', createdAt: new Date()}]) {
  const calls: string[] = []
  let poll = 0
  const ecs: EcsApi = {
    async listServiceDeployments() {
      calls.push('list')
      return deployments
    },
    async describeServiceDeployment(arn) {
      calls.push('describe')
      const state = states[Math.min(poll++, states.length - 1)]
      return {arn, status: 'IN_PROGRESS', running: 0, requested: 2, ...state}
    },
    async describeService() {
      calls.push('describe-service')
      return service
    },
    async stoppedTaskReasons() {
      calls.push('stopped-tasks')
      return stopped
    },
    async rollBackServiceDeployment(arn) {
      calls.push(`rollback ${arn}`)
    },
  }
  return {ecs, calls}
}

const serving: ServiceState = {taskDefinition: TD2, primaryTaskDefinition: TD2, primaryRolloutState: 'COMPLETED', running: 2, desired: 2}
const noSleep = async () => undefined

describe('watchRollout', () => {
  it('succeeds when the deployment is SUCCESSFUL and the target revision serves at full count, showing each step', async () => {
    const {ecs} = fakeEcs(
      [
        {status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP', running: 1},
        {status: 'IN_PROGRESS', lifecycleStage: 'CLEAN_UP', running: 2},
        {status: 'SUCCESSFUL', running: 2},
      ],
      serving,
    )
    const events: RolloutEvent[] = []
    const result = await watchRollout(target, {ecs, since: new Date(), sleep: noSleep, emit: (e) => events.push(e)})
    expect(result).toMatchObject({service: 'web', outcome: 'succeeded', serviceDeploymentArn: DEPLOYMENT, taskDefinitionArn: TD2})
    expect(events.map((e) => `${e.status} ${e.lifecycleStage ?? ''} ${e.running}/${e.desired}`.replace(/\s+/g, ' '))).toEqual(['IN_PROGRESS SCALE_UP 1/2', 'IN_PROGRESS CLEAN_UP 2/2', 'SUCCESSFUL 2/2'])
  })

  it('fails a deployment the circuit breaker rolled back, with the stopped tasks\' reason', async () => {
    const reason = 'Essential container in task exited; web: exit code 1'
    const {ecs} = fakeEcs(
      [
        {status: 'IN_PROGRESS', circuitBreaker: {status: 'MONITORING', failureCount: 2, threshold: 3}},
        {status: 'ROLLBACK_IN_PROGRESS', circuitBreaker: {status: 'TRIGGERED', failureCount: 3, threshold: 3}},
        {status: 'ROLLBACK_SUCCESSFUL', rollbackReason: 'Circuit Breaker triggered', circuitBreaker: {status: 'TRIGGERED', failureCount: 3, threshold: 3}},
      ],
      {...serving, taskDefinition: TD1, primaryTaskDefinition: TD1},
      [reason],
    )
    const result = await watchRollout(target, {ecs, since: new Date(), sleep: noSleep})
    expect(result.outcome).toBe('failed')
    expect(result.reason).toContain('ROLLBACK_SUCCESSFUL')
    expect(result.reason).toContain('Circuit Breaker triggered')
    expect(result.reason).toContain('3/3 failed tasks')
    expect(result.reason).toContain(reason)
    expect(result.stoppedTaskReasons).toEqual([reason])
  })

  it('fails a SUCCESSFUL deployment when another revision is what serves at the end (never a false success)', async () => {
    const {ecs} = fakeEcs([{status: 'SUCCESSFUL', running: 2}], {...serving, taskDefinition: TD1, primaryTaskDefinition: TD1})
    const result = await watchRollout(target, {ecs, since: new Date(), sleep: noSleep})
    expect(result).toMatchObject({outcome: 'failed'})
    expect(result.reason).toContain(`runs ${TD1}, not the released ${TD2}`)
  })

  it('fails when fewer tasks than desired run at the end', async () => {
    const {ecs} = fakeEcs([{status: 'SUCCESSFUL'}], {...serving, running: 1})
    expect((await watchRollout(target, {ecs, since: new Date(), sleep: noSleep})).reason).toBe('1 of 2 tasks running at the end')
  })

  it('past --timeout asks ECS to roll back (StopServiceDeployment ROLLBACK) and fails', async () => {
    const {ecs, calls} = fakeEcs([{status: 'IN_PROGRESS', running: 1}], serving, ['CannotPullContainerError: pull image manifest has been retried 5 time(s)'])
    let clock = 0
    const result = await watchRollout(target, {ecs, since: new Date(), timeoutMs: 60_000, pollIntervalMs: 10_000, now: () => clock, sleep: async (ms) => void (clock += ms)})
    expect(result.outcome).toBe('timed-out')
    expect(result.reason).toContain('not done after 1 min (--timeout)')
    expect(result.reason).toContain('CannotPullContainerError')
    expect(calls).toContain(`rollback ${DEPLOYMENT}`)
    expect(clock).toBe(60_000)
  })

  it('Ctrl-C stops watching (the rollout goes on) and reports it as interrupted, never as success', async () => {
    const {ecs, calls} = fakeEcs([{status: 'IN_PROGRESS'}], serving)
    const controller = new AbortController()
    const result = await watchRollout(target, {
      ecs,
      since: new Date(),
      signal: controller.signal,
      sleep: async () => controller.abort(),
    })
    expect(result.outcome).toBe('interrupted')
    expect(result.reason).toContain('still rolling out shop-prod-web')
    expect(calls.some((c) => c.startsWith('rollback'))).toBe(false)
  })

  it('a stack update that started no deployment succeeds once the target revision serves at full count', async () => {
    const {ecs, calls} = fakeEcs([], serving, [], [])
    const result = await watchRollout(target, {ecs, since: new Date(), sleep: noSleep})
    expect(result).toMatchObject({outcome: 'succeeded', serviceDeploymentArn: undefined})
    expect(calls).toEqual(['list', 'describe-service'])
  })

  it('no deployment and another revision serving: keeps waiting, then times out (never a false success)', async () => {
    const {ecs} = fakeEcs([], {...serving, taskDefinition: TD1, primaryTaskDefinition: TD1}, [], [])
    let clock = 0
    const result = await watchRollout(target, {ecs, since: new Date(), timeoutMs: 30_000, pollIntervalMs: 10_000, now: () => clock, sleep: async (ms) => void (clock += ms)})
    expect(result.outcome).toBe('timed-out')
    expect(result.reason).toContain('no ECS service deployment appeared within 1 min')
  })
})
