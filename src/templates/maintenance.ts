import type {ResolvedEnvironment} from '../lib/config/types.js'
import {logicalId, shortHash} from '../lib/naming.js'
import {prefix, tagList} from './common.js'
import type {CfnResource} from '../lib/stacks/types.js'

/**
 * The maintenance page: what the site's names answer while the health check says the site is
 * down. A REGIONAL API Gateway REST API whose every path and method is a MOCK integration that
 * answers 503 with a static HTML page, served on each of the site's own hostnames through a
 * regional custom domain name, so HTTPS (and HSTS) keep working after Route53 fails over.
 *
 * Why not a second CloudFront distribution: an alternate domain name belongs to one distribution
 * only (CloudFront Developer Guide, "Use custom URLs by adding alternate domain names (CNAMEs)";
 * Route53's AliasTarget reference: a failover pair cannot alias CloudFront on both sides). Why not
 * an S3 website endpoint: it needs a bucket named exactly like the record and serves HTTP only.
 * A REGIONAL custom domain name is served by API Gateway in the region, not by a CloudFront
 * distribution (API Gateway Developer Guide, "Set up a Regional custom domain name in API
 * Gateway"; knowledge center "How do I set up a custom domain name for my API Gateway API?":
 * only edge-optimized names use a CloudFront distribution), so it can carry the same name as
 * the distribution's alias. API Gateway and CloudFront each pick the certificate by SNI, and DNS
 * decides which of them a viewer reaches.
 */

/** The REST API stage every custom domain name maps to. */
export const MAINTENANCE_STAGE = 'maintenance'

/** Seconds a client is told to wait before retrying (the `Retry-After` header). */
export const MAINTENANCE_RETRY_AFTER_SECONDS = 300

/**
 * The page. Plain HTML with inline styles and no scripts, links or images: nothing it needs can be
 * down with the site. No `$` or `#`: the text is an API Gateway response mapping template (Velocity),
 * where those start references and directives.
 */
export function maintenancePage(env: ResolvedEnvironment): string {
  const site = env.domain ?? env.project
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${site} is temporarily unavailable</title>`,
    '</head>',
    '<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 15vh auto; padding: 0 1rem; line-height: 1.5; color: rgb(34, 34, 34)">',
    `<h1 style="font-size: 1.5rem">${site} is temporarily unavailable</h1>`,
    '<p>We are aware of the problem and working on it. Nothing you saved is lost.</p>',
    `<p>Please try again in a few minutes; this page goes away by itself once ${site} is back.</p>`,
    '</body>',
    '</html>',
  ].join('\n')
}

/** The headers of every answer, the mock's and API Gateway's own (gateway responses), as static values. */
const PAGE_HEADERS = {
  'Content-Type': "'text/html; charset=utf-8'",
  // Never cached by a browser or resolver-side proxy: the site must be seen again once it is back.
  'Cache-Control': "'no-store'",
  'Retry-After': `'${MAINTENANCE_RETRY_AFTER_SECONDS}'`,
} as const

/** PAGE_HEADERS as response parameters: `method.response.header` or `gatewayresponse.header` names. */
function pageHeaders(prefix: 'method.response.header' | 'gatewayresponse.header'): Record<string, string> {
  return Object.fromEntries(Object.entries(PAGE_HEADERS).map(([name, value]) => [`${prefix}.${name}`, value]))
}

/**
 * The page under every media type a template can be selected for. API Gateway picks a response
 * template by the request's Accept header, and "uses the first existing template when the specified
 * Accept header value does not match any existing template key" (API Gateway Developer Guide,
 * mapping template selection), so whatever the viewer accepts, the body is the page.
 */
function pageTemplates(env: ResolvedEnvironment): Record<string, string> {
  const page = maintenancePage(env)
  return {'application/json': page, 'text/html': page}
}

/**
 * The MOCK integration of every method. The request template makes the mock answer 503; the one
 * integration response has no SelectionPattern, so it is the default, selected whatever the mock
 * answered, and maps it to the 503 method response with the page (API Gateway Developer Guide,
 * "Mock integrations for REST APIs in API Gateway": "The default integration response is the one
 * with an undefined HTTP status regex"). Content-Type is a static header value.
 */
function mockIntegration(env: ResolvedEnvironment): Record<string, unknown> {
  const status = '{"statusCode": 503}'
  return {
    Type: 'MOCK',
    // A request without Content-Type counts as application/json. Any other body type has no
    // template: NEVER rejects it with 415 before the mock (passed through, the viewer's body would
    // be the mock's input, and its statusCode, if any, not ours), and the DEFAULT_4XX gateway
    // response turns that 415 into the page as well.
    PassthroughBehavior: 'NEVER',
    RequestTemplates: {'application/json': status, 'application/x-www-form-urlencoded': status, 'text/plain': status},
    IntegrationResponses: [
      {
        StatusCode: '503',
        ResponseTemplates: pageTemplates(env),
        ResponseParameters: pageHeaders('method.response.header'),
      },
    ],
  }
}

/**
 * What API Gateway answers itself instead of the mock (an unsupported media type, a request too
 * large, throttling, any error of its own) is the page too, with 503 and the same headers: the
 * two fallback gateway responses cover every 4XX and 5XX type not customized on its own, and
 * "changing the status code of this fallback gateway response changes the status codes of all
 * other 4XX responses to the new value" (API Gateway Developer Guide, "Gateway response types").
 * A gateway response template is not run through Velocity; the page has no `$` anyway.
 */
function gatewayResponse(env: ResolvedEnvironment, type: 'DEFAULT_4XX' | 'DEFAULT_5XX'): CfnResource {
  return {
    Type: 'AWS::ApiGateway::GatewayResponse',
    Metadata: {'platform:description': `Maintenance page: API Gateway's own ${type.slice(-3)} answers are the page, 503`},
    Properties: {
      RestApiId: {Ref: 'MaintenanceApi'},
      ResponseType: type,
      StatusCode: '503',
      ResponseParameters: pageHeaders('gatewayresponse.header'),
      ResponseTemplates: pageTemplates(env),
    },
  }
}

