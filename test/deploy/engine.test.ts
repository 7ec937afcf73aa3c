import {describe, expect, it} from 'vitest'
import {runDeploy, type DeployEngineOptions} from '../../src/lib/deploy/engine.js'
import type {DeployEvent} from '../../src/lib/deploy/types.js'
import {AbortedError, DeployFailedError, NonInteractiveError} from '../../src/lib/errors.js'
import {AwsError, FakeAws} from '../helpers/fake-cloudformation.js'
import {env, sampleStacks, stack} from './stacks.js'

function deploy(aws: FakeAws, overrides: Partial<DeployEngineOptions> = {}) {
  const events: DeployEvent[] = []
  const promise = runDeploy({env, stacks: sampleStacks(), aws, emit: (e) => events.push(e), mode: 'deploy', yes: true, pollIntervalMs: 0, ...overrides})
  return {promise, events}
}

const tokyo = (aws: FakeAws) => aws.cloudFormation('ap-northeast-1')
const virginia = (aws: FakeAws) => aws.cloudFormation('us-east-1')

describe('runDeploy against the fake CloudFormation', () => {
  it('creates every stack in its own region and passes outputs across regions as parameters', async () => {
    const aws = new FakeAws()
    const {promise} = deploy(aws)
    const result = await promise
    expect(result.stacks.map((s) => [s.part, s.outcome])).toEqual([
      ['network', 'created'],
      ['edge', 'created'],
      ['data', 'created'],
      ['cdn', 'created'],
    ])
    expect(tokyo(aws).stack('app-prod-data')?.parameters).toEqual({PrivateSubnetIds: 'subnet-1,subnet-2'})
    // cdn (Tokyo) read WebAclArn from edge (us-east-1).
    expect(tokyo(aws).stack('app-prod-cdn')?.parameters.WebAclArn).toBe('arn:aws:wafv2:us-east-1:123456789012:global/webacl/x')
    expect(virginia(aws).stack('app-prod-edge')?.status).toBe('CREATE_COMPLETE')
    expect(tokyo(aws).stack('app-prod-edge')).toBeUndefined()
  })

  it('skips an unchanged redeploy with one DescribeStacks and one GetTemplate per stack and no change set', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    for (const fake of aws.regions.values()) fake.calls.length = 0
    const {promise, events} = deploy(aws)
    const result = await promise
    expect(result.stacks.every((s) => s.outcome === 'skipped')).toBe(true)
    expect(result.changeSetsCreated).toBe(0)
    const calls = [...aws.regions.values()].flatMap((f) => f.calls.map((c) => c.op)).sort()
    // One listing per region finds stacks platform.yaml no longer renders.
    expect(calls).toEqual([...Array(4).fill('DescribeStacks'), 'DescribeStacks(all)', 'DescribeStacks(all)', ...Array(4).fill('GetTemplate')])
    expect(events.some((e) => e.type === 'change-set')).toBe(false)
  })

  it('shows deployed stacks the environment no longer renders, warns, and leaves them alone', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    const tags = {environment: 'prod', 'managed-by': 'platform', project: 'app'}
    const template = {Resources: {Zone: {Type: 'AWS::Route53::HostedZone'}}}
    virginia(aws).seedStack({name: 'app-prod-dns', status: 'UPDATE_COMPLETE', template, tags})
    tokyo(aws).seedStack({name: 'app-prod-zone', status: 'CREATE_COMPLETE', template, tags})
    // Same name prefix, another environment (prod-eu); and a stack platform did not make.
    tokyo(aws).seedStack({name: 'app-prod-eu-network', status: 'CREATE_COMPLETE', template, tags: {...tags, environment: 'prod-eu'}})
    tokyo(aws).seedStack({name: 'app-prod-handmade', status: 'CREATE_COMPLETE', template})
    const {promise, events} = deploy(aws)
    const result = await promise
    expect(result.orphaned).toEqual([
      {stack: 'app-prod-dns', region: 'us-east-1', status: 'UPDATE_COMPLETE'},
      {stack: 'app-prod-zone', region: 'ap-northeast-1', status: 'CREATE_COMPLETE'},
    ])
    const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []))
    expect(warnings.filter((w) => w.includes('no longer in platform.yaml'))).toHaveLength(2)
    expect(warnings.find((w) => w.startsWith('app-prod-dns'))).toContain('left as it is')
    for (const [fake, name] of [[virginia(aws), 'app-prod-dns'], [tokyo(aws), 'app-prod-zone']] as const) {
      expect(fake.calls.filter((c) => c.arg === name || (c.arg as {stackName?: string})?.stackName === name)).toEqual([])
      expect(fake.stack(name)?.status).not.toMatch(/DELETE/)
    }
    const diff = await runDeploy({env, stacks: sampleStacks(), aws, emit: () => undefined, mode: 'diff', pollIntervalMs: 0})
    expect(diff.orphaned.map((o) => o.stack)).toEqual(['app-prod-dns', 'app-prod-zone'])
  })

  it('warns, and still deploys, when a region cannot be listed for stacks no longer rendered', async () => {
    const aws = new FakeAws()
    virginia(aws).listStacks = async () => {
      throw new AwsError('AccessDenied', 'not authorized to perform cloudformation:DescribeStacks')
    }
    const {promise, events} = deploy(aws)
    const result = await promise
    expect(result.orphaned).toEqual([])
    expect(events.some((e) => e.type === 'warning' && e.message.includes('Could not list the stacks in us-east-1'))).toBe(true)
  })

  it('Ctrl-C while planning a diff stops planning and deletes the change sets made so far', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    const controller = new AbortController()
    const created: string[] = []
    const diff = runDeploy({env, stacks: sampleStacks(), aws, mode: 'diff', force: true, pollIntervalMs: 0, signal: controller.signal, emit: (e) => {
      if (e.type === 'change-set' && e.action === 'created') {
        created.push(e.stack)
        controller.abort()
      }
    }})
    await expect(diff).rejects.toThrow(AbortedError)
    expect(created).toEqual(['app-prod-network'])
    for (const fake of [tokyo(aws), virginia(aws)]) {
      for (const name of ['app-prod-network', 'app-prod-data', 'app-prod-edge', 'app-prod-cdn']) {
        const stack = fake.stack(name)
        if (stack) expect(await fake.listChangeSets(stack.stackId)).toEqual([])
      }
    }
  })

  it('updates only the stack whose parameter changed', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    const stacks = sampleStacks()
    stacks[0].template.Outputs!.PrivateSubnetIds = {Value: 'subnet-3,subnet-4'}
    const result = await deploy(aws, {stacks}).promise
    expect(Object.fromEntries(result.stacks.map((s) => [s.part, s.outcome]))).toEqual({network: 'updated', data: 'updated', edge: 'skipped', cdn: 'skipped'})
    expect(tokyo(aws).stack('app-prod-data')?.parameters.PrivateSubnetIds).toBe('subnet-3,subnet-4')
  })

  it('deletes an empty change set and reports no change (--force on an unchanged stack)', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    const {promise, events} = deploy(aws, {force: true})
    const result = await promise
    expect(result.stacks.every((s) => s.outcome === 'no-change')).toBe(true)
    expect(events.filter((e) => e.type === 'change-set' && e.action === 'empty')).toHaveLength(4)
    expect(tokyo(aws).count('ExecuteChangeSet')).toBe(3)
    expect(await tokyo(aws).listChangeSets(tokyo(aws).stack('app-prod-network')!.stackId)).toEqual([])
  })

  it('reports the first failing resource with its reason after the rollback, and starts nothing that depends on it', async () => {
    // Why the fake: moto never rolls back (execution is synchronous and a failure leaves the stack as it was).
    const aws = new FakeAws()
    tokyo(aws).failures.set('app-prod-network', {logicalId: 'Topic', reason: 'Topic limit exceeded (Service: Sns, Status Code: 400)'})
    const {promise, events} = deploy(aws)
    const error = (await promise.catch((e) => e)) as DeployFailedError
    expect(error).toBeInstanceOf(DeployFailedError)
    expect(error.exitCode).toBe(5)
    expect(error.failures[0]).toMatchObject({stack: 'app-prod-network', logicalId: 'Topic', status: 'CREATE_FAILED', reason: 'Topic limit exceeded (Service: Sns, Status Code: 400)'})
    expect(error.message).toMatch(/not started: app-prod-data/)
    expect(tokyo(aws).stack('app-prod-network')?.status).toBe('ROLLBACK_COMPLETE')
    expect(tokyo(aws).stack('app-prod-data')).toBeUndefined()
    // edge is independent and was allowed to finish.
    expect(virginia(aws).stack('app-prod-edge')?.status).toBe('CREATE_COMPLETE')
    expect(events.some((e) => e.type === 'resource' && e.status === 'CREATE_FAILED' && e.description === 'network topic')).toBe(true)
  })

  it('deletes a ROLLBACK_COMPLETE stack and creates it again', async () => {
    // Why the fake: moto cannot produce ROLLBACK_COMPLETE (it never rolls back).
    const aws = new FakeAws()
    // Protected (someone set it by hand): the fake, like AWS, refuses to delete it unless it is lifted.
    const oldId = tokyo(aws).seedStack({name: 'app-prod-network', status: 'ROLLBACK_COMPLETE', template: stack('network').template, terminationProtection: true})
    const {promise, events} = deploy(aws)
    const result = await promise
    expect(result.plans.find((p) => p.part === 'network')?.action).toBe('recreate')
    expect(result.stacks.find((s) => s.part === 'network')?.outcome).toBe('created')
    const now = tokyo(aws).stack('app-prod-network')!
    expect(now.status).toBe('CREATE_COMPLETE')
    expect(now.stackId).not.toBe(oldId)
    expect(tokyo(aws).count('DeleteStack')).toBe(1)
    expect(events.some((e) => e.type === 'stack' && e.phase === 'deleting')).toBe(true)
  })

  it('asks before recreating: without --yes and without a terminal it stops naming --yes', async () => {
    const aws = new FakeAws()
    tokyo(aws).seedStack({name: 'app-prod-network', status: 'ROLLBACK_COMPLETE', template: stack('network').template})
    const error = await deploy(aws, {yes: false}).promise.catch((e) => e)
    expect(error).toBeInstanceOf(NonInteractiveError)
    expect(error.suggestions.join(' ')).toMatch(/--yes/)
    expect(tokyo(aws).count('DeleteStack')).toBe(0)
    const declined = await deploy(aws, {yes: false, confirm: async () => false}).promise.catch((e) => e)
    expect(declined).toBeInstanceOf(AbortedError)
    expect(tokyo(aws).count('DeleteStack')).toBe(0)
  })

  it('recovers UPDATE_ROLLBACK_FAILED with continue-update-rollback, skipping resources only when asked', async () => {
    // Why the fake: moto does not implement ContinueUpdateRollback and never reaches UPDATE_ROLLBACK_FAILED.
    const aws = new FakeAws()
    await deploy(aws).promise
    const fake = tokyo(aws)
    const network = fake.stack('app-prod-network')!
    fake.seedStack({name: 'app-prod-network', status: 'UPDATE_ROLLBACK_FAILED', template: network.templateBody, parameters: network.parameters, tags: network.tags})
    fake.failures.set('app-prod-network', {logicalId: 'Service', reason: 'Service was not stable', rollbackFailsUntilSkipped: true})
    const stacks = sampleStacks()
    stacks[0].template.Resources.Queue = {Type: 'AWS::SQS::Queue'}

    const first = (await deploy(aws, {stacks}).promise.catch((e) => e)) as DeployFailedError
    expect(first).toBeInstanceOf(DeployFailedError)
    expect(first.failures[0]).toMatchObject({logicalId: 'Service', reason: 'Service was not stable'})
    expect(first.suggestions?.join(' ')).toMatch(/--skip-resources network\.Service/)

    const result = await deploy(aws, {stacks, skipResources: ['network.Service']}).promise
    expect(fake.calls.filter((c) => c.op === 'ContinueUpdateRollback').map((c) => c.arg)).toEqual([[], ['Service']])
    expect(result.stacks.find((s) => s.part === 'network')?.outcome).toBe('updated')
    expect(fake.stack('app-prod-network')?.status).toBe('UPDATE_COMPLETE')
  })

  it('waits for another runner\'s operation, says who holds the stack, then deploys', async () => {
    // Why the fake: moto executes synchronously, so a stack is never seen *_IN_PROGRESS.
    const aws = new FakeAws()
    await deploy(aws).promise
    tokyo(aws).startForeignUpdate('app-prod-network', 'platform-alice-laptop-4242-abc', 4)
    const stacks = sampleStacks()
    stacks[0].template.Resources.Queue = {Type: 'AWS::SQS::Queue'}
    const {promise, events} = deploy(aws, {stacks})
    const result = await promise
    const attach = events.find((e) => e.type === 'stack' && e.phase === 'attaching')
    expect(attach && attach.type === 'stack' && attach.message).toMatch(/UPDATE_IN_PROGRESS started by platform-alice-laptop-4242-abc/)
    expect(result.stacks.find((s) => s.part === 'network')).toMatchObject({action: 'attach', outcome: 'updated'})
    expect(tokyo(aws).stack('app-prod-network')?.templateBody).toContain('Queue')
  })

  it('refuses to replace the database (predicted from create-only properties) unless --allow-replace names it', async () => {
    // The fake, like moto, reports Replacement False: the prediction from the template is what catches it.
    const aws = new FakeAws()
    await deploy(aws).promise
    const stacks = sampleStacks()
    ;(stacks[2].template.Resources.Cluster.Properties as Record<string, unknown>).DatabaseName = 'otherdb'
    const error = (await deploy(aws, {stacks}).promise.catch((e) => e)) as DeployFailedError
    expect(error).toBeInstanceOf(DeployFailedError)
    expect(error.exitCode).toBe(5)
    expect(error.failures).toEqual([
      expect.objectContaining({stack: 'app-prod-data', logicalId: 'Cluster', type: 'AWS::RDS::DBCluster', status: 'WOULD_REPLACE', reason: expect.stringMatching(/DatabaseName cannot change in place/)}),
    ])
    expect(tokyo(aws).count('ExecuteChangeSet')).toBe(3)
    const csLeft = await tokyo(aws).listChangeSets(tokyo(aws).stack('app-prod-data')!.stackId)
    expect(csLeft).toEqual([])

    const {promise, events} = deploy(aws, {stacks, allowReplace: ['Cluster']})
    const result = await promise
    expect(result.stacks.find((s) => s.part === 'data')?.outcome).toBe('updated')
    // an allowed replacement still says what it does
    expect(events).toContainEqual({type: 'warning', message: expect.stringMatching(/^app-prod-data: Cluster \(AWS::RDS::DBCluster\) would be replaced .*; allowed by --allow-replace\.$/)})
  })

  it('accepts --allow-replace as part.LogicalId, and refuses a bare logical id that matches in several stacks', async () => {
    const aws = new FakeAws()
    const stacks = sampleStacks()
    // a bucket with the same logical id as the database cluster, in another stack
    stacks[3].template.Resources.Cluster = {Type: 'AWS::S3::Bucket', Properties: {BucketName: 'b1'}}
    await deploy(aws, {stacks}).promise
    // both would now be replaced
    ;(stacks[2].template.Resources.Cluster.Properties as Record<string, unknown>).DatabaseName = 'otherdb'
    ;(stacks[3].template.Resources.Cluster.Properties as Record<string, unknown>).BucketName = 'b2'

    const ambiguous = await deploy(aws, {stacks, allowReplace: ['Cluster']}).promise.catch((e) => e)
    expect(ambiguous).toMatchObject({code: 'AMBIGUOUS_ALLOW_REPLACE', exitCode: 2})
    expect(ambiguous.suggestions).toEqual(['Name the one meant: --allow-replace data.Cluster or --allow-replace cdn.Cluster.'])
    expect(tokyo(aws).stack('app-prod-data')?.templateBody).not.toContain('otherdb')

    const result = await deploy(aws, {stacks, allowReplace: ['data.Cluster', 'cdn.Cluster']}).promise
    expect(result.stacks.find((s) => s.part === 'data')?.outcome).toBe('updated')
  })

  it('refuses removal of a stateful resource', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    const stacks = sampleStacks()
    delete stacks[2].template.Resources.Cluster
    stacks[2].template.Resources.Other = {Type: 'AWS::SNS::Topic'}
    const error = (await deploy(aws, {stacks}).promise.catch((e) => e)) as DeployFailedError
    expect(error.failures[0]).toMatchObject({logicalId: 'Cluster', status: 'WOULD_DELETE'})
  })

  it('sends templates over 51,200 bytes through the bootstrap bucket', async () => {
    const aws = new FakeAws()
    const big: Record<string, {Type: string; Metadata: Record<string, unknown>}> = {}
    for (let i = 0; i < 400; i++) big[`Topic${i}`] = {Type: 'AWS::SNS::Topic', Metadata: {'platform:description': `topic number ${i} `.padEnd(100, '.')}}
    const stacks = [stack('bootstrap', {outputs: {ArtifactBucketName: 'app-prod-artifacts'}}), {...stack('big', {resources: big}), dependsOn: ['app-prod-bootstrap']}]
    await deploy(aws, {stacks}).promise
    expect(aws.uploads).toHaveLength(1)
    expect(aws.uploads[0]).toMatchObject({bucket: 'app-prod-artifacts', key: expect.stringMatching(/^templates\/app-prod-big\/[0-9a-f]{16}\.json$/)})
    const create = tokyo(aws).calls.find((c) => c.op === 'CreateChangeSet' && (c.arg as {stackName: string}).stackName === 'app-prod-big')
    expect(create?.arg).toMatchObject({templateBody: undefined, templateUrl: expect.stringContaining('app-prod-artifacts')})
  })

  it('sets termination protection on protected stacks, and a protection-only difference needs no change set', async () => {
    const aws = new FakeAws()
    const stacks = sampleStacks().map((s) => ({...s, terminationProtection: true}))
    await deploy(aws, {stacks}).promise
    expect(tokyo(aws).stack('app-prod-data')?.terminationProtection).toBe(true)
    await tokyo(aws).updateTerminationProtection('app-prod-data', false)
    tokyo(aws).calls.length = 0
    const result = await deploy(aws, {stacks}).promise
    expect(result.stacks.find((s) => s.part === 'data')?.outcome).toBe('updated')
    expect(tokyo(aws).count('CreateChangeSet')).toBe(0)
    expect(tokyo(aws).stack('app-prod-data')?.terminationProtection).toBe(true)
  })

  it('a diff deletes no stale change set (it holds no lease; an old one may be a waiting deploy\'s review), nor lists them', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    const waiting = tokyo(aws).seedChangeSet('app-prod-network', 'platform-deploy-at-its-prompt')
    const stacks = sampleStacks()
    stacks[0].template.Resources.Queue = {Type: 'AWS::SQS::Queue'}
    tokyo(aws).calls.length = 0
    await deploy(aws, {stacks, mode: 'diff', now: () => Date.now()}).promise
    expect(tokyo(aws).calls.filter((c) => c.op === 'DeleteChangeSet').map((c) => c.arg)).not.toContain(waiting)
    expect(tokyo(aws).count('ListChangeSets')).toBe(0)
  })

  it('deletes stale platform change sets before creating a new one', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    const stale = tokyo(aws).seedChangeSet('app-prod-network', 'platform-left-behind')
    const young = tokyo(aws).seedChangeSet('app-prod-network', 'platform-someone-reviewing', 60_000)
    const foreign = tokyo(aws).seedChangeSet('app-prod-network', 'console-made')
    const stacks = sampleStacks()
    stacks[0].template.Resources.Queue = {Type: 'AWS::SQS::Queue'}
    await deploy(aws, {stacks, now: () => Date.now()}).promise
    const deleted = tokyo(aws).calls.filter((c) => c.op === 'DeleteChangeSet').map((c) => c.arg)
    expect(deleted).toContain(stale)
    // A minute-old one may be another runner's review; a change set not made by platform is not ours.
    expect(deleted).not.toContain(young)
    expect(deleted).not.toContain(foreign)
  })

  it('on Ctrl-C during an update cancels it; the next run attaches to the rollback and deploys', async () => {
    // Why the fake: moto has no CancelUpdateStack and no in-progress window.
    const aws = new FakeAws()
    await deploy(aws).promise
    const stacks = sampleStacks()
    stacks[0].template.Resources.Queue = {Type: 'AWS::SQS::Queue'}
    const controller = new AbortController()
    const events: DeployEvent[] = []
    const error = await runDeploy({
      env,
      stacks,
      aws,
      mode: 'deploy',
      yes: true,
      pollIntervalMs: 0,
      signal: controller.signal,
      emit: (e) => {
        events.push(e)
        if (e.type === 'stack' && e.phase === 'executing') controller.abort()
      },
    }).catch((e) => e)
    expect(error).toBeInstanceOf(AbortedError)
    expect(tokyo(aws).count('CancelUpdateStack')).toBe(1)
    expect(tokyo(aws).stack('app-prod-network')?.status).toBe('UPDATE_ROLLBACK_IN_PROGRESS')
    // Three creates, then only the cancelled network update.
    expect(tokyo(aws).count('ExecuteChangeSet')).toBe(4)

    const result = await deploy(aws, {stacks}).promise
    expect(result.stacks.find((s) => s.part === 'network')).toMatchObject({action: 'attach', outcome: 'updated'})
  })

  it('--stack deploys only the named stack and reads the others\' outputs', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    const stacks = sampleStacks()
    stacks[3].template.Resources.Queue = {Type: 'AWS::SQS::Queue'}
    stacks[0].template.Resources.Queue = {Type: 'AWS::SQS::Queue'}
    const result = await deploy(aws, {stacks, select: ['cdn']}).promise
    expect(result.stacks.map((s) => [s.part, s.outcome])).toEqual([
      ['edge', 'read-only'],
      ['cdn', 'updated'],
    ])
    expect(tokyo(aws).stack('app-prod-network')?.templateBody).not.toContain('Queue')
  })

  it('--stack refuses when a stack it reads from was never deployed', async () => {
    const error = await deploy(new FakeAws(), {select: ['cdn']}).promise.catch((e) => e)
    expect(error.message).toMatch(/app-prod-edge is not deployed, and cdn reads its outputs/)
  })

  it('names every service stack that needs an image in one refusal, before any change set is made', async () => {
    const aws = new FakeAws()
    const service = (name: string) => stack(`svc-${name}`, {parameters: {ImageUri: {from: 'image', service: name}}})
    const stacks = [...sampleStacks(), service('web'), service('worker'), service('api')]
    const error = await deploy(aws, {stacks, images: {api: 'repo/api@sha256:abc'}}).promise.catch((e) => e)
    expect(error.code).toBe('IMAGE_REQUIRED')
    expect(error.message).toBe('app-prod-svc-web is created for the first time and needs an image for web.\napp-prod-svc-worker is created for the first time and needs an image for worker.')
    expect(error.suggestions[0]).toBe('Pass --image web=URI --image worker=URI.')
    expect(tokyo(aws).count('CreateChangeSet')).toBe(0)
  })

  it('--stack names every stack it reads from that was never deployed, at once', async () => {
    const error = await deploy(new FakeAws(), {select: ['cdn', 'data']}).promise.catch((e) => e)
    expect(error.code).toBe('MISSING_DEPENDENCY')
    expect(error.message).toMatch(/app-prod-network is not deployed, and data reads its outputs\.\napp-prod-edge is not deployed, and cdn reads its outputs\./)
    expect(error.suggestions).toEqual(['Deploy them too: add --stack network --stack edge, or deploy without --stack.'])
  })

  it('needs an image for a first service deploy; --infra-only defers the service stack instead', async () => {
    const aws = new FakeAws()
    const stacks = [...sampleStacks(), stack('svc-web', {parameters: {ImageUri: {from: 'image', service: 'web'}}})]
    const error = await deploy(aws, {stacks}).promise.catch((e) => e)
    expect(error.message).toMatch(/needs an image for web/)
    expect(error.suggestions.join(' ')).toMatch(/--image web=URI/)
    const infra = await deploy(aws, {stacks, infraOnly: true}).promise
    expect(infra.stacks.find((s) => s.part === 'svc-web')?.outcome).toBe('deferred')
    await deploy(aws, {stacks, images: {web: '123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/app/prod/web@sha256:abc'}}).promise
    expect(tokyo(aws).stack('app-prod-svc-web')?.parameters.ImageUri).toMatch(/sha256:abc$/)
    // Later deploys without --image keep the deployed image (UsePreviousValue) and skip.
    const again = await deploy(aws, {stacks}).promise
    expect(again.stacks.find((s) => s.part === 'svc-web')?.outcome).toBe('skipped')
  })
})

