import {lintStacks as lint} from '../helpers/cfn-lint.js'
import {beforeAll, describe, expect, it} from 'vitest'
import {getEnvironment, loadConfig} from '../../src/lib/config/load.js'
import {MANAGED_POLICIES, renderCdnStack} from '../../src/templates/cdn.js'
import type {StackDefinition} from '../../src/lib/stacks/types.js'
import {prodEnv, ROOT_CONFIG} from '../helpers/env.js'

function config(stack: StackDefinition): Record<string, any> {
  return (stack.template.Resources.Distribution.Properties as any).DistributionConfig
}

/** No domain, no WAF: the default certificate and an HTTP-only ALB origin. */
function bareEnv() {
  return prodEnv({domain: undefined, waf: {...prodEnv().waf, enabled: false}})
}

describe('renderCdnStack', () => {
  let prod: StackDefinition

  beforeAll(async () => {
    prod = renderCdnStack(getEnvironment(await loadConfig(ROOT_CONFIG), 'prod'))
  })

  it('serves the domain and www over HTTPS only, TLS 1.2+, with the us-east-1 certificate', () => {
    expect(config(prod).Aliases).toEqual(['www.example.com', 'example.com'])
    expect(config(prod).ViewerCertificate).toEqual({AcmCertificateArn: {Ref: 'CertificateArn'}, SslSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021'})
    expect(prod.parameters.CertificateArn).toEqual({from: 'output', stack: 'bookmark-manager-prod-edge', output: 'CertificateArn'})
    expect(config(prod).DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https')
    for (const behavior of config(prod).CacheBehaviors) expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https')
    expect(config(prod)).toMatchObject({Enabled: true, HttpVersion: 'http2and3', PriceClass: 'PriceClass_200', IPV6Enabled: true})
  })

  it('attaches the us-east-1 WAF web ACL', () => {
    expect(config(prod).WebACLId).toEqual({Ref: 'WebAclArn'})
    expect(prod.parameters.WebAclArn).toEqual({from: 'output', stack: 'bookmark-manager-prod-edge', output: 'WebAclArn'})
  })

  it('sends dynamic requests uncached to the internal ALB through a VPC origin over HTTPS to origin.<domain>', () => {
    const alb = config(prod).Origins.find((o: any) => o.Id === 'alb')
    expect(alb.DomainName).toBe('origin.example.com')
    // A VPC origin, never a public custom origin: nothing on the internet can reach the ALB.
    expect(alb.CustomOriginConfig).toBeUndefined()
    expect(alb.VpcOriginConfig).toMatchObject({VpcOriginId: {'Fn::GetAtt': ['AlbVpcOrigin', 'Id']}})
    expect(prod.template.Resources.AlbVpcOrigin).toMatchObject({
      Type: 'AWS::CloudFront::VpcOrigin',
      Properties: {VpcOriginEndpointConfig: {Arn: {Ref: 'LoadBalancerArn'}, HTTPSPort: 443, OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2']}},
    })
    expect(config(prod).DefaultCacheBehavior).toMatchObject({
      TargetOriginId: 'alb',
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
    })
    expect(prod.parameters.LoadBalancerArn).toEqual({from: 'output', stack: 'bookmark-manager-prod-cluster', output: 'LoadBalancerArn'})
    expect(prod.dependsOn).toContain('bookmark-manager-prod-cluster')
    expect(prod.parameters.LoadBalancerDnsName).toBeUndefined()
  })

  it("serves each service's assets prefix (what the release uploads) from the assets bucket through OAC with CachingOptimized", () => {
    expect(config(prod).CacheBehaviors).toEqual(
      ['/_next/static/*'].map((PathPattern) => ({
        PathPattern,
        TargetOriginId: 'assets',
        ViewerProtocolPolicy: 'redirect-to-https',
        AllowedMethods: ['GET', 'HEAD'],
        CachedMethods: ['GET', 'HEAD'],
        Compress: true,
        CachePolicyId: MANAGED_POLICIES.cachingOptimized,
      })),
    )
    expect(MANAGED_POLICIES.cachingOptimized).toBe('658327ea-f89d-4fab-a63d-7e88639e58f6')
    // Extra cdn.staticPaths follow the services' prefixes, without duplicates.
    const env = prodEnv({cdn: {...prodEnv().cdn, staticPaths: ['/static/*', '/_next/static/*']}})
    env.services.web = {...env.services.web, assets: [{path: '/app/.next/static', prefix: '/_next/static'}]}
    env.services.api = {...env.services.api, assets: [{path: '/srv/docs', prefix: '/api/docs'}]}
    expect(config(renderCdnStack(env)).CacheBehaviors.map((b: any) => b.PathPattern)).toEqual(['/api/docs/*', '/_next/static/*', '/static/*'])
    const assets = config(prod).Origins.find((o: any) => o.Id === 'assets')
    expect(assets).toEqual({
      Id: 'assets',
      DomainName: {Ref: 'AssetsBucketRegionalDomainName'},
      S3OriginConfig: {OriginAccessIdentity: ''},
      OriginAccessControlId: {'Fn::GetAtt': ['OriginAccessControl', 'Id']},
    })
    expect(prod.template.Resources.OriginAccessControl.Properties!.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    })
  })

  it('uses its own cache policy when the static TTL differs from CachingOptimized', () => {
    const custom = renderCdnStack(prodEnv({cdn: {...prodEnv().cdn, staticTtlSeconds: 3600}}))
    expect(custom.template.Resources.StaticCachePolicy.Properties!.CachePolicyConfig).toMatchObject({DefaultTTL: 3600, MinTTL: 1})
    expect(config(custom).CacheBehaviors[0].CachePolicyId).toEqual({Ref: 'StaticCachePolicy'})
    expect(prod.template.Resources.StaticCachePolicy).toBeUndefined()
  })

  it('lets only this distribution read the assets bucket, over TLS only', () => {
    const policy = prod.template.Resources.AssetsBucketPolicy.Properties as any
    expect(policy.Bucket).toEqual({Ref: 'AssetsBucketName'})
    const [deny, allow] = policy.PolicyDocument.Statement
    expect(deny).toMatchObject({Effect: 'Deny', Action: 's3:*', Condition: {Bool: {'aws:SecureTransport': 'false'}}})
    expect(allow).toEqual({
      Sid: 'CloudFrontReadsAssets',
      Effect: 'Allow',
      Principal: {Service: 'cloudfront.amazonaws.com'},
      Action: 's3:GetObject',
      Resource: {'Fn::Sub': 'arn:${AWS::Partition}:s3:::${AssetsBucketName}/*'},
      Condition: {StringEquals: {'AWS:SourceArn': {'Fn::Sub': 'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}'}}},
    })
  })

  it('gives the apps the public hostname in X-Forwarded-Host, overwriting what the viewer sent, on dynamic requests', () => {
    const fn = prod.template.Resources.ForwardHostFunction
    expect(fn).toMatchObject({Type: 'AWS::CloudFront::Function', Properties: {AutoPublish: true, FunctionConfig: {Runtime: 'cloudfront-js-2.0'}}})
    expect((fn.Properties!.Name as string)).toMatch(/^[a-zA-Z0-9-_]{1,64}$/)
    expect(config(prod).DefaultCacheBehavior.FunctionAssociations).toEqual([
      {EventType: 'viewer-request', FunctionARN: {'Fn::GetAtt': ['ForwardHostFunction', 'FunctionARN']}},
    ])
    // Run the function's code as CloudFront would, on a request that forges the header.
    const handler = new Function(`${fn.Properties!.FunctionCode as string}; return handler`)()
    const request = handler({request: {method: 'GET', uri: '/', headers: {host: {value: 'example.com'}, 'x-forwarded-host': {value: 'evil.test'}}}})
    expect(request.headers['x-forwarded-host']).toEqual({value: 'example.com'})
    expect(request.headers.host).toEqual({value: 'example.com'})
  })

  it('without a domain uses the default certificate and reaches the ALB by its DNS name over HTTP inside the VPC origin', () => {
    const bare = renderCdnStack(bareEnv())
    expect(config(bare).ViewerCertificate).toEqual({CloudFrontDefaultCertificate: true})
    expect(config(bare).Aliases).toBeUndefined()
    expect(config(bare).WebACLId).toBeUndefined()
    const alb = config(bare).Origins.find((o: any) => o.Id === 'alb')
    expect(alb.DomainName).toEqual({Ref: 'LoadBalancerDnsName'})
    expect(alb.CustomOriginConfig).toBeUndefined()
    expect(bare.template.Resources.AlbVpcOrigin.Properties!.VpcOriginEndpointConfig).toMatchObject({OriginProtocolPolicy: 'http-only'})
    expect(bare.parameters.LoadBalancerDnsName).toEqual({from: 'output', stack: 'bookmark-manager-prod-cluster', output: 'LoadBalancerDnsName'})
    expect(Object.keys(bare.template.Parameters!).sort()).toEqual(['AssetsBucketName', 'AssetsBucketRegionalDomainName', 'CdnLogsBucketDomainName', 'LoadBalancerArn', 'LoadBalancerDnsName'])
  })

  it('outputs DistributionId and DistributionDomainName, and tags the distribution', () => {
    expect(prod.template.Outputs).toEqual({
      DistributionId: expect.objectContaining({Value: {Ref: 'Distribution'}}),
      DistributionDomainName: expect.objectContaining({Value: {'Fn::GetAtt': ['Distribution', 'DomainName']}}),
    })
    expect(prod.template.Resources.Distribution.Properties!.Tags).toEqual(expect.arrayContaining([{Key: 'project', Value: 'bookmark-manager'}]))
    expect(prod.region).toBe('ap-northeast-1')
  })

  it('passes cfn-lint without a domain and with a custom static TTL', async () => {
    const custom = renderCdnStack(prodEnv({cdn: {priceClass: 'PriceClass_All', staticPaths: ['/assets/*'], staticTtlSeconds: 600}}))
    expect(await lint([renderCdnStack(bareEnv()), custom, prod])).toBe('')
  }, 120_000)
})
