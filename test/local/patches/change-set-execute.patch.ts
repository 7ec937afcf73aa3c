/** local/patches/change_set_execute.py: executing a change set builds outputs, fails and cleans up as on AWS. */
import {DeleteStackCommand, DescribeStackEventsCommand, ExecuteChangeSetCommand, ListChangeSetsCommand, ListExportsCommand} from '@aws-sdk/client-cloudformation'
import {describe, expect, it} from 'vitest'
import {failingNetworkResources, outputs, topicTemplate, usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

describe('outputs and exports', () => {
  it('are built after a CREATE and an UPDATE change set, and exports follow the update', async () => {
    const created = await moto.deploy('app', 'CREATE', topicTemplate(), {Env: 'dev'})
    // stock moto: no Outputs at all after ExecuteChangeSet
    expect(created.StackStatus).toBe('CREATE_COMPLETE')
    expect(outputs(created).EnvName).toBe('dev')
    expect(outputs(created).TopicArn).toMatch(/^arn:aws:sns:ap-northeast-1:123456789012:/)

    const updated = await moto.deploy('app', 'UPDATE', topicTemplate({Extra: {Value: {'Fn::Join': ['-', [{Ref: 'Env'}, 'x']]}}}), {Env: 'prod'})
    expect(updated.StackStatus).toBe('UPDATE_COMPLETE')
    expect(outputs(updated)).toMatchObject({EnvName: 'prod', Extra: 'prod-x'})
    expect(updated.Parameters).toContainEqual({ParameterKey: 'Env', ParameterValue: 'prod'})
    const exports = await moto.cfn().send(new ListExportsCommand({}))
    expect(exports.Exports?.find((e) => e.Name === 'app-Env')?.Value).toBe('prod')
  })

  it('fail the execution when another stack already exports the name', async () => {
    const exporting = (name: string) =>
      JSON.stringify({AWSTemplateFormatVersion: '2010-09-09', Resources: {Topic: {Type: 'AWS::SNS::Topic'}}, Outputs: {Arn: {Value: {Ref: 'Topic'}, Export: {Name: name}}}})
    await moto.deploy('one', 'CREATE', exporting('shared-arn'), {})
    const {id} = await moto.changeSet({StackName: 'two', ChangeSetType: 'CREATE', TemplateBody: exporting('shared-arn')})
    await moto.cfn().send(new ExecuteChangeSetCommand({ChangeSetName: id}))
    const two = await moto.describeStack('two')
    expect(two.StackStatus).toBe('ROLLBACK_COMPLETE')
    expect(two.StackStatusReason).toContain('Export with name shared-arn is already exported by stack one')
  })
})

describe('executed change sets', () => {
  it('remove the stack\'s other change sets, and a non-AVAILABLE one cannot be executed', async () => {
    await moto.deploy('one', 'CREATE', topicTemplate(), {Env: 'a'})
    const first = await moto.changeSet({StackName: 'one', ChangeSetType: 'UPDATE', TemplateBody: topicTemplate(), Parameters: [{ParameterKey: 'Env', ParameterValue: 'b'}]})
    const second = await moto.changeSet({StackName: 'one', ChangeSetType: 'UPDATE', TemplateBody: topicTemplate(), Parameters: [{ParameterKey: 'Env', ParameterValue: 'c'}]})
    await moto.cfn().send(new ExecuteChangeSetCommand({ChangeSetName: second.id}))
    const left = await moto.cfn().send(new ListChangeSetsCommand({StackName: 'one'}))
    expect(left.Summaries?.map((c) => c.ChangeSetId)).toEqual([second.id])
    expect(left.Summaries?.map((c) => c.ChangeSetId)).not.toContain(first.id)
    await expect(moto.cfn().send(new ExecuteChangeSetCommand({ChangeSetName: second.id}))).rejects.toThrow(/cannot be executed in its current execution status of \[EXECUTE_COMPLETE\]/)
  })
})

describe('failed executions roll back as on AWS', () => {
  it('leave a failed first create in ROLLBACK_COMPLETE with the reason, deletable and re-creatable', async () => {
    const bad = JSON.stringify({AWSTemplateFormatVersion: '2010-09-09', Resources: failingNetworkResources})
    const {id} = await moto.changeSet({StackName: 'net', ChangeSetType: 'CREATE', TemplateBody: bad})
    // stock moto answered HTTP 500 here
    await moto.cfn().send(new ExecuteChangeSetCommand({ChangeSetName: id}))
    const stack = await moto.describeStack('net')
    expect(stack.StackStatus).toBe('ROLLBACK_COMPLETE')
    expect(stack.StackStatusReason).toMatch(/^The following resource\(s\) failed to create: \[Subnet\]\. /)
    const events = await moto.cfn().send(new DescribeStackEventsCommand({StackName: 'net'}))
    expect(events.StackEvents?.filter((e) => e.LogicalResourceId === 'net').map((e) => e.ResourceStatus)).toEqual(
      expect.arrayContaining(['CREATE_FAILED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE']),
    )

    await moto.cfn().send(new DeleteStackCommand({StackName: 'net'}))
    const good = await moto.deploy('net', 'CREATE', topicTemplate(), {Env: 'again'})
    expect(good.StackStatus).toBe('CREATE_COMPLETE')
  })

  it('keep the previous template, parameters and outputs after a failed update', async () => {
    await moto.deploy('app', 'CREATE', topicTemplate(), {Env: 'dev'})
    const broken = JSON.stringify({...JSON.parse(topicTemplate()), Resources: {...JSON.parse(topicTemplate()).Resources, ...failingNetworkResources}})
    const {id} = await moto.changeSet({StackName: 'app', ChangeSetType: 'UPDATE', TemplateBody: broken, Parameters: [{ParameterKey: 'Env', ParameterValue: 'prod'}]})
    await moto.cfn().send(new ExecuteChangeSetCommand({ChangeSetName: id}))
    const stack = await moto.describeStack('app')
    expect(stack.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE')
    expect(stack.StackStatusReason).toMatch(/^The following resource\(s\) failed to update: \[Subnet\]\. |^The following resource\(s\) failed to create: \[Subnet\]\. /)
    expect(outputs(stack).EnvName).toBe('dev')
    // the old input is a no-op again
    const again = await moto.changeSet({StackName: 'app', ChangeSetType: 'UPDATE', TemplateBody: topicTemplate(), Parameters: [{ParameterKey: 'Env', ParameterValue: 'dev'}]})
    expect(again.described.Status).toBe('FAILED')
  })
})
