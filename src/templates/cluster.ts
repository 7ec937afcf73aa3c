import type {ResolvedEnvironment} from '../lib/config/types.js'
import {fitName, NameLimits} from '../lib/naming.js'
import {defineStack, fromOutput, newTemplate, prefix, tagList} from './common.js'
import {hostedZoneSource, originHostname} from './dns.js'
import type {CfnResource, ParameterSource, StackDefinition} from '../lib/stacks/types.js'

/** `<project>-<env>-cluster`: the deterministic ECS cluster name services and alarms refer to. */
export function clusterName(env: ResolvedEnvironment): string {
  return fitName(`${prefix(env)}-cluster`, NameLimits.ecsClusterName)
}

/** Key prefix of the ALB's access logs in the log bucket (the storage stack's policy allows any prefix). */
export const ALB_LOG_PREFIX = 'alb'

/** What the listeners answer when no service rule matches. */
const NOT_FOUND = {Type: 'fixed-response', FixedResponseConfig: {StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not found'}}

/**
 * The shared runtime: the ECS cluster (Container Insights on), the internal ALB in the private
 * subnets (CloudFront's VPC origin, see the cdn stack), and its listeners. With a domain, HTTPS terminates on the ALB with a regional
 * certificate for `origin.<domain>` (CloudFront's origin hostname) and HTTP answers 301 to HTTPS;
 * without one there is only the HTTP listener, and service rules attach to it.
 */
export function renderClusterStack(env: ResolvedEnvironment): StackDefinition {
  const template = newTemplate(`${prefix(env)}: ECS cluster, load balancer and listeners`)
  const parameters: Record<string, ParameterSource> = {
    PrivateSubnetIds: fromOutput(env, 'network', 'PrivateSubnetIds'),
    AlbSecurityGroupId: fromOutput(env, 'network', 'AlbSecurityGroupId'),
  }
  template.Parameters = {
    PrivateSubnetIds: {Type: 'List<AWS::EC2::Subnet::Id>', Description: 'Private subnets of the internal ALB'},
    AlbSecurityGroupId: {Type: 'AWS::EC2::SecurityGroup::Id', Description: 'Security group of the ALB'},
  }

  const resources: Record<string, CfnResource> = {
    Cluster: {
      Type: 'AWS::ECS::Cluster',
      Metadata: {'platform:description': `ECS cluster ${clusterName(env)}`},
      Properties: {
        ClusterName: clusterName(env),
        ClusterSettings: [{Name: 'containerInsights', Value: 'enabled'}],
        Tags: tagList(env),
      },
    },
  }

  const attributes: Array<{Key: string; Value: unknown}> = [
    {Key: 'deletion_protection.enabled', Value: String(env.alb.deletionProtection)},
    {Key: 'idle_timeout.timeout_seconds', Value: String(env.alb.idleTimeoutSeconds)},
    {Key: 'routing.http2.enabled', Value: 'true'},
    // Malformed header names are a request-smuggling vector; the apps never need them.
    {Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true'},
    {Key: 'access_logs.s3.enabled', Value: String(env.alb.accessLogs)},
  ]
  if (env.alb.accessLogs) {
    template.Parameters.AlbLogsBucketName = {Type: 'String', Description: 'Bucket for ALB access logs'}
    parameters.AlbLogsBucketName = fromOutput(env, 'storage', 'AlbLogsBucketName')
    attributes.push({Key: 'access_logs.s3.bucket', Value: {Ref: 'AlbLogsBucketName'}}, {Key: 'access_logs.s3.prefix', Value: ALB_LOG_PREFIX})
  }
  resources.LoadBalancer = {
    Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    Metadata: {'platform:description': `Internal application load balancer of ${prefix(env)}`},
    Properties: {
      // No Name: CloudFormation generates one. A change to a create-only property (Scheme, as when
      // the ALB became internal) replaces the ALB, and CloudFormation creates the new one before
      // deleting the old, which a fixed name would refuse ("already exists"). Everything that needs
      // the ALB reads its ARN, DNS name or full name from this stack's outputs.
      Type: 'application',
      // Internal, in the private subnets: only CloudFront's VPC origin reaches it, so no request
      // can skip the WAF and CloudFront's TLS policy by going to the ALB directly.
      Scheme: 'internal',
      IpAddressType: 'ipv4',
      Subnets: {Ref: 'PrivateSubnetIds'},
      SecurityGroups: [{Ref: 'AlbSecurityGroupId'}],
      LoadBalancerAttributes: attributes,
      Tags: tagList(env),
    },
  }

  let serviceListener: string
  if (env.domain) {
    template.Parameters.HostedZoneId = {Type: 'String', Description: `Hosted zone of ${env.domain} (ACM writes its validation records there)`}
    parameters.HostedZoneId = hostedZoneSource(env)
    const origin = originHostname(env.domain)
    resources.OriginCertificate = {
      Type: 'AWS::CertificateManager::Certificate',
      Metadata: {'platform:description': `ALB certificate for ${origin}`},
      Properties: {
        DomainName: origin,
        ValidationMethod: 'DNS',
        DomainValidationOptions: [{DomainName: origin, HostedZoneId: {Ref: 'HostedZoneId'}}],
        Tags: tagList(env, {Name: `${prefix(env)}-origin`}),
      },
    }
    resources.HttpsListener = {
      Type: 'AWS::ElasticLoadBalancingV2::Listener',
      Metadata: {'platform:description': `HTTPS listener (${env.alb.sslPolicy})`},
      Properties: {
        LoadBalancerArn: {Ref: 'LoadBalancer'},
        Port: 443,
        Protocol: 'HTTPS',
        SslPolicy: env.alb.sslPolicy,
        Certificates: [{CertificateArn: {Ref: 'OriginCertificate'}}],
        DefaultActions: [NOT_FOUND],
      },
    }
    resources.HttpListener = {
      Type: 'AWS::ElasticLoadBalancingV2::Listener',
      Metadata: {'platform:description': 'HTTP listener: 301 redirect to HTTPS'},
      Properties: {
        LoadBalancerArn: {Ref: 'LoadBalancer'},
        Port: 80,
        Protocol: 'HTTP',
        DefaultActions: [
          {Type: 'redirect', RedirectConfig: {Protocol: 'HTTPS', Port: '443', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301'}},
        ],
      },
    }
    serviceListener = 'HttpsListener'
  } else {
    // No domain means no certificate: CloudFront terminates TLS and reaches the ALB over HTTP,
    // through its VPC origin inside AWS's network, never over the internet.
    resources.HttpListener = {
      Type: 'AWS::ElasticLoadBalancingV2::Listener',
      Metadata: {'platform:description': 'HTTP listener (no domain: CloudFront terminates TLS)'},
      Properties: {LoadBalancerArn: {Ref: 'LoadBalancer'}, Port: 80, Protocol: 'HTTP', DefaultActions: [NOT_FOUND]},
    }
    serviceListener = 'HttpListener'
  }
  template.Resources = resources

  template.Outputs = {
    ClusterName: {Description: 'ECS cluster name', Value: {Ref: 'Cluster'}},
    ClusterArn: {Description: 'ECS cluster ARN', Value: {'Fn::GetAtt': ['Cluster', 'Arn']}},
    LoadBalancerArn: {Description: 'ALB ARN', Value: {Ref: 'LoadBalancer'}},
    LoadBalancerFullName: {Description: 'ALB full name (CloudWatch dimension)', Value: {'Fn::GetAtt': ['LoadBalancer', 'LoadBalancerFullName']}},
    LoadBalancerDnsName: {Description: 'ALB DNS name', Value: {'Fn::GetAtt': ['LoadBalancer', 'DNSName']}},
    LoadBalancerHostedZoneId: {Description: 'ALB canonical hosted zone id (alias records)', Value: {'Fn::GetAtt': ['LoadBalancer', 'CanonicalHostedZoneID']}},
    ListenerArn: {Description: 'Listener the service rules attach to', Value: {Ref: serviceListener}},
  }

  return defineStack(env, 'cluster', template, {parameters})
}