describe('idempotency and AWS call failures', () => {
  it('sends every change set with its own ClientToken and every execution with a per-stack ClientRequestToken', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    const creates = [...aws.regions.values()].flatMap((f) => f.calls.filter((c) => c.op === 'CreateChangeSet').map((c) => c.arg as {changeSetName: string; clientToken: string}))
    expect(creates).toHaveLength(4)
    for (const c of creates) expect(c.clientToken).toBe(c.changeSetName)
    const tokens = [...aws.regions.values()].flatMap((f) => f.calls.filter((c) => c.op === 'ExecuteChangeSet').map((c) => c.token))
    expect(tokens).toHaveLength(4)
    expect(new Set(tokens).size).toBe(4)
    for (const token of tokens) expect(token).toMatch(/^platform-.*-execute$/)
  })

  it('turns an AWS error left after the SDK\'s retries into exit 5 naming the stack and the call', async () => {
    const aws = new FakeAws()
    const error = Object.assign(new AwsError('ServiceUnavailable', 'Service is unavailable', 503), {})
    Object.defineProperty(error, 'awsCall', {value: 'ExecuteChangeSet'})
    tokyo(aws).callErrors.set('ExecuteChangeSet', [error])
    const failure = await deploy(aws).promise.catch((e) => e)
    expect(failure).toBeInstanceOf(DeployFailedError)
    expect(failure.exitCode).toBe(5)
    expect(failure.code).toBe('DEPLOY_FAILED')
    expect(failure.failures).toEqual([
      expect.objectContaining({stack: 'app-prod-network', status: 'AWS_CALL_FAILED', reason: 'ExecuteChangeSet: ServiceUnavailable: Service is unavailable (HTTP 503)'}),
    ])
    expect(failure.message).toMatch(/^Deploy of prod failed: app-prod-network; not started: app-prod-data, app-prod-cdn\./)
    expect(failure.message).toContain('app-prod-network app-prod-network (AWS::CloudFormation::Stack): AWS_CALL_FAILED - ExecuteChangeSet: ServiceUnavailable')
  })

  it('does not fail the deploy when a stale change set cannot be deleted; it warns', async () => {
    const aws = new FakeAws()
    await deploy(aws).promise
    tokyo(aws).seedChangeSet('app-prod-network', 'platform-left-over')
    tokyo(aws).callErrors.set('DeleteChangeSet', [new AwsError('AccessDenied', 'not allowed to delete it')])
    const stacks = sampleStacks()
    stacks[0].template.Outputs!.PrivateSubnetIds = {Value: 'subnet-7,subnet-8'}
    const {promise, events} = deploy(aws, {stacks})
    const result = await promise
    expect(result.stacks.find((s) => s.part === 'network')?.outcome).toBe('updated')
    expect(events).toContainEqual({type: 'warning', message: expect.stringMatching(/app-prod-network: could not delete the stale change set platform-left-over: not allowed/)})
  })
})

