/**
 * Access logging across an environment's stacks: every bucket logs to the environment's S3 server
 * access log bucket (same region, delivery through its bucket policy), and CloudFront writes
 * standard logs to a bucket with ACLs enabled, as each delivery requires on AWS.
 */
import {describe, expect, it} from 'vitest'
import {renderEnvironment} from '../../src/templates/index.js'
import type {CfnResource, StackDefinition} from '../../src/lib/stacks/types.js'
import {minimalEnv, prodEnv} from '../helpers/env.js'

type Statement = {Sid?: string; Effect: string; Principal?: unknown; Action: unknown; Resource: unknown; Condition?: unknown}

function byPart(stacks: StackDefinition[], part: string): StackDefinition {
  const stack = stacks.find((s) => s.part === part)
  if (!stack) throw new Error(`no ${part} stack`)
  return stack
}

function buckets(stack: StackDefinition): Array<[string, CfnResource]> {
  return Object.entries(stack.template.Resources).filter(([, r]) => r.Type === 'AWS::S3::Bucket')
}

/** What a bucket's LoggingConfiguration.DestinationBucketName resolves to: a bucket of the same stack, or another stack's output. */
function logDestination(stacks: StackDefinition[], stack: StackDefinition, bucket: CfnResource): string {
  const destination = (bucket.Properties!.LoggingConfiguration as {DestinationBucketName: {Ref: string}}).DestinationBucketName
  const ref = destination.Ref
  if (stack.template.Resources[ref]) return `${stack.part}/${ref}`
  const source = stack.parameters[ref]
  if (source?.from !== 'output') throw new Error(`${stack.part}: log destination ${ref} is neither a resource nor an output parameter`)
  const producer = stacks.find((s) => s.name === source.stack)!
  const value = producer.template.Outputs![source.output].Value as {Ref: string}
  return `${producer.part}/${value.Ref}`
}

describe('S3 server access logging', () => {
  for (const [label, env] of [
    ['prod', prodEnv()],
    ['minimal', minimalEnv()],
  ] as const) {
    it(`sends every bucket's access logs to the access-log bucket in its own region (${label})`, () => {
      const stacks = renderEnvironment(env)
      const logBucket = byPart(stacks, 'bootstrap')
      const all = stacks.flatMap((stack) => buckets(stack).map(([id, bucket]) => ({stack, id, bucket})))
      expect(all.length).toBeGreaterThan(2)
      for (const {stack, id, bucket} of all) {
        if (stack.part === 'bootstrap' && id === 'AccessLogsBucket') continue
        expect(logDestination(stacks, stack, bucket), `${stack.part}/${id}`).toBe('bootstrap/AccessLogsBucket')
        // S3 delivers server access logs only to a bucket of the same region (and account).
        expect(stack.region, `${stack.part}/${id}`).toBe(logBucket.region)
        expect((bucket.Properties!.LoggingConfiguration as {LogFilePrefix: string}).LogFilePrefix).toMatch(/^[a-z-]+\/$/)
      }
      // Distinct prefixes: each bucket's logs stay apart.
      const prefixes = all.filter(({id}) => id !== 'AccessLogsBucket').map(({bucket}) => (bucket.Properties!.LoggingConfiguration as {LogFilePrefix: string}).LogFilePrefix)
      expect(new Set(prefixes).size).toBe(prefixes.length)
    })
  }

  it('lets only S3 log delivery of this account write the access-log bucket, which has no ACLs and does not log itself', () => {
    const resources = renderEnvironment(prodEnv()).find((s) => s.part === 'bootstrap')!.template.Resources
    const bucket = resources.AccessLogsBucket
    expect(bucket.DeletionPolicy).toBe('Retain')
    expect(bucket.Properties!.LoggingConfiguration).toBeUndefined()
    expect(bucket.Properties!.OwnershipControls).toEqual({Rules: [{ObjectOwnership: 'BucketOwnerEnforced'}]})
    // A server access log target supports SSE-S3 only.
    expect(bucket.Properties!.BucketEncryption).toEqual({ServerSideEncryptionConfiguration: [{ServerSideEncryptionByDefault: {SSEAlgorithm: 'AES256'}}]})
    expect(bucket.Properties!.LifecycleConfiguration).toMatchObject({Rules: expect.arrayContaining([expect.objectContaining({ExpirationInDays: 30})])})
    const policy = resources.AccessLogsBucketPolicy.Properties!
    expect(policy.Bucket).toEqual({Ref: 'AccessLogsBucket'})
    const statements = (policy.PolicyDocument as {Statement: Statement[]}).Statement
    expect(statements[0]).toMatchObject({Effect: 'Deny', Condition: {Bool: {'aws:SecureTransport': 'false'}}})
    expect(statements.find((s) => s.Sid === 'S3ServerAccessLogDelivery')).toEqual({
      Sid: 'S3ServerAccessLogDelivery',
      Effect: 'Allow',
      Principal: {Service: 'logging.s3.amazonaws.com'},
      Action: 's3:PutObject',
      Resource: {'Fn::Sub': '${AccessLogsBucket.Arn}/*'},
      Condition: {StringEquals: {'aws:SourceAccount': {Ref: 'AWS::AccountId'}}},
    })
  })

  it('makes the storage stack wait for the bootstrap stack that owns the log bucket', () => {
    const stacks = renderEnvironment(prodEnv())
    expect(byPart(stacks, 'storage').dependsOn).toContain(byPart(stacks, 'bootstrap').name)
  })
})

describe('CloudFront standard logs', () => {
  it('go to the storage stack bucket with ACLs enabled (the legacy delivery writes through the bucket ACL), without cookies', () => {
    const stacks = renderEnvironment(prodEnv())
    const storage = byPart(stacks, 'storage')
    const cdn = byPart(stacks, 'cdn')
    const logBucket = storage.template.Resources.CdnLogsBucket
    expect(logBucket.Properties!.OwnershipControls).toEqual({Rules: [{ObjectOwnership: 'BucketOwnerPreferred'}]})
    expect(logBucket.DeletionPolicy).toBe('Retain')
    expect(storage.template.Outputs!.CdnLogsBucketDomainName.Value).toEqual({'Fn::GetAtt': ['CdnLogsBucket', 'DomainName']})
    const logging = (cdn.template.Resources.Distribution.Properties as {DistributionConfig: {Logging: unknown}}).DistributionConfig.Logging
    expect(logging).toEqual({Bucket: {Ref: 'CdnLogsBucketDomainName'}, IncludeCookies: false, Prefix: 'cloudfront/'})
    expect(cdn.parameters.CdnLogsBucketDomainName).toEqual({from: 'output', stack: storage.name, output: 'CdnLogsBucketDomainName'})
    // Every other bucket keeps ACLs disabled.
    for (const [id, bucket] of stacks.flatMap(buckets)) {
      if (id !== 'CdnLogsBucket') expect(bucket.Properties!.OwnershipControls, id).toEqual({Rules: [{ObjectOwnership: 'BucketOwnerEnforced'}]})
    }
  })

  it('are off, with no log bucket, in a region CloudFront cannot deliver logs to', () => {
    const stacks = renderEnvironment(prodEnv({region: 'me-south-1'}))
    expect(byPart(stacks, 'storage').template.Resources.CdnLogsBucket).toBeUndefined()
    expect((byPart(stacks, 'cdn').template.Resources.Distribution.Properties as {DistributionConfig: {Logging?: unknown}}).DistributionConfig.Logging).toBeUndefined()
  })
})
