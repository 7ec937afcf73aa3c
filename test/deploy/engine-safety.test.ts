/**
 * The engine's safety checks, each pinned by a test that fails when the check is removed (found by
 * mutation testing: `npm run test:mutation`). Why the fake CloudFormation: every case needs a state
 * moto cannot produce - another runner's operation in flight, a rollback with cancelled resources,
 * a change set being executed elsewhere, or a Ctrl-C between planning and execution.
 */
import {describe, expect, it} from 'vitest'
import {runDeploy, type DeployEngineOptions} from '../../src/lib/deploy/engine.js'
import type {DeployEvent} from '../../src/lib/deploy/types.js'
import {AbortedError, DeployFailedError} from '../../src/lib/errors.js'
import type {StackDefinition} from '../../src/lib/stacks/types.js'
import {FakeAws} from '../helpers/fake-cloudformation.js'
import {env, sampleStacks, stack} from './stacks.js'

function deploy(aws: FakeAws, overrides: Partial<DeployEngineOptions> = {}) {
  const events: DeployEvent[] = []
  const {emit, ...rest} = overrides
  const promise = runDeploy({
    env,
    stacks: sampleStacks(),
    aws,
    mode: 'deploy',
    yes: true,
    pollIntervalMs: 0,
    ...rest,
    emit: (e) => {
      events.push(e)
      emit?.(e)
    },
  })
  return {promise, events}
}

const tokyo = (aws: FakeAws) => aws.cloudFormation('ap-northeast-1')

/** Change sets created for one stack (the fake records CreateChangeSet's input, which names the stack). */
const changeSetsCreatedFor = (aws: FakeAws, stackName: string) => tokyo(aws).calls.filter((c) => c.op === 'CreateChangeSet' && (c.arg as {stackName: string}).stackName === stackName).length

const failedMessage = (events: DeployEvent[], stackName: string) => {
  const failed = events.find((e) => e.type === 'stack' && e.stack === stackName && e.phase === 'failed')
  return failed?.type === 'stack' ? failed.message : undefined
}

const withQueue = (def: StackDefinition) => {
  def.template.Resources.Queue = {Type: 'AWS::SQS::Queue'}
  return def
}

describe('replacement guard at run time', () => {
  it('refuses a replacement that only appears once an upstream output changed during the deploy', async () => {
    // At plan time data's parameter still has network's old output, so data looks unchanged; the
    // new subnet group name (a create-only property of the cluster) is known only after network ran.
    const stacks = () => [
      stack('network', {outputs: {SubnetGroupName: 'db-subnets-a'}}),
      stack('data', {
        parameters: {SubnetGroupName: {from: 'output', stack: 'app-prod-network', output: 'SubnetGroupName'}},
        resources: {Cluster: {Type: 'AWS::RDS::DBCluster', Properties: {Engine: 'aurora-postgresql', DBSubnetGroupName: {Ref: 'SubnetGroupName'}}}},
      }),
    ]
    const aws = new FakeAws()
    await deploy(aws, {stacks: stacks()}).promise
    const next = stacks()
    next[0].template.Outputs!.SubnetGroupName = {Value: 'db-subnets-b'}
    const {promise, events} = deploy(aws, {stacks: next})
    const error = (await promise.catch((e) => e)) as DeployFailedError
    expect(error).toBeInstanceOf(DeployFailedError)
    expect(error.failures).toEqual([expect.objectContaining({stack: 'app-prod-data', logicalId: 'Cluster', status: 'WOULD_REPLACE', reason: expect.stringMatching(/DBSubnetGroupName cannot change in place/)})])
    expect(failedMessage(events, 'app-prod-data')).toMatch(/^Refused: app-prod-data would replace or delete stateful resources once its inputs changed\./)
    expect(tokyo(aws).stack('app-prod-network')?.outputs.SubnetGroupName).toBe('db-subnets-b')
    expect(tokyo(aws).stack('app-prod-data')?.parameters).toEqual({SubnetGroupName: 'db-subnets-a'})
    // The refused change set is not left behind.
    expect(await tokyo(aws).listChangeSets(tokyo(aws).stack('app-prod-data')!.stackId)).toEqual([])
  })
})

describe('planned change sets', () => {
  it('does not execute the change set planned with parameters that changed before it ran', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    const stacks = sampleStacks()
    stacks[0].template.Outputs!.PrivateSubnetIds = {Value: 'subnet-3,subnet-4'}
    withQueue(stacks[2])
    const result = await deploy(aws, {stacks}).promise
    expect(result.stacks.find((s) => s.part === 'data')?.outcome).toBe('updated')
    // The planned one (made with subnet-1,subnet-2) was replaced by one with network's new output.
    expect(tokyo(aws).stack('app-prod-data')?.parameters).toEqual({PrivateSubnetIds: 'subnet-3,subnet-4'})
    expect(tokyo(aws).stack('app-prod-data')?.templateBody).toContain('Queue')
    expect(changeSetsCreatedFor(aws, 'app-prod-data')).toBe(3)
  })
})

