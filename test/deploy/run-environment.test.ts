import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'
import {deployEnvironment, diffEnvironment, parseImages} from '../../src/lib/deploy/run-environment.js'
import type {ResolvedEnvironment} from '../../src/lib/config/types.js'
import {NonInteractiveError} from '../../src/lib/errors.js'
import {createDeployView, formatDiff} from '../../src/lib/ui/deploy-progress.js'
import {FakeAws} from '../helpers/fake-cloudformation.js'
import {captureStreams as capture} from '../helpers/streams.js'
import {env as baseEnv, sampleStacks, stack} from './stacks.js'

const env = {...baseEnv, services: {web: {secrets: []}}} as unknown as ResolvedEnvironment

beforeEach(() => {
  process.env.PLATFORM_LOCK_DIR = mkdtempSync(join(tmpdir(), 'locks-'))
})

describe('deployEnvironment', () => {
  it('--json prints one JSON object per line on stdout, ending with the result', async () => {
    const aws = new FakeAws()
    const io = capture()
    await deployEnvironment({env, stacks: sampleStacks(), aws, flags: {json: true, yes: true, pollInterval: 0}, streams: io.streams, createView: () => createDeployView({json: true, streams: io.streams})})
    const lines = io.out().trim().split('\n').map((l) => JSON.parse(l))
    // A first deploy: no bootstrap bucket yet, so no lease in AWS, and it says so.
    expect(lines[0]).toMatchObject({type: 'warning', message: expect.stringMatching(/No deploy lease in AWS yet/)})
    expect(lines[1].type).toBe('plan')
    expect(lines.at(-1)).toMatchObject({type: 'result', environment: 'prod', changeSetsCreated: 4, summary: {add: 4}})
    expect(lines.filter((l) => l.type === 'stack' && l.phase === 'complete')).toHaveLength(4)
    expect(io.err()).toBe('')
  })

  it('without a terminal and without --yes stops before any change, naming --yes', async () => {
    const aws = new FakeAws()
    const io = capture()
    const error = await deployEnvironment({env, stacks: sampleStacks(), aws, flags: {json: true, pollInterval: 0}, streams: io.streams, createView: () => createDeployView({json: true, streams: io.streams}), prompt: {canPrompt: () => false, confirm: async () => true}}).catch((e) => e)
    expect(error).toBeInstanceOf(NonInteractiveError)
    // The error line itself is the command's base class's (test/commands/errors.test.ts); nothing here prints it twice.
    expect(io.out()).not.toContain('"type":"error"')
    expect(aws.cloudFormation('ap-northeast-1').count('ExecuteChangeSet')).toBe(0)
  })

  it('on a terminal shows the review and asks', async () => {
    const aws = new FakeAws()
    const io = capture()
    const asked: string[] = []
    await deployEnvironment({
      env,
      stacks: sampleStacks(),
      aws,
      flags: {json: false, pollInterval: 0},
      streams: io.streams,
      createView: () => createDeployView({json: false, streams: io.streams, isTty: false}),
      prompt: {canPrompt: () => true, confirm: async (m) => (asked.push(m), true)},
    })
    expect(asked).toEqual(['Deploy these changes to prod?'])
    expect(io.err()).toMatch(/app-prod-data \(ap-northeast-1\): create\n {4}\+ Add {4}Cluster AWS::RDS::DBCluster/)
    expect(io.err()).toMatch(/4 stack\(s\) to change: 4 to add/)
    expect(io.err()).toMatch(/Deployed prod: 4 created/)
  })
})

