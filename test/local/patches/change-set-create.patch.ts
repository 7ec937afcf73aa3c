/** local/patches/change_set_create.py: CreateChangeSet refuses and reports as AWS does. */
import {ExecuteChangeSetCommand} from '@aws-sdk/client-cloudformation'
import {describe, expect, it} from 'vitest'
import {failingNetworkResources, topicTemplate, usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()
const env = (value: string) => [{ParameterKey: 'Env', ParameterValue: value}]

describe('CreateChangeSet', () => {
  it('makes an identical change set FAILED with AWS\'s reason, UsePreviousValue included', async () => {
    await moto.deploy('app', 'CREATE', topicTemplate(), {Env: 'prod'})
    // stock moto refused it with UpdateStack's "No updates are to be performed."
    const noop = await moto.changeSet({StackName: 'app', ChangeSetType: 'UPDATE', TemplateBody: topicTemplate(), Parameters: env('prod')})
    expect(noop.described.Status).toBe('FAILED')
    expect(noop.described.ExecutionStatus).toBe('UNAVAILABLE')
    expect(noop.described.StatusReason).toBe("The submitted information didn't contain changes. Submit different information to create a change set.")

    // stock moto compared the parsed previous values (numbers) with strings and saw a change
    const previous = await moto.changeSet({
      StackName: 'app',
      ChangeSetType: 'UPDATE',
      TemplateBody: topicTemplate(),
      Parameters: [{ParameterKey: 'Env', UsePreviousValue: true}, {ParameterKey: 'Size', UsePreviousValue: true}],
    })
    expect(previous.described.Status).toBe('FAILED')
  })

  it('calls a change of tags alone a change, and it executes', async () => {
    await moto.deploy('app', 'CREATE', topicTemplate(), {Env: 'dev'})
    const tagged = await moto.changeSet({StackName: 'app', ChangeSetType: 'UPDATE', TemplateBody: topicTemplate(), Parameters: env('dev'), Tags: [{Key: 'team', Value: 'web'}]})
    expect(tagged.described.Status).toBe('CREATE_COMPLETE')
    await moto.cfn().send(new ExecuteChangeSetCommand({ChangeSetName: tagged.id}))
    expect((await moto.describeStack('app')).Tags).toEqual([{Key: 'team', Value: 'web'}])
  })

  it('refuses missing and unknown parameters at once', async () => {
    await expect(moto.changeSet({StackName: 'app', ChangeSetType: 'CREATE', TemplateBody: topicTemplate(), Parameters: []})).rejects.toThrow('Parameters: [Env] must have values')
    await expect(
      moto.changeSet({StackName: 'app', ChangeSetType: 'CREATE', TemplateBody: topicTemplate(), Parameters: [...env('x'), {ParameterKey: 'Nope', ParameterValue: 'y'}]}),
    ).rejects.toThrow('Parameters: [Nope] do not exist in the template')
  })

  it('refuses a CREATE change set for a stack that exists', async () => {
    await moto.deploy('app', 'CREATE', topicTemplate(), {Env: 'dev'})
    // stock moto made a second stack with the same name
    await expect(moto.changeSet({StackName: 'app', ChangeSetType: 'CREATE', TemplateBody: topicTemplate(), Parameters: env('dev')})).rejects.toMatchObject({
      name: 'AlreadyExistsException',
    })
  })

  it('refuses an UPDATE change set on a stack in ROLLBACK_COMPLETE', async () => {
    const bad = JSON.stringify({AWSTemplateFormatVersion: '2010-09-09', Resources: failingNetworkResources})
    const {id} = await moto.changeSet({StackName: 'net', ChangeSetType: 'CREATE', TemplateBody: bad})
    await moto.cfn().send(new ExecuteChangeSetCommand({ChangeSetName: id}))
    await expect(moto.changeSet({StackName: 'net', ChangeSetType: 'UPDATE', TemplateBody: bad})).rejects.toThrow(/ROLLBACK_COMPLETE state and can not be updated/)
  })
})
