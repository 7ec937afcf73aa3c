import type {ResolvedEnvironment} from '../lib/config/types.js'
import {fitName} from '../lib/naming.js'
import {defineStack, fromOutput, newTemplate, prefix, tagList} from './common.js'
import {originHostname, viewerHostnames} from './dns.js'
import {CLOUDFRONT_LOG_PREFIX, hasCloudFrontLogs, tlsOnlyPolicyFor} from './storage.js'
import type {CfnResource, ParameterSource, StackDefinition} from '../lib/stacks/types.js'

/** AWS managed CloudFront policies (fixed ids, the same in every account). */
export const MANAGED_POLICIES = {
  /** Cache policy: long TTLs, gzip/brotli, no cookies, headers or query strings in the key (default TTL 1 day). */
  cachingOptimized: '658327ea-f89d-4fab-a63d-7e88639e58f6',
  /** Cache policy: never cache (server-rendered and API responses). */
  cachingDisabled: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
  /** Origin request policy: forward every viewer header, cookie and query string except Host. */
  allViewerExceptHostHeader: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
} as const

/** CachingOptimized's default TTL; another `cdn.staticTtlSeconds` needs our own cache policy. */
const MANAGED_STATIC_TTL = 86_400
const ONE_YEAR = 31_536_000

/** Seconds CloudFront waits for the ALB's response, and keeps an idle connection to it. */
const ORIGIN_READ_TIMEOUT = 30
const ORIGIN_KEEPALIVE_TIMEOUT = 5

/**
 * CloudFront Function (viewer request) that sets X-Forwarded-Host to the Host the viewer sent, so
 * apps build links to the public domain, not to origin.<domain> or the ALB. It overwrites any
 * X-Forwarded-Host the viewer sent: a forged one would let a client choose the links' host.
 */
export const FORWARD_HOST_FUNCTION = [
  'function handler(event) {',
  '  var request = event.request;',
  "  request.headers['x-forwarded-host'] = {value: request.headers.host.value};",
  '  return request;',
  '}',
  '',
].join('\n')

/**
 * How CloudFront's VPC origin reaches the ALB. With a domain, the ALB's certificate names
 * origin.<domain> and CloudFront connects over TLS; without one the ALB has no certificate
 * CloudFront would accept, so HTTP, which stays inside AWS's network. The ALB's security group
 * admits CloudFront on this port only (network stack).
 */
export function albOriginProtocol(env: ResolvedEnvironment): 'https-only' | 'http-only' {
  return env.domain ? 'https-only' : 'http-only'
}

const ORIGIN_PORTS = {'https-only': 443, 'http-only': 80} as const

/** The ALB port the VPC origin connects to. */
export function albOriginPort(env: ResolvedEnvironment): number {
  return ORIGIN_PORTS[albOriginProtocol(env)]
}

const ALB_ORIGIN = 'alb'
const ASSETS_ORIGIN = 'assets'

/**
 * The CloudFront distribution: dynamic requests go uncached to the internal ALB through a VPC origin, static paths come
 * from the assets bucket through Origin Access Control, viewers are redirected to HTTPS. Also the
 * assets bucket's one bucket policy (it needs this distribution's ARN), with the TLS-only rule.
 */