describe('requests of a deploy', () => {
  const TYPE = 'Datadog::Monitors::Monitor'
  /** An environment with a bootstrap bucket (so a lease), a third-party type, and what a deploy ends with. */
  function leasedStacks(bootstrap: {protect?: boolean} = {}) {
    return [
      stack('bootstrap', {outputs: {ArtifactBucketName: 'app-prod-artifacts'}, protect: bootstrap.protect}),
      stack('network', {outputs: {VpcId: 'vpc-1'}}),
      stack('cluster', {parameters: {VpcId: {from: 'output', stack: 'app-prod-network', output: 'VpcId'}}, outputs: {LoadBalancerDnsName: 'internal-alb.elb.amazonaws.com'}}),
      stack('cdn', {outputs: {DistributionDomainName: 'd111.cloudfront.net'}}),
      stack('monitoring', {resources: {Monitor: {Type: TYPE, Properties: {Name: 'x'}}}}),
    ]
  }
  const deploy = (aws: FakeAws, stacks = leasedStacks()) => {
    const io = capture()
    return deployEnvironment({env, stacks, aws, flags: {json: true, yes: true, pollInterval: 0}, streams: io.streams, createView: () => createDeployView({json: true, streams: io.streams})})
  }
  /** Every call since the last reset, sorted: CloudFormation's in all regions, then the others. */
  const calls = (aws: FakeAws) => [...[...aws.regions.values()].flatMap((f) => f.calls.map((c) => c.op)), ...aws.otherCalls].sort()
  const resetCalls = (aws: FakeAws) => {
    for (const fake of aws.regions.values()) fake.calls.length = 0
    aws.otherCalls.length = 0
  }

  it('a no-op redeploy reads each stack once, checks the account, and takes and releases the lease with one write each', async () => {
    const aws = new FakeAws()
    aws.activatedTypes.add(`ap-northeast-1/${TYPE}`)
    await deploy(aws)
    // The second deploy is the first with a lease: it reads the lease, creates it, releases it.
    await deploy(aws)
    resetCalls(aws)
    const result = await deploy(aws)
    expect(result.stacks.every((s) => s.outcome === 'skipped')).toBe(true)
    expect(calls(aws)).toEqual([
      ...Array(5).fill('DescribeStacks'),
      // Stacks no longer rendered: one list per region (the environment's and us-east-1).
      'DescribeStacks(all)',
      'DescribeStacks(all)',
      'GetCallerIdentity',
      ...Array(5).fill('GetTemplate'),
      // The lease: taken on the ETag this machine released (no read), then released.
      's3:PUT',
      's3:PUT',
    ])
    // What to open comes from the stacks as the engine read them, not from a second read.
    expect(result.open).toMatchObject({site: ['https://d111.cloudfront.net'], loadBalancer: 'internal-alb.elb.amazonaws.com'})
  })

  it('a third-party type is looked up once, and only when a stack using it changes', async () => {
    const aws = new FakeAws()
    aws.activatedTypes.add(`ap-northeast-1/${TYPE}`)
    await deploy(aws)
    expect(aws.otherCalls.filter((c) => c === 'DescribeType')).toHaveLength(1)
    resetCalls(aws)
    const stacks = leasedStacks()
    stacks[1].template.Description = 'network, changed'
    await deploy(aws, stacks)
    expect(aws.otherCalls).not.toContain('DescribeType')
    stacks[4].template.Description = 'monitoring, changed'
    await deploy(aws, stacks)
    expect(aws.otherCalls.filter((c) => c === 'DescribeType')).toHaveLength(1)
  })

  it('reads the bootstrap stack again when another machine changed it while this deploy waited for the lease', async () => {
    const aws = new FakeAws()
    aws.activatedTypes.add(`ap-northeast-1/${TYPE}`)
    await deploy(aws)
    await deploy(aws)
    // GIVEN another machine whose deploy changes the bootstrap stack (only what DescribeStacks
    // shows: its termination protection) and releases the lease in the moment between this
    // deploy's read of that stack and its taking the lease.
    const leaseStore = aws.leaseStore.bind(aws)
    const ownLockDir = process.env.PLATFORM_LOCK_DIR
    let other: Promise<unknown> | undefined
    const otherMachineFirst = async () => {
      if (other) return
      process.env.PLATFORM_LOCK_DIR = mkdtempSync(join(tmpdir(), 'other-machine-'))
      other = deploy(aws, leasedStacks({protect: true}))
      process.env.PLATFORM_LOCK_DIR = ownLockDir
      await other
    }
    aws.leaseStore = (region, bucket, key) => {
      const store = leaseStore(region, bucket, key)
      return {
        location: store.location,
        read: async () => (await otherMachineFirst(), store.read()),
        create: async (body) => (await otherMachineFirst(), store.create(body)),
        replace: async (body, etag) => (await otherMachineFirst(), store.replace(body, etag)),
      }
    }
    resetCalls(aws)
    // WHEN this machine deploys its own platform.yaml (bootstrap not protected)
    const result = await deploy(aws)
    // THEN it planned from the stack as the other machine left it: an update, not a skip.
    expect(await other).toMatchObject({stacks: expect.arrayContaining([expect.objectContaining({part: 'bootstrap', outcome: 'updated'})])})
    expect(result.stacks.find((s) => s.part === 'bootstrap')).toMatchObject({outcome: 'updated'})
    expect(aws.cloudFormation('ap-northeast-1').stack('app-prod-bootstrap')!.terminationProtection).toBe(false)
  })
})

