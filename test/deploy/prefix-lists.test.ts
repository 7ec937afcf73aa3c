import {describe, expect, it} from 'vitest'
import {runDeploy} from '../../src/lib/deploy/engine.js'
import {resolveParameters} from '../../src/lib/deploy/planner.js'
import {prefixListKey} from '../../src/lib/deploy/prefix-lists.js'
import {DeployFailedError} from '../../src/lib/errors.js'
import type {StackDefinition} from '../../src/lib/stacks/types.js'
import {FakeAws} from '../helpers/fake-cloudformation.js'
import {env, stack} from './stacks.js'

const CLOUDFRONT = 'com.amazonaws.global.cloudfront.origin-facing'

/** A network stack that admits CloudFront through its origin-facing prefix list, in Tokyo, and one in Virginia. */
function stacks(): StackDefinition[] {
  const reading = (part: string, region: string) => stack(part, {region, parameters: {CloudFrontOriginFacingPrefixListId: {from: 'prefix-list', name: CLOUDFRONT}}})
  return [reading('network', 'ap-northeast-1'), reading('edge', 'us-east-1')]
}

const deploy = (aws: FakeAws, select?: string[]) => runDeploy({env, stacks: stacks(), aws, emit: () => undefined, mode: 'deploy', yes: true, pollIntervalMs: 0, select})
const lookups = (aws: FakeAws) => aws.otherCalls.filter((c) => c === 'DescribeManagedPrefixLists').length

describe('a prefix-list parameter', () => {
  it("is the list's id in each stack's own region, looked up once per region when the stack is created", async () => {
    const aws = new FakeAws()
    await deploy(aws)
    expect(aws.cloudFormation('ap-northeast-1').stack('app-prod-network')?.parameters).toEqual({CloudFrontOriginFacingPrefixListId: 'pl-cfapnortheast1'})
    expect(aws.cloudFormation('us-east-1').stack('app-prod-edge')?.parameters).toEqual({CloudFrontOriginFacingPrefixListId: 'pl-cfuseast1'})
    expect(lookups(aws)).toBe(2)
  })

  it('keeps the deployed id afterwards: a redeploy asks EC2 nothing and changes nothing', async () => {
    const aws = new FakeAws()
    await deploy(aws)
    aws.otherCalls.length = 0
    const result = await deploy(aws)
    expect(result.stacks.map((s) => s.outcome)).toEqual(['skipped', 'skipped'])
    expect(lookups(aws)).toBe(0)
  })

  it('is not looked up for a stack --stack leaves out', async () => {
    const aws = new FakeAws()
    await deploy(aws, ['network'])
    expect(aws.cloudFormation('us-east-1').stack('app-prod-edge')).toBeUndefined()
    expect(lookups(aws)).toBe(1)
  })

  it('stops the deploy before any change set when the region has no such list, naming list, region and stack', async () => {
    const aws = new FakeAws()
    aws.prefixLists.set(`us-east-1/${CLOUDFRONT}`, undefined)
    const error = await deploy(aws).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DeployFailedError)
    expect(error).toMatchObject({code: 'PREFIX_LIST_MISSING', exitCode: 5})
    expect((error as Error).message).toBe(`The AWS-managed prefix list ${CLOUDFRONT} does not exist in us-east-1; app-prod-edge reads its id.`)
    const calls = [...aws.regions.values()].flatMap((f) => f.calls.map((c) => c.op))
    expect(calls.filter((op) => op.startsWith('CreateChangeSet'))).toEqual([])
  })

  it('is never submitted empty: without an id looked up in this run or deployed, it is unresolved, naming the list', () => {
    const [network] = stacks()
    const none = () => undefined
    expect(resolveParameters(network, undefined, {}, none)).toEqual({parameters: {}, unresolved: [`prefix list ${CLOUDFRONT}`], imageMissing: []})
    const looked = new Map([[prefixListKey('ap-northeast-1', CLOUDFRONT), 'pl-tokyo']])
    expect(resolveParameters(network, undefined, {}, none, looked).parameters).toEqual({CloudFrontOriginFacingPrefixListId: {value: 'pl-tokyo'}})
  })
})
