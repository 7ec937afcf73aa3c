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

/**
 * The MOCK integration of every method: the request template makes the mock answer 503, and the
 * one (default) integration response maps whatever it answered to the 503 method response with the
 * page (API Gateway Developer Guide, "Mock integrations for REST APIs in API Gateway"). The page is
 * given for both JSON and HTML so that it is the body whatever template API Gateway selects from
 * the viewer's Accept header; Content-Type is set to HTML as a static header value.
 */
function mockIntegration(env: ResolvedEnvironment): Record<string, unknown> {
  const page = maintenancePage(env)
  const status = '{"statusCode": 503}'
  return {
    Type: 'MOCK',
    // A form post or any other body type still gets the page: without a template for its
    // Content-Type, WHEN_NO_MATCH passes the body through and the mock answers its default.
    PassthroughBehavior: 'WHEN_NO_MATCH',
    RequestTemplates: {'application/json': status, 'application/x-www-form-urlencoded': status, 'text/plain': status},
    IntegrationResponses: [
      {
        StatusCode: '503',
        ResponseTemplates: {'application/json': page, 'text/html': page},
        ResponseParameters: {
          'method.response.header.Content-Type': "'text/html; charset=utf-8'",
          // Never cached by a browser or resolver-side proxy: the site must be seen again once it is back.
          'method.response.header.Cache-Control': "'no-store'",
          'method.response.header.Retry-After': `'${MAINTENANCE_RETRY_AFTER_SECONDS}'`,
        },
      },
    ],
  }
}

const METHOD_RESPONSES = [
  {
    StatusCode: '503',
    ResponseParameters: {'method.response.header.Content-Type': true, 'method.response.header.Cache-Control': true, 'method.response.header.Retry-After': true},
  },
]

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

  // A deployment is a snapshot of the methods taken when it is created, and CloudFormation never
  // recreates one whose own properties did not change: the methods' hash in its logical id makes a
  // changed page a new deployment, which the stage then points to.
  const methods = JSON.stringify([resources.MaintenanceRootMethod, resources.MaintenanceProxyMethod, resources.MaintenanceProxyResource])
  const deploymentId = `MaintenanceDeployment${shortHash(methods, 8)}`
  resources[deploymentId] = {
    Type: 'AWS::ApiGateway::Deployment',
    DependsOn: ['MaintenanceProxyMethod', 'MaintenanceRootMethod'],
    Metadata: {'platform:description': 'Maintenance page API deployment'},
    Properties: {RestApiId: {Ref: 'MaintenanceApi'}, Description: `maintenance page ${shortHash(methods, 8)}`},
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
      // No HostedZoneId: ACM asks for the same validation CNAME for a name in every region of an
      // account, and the edge stack (us-east-1, deployed before this one) already wrote it for
      // every one of these names. Asking CloudFormation to write it again would collide with that
      // record; the certificate validates against the existing one instead.
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
