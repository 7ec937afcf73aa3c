import {describe, expect, it} from 'vitest'
import type {StackEvent} from '@aws-sdk/client-cloudformation'
import {rootCauses, StackEventPoller} from '../../src/lib/deploy/stack-events.js'
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

describe('rootCauses', () => {
  const id = 'arn:aws:cloudformation:ap-northeast-1:123456789012:stack/app-prod-web/1'
  let clock = 0
  const event = (logicalId: string, status: string, reason?: string): StackEvent => ({
    StackId: id,
    StackName: 'app-prod-web',
    EventId: `e${++clock}`,
    LogicalResourceId: logicalId,
    PhysicalResourceId: logicalId === 'app-prod-web' ? id : `${logicalId}-1`,
    ResourceType: logicalId === 'app-prod-web' ? 'AWS::CloudFormation::Stack' : 'AWS::ECS::Service',
    ResourceStatus: status as StackEvent['ResourceStatus'],
    ResourceStatusReason: reason,
    Timestamp: new Date(clock * 1000),
  })

  it('reports the first failure of an update, not the resources failing after it, whatever their reasons say', () => {
    const events = [
      event('app-prod-web', 'UPDATE_IN_PROGRESS', 'User Initiated'),
      event('Service', 'UPDATE_IN_PROGRESS'),
      event('TaskRole', 'UPDATE_IN_PROGRESS'),
      // The root cause's own text mentions a cancellation: it is still the root.
      event('Service', 'UPDATE_FAILED', 'Deployment cancelled by the circuit breaker: tasks failed to start'),
      // The cascade, worded in a way no pattern would recognise.
      event('TaskRole', 'UPDATE_FAILED', 'Stopped because another resource failed'),
      event('app-prod-web', 'UPDATE_ROLLBACK_IN_PROGRESS', 'The following resource(s) failed to update: [Service, TaskRole].'),
      event('Service', 'UPDATE_COMPLETE'),
      event('app-prod-web', 'UPDATE_ROLLBACK_COMPLETE'),
    ]
    expect(rootCauses('app-prod-web', events)).toEqual([
      {stack: 'app-prod-web', logicalId: 'Service', type: 'AWS::ECS::Service', status: 'UPDATE_FAILED', reason: 'Deployment cancelled by the circuit breaker: tasks failed to start'},
    ])
  })

  it('adds every resource the rollback could not roll back: a rollback goes on past a failure', () => {
    const events = [
      event('app-prod-web', 'UPDATE_IN_PROGRESS', 'User Initiated'),
      event('Service', 'UPDATE_FAILED', 'Service was not stable'),
      event('app-prod-web', 'UPDATE_ROLLBACK_IN_PROGRESS'),
      event('Service', 'UPDATE_FAILED', 'Rollback: service not stable'),
      event('Listener', 'UPDATE_FAILED', 'Rollback: listener busy'),
      event('app-prod-web', 'UPDATE_ROLLBACK_FAILED', 'The following resource(s) failed to update: [Service, Listener].'),
    ]
    expect(rootCauses('app-prod-web', events).map((f) => `${f.logicalId}: ${f.reason}`)).toEqual(['Service: Service was not stable', 'Service: Rollback: service not stable', 'Listener: Rollback: listener busy'])
  })

  it('falls back to the stack status reason when no resource failed', () => {
    const events = [event('app-prod-web', 'UPDATE_IN_PROGRESS'), event('app-prod-web', 'UPDATE_ROLLBACK_COMPLETE')]
    expect(rootCauses('app-prod-web', events, 'Stack update cancelled')).toEqual([{stack: 'app-prod-web', logicalId: 'app-prod-web', type: 'AWS::CloudFormation::Stack', status: 'FAILED', reason: 'Stack update cancelled'}])
  })

  it('keeps as the operation\'s history only the events read after prime(): older failures are not its report', async () => {
    const cfn = new FakeCloudFormation('ap-northeast-1')
    const stackId = cfn.seedStack({name: 'app-prod-network', status: 'UPDATE_COMPLETE', template: stack('network').template})
    const poller = new StackEventPoller(cfn, stackId)
    cfn.startForeignUpdate('app-prod-network', 'tok', 3)
    await poller.poll()
    expect(poller.history).toEqual([])
    await poller.prime()
    expect(poller.history).toEqual([])
    await poller.poll()
    expect(poller.history.map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`)).toEqual(['app-prod-network UPDATE_COMPLETE'])
  })
})