/** The 503 method response declares every header the integration response sets. */
const METHOD_RESPONSES = [{StatusCode: '503', ResponseParameters: Object.fromEntries(Object.keys(pageHeaders('method.response.header')).map((name) => [name, true]))}]

/** `ANY` on one resource of the API, answered by the mock. */
function anyMethod(env: ResolvedEnvironment, resourceId: unknown, what: string): CfnResource {
  return {
    Type: 'AWS::ApiGateway::Method',
    Metadata: {'platform:description': `Maintenance page: every method on ${what} answers 503`},
    Properties: {
      RestApiId: {Ref: 'MaintenanceApi'},
      ResourceId: resourceId,
      HttpMethod: 'ANY',
      // A public page, like the site it stands in for.
      AuthorizationType: 'NONE',
      Integration: mockIntegration(env),
      MethodResponses: METHOD_RESPONSES,
    },
  }
}

/** Logical id part of one hostname: `www.example.com` → `WwwExampleCom`, `*.example.com` → `WildcardExampleCom`. */
function hostId(hostname: string): string {
  return logicalId(hostname.replaceAll('*', 'wildcard'))
}

/** Logical id of the custom domain name that serves the maintenance page on `hostname`. */
export function maintenanceDomainId(hostname: string): string {
  return `MaintenanceDomain${hostId(hostname)}`
}

/**
 * The maintenance page's resources for `hostnames` (the site's names, the distribution's aliases):
 * the REST API, its deployment and stage, a regional ACM certificate for those names, and a
 * regional custom domain name per name mapped to the stage.
 */
