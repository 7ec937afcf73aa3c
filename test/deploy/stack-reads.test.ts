/** src/lib/deploy/stack-reads.ts: one DescribeStacks per stack before a deploy changes anything. */
import {describe, expect, it} from 'vitest'
import {sharedStackReads} from '../../src/lib/deploy/stack-reads.js'
import {AwsError, FakeAws} from '../helpers/fake-cloudformation.js'
import {stack} from './stacks.js'

describe('sharedStackReads', () => {
  it('reads each stack once for every reader, in its own region, until it is forgotten', async () => {
    const aws = new FakeAws()
    aws.cloudFormation('us-east-1').seedStack({name: 'app-prod-edge', status: 'CREATE_COMPLETE', template: stack('edge').template})
    const reads = sharedStackReads(aws)
    const edge = stack('edge', {region: 'us-east-1'})
    const [a, b] = await Promise.all([reads.read(edge), reads.read(edge)])
    expect(a).toBe(b)
    expect(a).toMatchObject({stackName: 'app-prod-edge', status: 'CREATE_COMPLETE'})
    expect(await reads.read(stack('network'))).toBeUndefined()
    expect(aws.cloudFormation('us-east-1').count('DescribeStacks')).toBe(1)
    reads.forget('app-prod-edge')
    await reads.read(edge)
    await reads.read(stack('network'))
    expect(aws.cloudFormation('us-east-1').count('DescribeStacks')).toBe(2)
    expect(aws.cloudFormation('ap-northeast-1').count('DescribeStacks')).toBe(1)
    reads.forget()
    await Promise.all([reads.read(edge), reads.read(stack('network'))])
    expect(aws.cloudFormation('us-east-1').count('DescribeStacks')).toBe(3)
    expect(aws.cloudFormation('ap-northeast-1').count('DescribeStacks')).toBe(2)
  })

  it('keeps no failed read: the next reader asks again', async () => {
    let calls = 0
    const cfn = {
      describeStack: async () => {
        calls++
        if (calls === 1) throw new AwsError('Throttling', 'Rate exceeded')
        return undefined
      },
    }
    const reads = sharedStackReads({cloudFormation: () => cfn as unknown as ReturnType<FakeAws['cloudFormation']>})
    await expect(reads.read(stack('network'))).rejects.toThrow(/Rate exceeded/)
    await expect(reads.read(stack('network'))).resolves.toBeUndefined()
    await reads.read(stack('network'))
    expect(calls).toBe(2)
  })
})