describe('attaching to another runner\'s operation', () => {
  it('stops when the operation it waited for ends in a state a deploy cannot move the stack out of', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    tokyo(aws).startForeignUpdate('app-prod-network', 'platform-bob-ci-77-abc', 3, {running: 'DELETE_IN_PROGRESS', final: 'DELETE_FAILED'})
    tokyo(aws).calls.length = 0
    const stacks = sampleStacks()
    withQueue(stacks[0])
    const {promise, events} = deploy(aws, {stacks})
    const error = (await promise.catch((e) => e)) as DeployFailedError
    expect(error).toBeInstanceOf(DeployFailedError)
    expect(failedMessage(events, 'app-prod-network')).toBe('app-prod-network ended in DELETE_FAILED.')
    expect(changeSetsCreatedFor(aws, 'app-prod-network')).toBe(0)
    expect(error.message).toMatch(/not started: app-prod-data/)
  })

  it('compares against the template the other runner left, not the one read before waiting', async () => {
    // The other runner deployed a different database name; putting ours back would replace the cluster.
    const aws = new FakeAws()
    await deploy(aws).promise
    const theirs = sampleStacks()[2].template
    ;(theirs.Resources.Cluster.Properties as Record<string, unknown>).DatabaseName = 'otherdb'
    tokyo(aws).startForeignUpdate('app-prod-data', 'platform-bob-ci-77-abc', 3, {template: theirs})
    const {promise, events} = deploy(aws)
    const error = (await promise.catch((e) => e)) as DeployFailedError
    expect(error).toBeInstanceOf(DeployFailedError)
    expect(error.failures).toEqual([expect.objectContaining({stack: 'app-prod-data', logicalId: 'Cluster', status: 'WOULD_REPLACE', reason: expect.stringMatching(/DatabaseName cannot change in place/)})])
    expect(events.some((e) => e.type === 'stack' && e.stack === 'app-prod-data' && e.phase === 'attaching')).toBe(true)
    expect(tokyo(aws).stack('app-prod-data')?.templateBody).toContain('otherdb')
  })
})

describe('Ctrl-C', () => {
  it('after planning and before execution executes nothing and deletes the planned change set', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    tokyo(aws).calls.length = 0
    const stacks = sampleStacks()
    withQueue(stacks[0])
    const controller = new AbortController()
    const {promise} = deploy(aws, {
      stacks,
      signal: controller.signal,
      emit: (e) => {
        if (e.type === 'stack' && e.stack === 'app-prod-network' && e.phase === 'waiting') controller.abort()
      },
    })
    const error = await promise.catch((e) => e)
    expect(error).toBeInstanceOf(AbortedError)
    expect(tokyo(aws).count('ExecuteChangeSet')).toBe(0)
    expect(tokyo(aws).stack('app-prod-network')?.status).toBe('CREATE_COMPLETE')
    expect(await tokyo(aws).listChangeSets(tokyo(aws).stack('app-prod-network')!.stackId)).toEqual([])
  })
})

describe('stale change-set cleanup', () => {
  it('leaves alone an old platform change set that another runner is executing', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    const executing = tokyo(aws).seedChangeSet('app-prod-network', 'platform-other-runner', 60 * 60 * 1000, 'EXECUTE_IN_PROGRESS')
    const stale = tokyo(aws).seedChangeSet('app-prod-network', 'platform-left-behind')
    const stacks = sampleStacks()
    withQueue(stacks[0])
    await deploy(aws, {stacks, now: () => Date.now()}).promise
    const deleted = tokyo(aws).calls.filter((c) => c.op === 'DeleteChangeSet').map((c) => c.arg)
    expect(deleted).toContain(stale)
    expect(deleted).not.toContain(executing)
  })
})

describe('another runner starting between plan and execution', () => {
  it('says the stack is being changed by someone else and that a new deploy waits for it', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    const stacks = sampleStacks()
    withQueue(stacks[0])
    const {promise, events} = deploy(aws, {
      stacks,
      emit: (e) => {
        if (e.type === 'stack' && e.stack === 'app-prod-network' && e.phase === 'executing') tokyo(aws).startForeignUpdate('app-prod-network', 'platform-bob-ci-77-abc')
      },
    })
    const error = (await promise.catch((e) => e)) as DeployFailedError
    expect(error).toBeInstanceOf(DeployFailedError)
    expect(failedMessage(events, 'app-prod-network')).toBe('app-prod-network is being changed by someone else; its change set was not executed.')
    expect(error.suggestions).toEqual(['Run the deploy again: it waits for the other operation.'])
    // The change set it could not execute is not left behind for the next run to trip over.
    expect(await tokyo(aws).listChangeSets(tokyo(aws).stack('app-prod-network')!.stackId)).toEqual([])
  })
})

