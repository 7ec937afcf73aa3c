/** local/patches/idempotency_tokens.py: a retried request with the same token is answered once, as on AWS. */
import {CreateChangeSetCommand, DescribeStackEventsCommand, DescribeStacksCommand, ExecuteChangeSetCommand, ListChangeSetsCommand} from '@aws-sdk/client-cloudformation'
import {describe, expect, it} from 'vitest'
import {toParameters, topicTemplate, usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

describe('idempotency tokens', () => {
  it('answer a repeated CreateChangeSet with the same ClientToken with the first change set, and make no second stack', async () => {
    const input = {StackName: 'app', ChangeSetName: 'platform-1', ChangeSetType: 'CREATE' as const, TemplateBody: topicTemplate(), Parameters: toParameters({Env: 'dev'}), ClientToken: 'token-1'}
    const first = await moto.cfn().send(new CreateChangeSetCommand(input))
    const repeat = await moto.cfn().send(new CreateChangeSetCommand(input))
    expect(repeat.Id).toBe(first.Id)
    expect(repeat.StackId).toBe(first.StackId)
    const stacks = (await moto.cfn().send(new DescribeStacksCommand({}))).Stacks ?? []
    expect(stacks.filter((s) => s.StackName === 'app')).toHaveLength(1)
    expect((await moto.cfn().send(new ListChangeSetsCommand({StackName: 'app'}))).Summaries?.map((c) => c.ChangeSetId)).toEqual([first.Id])
  })

  it('answer a repeated ExecuteChangeSet with the same ClientRequestToken without executing again; another token is refused', async () => {
    const {id} = await moto.changeSet({StackName: 'app', ChangeSetType: 'CREATE', TemplateBody: topicTemplate(), Parameters: toParameters({Env: 'dev'})})
    await moto.cfn().send(new ExecuteChangeSetCommand({ChangeSetName: id, ClientRequestToken: 'run-1'}))
    // the answer was lost; the SDK sends the same request again
    await moto.cfn().send(new ExecuteChangeSetCommand({ChangeSetName: id, ClientRequestToken: 'run-1'}))
    const events = (await moto.cfn().send(new DescribeStackEventsCommand({StackName: 'app'}))).StackEvents ?? []
    expect(events.filter((e) => e.LogicalResourceId === 'app' && e.ResourceStatus === 'CREATE_IN_PROGRESS')).toHaveLength(1)
    expect((await moto.describeStack('app')).StackStatus).toBe('CREATE_COMPLETE')

    // a different request (another token) is not a retry: the change set was already executed
    await expect(moto.cfn().send(new ExecuteChangeSetCommand({ChangeSetName: id, ClientRequestToken: 'run-2'}))).rejects.toThrow(/cannot be executed in its current execution status/)
  })
})
