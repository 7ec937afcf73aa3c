/** local/patches/change_set_diff.py: a parameter-only change set lists the resources it modifies. */
import {describe, expect, it} from 'vitest'
import {topicTemplate, usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

describe('parameter-only change sets', () => {
  it('list a resource that reads the changed parameter through Fn::Sub as Modify', async () => {
    await moto.deploy('app', 'CREATE', topicTemplate(), {Env: 'dev'})
    const update = await moto.changeSet({StackName: 'app', ChangeSetType: 'UPDATE', TemplateBody: topicTemplate(), Parameters: [{ParameterKey: 'Env', ParameterValue: 'prod'}]})
    // stock moto listed no change at all
    expect(update.described.Changes?.map((c) => [c.ResourceChange?.Action, c.ResourceChange?.LogicalResourceId])).toEqual([['Modify', 'Topic']])
  })

  it('leave out resources that do not read the changed parameter', async () => {
    const template = JSON.stringify({
      AWSTemplateFormatVersion: '2010-09-09',
      Parameters: {Env: {Type: 'String'}, Owner: {Type: 'String'}},
      Resources: {
        ByRef: {Type: 'AWS::SNS::Topic', Properties: {DisplayName: {Ref: 'Owner'}}},
        Unrelated: {Type: 'AWS::SNS::Topic', Properties: {DisplayName: {'Fn::Sub': 'fixed-${Env}'}}},
      },
    })
    await moto.deploy('app', 'CREATE', template, {Env: 'dev', Owner: 'a'})
    const update = await moto.changeSet({
      StackName: 'app',
      ChangeSetType: 'UPDATE',
      TemplateBody: template,
      Parameters: [{ParameterKey: 'Env', ParameterValue: 'dev'}, {ParameterKey: 'Owner', ParameterValue: 'b'}],
    })
    expect(update.described.Changes?.map((c) => [c.ResourceChange?.Action, c.ResourceChange?.LogicalResourceId])).toEqual([['Modify', 'ByRef']])
  })

  it('list a resource that reads the changed parameter beside a Fn::GetAtt, not one that reads only another resource\'s attribute', async () => {
    const template = JSON.stringify({
      AWSTemplateFormatVersion: '2010-09-09',
      Parameters: {Owner: {Type: 'String'}},
      Resources: {
        Source: {Type: 'AWS::SNS::Topic', Properties: {DisplayName: 'source'}},
        AttributeAndParameter: {Type: 'AWS::SNS::Topic', Properties: {DisplayName: {'Fn::Join': ['-', [{'Fn::GetAtt': ['Source', 'TopicName']}, {Ref: 'Owner'}]]}}},
        AttributeOnly: {Type: 'AWS::SNS::Topic', Properties: {DisplayName: {'Fn::GetAtt': ['Source', 'TopicName']}}},
      },
    })
    await moto.deploy('app', 'CREATE', template, {Owner: 'a'})
    const update = await moto.changeSet({StackName: 'app', ChangeSetType: 'UPDATE', TemplateBody: template, Parameters: [{ParameterKey: 'Owner', ParameterValue: 'b'}]})
    // A new DisplayName does not replace Source, so AttributeOnly resolves to the same value: nothing to modify.
    expect(update.described.Changes?.map((c) => [c.ResourceChange?.Action, c.ResourceChange?.LogicalResourceId])).toEqual([['Modify', 'AttributeAndParameter']])
  })
})