export function renderCdnStack(env: ResolvedEnvironment): StackDefinition {
  const template = newTemplate(`${prefix(env)}: CloudFront distribution`)
  template.Parameters = {
    AssetsBucketName: {Type: 'String', Description: 'Static assets bucket'},
    AssetsBucketRegionalDomainName: {Type: 'String', Description: 'Regional domain name of the assets bucket'},
  }
  const parameters: Record<string, ParameterSource> = {
    AssetsBucketName: fromOutput(env, 'storage', 'AssetsBucketName'),
    AssetsBucketRegionalDomainName: fromOutput(env, 'storage', 'AssetsBucketRegionalDomainName'),
  }
  // The ALB is internal: CloudFront reaches it only through a VPC origin (AWS's network, no
  // public endpoint). Its ARN comes from the cluster stack.
  template.Parameters.LoadBalancerArn = {Type: 'String', Description: 'ARN of the internal ALB (the dynamic origin)'}
  parameters.LoadBalancerArn = fromOutput(env, 'cluster', 'LoadBalancerArn')

  let albOrigin: Record<string, unknown>
  const originProtocol = albOriginProtocol(env)
  if (env.domain) {
    // The ALB's certificate names origin.<domain>: CloudFront connects with that name (SNI and
    // certificate check) over TLS.
    albOrigin = {DomainName: originHostname(env.domain)}
  } else {
    template.Parameters.LoadBalancerDnsName = {Type: 'String', Description: 'ALB DNS name (the dynamic origin)'}
    parameters.LoadBalancerDnsName = fromOutput(env, 'cluster', 'LoadBalancerDnsName')
    albOrigin = {DomainName: {Ref: 'LoadBalancerDnsName'}}
  }
  albOrigin.VpcOriginConfig = {VpcOriginId: {'Fn::GetAtt': ['AlbVpcOrigin', 'Id']}, OriginReadTimeout: ORIGIN_READ_TIMEOUT, OriginKeepaliveTimeout: ORIGIN_KEEPALIVE_TIMEOUT}

  const resources: Record<string, CfnResource> = {
    AlbVpcOrigin: {
      Type: 'AWS::CloudFront::VpcOrigin',
      Metadata: {'platform:description': `CloudFront VPC origin for the internal ALB (${originProtocol})`},
      Properties: {
        VpcOriginEndpointConfig: {
          Name: fitName(`${prefix(env)}-alb`, 64),
          Arn: {Ref: 'LoadBalancerArn'},
          HTTPPort: ORIGIN_PORTS['http-only'],
          HTTPSPort: ORIGIN_PORTS['https-only'],
          OriginProtocolPolicy: originProtocol,
          ...(originProtocol === 'https-only' ? {OriginSSLProtocols: ['TLSv1.2']} : {}),
        },
        Tags: tagList(env),
      },
    },
    OriginAccessControl: {
      Type: 'AWS::CloudFront::OriginAccessControl',
      Metadata: {'platform:description': 'CloudFront signs its requests to the assets bucket (OAC)'},
      Properties: {
        OriginAccessControlConfig: {
          Name: fitName(`${prefix(env)}-assets`, 64),
          Description: `${prefix(env)} assets bucket`,
          OriginAccessControlOriginType: 's3',
          SigningBehavior: 'always',
          SigningProtocol: 'sigv4',
        },
      },
    },
  }

  resources.ForwardHostFunction = {
    Type: 'AWS::CloudFront::Function',
    Metadata: {'platform:description': 'Viewer-request function: X-Forwarded-Host carries the public hostname to the ALB'},
    Properties: {
      Name: fitName(`${prefix(env)}-forwarded-host`, 64),
      AutoPublish: true,
      FunctionConfig: {Comment: `${prefix(env)}: X-Forwarded-Host from the viewer's Host`, Runtime: 'cloudfront-js-2.0'},
      FunctionCode: FORWARD_HOST_FUNCTION,
    },
  }

  let staticCachePolicy: unknown = MANAGED_POLICIES.cachingOptimized
  if (env.cdn.staticTtlSeconds !== MANAGED_STATIC_TTL) {
    resources.StaticCachePolicy = {
      Type: 'AWS::CloudFront::CachePolicy',
      Metadata: {'platform:description': `Cache policy for static assets (default TTL ${env.cdn.staticTtlSeconds}s)`},
      Properties: {
        CachePolicyConfig: {
          Name: fitName(`${prefix(env)}-static`, 128),
          Comment: `${prefix(env)} static assets`,
          DefaultTTL: env.cdn.staticTtlSeconds,
          MinTTL: 1,
          MaxTTL: Math.max(ONE_YEAR, env.cdn.staticTtlSeconds),
          ParametersInCacheKeyAndForwardedToOrigin: {
            EnableAcceptEncodingGzip: true,
            EnableAcceptEncodingBrotli: true,
            CookiesConfig: {CookieBehavior: 'none'},
            HeadersConfig: {HeaderBehavior: 'none'},
            QueryStringsConfig: {QueryStringBehavior: 'none'},
          },
        },
      },
    }
    staticCachePolicy = {Ref: 'StaticCachePolicy'}
  }

  const aliases = viewerHostnames(env)
  const distribution: Record<string, unknown> = {
    Enabled: true,
    Comment: fitName(`${prefix(env)} (managed by platform)`, 128),
    HttpVersion: 'http2and3',
    IPV6Enabled: true,
    PriceClass: env.cdn.priceClass,
    Origins: [
      {Id: ALB_ORIGIN, ...albOrigin},
      {
        Id: ASSETS_ORIGIN,
        DomainName: {Ref: 'AssetsBucketRegionalDomainName'},
        // OAC replaces the legacy origin access identity, which must then be given as empty.
        S3OriginConfig: {OriginAccessIdentity: ''},
        OriginAccessControlId: {'Fn::GetAtt': ['OriginAccessControl', 'Id']},
      },
    ],
    DefaultCacheBehavior: {
      TargetOriginId: ALB_ORIGIN,
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachedMethods: ['GET', 'HEAD'],
      Compress: true,
      CachePolicyId: MANAGED_POLICIES.cachingDisabled,
      // Host stays CloudFront's origin name, so TLS to the ALB matches its certificate; the
      // public name the viewer asked for reaches the apps as X-Forwarded-Host instead.
      OriginRequestPolicyId: MANAGED_POLICIES.allViewerExceptHostHeader,
      FunctionAssociations: [{EventType: 'viewer-request', FunctionARN: {'Fn::GetAtt': ['ForwardHostFunction', 'FunctionARN']}}],
    },
    CacheBehaviors: staticPathPatterns(env).map((PathPattern) => ({
      PathPattern,
      TargetOriginId: ASSETS_ORIGIN,
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      CachedMethods: ['GET', 'HEAD'],
      Compress: true,
      CachePolicyId: staticCachePolicy,
    })),
  }
  if (hasCloudFrontLogs(env)) {
    // Standard logs (legacy) to the storage stack's CloudFront log bucket, the one bucket with ACLs
    // enabled as this delivery requires. Not v2 logging: its delivery source must live in
    // us-east-1 and name the distribution, a stack after this one in another region.
    template.Parameters.CdnLogsBucketDomainName = {Type: 'String', Description: 'CloudFront standard log bucket (<bucket>.s3.amazonaws.com)'}
    parameters.CdnLogsBucketDomainName = fromOutput(env, 'storage', 'CdnLogsBucketDomainName')
    // No cookies: they carry session tokens, which have no place in logs.
    distribution.Logging = {Bucket: {Ref: 'CdnLogsBucketDomainName'}, IncludeCookies: false, Prefix: CLOUDFRONT_LOG_PREFIX}
  }
  if (env.domain) {
    template.Parameters.CertificateArn = {Type: 'String', Description: 'ACM certificate in us-east-1 for the aliases'}
    parameters.CertificateArn = fromOutput(env, 'edge', 'CertificateArn')
    if (aliases.length > 0) distribution.Aliases = aliases
    distribution.ViewerCertificate = {AcmCertificateArn: {Ref: 'CertificateArn'}, SslSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021'}
  } else {
    // The *.cloudfront.net certificate: CloudFront ignores MinimumProtocolVersion with it (it
    // always allows TLSv1), so none is set; a domain is the way to enforce TLS 1.2+.
    distribution.ViewerCertificate = {CloudFrontDefaultCertificate: true}
  }
  if (env.waf.enabled) {
    template.Parameters.WebAclArn = {Type: 'String', Description: 'CLOUDFRONT-scope WAF web ACL (us-east-1)'}
    parameters.WebAclArn = fromOutput(env, 'edge', 'WebAclArn')
    distribution.WebACLId = {Ref: 'WebAclArn'}
  }
  resources.Distribution = {
    Type: 'AWS::CloudFront::Distribution',
    Metadata: {'platform:description': `CloudFront distribution${aliases.length ? ` for ${aliases.join(', ')}` : ''}`},
    Properties: {DistributionConfig: distribution, Tags: tagList(env)},
  }

  const bucketArn = {'Fn::Sub': 'arn:${AWS::Partition}:s3:::${AssetsBucketName}'}
  const objectsArn = {'Fn::Sub': 'arn:${AWS::Partition}:s3:::${AssetsBucketName}/*'}
  resources.AssetsBucketPolicy = {
    Type: 'AWS::S3::BucketPolicy',
    Metadata: {'platform:description': 'Assets bucket: readable by this distribution only, TLS only'},
    Properties: {
      Bucket: {Ref: 'AssetsBucketName'},
      PolicyDocument: tlsOnlyPolicyFor(bucketArn, objectsArn, [
        {
          Sid: 'CloudFrontReadsAssets',
          Effect: 'Allow',
          Principal: {Service: 'cloudfront.amazonaws.com'},
          Action: 's3:GetObject',
          Resource: objectsArn,
          Condition: {StringEquals: {'AWS:SourceArn': {'Fn::Sub': 'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}'}}},
        },
      ]),
    },
  }
  template.Resources = resources
  template.Outputs = {
    DistributionId: {Description: 'CloudFront distribution id', Value: {Ref: 'Distribution'}},
    DistributionDomainName: {Description: 'CloudFront domain name (*.cloudfront.net)', Value: {'Fn::GetAtt': ['Distribution', 'DomainName']}},
  }
  return defineStack(env, 'cdn', template, {parameters})
}

/**
 * Path patterns CloudFront serves from the assets bucket: each service's `assets` prefix (what
 * the release uploads), then `cdn.staticPaths`. CloudFront tries behaviours in this order.
 */
export function staticPathPatterns(env: ResolvedEnvironment): string[] {
  const fromAssets = Object.keys(env.services)
    .sort()
    .flatMap((name) => env.services[name].assets.map((asset) => `${asset.prefix}/*`))
  return [...new Set([...fromAssets, ...env.cdn.staticPaths])]
}
