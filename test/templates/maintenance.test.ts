import {describe, expect, it} from 'vitest'
import {viewerHostnames} from '../../src/templates/dns.js'
import {MAINTENANCE_RETRY_AFTER_SECONDS, MAINTENANCE_STAGE, maintenanceDomainId, maintenancePage, renderMaintenanceResources} from '../../src/templates/maintenance.js'
import type {CfnResource} from '../../src/lib/stacks/types.js'
import {prodEnv} from '../helpers/env.js'

const env = prodEnv()
const hostnames = viewerHostnames(env)
const resources = renderMaintenanceResources(env, hostnames)

function ofType(type: string, from: Record<string, CfnResource> = resources): Array<[string, CfnResource]> {
  return Object.entries(from).filter(([, r]) => r.Type === type)
}

describe('maintenancePage', () => {
  const page = maintenancePage(env)

  it('says the site is temporarily unavailable and comes back by itself', () => {
    expect(page).toMatch(/^<!doctype html>/)
    expect(page).toContain('<title>bookmarks.example.com is temporarily unavailable</title>')
    expect(page).toContain('try again in a few minutes')
    expect(page).toContain('<meta name="robots" content="noindex">')
  })

  it('needs nothing the outage could take down, and has no Velocity syntax ($ and # start references and directives)', () => {
    expect(page).not.toMatch(/<script|<link|<img|src=|href=/)
    expect(page).not.toMatch(/[$#]/)
  })
})

describe('renderMaintenanceResources', () => {
  it('is a REGIONAL REST API reachable only through the custom domain names', () => {
    expect(resources.MaintenanceApi.Properties).toMatchObject({
      Name: 'bookmark-manager-prod-maintenance',
      EndpointConfiguration: {Types: ['REGIONAL'], IpAddressType: 'dualstack'},
      DisableExecuteApiEndpoint: true,
    })
  })

  it('answers every method on / and on every path below it with the page and 503, never cached', () => {
    const methods = ofType('AWS::ApiGateway::Method')
    expect(methods.map(([, m]) => m.Properties!.ResourceId)).toEqual([{'Fn::GetAtt': ['MaintenanceApi', 'RootResourceId']}, {Ref: 'MaintenanceProxyResource'}])
    expect(resources.MaintenanceProxyResource.Properties).toMatchObject({PathPart: '{proxy+}', ParentId: {'Fn::GetAtt': ['MaintenanceApi', 'RootResourceId']}})
    for (const [, method] of methods) {
      const properties = method.Properties as any
      expect(properties).toMatchObject({HttpMethod: 'ANY', AuthorizationType: 'NONE', RestApiId: {Ref: 'MaintenanceApi'}})
      expect(properties.Integration.Type).toBe('MOCK')
      for (const template of Object.values(properties.Integration.RequestTemplates)) expect(JSON.parse(template as string)).toEqual({statusCode: 503})
      // A body type without a template is refused (415, which the DEFAULT_4XX gateway response
      // makes the page), never passed through as the mock's input.
      expect(properties.Integration.PassthroughBehavior).toBe('NEVER')
      // One integration response without a SelectionPattern: the default, whatever the mock answered.
      expect(properties.Integration.IntegrationResponses).toHaveLength(1)
      const [response] = properties.Integration.IntegrationResponses
      expect(response.SelectionPattern).toBeUndefined()
      expect(response.StatusCode).toBe('503')
      expect(Object.values(response.ResponseTemplates)).toEqual([maintenancePage(env), maintenancePage(env)])
      expect(response.ResponseParameters).toEqual({
        'method.response.header.Content-Type': "'text/html; charset=utf-8'",
        'method.response.header.Cache-Control': "'no-store'",
        'method.response.header.Retry-After': `'${MAINTENANCE_RETRY_AFTER_SECONDS}'`,
      })
      // Every header the integration response sets is declared by the method response.
      expect(properties.MethodResponses).toEqual([{StatusCode: '503', ResponseParameters: Object.fromEntries(Object.keys(response.ResponseParameters).map((k) => [k, true]))}])
    }
  })

  it("answers API Gateway's own errors (any 4XX or 5XX it makes itself, such as a 415 for a body type without template) with the page and 503 too", () => {
    const responses = ofType('AWS::ApiGateway::GatewayResponse')
    expect(responses.map(([, r]) => r.Properties!.ResponseType)).toEqual(['DEFAULT_4XX', 'DEFAULT_5XX'])
    for (const [, response] of responses) {
      expect(response.Properties).toEqual({
        RestApiId: {Ref: 'MaintenanceApi'},
        ResponseType: expect.any(String),
        StatusCode: '503',
        ResponseParameters: {
          'gatewayresponse.header.Content-Type': "'text/html; charset=utf-8'",
          'gatewayresponse.header.Cache-Control': "'no-store'",
          'gatewayresponse.header.Retry-After': `'${MAINTENANCE_RETRY_AFTER_SECONDS}'`,
        },
        ResponseTemplates: {'application/json': maintenancePage(env), 'text/html': maintenancePage(env)},
      })
    }
  })

  it('deploys the methods and gateway responses to the stage under an id that changes with them, and only with them', () => {
    const [[deploymentId, deployment]] = ofType('AWS::ApiGateway::Deployment')
    // Gateway responses, like methods, reach viewers only through a deployment made after them.
    expect(deployment.DependsOn).toEqual(['MaintenanceGatewayResponse4xx', 'MaintenanceGatewayResponse5xx', 'MaintenanceProxyMethod', 'MaintenanceRootMethod'])
    expect(resources.MaintenanceStage.Properties).toMatchObject({StageName: MAINTENANCE_STAGE, DeploymentId: {Ref: deploymentId}})
    const again = ofType('AWS::ApiGateway::Deployment', renderMaintenanceResources(prodEnv(), hostnames))
    expect(again[0][0]).toBe(deploymentId)
    // Another domain is another page, so another deployment.
    const other = ofType('AWS::ApiGateway::Deployment', renderMaintenanceResources(prodEnv({domain: 'other.example.com'}), hostnames))
    expect(other[0][0]).not.toBe(deploymentId)
  })

  it('certifies the site\'s names in the region, validated by the records the edge stack already wrote', () => {
    expect(resources.MaintenanceCertificate.Properties).toMatchObject({DomainName: hostnames[0], SubjectAlternativeNames: hostnames.slice(1), ValidationMethod: 'DNS'})
    // Writing them again (HostedZoneId) would collide with the edge certificate's identical records.
    expect(resources.MaintenanceCertificate.Properties).not.toHaveProperty('DomainValidationOptions')
  })

  it('serves each name on a regional custom domain name mapped to the stage, over TLS 1.2', () => {
    expect(hostnames).toEqual(['www.bookmarks.example.com', 'bookmarks.example.com'])
    for (const hostname of hostnames) {
      const domain = resources[maintenanceDomainId(hostname)]
      expect(domain.Properties).toEqual({
        DomainName: hostname,
        EndpointConfiguration: {Types: ['REGIONAL'], IpAddressType: 'dualstack'},
        RegionalCertificateArn: {Ref: 'MaintenanceCertificate'},
        SecurityPolicy: 'TLS_1_2',
        Tags: expect.any(Array),
      })
    }
    const mappings = ofType('AWS::ApiGateway::BasePathMapping')
    expect(mappings.map(([, m]) => m.Properties!.DomainName)).toEqual(hostnames.map((h) => ({Ref: maintenanceDomainId(h)})))
    for (const [, mapping] of mappings) expect(mapping.Properties).toMatchObject({RestApiId: {Ref: 'MaintenanceApi'}, Stage: {Ref: 'MaintenanceStage'}})
    expect(maintenanceDomainId('*.bookmarks.example.com')).not.toBe(maintenanceDomainId('bookmarks.example.com'))
  })
})
