import {describe, expect, it} from 'vitest'
import type {ChangeSetContext} from '../../src/lib/deploy/change-sets.js'
import {runDeploy} from '../../src/lib/deploy/engine.js'
import {decidePlans, neededStacks, readStacks, reviewChangeSets, selectStacks, topologicalOrder} from '../../src/lib/deploy/planner.js'
import type {DeployEvent} from '../../src/lib/deploy/types.js'
import type {StackDefinition} from '../../src/lib/stacks/types.js'
import {FakeAws} from '../helpers/fake-cloudformation.js'
import {env, sampleStacks, stack} from './stacks.js'

/** The sample environment, deployed. */
const deployStacks = (aws: FakeAws) => runDeploy({env, stacks: sampleStacks(), aws, emit: () => undefined, mode: 'deploy', yes: true, pollIntervalMs: 0})

async function plan(aws: FakeAws, stacks: StackDefinition[], options: {select?: string[]; infraOnly?: boolean; images?: Record<string, string>} = {}) {
  const selected = selectStacks(stacks, options.select)
  const needed = neededStacks(stacks, selected)
  const states = await readStacks(needed, selected, aws)
  return decidePlans(states, topologicalOrder(needed), {images: options.images ?? {}, infraOnly: options.infraOnly})
}

function context(aws: FakeAws, events: DeployEvent[] = []): ChangeSetContext {
  return {environment: env.name, emit: (e) => events.push(e), now: Date.now, elapsed: () => 0, pollMs: 0, putTemplate: aws.putTemplate.bind(aws), templateBucket: () => undefined}
}

describe('decidePlans', () => {
  it('decides every stack from what was read, without an AWS call: create, skip, update with its reason', async () => {
    const aws = new FakeAws()
    expect((await plan(aws, sampleStacks())).map((p) => [p.plan.part, p.plan.action])).toEqual([
      ['network', 'create'],
      ['edge', 'create'],
      ['data', 'create'],
      ['cdn', 'create'],
    ])
    await deployStacks(aws)
    const stacks = sampleStacks()
    stacks[1].template.Resources.Queue = {Type: 'AWS::SQS::Queue'}
    const calls = () => [...aws.regions.values()].reduce((n, f) => n + f.calls.length, 0)
    const selected = selectStacks(stacks, undefined)
    const states = await readStacks(stacks, selected, aws)
    const before = calls()
    const plans = decidePlans(states, topologicalOrder(stacks), {images: {}})
    expect(calls()).toBe(before)
    expect(plans.map((p) => [p.plan.part, p.plan.action, p.plan.reason ?? p.skip.reason])).toEqual([
      ['network', 'skip', 'unchanged'],
      ['edge', 'update', 'template differs'],
      ['data', 'skip', 'unchanged'],
      ['cdn', 'skip', 'unchanged'],
    ])
    // Resolved once, from the outputs deployed before the run.
    expect(plans.find((p) => p.plan.part === 'data')?.parameters).toEqual({PrivateSubnetIds: {value: 'subnet-1,subnet-2'}})
  })

  it('--infra-only defers a service stack with no image, and everything that reads from it', async () => {
    const aws = new FakeAws()
    const stacks = [...sampleStacks(), stack('svc-web', {parameters: {ImageUri: {from: 'image', service: 'web'}}, outputs: {Url: 'https://web'}}), stack('monitoring', {parameters: {Url: {from: 'output', stack: 'app-prod-svc-web', output: 'Url'}}})]
    const plans = await plan(aws, stacks, {infraOnly: true})
    expect(plans.filter((p) => p.plan.action === 'deferred').map((p) => [p.plan.part, p.plan.reason])).toEqual([
      ['svc-web', 'no image yet for web; created by the first deploy with an image'],
      ['monitoring', 'a stack it reads from is deferred'],
    ])
  })
})

describe('reviewChangeSets', () => {
  it('returns new plans with the change set; the decided ones are left as they were', async () => {
    const aws = new FakeAws()
    await deployStacks(aws)
    const stacks = sampleStacks()
    stacks[0].template.Resources.Queue = {Type: 'AWS::SQS::Queue'}
    const decided = await plan(aws, stacks)
    const snapshot = JSON.stringify(decided.map((p) => [p.plan, p.changeSet]))
    const reviewed = await reviewChangeSets(decided, context(aws))
    expect(JSON.stringify(decided.map((p) => [p.plan, p.changeSet]))).toBe(snapshot)
    const network = reviewed.find((p) => p.plan.part === 'network')!
    expect(network.changeSet?.id).toMatch(/platform-/)
    expect(network.plan).toMatchObject({source: 'change-set', changes: [expect.objectContaining({logicalId: 'Queue', action: 'Add'})]})
    expect(reviewed.filter((p) => p.changeSet)).toHaveLength(1)
  })

  it('turns an update whose change set is empty into a skip that reports no change', async () => {
    const aws = new FakeAws()
    await deployStacks(aws)
    const decided = await plan(aws, sampleStacks())
    // As --force would: an update although nothing differs.
    const forced = decided.map((p) => (p.plan.part === 'edge' ? {...p, plan: {...p.plan, action: 'update' as const}} : p))
    const events: DeployEvent[] = []
    const edge = (await reviewChangeSets(forced, context(aws, events))).find((p) => p.plan.part === 'edge')!
    expect(edge.changeSet).toBeUndefined()
    expect(edge).toMatchObject({noChange: true, plan: {action: 'skip', reason: 'the change set was empty', changes: []}})
    expect(events.filter((e) => e.type === 'change-set').map((e) => e.type === 'change-set' && e.action)).toEqual(['created', 'empty'])
  })
})
