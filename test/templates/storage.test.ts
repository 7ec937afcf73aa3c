import {describe, expect, it} from 'vitest'
import {renderCdnStack} from '../../src/templates/cdn.js'
import {renderStorageStack} from '../../src/templates/storage.js'
import schema from '../../schema/platform.schema.json' with {type: 'json'}
import {minimalEnv, prodEnv} from '../helpers/env.js'

const BLOCKED = {BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true}

describe('storage stack (design row 11: S3)', () => {
  const stack = renderStorageStack(prodEnv())
  const resources = stack.template.Resources
  const buckets = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::S3::Bucket')

  it('has the assets, ALB log, CloudFront log and backup buckets', () => {
    expect(buckets.map(([id]) => id).sort()).toEqual(['AlbLogsBucket', 'AssetsBucket', 'BackupBucket', 'CdnLogsBucket'])
    expect(renderStorageStack(minimalEnv()).template.Resources.BackupBucket).toBeUndefined()
  })

  it("has no CloudFront log bucket, and the distribution no Logging, in an opt-in region (legacy standard logs reach none); both in every other region", () => {
    const optIn = ['af-south-1', 'ap-east-1', 'ap-east-2', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7', 'ca-west-1', 'eu-central-2', 'eu-south-1', 'eu-south-2', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1']
    const regions = (schema.properties.region as {enum: string[]}).enum
    for (const region of regions) {
      const env = prodEnv({region})
      const logs = 'CdnLogsBucket' in renderStorageStack(env).template.Resources
      const distribution = Object.values(renderCdnStack(env).template.Resources).find((r) => r.Type === 'AWS::CloudFront::Distribution')!
      const logging = 'Logging' in (distribution.Properties!.DistributionConfig as object)
      expect([logs, logging], region).toEqual(optIn.includes(region) ? [false, false] : [true, true])
    }
  })

  it('retains every bucket on delete and replace, encrypts it and blocks public access', () => {
    for (const [id, bucket] of buckets) {
      expect(bucket.DeletionPolicy, id).toBe('Retain')
      expect(bucket.UpdateReplacePolicy, id).toBe('Retain')
      expect(bucket.Properties!.PublicAccessBlockConfiguration, id).toEqual(BLOCKED)
      expect(bucket.Properties!.BucketEncryption, id).toEqual({ServerSideEncryptionConfiguration: [{ServerSideEncryptionByDefault: {SSEAlgorithm: 'AES256'}}]})
    }
  })

  it('versions assets and backups, and moves backups to Glacier Instant Retrieval after 30 days', () => {
    expect(resources.AssetsBucket.Properties!.VersioningConfiguration).toEqual({Status: 'Enabled'})
    expect(resources.BackupBucket.Properties!.VersioningConfiguration).toEqual({Status: 'Enabled'})
    // Logs too (Control Tower CT.S3.PR.1): a deleted log stays recoverable until its version expires.
    expect(resources.AlbLogsBucket.Properties!.VersioningConfiguration).toEqual({Status: 'Enabled'})
    const logRules = (resources.AlbLogsBucket.Properties!.LifecycleConfiguration as {Rules: Array<Record<string, unknown>>}).Rules
    expect(logRules).toContainEqual(expect.objectContaining({NoncurrentVersionExpiration: {NoncurrentDays: 30}}))
    const rules = (resources.BackupBucket.Properties!.LifecycleConfiguration as {Rules: Array<Record<string, unknown>>}).Rules
    expect(rules).toContainEqual(expect.objectContaining({Transitions: [{StorageClass: 'GLACIER_IR', TransitionInDays: 30}]}))
  })

  it('expires ALB logs and lets ELB log delivery of the region write them', () => {
    const rules = (resources.AlbLogsBucket.Properties!.LifecycleConfiguration as {Rules: Array<Record<string, unknown>>}).Rules
    expect(rules).toContainEqual(expect.objectContaining({ExpirationInDays: 30}))
    const statements = (resources.AlbLogsBucketPolicy.Properties!.PolicyDocument as {Statement: Array<Record<string, unknown>>}).Statement
    const delivery = statements.find((s) => s.Sid === 'AlbLogDelivery')!
    expect(delivery).toMatchObject({
      Effect: 'Allow',
      Action: 's3:PutObject',
      Principal: {AWS: 'arn:aws:iam::582318560864:root', Service: 'logdelivery.elasticloadbalancing.amazonaws.com'},
    })
  })

  it('denies non-TLS access on the log and backup buckets; the cdn stack owns the assets bucket policy', () => {
    for (const policy of ['AlbLogsBucketPolicy', 'BackupBucketPolicy']) {
      const statements = (resources[policy].Properties!.PolicyDocument as {Statement: Array<Record<string, unknown>>}).Statement
      expect(statements[0]).toMatchObject({Effect: 'Deny', Principal: '*', Action: 's3:*', Condition: {Bool: {'aws:SecureTransport': 'false'}}})
      // The bucket and its objects in the GetAtt/Join form Control Tower's CT.S3.PR.8 recognises.
      const bucket = policy.replace(/Policy$/, '')
      expect(statements[0].Resource).toEqual([{'Fn::GetAtt': [bucket, 'Arn']}, {'Fn::Join': ['', [{'Fn::GetAtt': [bucket, 'Arn']}, '/*']]}])
    }
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::S3::BucketPolicy').map((r) => r.Properties!.Bucket)
    expect(policies).not.toContainEqual({Ref: 'AssetsBucket'})
  })

  it('outputs exactly the contract names', () => {
    expect(Object.keys(stack.template.Outputs!).sort()).toEqual(['AlbLogsBucketName', 'AssetsBucketArn', 'AssetsBucketName', 'AssetsBucketRegionalDomainName', 'BackupBucketName', 'CdnLogsBucketDomainName'])
    expect(Object.keys(renderStorageStack(minimalEnv()).template.Outputs!)).not.toContain('BackupBucketName')
  })
})
