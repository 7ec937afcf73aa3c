/** local/patches/create_order.py: a change set creates new resources after what they reference or name in DependsOn. */
import {DescribeStackEventsCommand} from '@aws-sdk/client-cloudformation'
import {describe, expect, it} from 'vitest'
import {usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

// In template order the deployment comes before the method it DependsOn, and the stage (which
// references the deployment) before both: AWS still creates method, deployment, stage.
const template = JSON.stringify({
  AWSTemplateFormatVersion: '2010-09-09',
  Resources: {
    AStage: {Type: 'AWS::ApiGateway::Stage', Properties: {RestApiId: {Ref: 'Api'}, DeploymentId: {Ref: 'Deployment'}, StageName: 'live'}},
    Api: {Type: 'AWS::ApiGateway::RestApi', Properties: {Name: 'ordered'}},
    Deployment: {Type: 'AWS::ApiGateway::Deployment', DependsOn: 'RootMethod', Properties: {RestApiId: {Ref: 'Api'}}},
    RootMethod: {
      Type: 'AWS::ApiGateway::Method',
      Properties: {
        RestApiId: {Ref: 'Api'},
        ResourceId: {'Fn::GetAtt': ['Api', 'RootResourceId']},
        HttpMethod: 'GET',
        AuthorizationType: 'NONE',
        Integration: {Type: 'MOCK', RequestTemplates: {'application/json': '{"statusCode": 200}'}, IntegrationResponses: [{StatusCode: '200'}]},
        MethodResponses: [{StatusCode: '200'}],
      },
    },
  },
})

describe('new resources of a change set', () => {
  it('are created after what they reference and what their DependsOn names', async () => {
    // stock moto: Deployment fails with "The REST API doesn't contain any methods"
    const stack = await moto.deploy('ordered', 'CREATE', template, {})
    expect(stack.StackStatus).toBe('CREATE_COMPLETE')
    const events = (await moto.cfn().send(new DescribeStackEventsCommand({StackName: 'ordered'}))).StackEvents!.reverse()
    const created = events.filter((e) => e.ResourceStatus === 'CREATE_COMPLETE' && e.LogicalResourceId !== 'ordered').map((e) => e.LogicalResourceId)
    expect(created).toEqual(['Api', 'RootMethod', 'Deployment', 'AStage'])
  })
})
