import {lintStacks as lint} from '../helpers/cfn-lint.js'
import {beforeAll, describe, expect, it} from 'vitest'
import {getEnvironment, loadConfig} from '../../src/lib/config/load.js'
import {renderClusterStack} from '../../src/templates/cluster.js'
import type {StackDefinition} from '../../src/lib/stacks/types.js'
import {minimalEnv, prodEnv, ROOT_CONFIG} from '../helpers/env.js'

function attributes(stack: StackDefinition): Record<string, unknown> {
  const list = stack.template.Resources.LoadBalancer.Properties!.LoadBalancerAttributes as Array<{Key: string; Value: unknown}>
  return Object.fromEntries(list.map(({Key, Value}) => [Key, Value]))
}

describe('renderClusterStack', () => {
  let prod: StackDefinition

  beforeAll(async () => {
    prod = renderClusterStack(getEnvironment(await loadConfig(ROOT_CONFIG), 'prod'))
  })

  it('creates the cluster <project>-<env>-cluster with Container Insights', () => {
    expect(prod.region).toBe('ap-northeast-1')
    expect(prod.template.Resources.Cluster.Properties).toMatchObject({
      ClusterName: 'bookmark-manager-prod-cluster',
      ClusterSettings: [{Name: 'containerInsights', Value: 'enabled'}],
    })
  })

  it('puts an internal ALB in the private subnets behind the ALB security group (no way around CloudFront)', () => {
    const properties = prod.template.Resources.LoadBalancer.Properties!
    expect(properties).toMatchObject({Type: 'application', Scheme: 'internal', Subnets: {Ref: 'PrivateSubnetIds'}, SecurityGroups: [{Ref: 'AlbSecurityGroupId'}]})
  })

  it('gives the ALB no fixed name, so a replacement (a Scheme change) is not refused with "already exists"', () => {
    expect(prod.template.Resources.LoadBalancer.Properties!.Name).toBeUndefined()
    // What needs the ALB reads it from the outputs, never by name.
    expect(Object.keys(prod.template.Outputs!)).toEqual(expect.arrayContaining(['LoadBalancerArn', 'LoadBalancerDnsName', 'LoadBalancerFullName']))
  })

  it('turns on HTTP/2, deletion protection, invalid-header dropping, the idle timeout and access logs to the log bucket', () => {
    expect(attributes(prod)).toEqual({
      'routing.http2.enabled': 'true',
      'deletion_protection.enabled': 'true',
      'routing.http.drop_invalid_header_fields.enabled': 'true',
      'idle_timeout.timeout_seconds': '60',
      'access_logs.s3.enabled': 'true',
      'access_logs.s3.bucket': {Ref: 'AlbLogsBucketName'},
      'access_logs.s3.prefix': 'alb',
    })
    const quiet = renderClusterStack(prodEnv({alb: {...prodEnv().alb, accessLogs: false, deletionProtection: false, idleTimeoutSeconds: 120}}))
    expect(attributes(quiet)).toMatchObject({'access_logs.s3.enabled': 'false', 'deletion_protection.enabled': 'false', 'idle_timeout.timeout_seconds': '120'})
    expect(attributes(quiet)['access_logs.s3.bucket']).toBeUndefined()
    expect(quiet.parameters.AlbLogsBucketName).toBeUndefined()
  })

  it('redirects HTTP to HTTPS with a 301 when a domain is set', () => {
    const http = prod.template.Resources.HttpListener.Properties!
    expect(http).toMatchObject({Port: 80, Protocol: 'HTTP'})
    expect(http.DefaultActions).toEqual([
      {Type: 'redirect', RedirectConfig: {Protocol: 'HTTPS', Port: '443', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301'}},
    ])
  })

  it('terminates TLS 1.2+ on port 443 with the configured policy and the origin.<domain> certificate', () => {
    const https = prod.template.Resources.HttpsListener.Properties!
    expect(https).toMatchObject({
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      Certificates: [{CertificateArn: {Ref: 'OriginCertificate'}}],
    })
    expect((https.DefaultActions as any[])[0]).toMatchObject({Type: 'fixed-response', FixedResponseConfig: {StatusCode: '404'}})
    expect(prod.template.Resources.OriginCertificate.Properties).toMatchObject({
      DomainName: 'origin.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{DomainName: 'origin.example.com', HostedZoneId: {Ref: 'HostedZoneId'}}],
    })
    expect(prod.template.Outputs!.ListenerArn.Value).toEqual({Ref: 'HttpsListener'})
  })

  it('without a domain, serves HTTP only and attaches service rules to it', () => {
    const minimal = renderClusterStack(minimalEnv())
    expect(minimal.template.Resources.HttpsListener).toBeUndefined()
    expect(minimal.template.Resources.OriginCertificate).toBeUndefined()
    expect((minimal.template.Resources.HttpListener.Properties!.DefaultActions as any[])[0].Type).toBe('fixed-response')
    expect(minimal.template.Outputs!.ListenerArn.Value).toEqual({Ref: 'HttpListener'})
    expect(minimal.parameters.HostedZoneId).toBeUndefined()
  })

  it('declares the contract outputs and typed parameters fed from network, storage and zone', () => {
    expect(Object.keys(prod.template.Outputs!).sort()).toEqual(
      ['ClusterArn', 'ClusterName', 'ListenerArn', 'LoadBalancerArn', 'LoadBalancerDnsName', 'LoadBalancerFullName', 'LoadBalancerHostedZoneId'].sort(),
    )
    expect(prod.template.Parameters).toEqual({
      PrivateSubnetIds: expect.objectContaining({Type: 'List<AWS::EC2::Subnet::Id>'}),
      AlbSecurityGroupId: expect.objectContaining({Type: 'AWS::EC2::SecurityGroup::Id'}),
      AlbLogsBucketName: expect.objectContaining({Type: 'String'}),
      HostedZoneId: expect.objectContaining({Type: 'String'}),
    })
    expect(prod.parameters).toEqual({
      PrivateSubnetIds: {from: 'output', stack: 'bookmark-manager-prod-network', output: 'PrivateSubnetIds'},
      AlbSecurityGroupId: {from: 'output', stack: 'bookmark-manager-prod-network', output: 'AlbSecurityGroupId'},
      AlbLogsBucketName: {from: 'output', stack: 'bookmark-manager-prod-storage', output: 'AlbLogsBucketName'},
      HostedZoneId: {from: 'output', stack: 'bookmark-manager-prod-zone', output: 'HostedZoneId'},
    })
  })

  it('tags the cluster, load balancer and certificate', () => {
    for (const id of ['Cluster', 'LoadBalancer', 'OriginCertificate']) {
      expect(prod.template.Resources[id].Properties!.Tags, id).toEqual(expect.arrayContaining([{Key: 'managed-by', Value: 'platform'}, {Key: 'environment', Value: 'prod'}]))
    }
  })

  it('passes cfn-lint without access logs and without a domain', async () => {
    const noLogs = renderClusterStack(prodEnv({alb: {...prodEnv().alb, accessLogs: false}}))
    // One region, one cfn-lint process.
    expect(await lint([noLogs, renderClusterStack(prodEnv({domain: undefined}))])).toBe('')
  }, 120_000)
})
