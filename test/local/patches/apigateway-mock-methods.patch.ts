/** local/patches/apigateway_mock_methods.py: a stack creates MOCK methods, with their templates and responses, as on AWS. */
import {describe, expect, it} from 'vitest'
import {outputs, region, usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

const mock = {
  Type: 'MOCK',
  PassthroughBehavior: 'WHEN_NO_MATCH',
  RequestTemplates: {'application/json': '{"statusCode": 503}'},
  IntegrationResponses: [{StatusCode: '503', ResponseTemplates: {'text/html': '<p>back soon</p>'}, ResponseParameters: {'method.response.header.Content-Type': "'text/html'"}}],
}

const template = JSON.stringify({
  AWSTemplateFormatVersion: '2010-09-09',
  Resources: {
    Api: {Type: 'AWS::ApiGateway::RestApi', Properties: {Name: 'maintenance', EndpointConfiguration: {Types: ['REGIONAL']}}},
    Proxy: {Type: 'AWS::ApiGateway::Resource', Properties: {RestApiId: {Ref: 'Api'}, ParentId: {'Fn::GetAtt': ['Api', 'RootResourceId']}, PathPart: '{proxy+}'}},
    ProxyMethod: {
      Type: 'AWS::ApiGateway::Method',
      Properties: {
        RestApiId: {Ref: 'Api'},
        ResourceId: {Ref: 'Proxy'},
        HttpMethod: 'ANY',
        AuthorizationType: 'NONE',
        Integration: mock,
        MethodResponses: [{StatusCode: '503', ResponseParameters: {'method.response.header.Content-Type': true}}],
      },
    },
    Deployment: {Type: 'AWS::ApiGateway::Deployment', DependsOn: ['ProxyMethod'], Properties: {RestApiId: {Ref: 'Api'}}},
  },
  Outputs: {ApiId: {Value: {Ref: 'Api'}}, ProxyId: {Value: {Ref: 'Proxy'}}},
})

/** API Gateway's REST API on moto (no SDK client in the project for it; moto reads the region from the credential scope). */
async function apigateway(path: string): Promise<any> {
  const response = await fetch(`${moto.aws().endpoint}${path}`, {
    headers: {Authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${region}/apigateway/aws4_request, SignedHeaders=host, Signature=0`},
  })
  expect(response.status).toBe(200)
  return response.json()
}

describe('an API Gateway method with a MOCK integration made by CloudFormation', () => {
  it('is created with its request template, integration response and method response', async () => {
    // stock moto: the execution fails with KeyError 'Uri' (a MOCK integration has no Uri)
    const stack = await moto.deploy('maintenance', 'CREATE', template, {})
    expect(stack.StackStatus).toBe('CREATE_COMPLETE')
    const {ApiId, ProxyId} = outputs(stack)
    const method = await apigateway(`/restapis/${ApiId}/resources/${ProxyId}/methods/ANY`)
    expect(method.authorizationType).toBe('NONE')
    expect(method.methodResponses['503'].responseParameters).toEqual({'method.response.header.Content-Type': true})
    expect(method.methodIntegration).toMatchObject({type: 'MOCK', passthroughBehavior: 'WHEN_NO_MATCH', requestTemplates: {'application/json': '{"statusCode": 503}'}})
    expect(method.methodIntegration.integrationResponses['503']).toMatchObject({
      statusCode: '503',
      responseTemplates: {'text/html': '<p>back soon</p>'},
      responseParameters: {'method.response.header.Content-Type': "'text/html'"},
    })
  })
})
