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
import {env as baseEnv, sampleStacks} from './stacks.js'

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

describe('diffEnvironment', () => {
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
