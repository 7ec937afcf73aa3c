/** local/patches/list_parameters.py: list parameters are reported comma-joined, as submitted. */
import {describe, expect, it} from 'vitest'
import {outputs, usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

const template = JSON.stringify({
  AWSTemplateFormatVersion: '2010-09-09',
  Parameters: {Names: {Type: 'CommaDelimitedList'}, Sizes: {Type: 'List<Number>'}, Env: {Type: 'String'}},
  Resources: {Topic: {Type: 'AWS::SNS::Topic', Properties: {DisplayName: {'Fn::Join': ['+', {Ref: 'Names'}]}}}},
  // A Ref of a list parameter is still a list inside the template.
  Outputs: {Joined: {Value: {'Fn::Join': ['+', {Ref: 'Names'}]}}},
})

describe('List parameters', () => {
  it('DescribeStacks reports the comma-joined value, not a Python list', async () => {
    const stack = await moto.deploy('lists', 'CREATE', template, {Names: 'a,b', Sizes: '1,2', Env: 'dev'})
    const values = Object.fromEntries((stack.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]))
    expect(values).toEqual({Names: 'a,b', Sizes: '1,2', Env: 'dev'})
    expect(outputs(stack).Joined).toBe('a+b')
  })

  it('UsePreviousValue of a list parameter: DescribeChangeSet shows the previous value comma-joined', async () => {
    await moto.deploy('lists', 'CREATE', template, {Names: 'a,b', Sizes: '1,2', Env: 'dev'})
    const {described} = await moto.changeSet({
      StackName: 'lists',
      ChangeSetType: 'UPDATE',
      TemplateBody: template,
      Parameters: [
        {ParameterKey: 'Names', UsePreviousValue: true},
        {ParameterKey: 'Sizes', UsePreviousValue: true},
        {ParameterKey: 'Env', ParameterValue: 'prod'},
      ],
    })
    expect(described.Status).toBe('CREATE_COMPLETE')
    expect(Object.fromEntries((described.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]))).toMatchObject({Names: 'a,b', Sizes: '1,2', Env: 'prod'})
  })
})