describe('diffEnvironment', () => {
  it('takes no lease; while a deploy holds it, says so, naming that deploy, and leaves it alone', async () => {
    const aws = new FakeAws()
    const stacks = [stack('bootstrap', {outputs: {ArtifactBucketName: 'app-prod-artifacts'}}), stack('network')]
    const io = capture()
    await deployEnvironment({env, stacks, aws, flags: {json: true, yes: true, pollInterval: 0}, streams: io.streams, createView: () => createDeployView({json: true, streams: io.streams})})
    const notices: unknown[] = []
    await diffEnvironment({env, stacks, aws, flags: {json: true, pollInterval: 0}, notice: (event) => notices.push(event)})
    expect(notices).toEqual([])
    expect(aws.objects.size).toBe(0)
    // GIVEN another machine's deploy holding the lease
    const laptop = {pid: 4242, host: 'anas-laptop', user: 'ana', command: 'deploy prod', started: new Date().toISOString(), token: 'laptop-run'}
    aws.objects.set('app-prod-artifacts/locks/deploy.json', {body: JSON.stringify({holder: laptop, ttlSeconds: 900, renewed: laptop.started}), etag: '"laptop"', lastModified: new Date()})
    aws.otherCalls.length = 0
    const result = await diffEnvironment({env, stacks, aws, flags: {json: true, pollInterval: 0}, notice: (event) => notices.push(event)})
    expect(result.summary.stacksChanging).toBe(0)
    expect(notices).toEqual([{type: 'warning', message: expect.stringMatching(/^A deploy of prod is running: pid 4242 on anas-laptop by ana since .* \(platform deploy prod\)\. This diff compares with the stacks as they are now/)}])
    expect(aws.otherCalls).toEqual(['s3:GET'])
    expect(aws.objects.get('app-prod-artifacts/locks/deploy.json')!.etag).toBe('"laptop"')
  })

  it('shows Add/Modify with REPLACEMENT marked and parameter changes, and leaves no change set behind', async () => {
    const aws = new FakeAws()
    const io = capture()
    await deployEnvironment({env, stacks: sampleStacks(), aws, flags: {json: true, yes: true, pollInterval: 0}, streams: io.streams, createView: () => createDeployView({json: true, streams: io.streams})})
    const stacks = sampleStacks()
    // A changed input (here a literal; an upstream output shows once that stack is deployed).
    stacks[2].parameters = {PrivateSubnetIds: {from: 'value', value: 'subnet-9'}}
    ;(stacks[2].template.Resources.Cluster.Properties as Record<string, unknown>).DatabaseName = 'renamed'
    const notices: unknown[] = []
    const result = await diffEnvironment({env, stacks, aws, flags: {json: false, pollInterval: 0}, notice: (event) => notices.push(event)})
    const text = formatDiff(result)
    expect(notices).toEqual([])
    expect(text).toMatch(/~ Modify Cluster AWS::RDS::DBCluster {2}\[REPLACEMENT\] \(DatabaseName\)/)
    expect(text).toMatch(/parameter PrivateSubnetIds: subnet-1,subnet-2 -> subnet-9/)
    expect(result.summary).toMatchObject({modify: 1, replace: 1, stacksChanging: 1})
    const tokyo = aws.cloudFormation('ap-northeast-1')
    for (const name of ['app-prod-network', 'app-prod-data', 'app-prod-cdn']) expect(await tokyo.listChangeSets(tokyo.stack(name)!.stackId)).toEqual([])
    expect(tokyo.count('ExecuteChangeSet')).toBe(3)
  })
})

describe('parseImages', () => {
  it('reads SERVICE=URI and rejects unknown services', () => {
    expect(parseImages(['web=repo/web@sha256:1'], ['web'])).toEqual({web: 'repo/web@sha256:1'})
    expect(() => parseImages(['api=x'], ['web'])).toThrow(/no service "api"/)
    expect(() => parseImages(['web'], ['web'])).toThrow(/SERVICE=IMAGE_URI/)
  })
})