describe('stack status', () => {
  it('reports a stack left in REVIEW_IN_PROGRESS (a create change set never executed) as created, not updated', async () => {
    const aws = new FakeAws()
    tokyo(aws).seedStack({name: 'app-prod-network', status: 'REVIEW_IN_PROGRESS', template: {Resources: {}}})
    const {promise, events} = deploy(aws)
    const result = await promise
    expect(result.stacks.find((s) => s.part === 'network')).toMatchObject({action: 'create', outcome: 'created'})
    expect(events).toContainEqual(expect.objectContaining({type: 'stack', stack: 'app-prod-network', phase: 'executing', message: 'creating'}))
    expect(tokyo(aws).stack('app-prod-network')?.status).toBe('CREATE_COMPLETE')
  })
})

describe('preflight', () => {
  const withDb = {...env, database: {engine: 'aurora-postgresql', version: '17.2'} as never, services: {web: {secrets: ['DATABASE_URL']} as never}}
  const stacks = () => [...sampleStacks(), stack('svc-web', {parameters: {ImageUri: {from: 'value', value: 'x'}}})]

  it('stops before any change on the wrong account', async () => {
    const aws = new FakeAws()
    aws.account = '999999999999'
    const error = await deploy(aws, {env: withDb, stacks: stacks()}).promise.catch((e) => e)
    expect(error.exitCode).toBe(4)
    expect(error.message).toMatch(/account 999999999999.*deploys to 123456789012/)
    expect(tokyo(aws).calls.filter((c) => !['DescribeStacks', 'DescribeStacks(all)', 'GetTemplate'].includes(c.op))).toEqual([])
  })

  it('names an engine version the region does not offer and the missing secrets, together', async () => {
    const aws = new FakeAws()
    const error = await deploy(aws, {env: withDb, stacks: stacks()}).promise.catch((e) => e)
    expect(error.exitCode).toBe(5)
    expect(error.message).toMatch(/17\.2 is not offered in ap-northeast-1\. Offered 17\.x: 17\.4, 17\.9/)
    expect(error.message).toMatch(/Missing secrets.*\/app\/prod\/DATABASE_URL.*`platform secrets set prod DATABASE_URL`/)
    // Only reads happened: no change set, nothing executed.
    expect(tokyo(aws).calls.filter((c) => !['DescribeStacks', 'DescribeStacks(all)', 'GetTemplate'].includes(c.op))).toEqual([])
  })

  it('does not ask for the secrets of a service stack that --infra-only defers', async () => {
    // The quickstart's first `deploy --infra-only` runs before any secret is set.
    const aws = new FakeAws()
    const good = {...withDb, database: {engine: 'aurora-postgresql', version: '17.9'} as never}
    const withService = [...sampleStacks(), stack('svc-web', {parameters: {ImageUri: {from: 'image', service: 'web'}}})]
    const result = await deploy(aws, {env: good, stacks: withService, infraOnly: true}).promise
    expect(result.stacks.find((s) => s.part === 'svc-web')?.outcome).toBe('deferred')
    expect(aws.otherCalls).not.toContain('GetParameters')
    // With an image the service deploys, so the missing secret stops it before any change.
    const error = await deploy(aws, {env: good, stacks: withService, images: {web: 'repo@sha256:abc'}}).promise.catch((e) => e)
    expect(error.message).toMatch(/Missing secrets.*\/app\/prod\/DATABASE_URL.*`platform secrets set prod DATABASE_URL`/)
  })

  it('passes when the version is offered and the parameters exist', async () => {
    const aws = new FakeAws()
    aws.parameters.add('/app/prod/DATABASE_URL')
    const good = {...withDb, database: {engine: 'aurora-postgresql', version: '17.9'} as never}
    const result = await deploy(aws, {env: good, stacks: stacks()}).promise
    expect(result.stacks.every((s) => s.outcome === 'created')).toBe(true)
    expect(aws.otherCalls.sort()).toEqual(['DescribeDBEngineVersions', 'GetCallerIdentity', 'GetParameters'])
    // A no-op redeploy checks only the account: the data and service stacks do not change.
    aws.otherCalls.length = 0
    await deploy(aws, {env: good, stacks: stacks()}).promise
    expect(aws.otherCalls).toEqual(['GetCallerIdentity'])
  })
})
