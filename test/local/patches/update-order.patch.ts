/** local/patches/update_order.py: a stack update modifies resources in dependency order and stops at a failure. */
import {DescribeStackEventsCommand, ExecuteChangeSetCommand} from '@aws-sdk/client-cloudformation'
import {DescribeServicesCommand} from '@aws-sdk/client-ecs'
import {describe, expect, it} from 'vitest'
import {hostedZoneId, listRecordSets} from '../../helpers/route53.js'
import {outputs, region, toParameters, usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

/** A service that runs its own task definition unless Pinned names a revision (as platform rollback does). */
const pinnableService = JSON.stringify({
  AWSTemplateFormatVersion: '2010-09-09',
  Parameters: {Image: {Type: 'String'}, Pinned: {Type: 'String', Default: ''}},
  Conditions: {IsPinned: {'Fn::Not': [{'Fn::Equals': [{Ref: 'Pinned'}, '']}]}},
  Resources: {
    Cluster: {Type: 'AWS::ECS::Cluster', Properties: {ClusterName: 'apps'}},
    Task: {
      Type: 'AWS::ECS::TaskDefinition',
      UpdateReplacePolicy: 'Retain',
      DeletionPolicy: 'Retain',
      Properties: {Family: 'web', Cpu: '512', Memory: '1024', NetworkMode: 'awsvpc', RequiresCompatibilities: ['FARGATE'], ContainerDefinitions: [{Name: 'web', Image: {Ref: 'Image'}, Essential: true}]},
    },
    Service: {
      Type: 'AWS::ECS::Service',
      Properties: {
        Cluster: {Ref: 'Cluster'},
        ServiceName: 'web',
        TaskDefinition: {'Fn::If': ['IsPinned', {Ref: 'Pinned'}, {Ref: 'Task'}]},
        DesiredCount: 1,
        LaunchType: 'FARGATE',
        DeploymentConfiguration: {DeploymentCircuitBreaker: {Enable: true, Rollback: true}},
      },
    },
  },
  Outputs: {TaskDefinitionArn: {Value: {'Fn::If': ['IsPinned', {Ref: 'Pinned'}, {Ref: 'Task'}]}}},
})

async function serving(): Promise<string | undefined> {
  return (await moto.ecs().send(new DescribeServicesCommand({cluster: 'apps', services: ['web']}))).services![0].taskDefinition
}

describe('update order', () => {
  it('replaces the task definition before updating the service that references it, and fails the update when that service update fails', async () => {
    const first = outputs(await moto.deploy('web', 'CREATE', pinnableService, {Image: 'app:1', Pinned: ''})).TaskDefinitionArn
    await moto.deploy('web', 'UPDATE', pinnableService, {Image: 'app:2', Pinned: ''})
    // Pinned back to revision 1: the service's own property changed, as in a rollback.
    await moto.deploy('web', 'UPDATE', pinnableService, {Image: 'app:1', Pinned: first})
    expect(await serving()).toBe(first)

    // Unpinned with a new image whose rollout fails: the service must roll to the NEW revision (and
    // fail), never first to the one the template held before the task definition was replaced.
    const res = await fetch(`${moto.aws().endpoint}/moto-api/platform-local/ecs/fail-next-rollout`, {method: 'POST', body: JSON.stringify({region, service: 'web', reason: 'CannotPullContainerError: app:3'})})
    expect(res.ok).toBe(true)
    const {id} = await moto.changeSet({StackName: 'web', ChangeSetType: 'UPDATE', TemplateBody: pinnableService, Parameters: toParameters({Image: 'app:3', Pinned: ''})})
    await moto.cfn().send(new ExecuteChangeSetCommand({ChangeSetName: id})).catch(() => undefined)
    const stack = await moto.describeStack('web')
    // stock moto retried the failed service update in another pass, and it "succeeded"
    expect(stack.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE')
    const events = (await moto.cfn().send(new DescribeStackEventsCommand({StackName: 'web'}))).StackEvents!.reverse()
    const starts = events.flatMap((e, i) => (e.ResourceType === 'AWS::CloudFormation::Stack' && e.ResourceStatus === 'UPDATE_IN_PROGRESS' ? [i] : []))
    const last = events.slice(starts.at(-1))
    const order = last.filter((e) => e.LogicalResourceId !== 'web').map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`)
    // stock moto updated Service (template order) before Task
    expect(order.slice(0, 4)).toEqual(['Task UPDATE_IN_PROGRESS', 'Task UPDATE_COMPLETE', 'Service UPDATE_IN_PROGRESS', 'Service UPDATE_FAILED'])
    expect(order.filter((e) => e.startsWith('Service UPDATE_IN_PROGRESS'))).toHaveLength(1)
  })

  it('creates a new resource that depends on a modified one after that modification', async () => {
    await moto.deploy('zone', 'CREATE', JSON.stringify({Resources: {Zone: {Type: 'AWS::Route53::HostedZone', Properties: {Name: 'example.com'}}}}), {})
    const zoneId = await hostedZoneId(moto.aws().endpoint, 'example.com')
    const alias = {DNSName: 'd111111abcdef8.cloudfront.net', HostedZoneId: 'Z2FDTNDATAQYW2', EvaluateTargetHealth: false}
    const www = {HostedZoneId: zoneId, Name: 'www.example.com.', Type: 'A', AliasTarget: alias}
    // A simple record; then the same record turned failover PRIMARY, with a new SECONDARY that DependsOn it.
    const simple = JSON.stringify({Resources: {Primary: {Type: 'AWS::Route53::RecordSet', Properties: www}}})
    const pair = JSON.stringify({
      Resources: {
        // Template order puts the new record first: only the dependency orders them.
        Secondary: {Type: 'AWS::Route53::RecordSet', DependsOn: 'Primary', Properties: {...www, SetIdentifier: 'maintenance', Failover: 'SECONDARY'}},
        Primary: {Type: 'AWS::Route53::RecordSet', Properties: {...www, SetIdentifier: 'cloudfront', Failover: 'PRIMARY'}},
      },
    })
    await moto.deploy('dns', 'CREATE', simple, {})
    // stock moto created Secondary first, beside the simple record, which Route 53 refuses
    expect((await moto.deploy('dns', 'UPDATE', pair, {})).StackStatus).toBe('UPDATE_COMPLETE')
    const events = (await moto.cfn().send(new DescribeStackEventsCommand({StackName: 'dns'}))).StackEvents!.reverse()
    const done = events.filter((e) => e.LogicalResourceId !== 'dns' && (e.ResourceStatus === 'UPDATE_COMPLETE' || e.ResourceStatus === 'CREATE_COMPLETE'))
    expect(done.map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`)).toEqual(['Primary CREATE_COMPLETE', 'Primary UPDATE_COMPLETE', 'Secondary CREATE_COMPLETE'])
    expect((await listRecordSets(moto.aws().endpoint, zoneId)).filter((r) => r.name === 'www.example.com.').map((r) => r.setIdentifier).sort()).toEqual(['cloudfront', 'maintenance'])
  })
})