export function renderMaintenanceResources(env: ResolvedEnvironment, hostnames: string[]): Record<string, CfnResource> {
  const resources: Record<string, CfnResource> = {}
  resources.MaintenanceApi = {
    Type: 'AWS::ApiGateway::RestApi',
    Metadata: {'platform:description': 'Maintenance page API (answers 503 while the site is down)'},
    Properties: {
      Name: `${prefix(env)}-maintenance`,
      Description: `${prefix(env)} maintenance page, served while the Route53 health check fails (managed by platform)`,
      EndpointConfiguration: {Types: ['REGIONAL'], IpAddressType: 'dualstack'},
      // Reached only through the site's names: no second public URL for the page.
      DisableExecuteApiEndpoint: true,
      Tags: tagList(env),
    },
  }
  resources.MaintenanceProxyResource = {
    Type: 'AWS::ApiGateway::Resource',
    Metadata: {'platform:description': 'Maintenance page: every path below /'},
    Properties: {RestApiId: {Ref: 'MaintenanceApi'}, ParentId: {'Fn::GetAtt': ['MaintenanceApi', 'RootResourceId']}, PathPart: '{proxy+}'},
  }
  resources.MaintenanceRootMethod = anyMethod(env, {'Fn::GetAtt': ['MaintenanceApi', 'RootResourceId']}, '/')
  resources.MaintenanceProxyMethod = anyMethod(env, {Ref: 'MaintenanceProxyResource'}, 'every path')
  resources.MaintenanceGatewayResponse4xx = gatewayResponse(env, 'DEFAULT_4XX')
  resources.MaintenanceGatewayResponse5xx = gatewayResponse(env, 'DEFAULT_5XX')

  // A deployment is a snapshot of the methods and gateway responses taken when it is created, and
  // CloudFormation never recreates one whose own properties did not change: their hash in its
  // logical id makes a changed page a new deployment, which the stage then points to.
  const snapshotOf = ['MaintenanceGatewayResponse4xx', 'MaintenanceGatewayResponse5xx', 'MaintenanceProxyMethod', 'MaintenanceRootMethod']
  const snapshot = JSON.stringify([...snapshotOf.map((id) => resources[id]), resources.MaintenanceProxyResource])
  const snapshotHash = shortHash(snapshot, 8)
  const deploymentId = `MaintenanceDeployment${snapshotHash}`
  resources[deploymentId] = {
    Type: 'AWS::ApiGateway::Deployment',
    DependsOn: snapshotOf,
    Metadata: {'platform:description': 'Maintenance page API deployment'},
    Properties: {RestApiId: {Ref: 'MaintenanceApi'}, Description: `maintenance page ${snapshotHash}`},
  }
  resources.MaintenanceStage = {
    Type: 'AWS::ApiGateway::Stage',
    Metadata: {'platform:description': `Maintenance page API stage ${MAINTENANCE_STAGE}`},
    Properties: {
      RestApiId: {Ref: 'MaintenanceApi'},
      DeploymentId: {Ref: deploymentId},
      StageName: MAINTENANCE_STAGE,
      Description: 'Serves the maintenance page on the custom domain names',
      // X-Ray traces only the requests it answers, so it costs nothing while the site is up and
      // shows who met the page during an outage (Control Tower CT.APIGATEWAY.PR.2).
      TracingEnabled: true,
      Tags: tagList(env),
    },
  }

  resources.MaintenanceCertificate = {
    Type: 'AWS::CertificateManager::Certificate',
    Metadata: {'platform:description': `Maintenance page certificate (${env.region}) for ${hostnames.join(', ')}`},
    Properties: {
      DomainName: hostnames[0],
      SubjectAlternativeNames: hostnames.slice(1),
      ValidationMethod: 'DNS',
      // No DomainValidationOptions: this certificate reuses the validation records the edge
      // stack's certificate wrote (us-east-1, deployed before this stack; cdn reads it, dns reads
      // cdn) instead of writing them a second time. ACM's record is the same for a name in every
      // certificate and region of the account: "Each record, created specifically for your domain
      // and your account" and "Since the CNAME validation token works for any AWS Region, you can
      // re-create the same certificate in multiple Regions" (ACM User Guide, "DNS validation").
      // CloudFormation keeps the stack waiting until ACM sees them, and leaves them in the zone when
      // it deletes a certificate (cloudformation-coverage-roadmap #1603), so a replaced edge
      // certificate does not take them away.
      Tags: tagList(env, {Name: `${prefix(env)}-maintenance`}),
    },
  }

  for (const hostname of hostnames) {
    const domainId = maintenanceDomainId(hostname)
    resources[domainId] = {
      Type: 'AWS::ApiGateway::DomainName',
      Metadata: {'platform:description': `${hostname} on API Gateway (regional): the maintenance page`},
      Properties: {
        DomainName: hostname,
        // REGIONAL, never EDGE: an edge-optimized name is a CloudFront distribution of its own,
        // which cannot take a name the site's distribution already has.
        EndpointConfiguration: {Types: ['REGIONAL'], IpAddressType: 'dualstack'},
        RegionalCertificateArn: {Ref: 'MaintenanceCertificate'},
        SecurityPolicy: 'TLS_1_2',
        Tags: tagList(env),
      },
    }
    resources[`MaintenanceMapping${hostId(hostname)}`] = {
      Type: 'AWS::ApiGateway::BasePathMapping',
      Metadata: {'platform:description': `${hostname}/ → maintenance page stage`},
      Properties: {DomainName: {Ref: domainId}, RestApiId: {Ref: 'MaintenanceApi'}, Stage: {Ref: 'MaintenanceStage'}},
    }
  }
  return resources
}
