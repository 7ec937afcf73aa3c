import {describe, expect, it} from 'vitest'
import {runDeploy} from '../../src/lib/deploy/engine.js'
import {resolveParameters} from '../../src/lib/deploy/planner.js'
import {lookUpPrefixLists, prefixListKey} from '../../src/lib/deploy/prefix-lists.js'
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

  it('is not looked up for a stack --stack leaves out even when it is read for the selected one: a list missing for it stops nothing', async () => {
    // network was deployed before it read the list (it has no value for it); data reads network's output.
    const network = (parameters: StackDefinition['parameters']) => stack('network', {parameters, outputs: {VpcId: 'vpc-1'}})
    const data = stack('data', {parameters: {VpcId: {from: 'output', stack: 'app-prod-network', output: 'VpcId'}}})
    const aws = new FakeAws()
    await runDeploy({env, stacks: [network({}), data], aws, emit: () => undefined, mode: 'deploy', yes: true, pollIntervalMs: 0})
    aws.prefixLists.set(`ap-northeast-1/${CLOUDFRONT}`, undefined)
    aws.otherCalls.length = 0
    const result = await runDeploy({env, stacks: [network({CloudFrontOriginFacingPrefixListId: {from: 'prefix-list', name: CLOUDFRONT}}), data], aws, emit: () => undefined, mode: 'deploy', yes: true, pollIntervalMs: 0, select: ['data']})
    expect(result.stacks.map((s) => [s.stack, s.outcome])).toEqual([['app-prod-network', 'read-only'], ['app-prod-data', 'skipped']])
    expect(lookups(aws)).toBe(0)
  })
})

describe('lookUpPrefixLists', () => {
  const reading = (part: string, region: string) => ({def: stack(part, {region, parameters: {CloudFrontOriginFacingPrefixListId: {from: 'prefix-list', name: CLOUDFRONT}}}), selected: true})

  it('asks once per region and list, and names every missing one in one refusal: each region on its line, with the stacks that read it', async () => {
    const asked: string[] = []
    const aws = {
      managedPrefixListId: async (region: string, name: string) => {
        asked.push(`${region} ${name}`)
        return region === 'ap-northeast-1' ? 'pl-tokyo' : undefined
      },
    }
    const states = [reading('network', 'ap-northeast-1'), reading('a', 'us-east-1'), reading('b', 'us-east-1'), reading('c', 'eu-west-1'), reading('d', 'ap-northeast-1')]
    const error = await lookUpPrefixLists(states, aws).catch((e: unknown) => e)
    expect(asked.sort()).toEqual([`ap-northeast-1 ${CLOUDFRONT}`, `eu-west-1 ${CLOUDFRONT}`, `us-east-1 ${CLOUDFRONT}`])
    expect(error).toBeInstanceOf(DeployFailedError)
    expect(error).toMatchObject({
      code: 'PREFIX_LIST_MISSING',
      message: [`The AWS-managed prefix list ${CLOUDFRONT} does not exist in us-east-1; app-prod-a, app-prod-b read its id.`, `The AWS-managed prefix list ${CLOUDFRONT} does not exist in eu-west-1; app-prod-c reads its id.`].join('\n'),
      suggestions: ['See the managed prefix lists of the region: `aws ec2 describe-managed-prefix-lists --region <region>`.'],
    })
  })

  it('answers each id by region and list when all exist', async () => {
    const aws = {managedPrefixListId: async (region: string) => `pl-${region}`}
    const ids = await lookUpPrefixLists([reading('network', 'ap-northeast-1'), reading('edge', 'us-east-1')], aws)
    expect([...ids]).toEqual([
      [prefixListKey('ap-northeast-1', CLOUDFRONT), 'pl-ap-northeast-1'],
      [prefixListKey('us-east-1', CLOUDFRONT), 'pl-us-east-1'],
    ])
  })
})
