/** local/patches/list_change_sets.py: ListChangeSets lists only the named stack's change sets. */
import {ListChangeSetsCommand} from '@aws-sdk/client-cloudformation'
import {describe, expect, it} from 'vitest'
import {topicTemplate, usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

describe('ListChangeSets', () => {
  it('lists the change sets of StackName, not the whole region\'s', async () => {
    await moto.deploy('one', 'CREATE', topicTemplate(), {Env: 'a'})
    await moto.deploy('two', 'CREATE', topicTemplate(), {Env: 'b'})
    await moto.changeSet({StackName: 'one', ChangeSetType: 'UPDATE', TemplateBody: topicTemplate(), Parameters: [{ParameterKey: 'Env', ParameterValue: 'c'}]})
    await moto.changeSet({StackName: 'two', ChangeSetType: 'UPDATE', TemplateBody: topicTemplate(), Parameters: [{ParameterKey: 'Env', ParameterValue: 'd'}]})
    const listed = await moto.cfn().send(new ListChangeSetsCommand({StackName: 'one'}))
    expect(listed.Summaries?.map((c) => c.StackName)).toEqual(['one', 'one'])
  })
})
