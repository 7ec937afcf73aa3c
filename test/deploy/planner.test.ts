import {describe, expect, it} from 'vitest'
import type {ChangeSetContext} from '../../src/lib/deploy/change-sets.js'
import {runDeploy} from '../../src/lib/deploy/engine.js'
import {decidePlans, decideWork, neededStacks, parseTemplate, readStacks, reviewChangeSets, selectStacks, topologicalOrder} from '../../src/lib/deploy/planner.js'
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
  return {environment: env.name, emit: (e) => events.push(e), now: Date.now, elapsed: () => 0, pollMs: 0, putTemplate: aws.putTemplate.bind(aws), templateBucket: () => undefined, deleteStale: true}
}

describe('decidePlans', () => {
  it('decides every stack from what was read, without an AWS call: create, skip, update with its reason', async () => {
    const aws = new FakeAws()
    // A create needs no reason: the stack does not exist.
    expect((await plan(aws, sampleStacks())).map((p) => [p.plan.part, p.plan.action, p.plan.reason])).toEqual([
      ['network', 'create', undefined],
      ['edge', 'create', undefined],
      ['data', 'create', undefined],
      ['cdn', 'create', undefined],
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
    expect(plans.map((p) => [p.plan.part, p.plan.action, p.plan.reason, p.plan.source])).toEqual([
      ['network', 'skip', undefined, 'none'],
      ['edge', 'update', 'template differs', 'template'],
      ['data', 'skip', undefined, 'none'],
      ['cdn', 'skip', undefined, 'none'],
    ])
    // Resolved once, from the outputs deployed before the run.
    expect(plans.find((p) => p.plan.part === 'data')?.parameters).toEqual({PrivateSubnetIds: {value: 'subnet-1,subnet-2'}})
  })

  it('--infra-only defers a service stack with no image, and everything that reads from it', async () => {
    const aws = new FakeAws()
    const stacks = [
      ...sampleStacks(),
      stack('svc-web', {parameters: {ImageUri: {from: 'image', service: 'web'}, WorkerImageUri: {from: 'image', service: 'worker'}}, outputs: {Url: 'https://web'}}),
      stack('monitoring', {parameters: {Url: {from: 'output', stack: 'app-prod-svc-web', output: 'Url'}}}),
    ]
    const plans = await plan(aws, stacks, {infraOnly: true})
    const deferred = plans.filter((p) => p.plan.action === 'deferred')
    expect(deferred.map((p) => [p.plan.part, p.plan.reason])).toEqual([
      ['svc-web', 'no image yet for web, worker; created by the first deploy with an image'],
      ['monitoring', 'a stack it reads from is deferred'],
    ])
    // Nothing is shown as changing in a stack the run leaves for later.
    expect(deferred.map((p) => [p.plan.changes, p.plan.parameterChanges, p.plan.source])).toEqual([
      [[], [], 'none'],
      [[], [], 'none'],
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

describe('selectStacks', () => {
  const stacks = [...sampleStacks(), stack('svc-web')]

  it('takes a part or a full stack name; none selects every stack', () => {
    expect([...selectStacks(stacks, ['data', 'app-prod-edge'])]).toEqual(['app-prod-data', 'app-prod-edge'])
    expect([...selectStacks(stacks, [])]).toEqual(stacks.map((s) => s.name))
  })

  it('refuses an unknown stack with exit 2, a guess and every part', () => {
    const refusal = (wanted: string) => {
      try {
        selectStacks(stacks, [wanted])
      } catch (error) {
        return error
      }
    }
    expect(refusal('web')).toMatchObject({code: 'UNKNOWN_STACK', exitCode: 2, message: 'No stack "web" in this environment.', suggestions: ['Did you mean --stack svc-web?', 'Stacks: network, edge, data, cdn, svc-web.']})
    expect(refusal('netwrok')).toMatchObject({suggestions: ['Did you mean --stack network?', 'Stacks: network, edge, data, cdn, svc-web.']})
    // Nothing near: only the list.
    expect(refusal('billing')).toMatchObject({suggestions: ['Stacks: network, edge, data, cdn, svc-web.']})
  })
})

describe('neededStacks and topologicalOrder', () => {
  it('adds what the selected stacks read from, transitively, in the rendered order', () => {
    const stacks = [...sampleStacks(), stack('monitoring', {parameters: {ClusterIdentifier: {from: 'output', stack: 'app-prod-data', output: 'ClusterIdentifier'}}})]
    expect(neededStacks(stacks, new Set(['app-prod-monitoring'])).map((s) => s.part)).toEqual(['network', 'data', 'monitoring'])
    expect(neededStacks(stacks, new Set(['app-prod-edge'])).map((s) => s.part)).toEqual(['edge'])
  })

  it('puts dependencies first, keeps the given order otherwise, and refuses a cycle naming it', () => {
    const [network, edge, data, cdn] = sampleStacks()
    expect(topologicalOrder([cdn, data, network, edge]).map((n) => n.replace('app-prod-', ''))).toEqual(['edge', 'cdn', 'network', 'data'])
    const a = {...stack('a'), dependsOn: ['app-prod-b']}
    const b = {...stack('b'), dependsOn: ['app-prod-a']}
    expect(() => topologicalOrder([a, b])).toThrow('Stack dependency cycle: app-prod-a -> app-prod-b -> app-prod-a')
    // Selecting a stack of a cycle walks it once, and the order names the cycle.
    expect(() => topologicalOrder(neededStacks([a, b], new Set(['app-prod-a'])))).toThrow('Stack dependency cycle: app-prod-a -> app-prod-b -> app-prod-a')
  })

  it('orders a stack read by two others once, and leaves out a dependency that is not among the stacks', () => {
    const [network] = sampleStacks()
    const reads = (part: string, from: string[]) => ({...stack(part), dependsOn: from})
    const diamond = [network, reads('left', ['app-prod-network']), reads('right', ['app-prod-network']), reads('top', ['app-prod-left', 'app-prod-right'])]
    expect(topologicalOrder([...diamond].reverse())).toEqual(['app-prod-network', 'app-prod-left', 'app-prod-right', 'app-prod-top'])
    // --stack data alone, given without network: data is ordered, network is not invented.
    const data = sampleStacks()[2]
    expect(neededStacks([data], new Set([data.name])).map((s) => s.part)).toEqual(['data'])
    expect(topologicalOrder([data])).toEqual(['app-prod-data'])
  })
})

describe('readStacks', () => {
  it('reads the template of selected deployed stacks only, and names the stack whose read failed', async () => {
    const aws = new FakeAws()
    await deployStacks(aws)
    const stacks = sampleStacks()
    const states = await readStacks(stacks, new Set(['app-prod-data']), aws)
    expect(states.get('app-prod-data')?.deployedTemplate).toEqual(stacks[2].template)
    expect(states.get('app-prod-network')).toMatchObject({selected: false, deployed: expect.objectContaining({status: 'CREATE_COMPLETE'})})
    expect(states.get('app-prod-network')?.deployedTemplate).toBeUndefined()
    // A template that is not JSON (another tool's YAML) is no template to compare with.
    expect(parseTemplate('Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n')).toBeUndefined()
    expect(parseTemplate('{"Resources": {}}')).toEqual({Resources: {}})

    aws.cloudFormation('us-east-1').describeStack = async () => {
      throw Object.assign(new Error('Rate exceeded'), {name: 'Throttling', awsCall: 'DescribeStacks'})
    }
    await expect(readStacks(stacks, new Set(), aws)).rejects.toMatchObject({code: 'AWS_CALL_FAILED', message: expect.stringMatching(/^app-prod-edge: DescribeStacks failed after retries\./)})
  })
})

describe('decidePlans refusals', () => {
  it('names every selected stack that reads from an undeployed one, and how to deploy them', async () => {
    const stacks = [...sampleStacks(), stack('monitoring', {parameters: {Vpc: {from: 'output', stack: 'app-prod-network', output: 'VpcId'}}})]
    const error = await plan(new FakeAws(), stacks, {select: ['data', 'monitoring', 'cdn']}).catch((e) => e)
    expect(error).toMatchObject({code: 'MISSING_DEPENDENCY', exitCode: 5})
    expect(error.message).toBe('app-prod-network is not deployed, and data, monitoring read its outputs.\napp-prod-edge is not deployed, and cdn reads its outputs.')
    expect(error.suggestions).toEqual(['Deploy them too: add --stack network --stack edge, or deploy without --stack.'])
    const one = await plan(new FakeAws(), sampleStacks(), {select: ['data']}).catch((e) => e)
    expect(one.suggestions).toEqual(['Deploy it too: add --stack network, or deploy without --stack.'])
  })

  it('names every service stack created without an image, and the flags that fix it', async () => {
    const stacks = [stack('svc-web', {parameters: {Image: {from: 'image', service: 'web'}, WorkerImage: {from: 'image', service: 'worker'}}}), stack('svc-api', {parameters: {Image: {from: 'image', service: 'api'}}})]
    const error = await plan(new FakeAws(), stacks).catch((e) => e)
    expect(error).toMatchObject({code: 'IMAGE_REQUIRED', exitCode: 2})
    expect(error.message).toBe('app-prod-svc-web is created for the first time and needs an image for web, worker.\napp-prod-svc-api is created for the first time and needs an image for api.')
    expect(error.suggestions).toEqual(['Pass --image web=URI --image worker=URI --image api=URI.', 'Or pass --infra-only to deploy everything else first.'])
    // With the images, or deferred with --infra-only, nothing is refused.
    expect((await plan(new FakeAws(), stacks, {images: {web: 'w:1', worker: 'k:1', api: 'a:1'}})).map((p) => p.plan.action)).toEqual(['create', 'create'])
  })

  it('asks no image for a service stack --stack only reads outputs from', async () => {
    const aws = new FakeAws()
    // svc-web is deployed; its template has gained a second image since, which a deploy of svc-web would need.
    const web = stack('svc-web', {parameters: {Image: {from: 'image', service: 'web'}, WorkerImage: {from: 'image', service: 'worker'}}, outputs: {Url: 'https://web'}})
    aws.cloudFormation('ap-northeast-1').seedStack({name: web.name, status: 'CREATE_COMPLETE', template: web.template, parameters: {Image: 'w:1'}, outputs: {Url: 'https://web'}})
    const monitoring = stack('monitoring', {parameters: {Url: {from: 'output', stack: web.name, output: 'Url'}}})
    const plans = await plan(aws, [web, monitoring], {select: ['monitoring']})
    expect(plans.map((p) => [p.plan.part, p.plan.action])).toEqual([
      ['svc-web', 'read-only'],
      ['monitoring', 'create'],
    ])
    expect(plans[1].parameters).toEqual({Url: {value: 'https://web'}})
  })

  it('refuses stacks in a state only a person can resolve, saying what to do for each', async () => {
    const aws = new FakeAws()
    const tokyo = aws.cloudFormation('ap-northeast-1')
    tokyo.seedStack({name: 'app-prod-network', status: 'DELETE_FAILED', statusReason: 'The following resource(s) failed to delete: [Topic].', template: {Resources: {}}})
    tokyo.seedStack({name: 'app-prod-data', status: 'UPDATE_FAILED', template: {Resources: {}}})
    const error = await plan(aws, sampleStacks().filter((s) => s.region !== 'us-east-1' && s.part !== 'cdn')).catch((e) => e)
    expect(error).toMatchObject({code: 'STACK_BLOCKED', exitCode: 5})
    // CloudFormation's reason, when it gives one.
    expect(error.message).toBe('app-prod-network is in DELETE_FAILED (The following resource(s) failed to delete: [Topic].) and cannot be deployed.\napp-prod-data is in UPDATE_FAILED and cannot be deployed.')
    expect(error.suggestions).toEqual([
      'app-prod-network: finish the deletion (retain the failing resources) in the console or with `aws cloudformation delete-stack --retain-resources`.',
      'app-prod-data: look at its events: `aws cloudformation describe-stack-events --stack-name app-prod-data`.',
    ])
  })
})

describe('decidePlans per stack', () => {
  it('waits for a running operation (attach), deletes a rolled-back create first (recreate), recovers a failed rollback', async () => {
    const aws = new FakeAws()
    await deployStacks(aws)
    const tokyo = aws.cloudFormation('ap-northeast-1')
    const stacks = sampleStacks()
    tokyo.seedStack({name: 'app-prod-network', status: 'UPDATE_IN_PROGRESS', template: stacks[0].template, outputs: {VpcId: 'vpc-1', PrivateSubnetIds: 'subnet-1,subnet-2'}})
    tokyo.seedStack({name: 'app-prod-data', status: 'UPDATE_ROLLBACK_FAILED', template: stacks[2].template, parameters: {PrivateSubnetIds: 'subnet-1,subnet-2'}})
    aws.cloudFormation('us-east-1').seedStack({name: 'app-prod-edge', status: 'ROLLBACK_COMPLETE', template: stacks[1].template})
    const plans = await plan(aws, stacks)
    expect(plans.map((p) => [p.plan.part, p.plan.action, p.plan.reason])).toEqual([
      ['network', 'attach', 'UPDATE_IN_PROGRESS: another operation is running; the deploy waits for it'],
      ['edge', 'recreate', 'ROLLBACK_COMPLETE after a failed first create: it holds nothing; it is deleted and created again'],
      ['data', 'recover', 'UPDATE_ROLLBACK_FAILED: continue-update-rollback first, then update'],
      ['cdn', 'skip', undefined],
    ])
    // A recreated stack is compared with nothing: every resource is added. A recovered one with what it holds.
    expect(plans[1].plan.changes.map((c) => c.action)).toEqual(['Add'])
    expect(plans[2].plan.changes).toEqual([])
    expect(plans.map((p) => p.plan.source)).toEqual(['template', 'template', 'template', 'none'])
  })

  it('lists parameter changes by name, comparing list parameters item by item and the others as text', async () => {
    const aws = new FakeAws()
    await deployStacks(aws)
    const stacks = sampleStacks()
    const data = stacks[2]
    const declare = (name: string, Type: string, value: string) => {
      data.parameters[name] = {from: 'value', value}
      data.template.Parameters![name] = {Type}
    }
    data.template.Parameters!.PrivateSubnetIds.Type = 'List<AWS::EC2::Subnet::Id>'
    declare('Zones', 'CommaDelimitedList', 'a, c')
    declare('Note', 'String', 'x, y')
    declare('Same', 'String', 's')
    declare('Alpha', 'String', 'new')
    aws.cloudFormation('ap-northeast-1').seedStack({
      name: 'app-prod-data',
      status: 'UPDATE_COMPLETE',
      template: data.template,
      parameters: {Zeta: 'gone', PrivateSubnetIds: 'subnet-1, subnet-2', Zones: 'a,b', Note: 'x,y', Same: 's'},
    })
    const planned = (await plan(aws, stacks, {select: ['data']})).find((p) => p.plan.part === 'data')!
    // The subnets are the same list spelled with a space; a String with the same text is no change.
    expect(planned.plan.parameterChanges).toEqual([
      {name: 'Alpha', old: undefined, new: 'new'},
      {name: 'Note', old: 'x,y', new: 'x, y'},
      {name: 'Zeta', old: 'gone', new: undefined},
      {name: 'Zones', old: 'a,b', new: 'a, c'},
    ])
    expect(planned.plan.action).toBe('update')
  })

  it('reads a stack it does not deploy (read-only), and decides only termination protection with one call', async () => {
    const aws = new FakeAws()
    await deployStacks(aws)
    const stacks = sampleStacks()
    stacks[0].terminationProtection = true
    const plans = await plan(aws, stacks, {select: ['network', 'data']})
    expect(plans.map((p) => [p.plan.part, p.plan.action, p.protectionOnly])).toEqual([
      ['network', 'update', true],
      ['data', 'skip', false],
    ])
    expect((await plan(aws, sampleStacks(), {select: ['data']})).map((p) => [p.plan.part, p.plan.action])).toEqual([
      ['network', 'read-only'],
      ['data', 'skip'],
    ])
  })
})

describe('an input deployed during the run', () => {
  it('is left unresolved at plan time: no review change set is made from a value that does not exist yet, and the run passes the new output', async () => {
    const aws = new FakeAws()
    await deployStacks(aws)
    const stacks = sampleStacks()
    const [network, , data] = stacks
    network.template.Outputs!.Endpoint = {Value: 'endpoint-1'}
    data.parameters.Endpoint = {from: 'output', stack: network.name, output: 'Endpoint'}
    data.template.Parameters!.Endpoint = {Type: 'String'}
    const decided = await plan(aws, stacks)
    const planned = decided.find((p) => p.plan.part === 'data')!
    expect(planned.unresolved).toEqual(['app-prod-network.Endpoint'])
    expect(planned.parameters).toEqual({PrivateSubnetIds: {value: 'subnet-1,subnet-2'}})
    const reviewed = await reviewChangeSets(decided, context(aws))
    expect(reviewed.filter((p) => p.changeSet).map((p) => p.plan.part)).toEqual(['network'])
    await runDeploy({env, stacks, aws, emit: () => undefined, mode: 'deploy', yes: true, pollIntervalMs: 0})
    expect(aws.cloudFormation('ap-northeast-1').stack(data.name)?.parameters).toMatchObject({Endpoint: 'endpoint-1'})
  })
})

describe('decideWork', () => {
  it('is a skip, one termination-protection call, or a change set', async () => {
    const aws = new FakeAws()
    await deployStacks(aws)
    const [network] = sampleStacks()
    const state = (await readStacks([network], new Set([network.name]), aws)).get(network.name)!
    const work = (def: StackDefinition) => decideWork(def, state.deployed, state.deployedTemplate, {}).work
    expect(work(network)).toBe('skip')
    expect(work({...network, terminationProtection: true})).toBe('protection-only')
    expect(work({...network, template: {...network.template, Description: 'changed'}})).toBe('change-set')
  })
})

describe('reviewChangeSets on interruption or failure', () => {
  async function twoUpdates() {
    const aws = new FakeAws()
    await deployStacks(aws)
    const stacks = sampleStacks()
    stacks[0].template.Resources.Queue = {Type: 'AWS::SQS::Queue'}
    stacks[2].template.Resources.Queue = {Type: 'AWS::SQS::Queue'}
    const tokyo = aws.cloudFormation('ap-northeast-1')
    const made = tokyo.count('CreateChangeSet')
    const deleted = tokyo.count('DeleteChangeSet')
    return {aws, decided: await plan(aws, stacks), created: () => tokyo.count('CreateChangeSet') - made, open: () => tokyo.count('CreateChangeSet') - made - (tokyo.count('DeleteChangeSet') - deleted)}
  }

  it('Ctrl-C stops before the next stack and deletes the change sets already made', async () => {
    const {aws, decided, created, open} = await twoUpdates()
    const controller = new AbortController()
    const ctx = context(aws)
    const emit = ctx.emit
    ctx.emit = (e) => {
      emit(e)
      if (e.type === 'change-set' && e.action === 'created') controller.abort()
    }
    const error = await reviewChangeSets(decided, ctx, controller.signal).catch((e) => e)
    expect(error).toMatchObject({exitCode: 6, message: 'Interrupted while planning; nothing was changed and the review change sets were deleted.'})
    expect(created()).toBe(1)
    expect(open()).toBe(0)
  })

  it('a failed change set deletes the ones made before it and names its stack', async () => {
    const {aws, decided, created, open} = await twoUpdates()
    const tokyo = aws.cloudFormation('ap-northeast-1')
    const create = tokyo.createChangeSet.bind(tokyo)
    tokyo.createChangeSet = async (input) => {
      if (input.stackName === 'app-prod-data') throw Object.assign(new Error('Template error'), {name: 'ValidationError', awsCall: 'CreateChangeSet'})
      return create(input)
    }
    const error = await reviewChangeSets(decided, context(aws)).catch((e) => e)
    expect(error).toMatchObject({code: 'AWS_CALL_FAILED', message: expect.stringMatching(/^app-prod-data: CreateChangeSet failed after retries\./)})
    expect(created()).toBe(1)
    expect(open()).toBe(0)
  })
})