describe('each decision made once', () => {
  it('follows the plan of a stack whose inputs did not move: no second change set for a reviewed no-change', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    const stacks = sampleStacks()
    withQueue(stacks[0])
    // --force: every stack gets a review change set; only network's holds a change.
    const result = await deploy(aws, {stacks, force: true}).promise
    expect(Object.fromEntries(result.stacks.map((s) => [s.part, s.outcome]))).toEqual({network: 'updated', edge: 'no-change', data: 'no-change', cdn: 'no-change'})
    // data reads network's outputs and network changed, but its resolved parameters are the same: the plan stands.
    expect(changeSetsCreatedFor(aws, 'app-prod-data')).toBe(2)
    expect(changeSetsCreatedFor(aws, 'app-prod-network')).toBe(2)
  })

  it('a protection-only plan whose inputs changed during the run applies the new parameters too', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    await tokyo(aws).updateTerminationProtection('app-prod-data', true)
    // At plan time only data's termination protection differs; then network's output changes its parameter.
    const stacks = sampleStacks()
    stacks[0].template.Outputs!.PrivateSubnetIds = {Value: 'subnet-3,subnet-4'}
    const result = await deploy(aws, {stacks}).promise
    expect(result.plans.find((p) => p.part === 'data')?.reason).toBe('termination protection differs')
    expect(result.stacks.find((s) => s.part === 'data')?.outcome).toBe('updated')
    expect(tokyo(aws).stack('app-prod-data')?.parameters).toEqual({PrivateSubnetIds: 'subnet-3,subnet-4'})
    expect(tokyo(aws).stack('app-prod-data')?.terminationProtection).toBe(false)
  })

  it('refuses every stack a deploy cannot move at once, before any change set is made', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    for (const name of ['app-prod-network', 'app-prod-data']) tokyo(aws).seedStack({name, status: 'UPDATE_FAILED', template: {Resources: {}}})
    tokyo(aws).calls.length = 0
    const error = (await deploy(aws).promise.catch((e) => e)) as DeployFailedError
    expect(error.code).toBe('STACK_BLOCKED')
    expect(error.message).toBe('app-prod-network is in UPDATE_FAILED and cannot be deployed.\napp-prod-data is in UPDATE_FAILED and cannot be deployed.')
    expect(error.suggestions).toHaveLength(2)
    expect(tokyo(aws).count('CreateChangeSet')).toBe(0)
  })
})

describe('failure report', () => {
  it('names the resource that failed, not the ones CloudFormation cancelled because of it', async () => {
    const aws = new FakeAws()
    const stacks = sampleStacks()
    withQueue(stacks[0])
    tokyo(aws).failures.set('app-prod-network', {logicalId: 'Queue', reason: 'Queue limit exceeded', cancelled: ['Alarm', 'Dashboard']})
    const {promise, events} = deploy(aws, {stacks})
    const error = (await promise.catch((e) => e)) as DeployFailedError
    expect(error).toBeInstanceOf(DeployFailedError)
    expect(error.failures).toEqual([{stack: 'app-prod-network', logicalId: 'Queue', type: 'AWS::SQS::Queue', status: 'CREATE_FAILED', reason: 'Queue limit exceeded'}])
    // The cancellations were seen (and shown as they happened), only left out of the report.
    expect(events.filter((e) => e.type === 'resource' && e.reason === 'Resource creation cancelled').map((e) => e.type === 'resource' && e.logicalId)).toEqual(['Alarm', 'Dashboard'])
  })
})

describe('beforeExecute hook (the database snapshot of --snapshot)', () => {
  it('sees the reviewed changes of each stack it is about to execute', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    const stacks = sampleStacks()
    withQueue(stacks[0])
    const seen: Array<{name: string; changes: string[]}> = []
    await deploy(aws, {stacks, beforeExecute: async (s) => void seen.push({name: s.name, changes: s.changes.map((c) => `${c.action} ${c.logicalId}`)})}).promise
    expect(seen).toEqual([{name: 'app-prod-network', changes: ['Add Queue']}])
  })

  it('a failing hook executes nothing and deletes the change set', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    tokyo(aws).calls.length = 0
    const stacks = sampleStacks()
    withQueue(stacks[0])
    const error = await deploy(aws, {stacks, beforeExecute: async () => Promise.reject(new Error('snapshot failed'))}).promise.catch((e) => e)
    expect(String(error?.message ?? error)).toMatch(/snapshot failed/)
    expect(tokyo(aws).count('ExecuteChangeSet')).toBe(0)
    expect(await tokyo(aws).listChangeSets(tokyo(aws).stack('app-prod-network')!.stackId)).toEqual([])
  })
})
