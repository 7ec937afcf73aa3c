/** local/patches/resource_events.py: stack events per resource, with physical ids, and the failed one named. */
import {DescribeStackEventsCommand, ExecuteChangeSetCommand} from '@aws-sdk/client-cloudformation'
import {describe, expect, it} from 'vitest'
import {failingNetworkResources, topicTemplate, usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

async function resourceEvents(stackName: string) {
  const events = await moto.cfn().send(new DescribeStackEventsCommand({StackName: stackName}))
  return (events.StackEvents ?? []).filter((e) => e.LogicalResourceId !== stackName)
}

describe('per-resource stack events', () => {
  it('record CREATE_IN_PROGRESS and CREATE_COMPLETE per resource, then UPDATE_* on update', async () => {
    await moto.deploy('app', 'CREATE', topicTemplate(), {Env: 'dev'})
    const created = await resourceEvents('app')
    expect(created.map((e) => [e.LogicalResourceId, e.ResourceType, e.ResourceStatus])).toEqual(
      expect.arrayContaining([
        ['Topic', 'AWS::SNS::Topic', 'CREATE_IN_PROGRESS'],
        ['Topic', 'AWS::SNS::Topic', 'CREATE_COMPLETE'],
      ]),
    )
    expect(created.find((e) => e.ResourceStatus === 'CREATE_COMPLETE')?.PhysicalResourceId).toMatch(/^arn:aws:sns:/)

    const renamed = topicTemplate().replace('topic-${Env}', 'renamed-${Env}')
    await moto.deploy('app', 'UPDATE', renamed, {Env: 'dev'})
    expect((await resourceEvents('app')).map((e) => [e.LogicalResourceId, e.ResourceStatus])).toEqual(
      expect.arrayContaining([
        ['Topic', 'UPDATE_IN_PROGRESS'],
        ['Topic', 'UPDATE_COMPLETE'],
      ]),
    )
  })

  it('record the failing resource as CREATE_FAILED with a reason', async () => {
    const {id} = await moto.changeSet({StackName: 'net', ChangeSetType: 'CREATE', TemplateBody: JSON.stringify({AWSTemplateFormatVersion: '2010-09-09', Resources: failingNetworkResources})})
    await moto.cfn().send(new ExecuteChangeSetCommand({ChangeSetName: id}))
    const events = await resourceEvents('net')
    const failed = events.find((e) => e.LogicalResourceId === 'Subnet' && e.ResourceStatus === 'CREATE_FAILED')
    expect(failed?.ResourceType).toBe('AWS::EC2::Subnet')
    expect(failed?.ResourceStatusReason).toBeTruthy()
    expect(events.some((e) => e.LogicalResourceId === 'Vpc' && e.ResourceStatus === 'CREATE_COMPLETE')).toBe(true)
  })
})
