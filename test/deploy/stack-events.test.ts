import {describe, expect, it} from 'vitest'
import {StackEventPoller} from '../../src/lib/deploy/stack-events.js'
import {FakeCloudFormation} from '../helpers/fake-cloudformation.js'
import {stack} from './stacks.js'

describe('StackEventPoller', () => {
  it('reads only new events, oldest first, and stops paging at the first seen one', async () => {
    // Why the fake: moto's events are stack-level only and never page.
    const cfn = new FakeCloudFormation('ap-northeast-1', {pageSize: 3})
    const id = cfn.seedStack({name: 'app-prod-network', status: 'UPDATE_COMPLETE', template: stack('network').template, oldEvents: 50})
    const poller = new StackEventPoller(cfn, id)
    await poller.poll()
    // A first poll of a 50-event history walks every page once.
    expect(cfn.count('DescribeStackEvents')).toBe(17)

    cfn.calls.length = 0
    cfn.startForeignUpdate('app-prod-network', 'tok', 3)
    // Each poll of a running operation advances the fake by one step.
    const fresh = await poller.poll()
    expect(fresh.map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`)).toEqual(['app-prod-network UPDATE_IN_PROGRESS', 'Other UPDATE_IN_PROGRESS'])
    expect(cfn.count('DescribeStackEvents')).toBe(1)
    expect((await poller.poll()).map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`)).toEqual(['Other UPDATE_IN_PROGRESS'])
    expect(await poller.poll()).toEqual([expect.objectContaining({ResourceStatus: 'UPDATE_COMPLETE', ClientRequestToken: 'tok'})])
    expect(await poller.poll()).toEqual([])
    expect(cfn.count('DescribeStackEvents')).toBe(4)
  })

  it('pages further when more new events arrived than one page holds', async () => {
    const cfn = new FakeCloudFormation('ap-northeast-1', {pageSize: 2})
    const id = cfn.seedStack({name: 's', status: 'UPDATE_COMPLETE', template: stack('s').template})
    const poller = new StackEventPoller(cfn, id)
    await poller.prime()
    cfn.startForeignUpdate('s', 'tok', 1)
    cfn.startForeignUpdate('s', 'tok', 1)
    cfn.startForeignUpdate('s', 'tok', 1)
    const fresh = await poller.poll()
    // Three UPDATE_IN_PROGRESS seeded at once plus the first step's UPDATE_COMPLETE: two pages of two.
    expect(fresh).toHaveLength(4)
    expect(fresh[0].ResourceStatus).toBe('UPDATE_IN_PROGRESS')
  })
})
