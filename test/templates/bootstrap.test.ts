import {describe, expect, it} from 'vitest'
import {renderBootstrapStack} from '../../src/templates/bootstrap.js'
import {minimalEnv, prodEnv, stagingEnv} from '../helpers/env.js'

type Statement = {Sid?: string; Action: string | string[]; Resource: unknown; Principal?: unknown; Condition?: unknown}

describe('bootstrap stack (CLI artifact bucket, design row 16 CI via OIDC)', () => {
  const stack = renderBootstrapStack(prodEnv())
  const resources = stack.template.Resources

  it('has a private, encrypted, retained artifact bucket', () => {
    expect(resources.ArtifactBucket.DeletionPolicy).toBe('Retain')
    expect(resources.ArtifactBucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true},
      BucketEncryption: {ServerSideEncryptionConfiguration: [{ServerSideEncryptionByDefault: {SSEAlgorithm: 'AES256'}}]},
      // Versioned (CT.S3.PR.1): release records and templates overwritten or deleted stay recoverable for 30 days.
      VersioningConfiguration: {Status: 'Enabled'},
    })
    expect(stack.template.Outputs!.ArtifactBucketName.Value).toEqual({Ref: 'ArtifactBucket'})
  })

  it('creates the GitHub OIDC provider and a role only main of the repository can assume', () => {
    expect(resources.GitHubOidcProvider.Properties).toMatchObject({Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com']})
    const trust = (resources.DeployRole.Properties!.AssumeRolePolicyDocument as {Statement: Statement[]}).Statement[0]
    expect(trust).toMatchObject({
      Action: 'sts:AssumeRoleWithWebIdentity',
      Principal: {Federated: {Ref: 'GitHubOidcProvider'}},
      Condition: {StringEquals: {'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:example/bookmark-manager:ref:refs/heads/main'}},
    })
    expect(stack.template.Outputs!.DeployRoleArn.Value).toEqual({'Fn::GetAtt': ['DeployRole', 'Arn']})
  })

  it('scopes the deploy role to this environment where AWS allows it', () => {
    const statements = ((resources.DeployRole.Properties!.Policies as Array<{PolicyDocument: {Statement: Statement[]}}>)[0]).PolicyDocument.Statement
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]))
    expect(JSON.stringify(bySid.Stacks.Resource)).toContain('stack/bookmark-manager-prod-*/*')
    expect(JSON.stringify(bySid.Images.Resource)).toContain('repository/bookmark-manager/prod/*')
    expect(JSON.stringify(bySid.Roles.Resource)).toContain('role/bookmark-manager-prod-*')
    expect(JSON.stringify(bySid.Secrets.Resource)).toContain('parameter/bookmark-manager/prod/*')
  })

  it('references the existing provider when another environment created it', () => {
    const staging = renderBootstrapStack(stagingEnv()).template.Resources
    expect(staging.GitHubOidcProvider).toBeUndefined()
    const trust = (staging.DeployRole.Properties!.AssumeRolePolicyDocument as {Statement: Statement[]}).Statement[0]
    expect(trust.Principal).toEqual({Federated: {'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com'}})
    expect(JSON.stringify(trust.Condition)).toContain('ref:refs/heads/develop')
  })

  it('has only the bucket without a GitHub repository', () => {
    const minimal = renderBootstrapStack(minimalEnv())
    expect(Object.keys(minimal.template.Resources).sort()).toEqual(['ArtifactBucket', 'ArtifactBucketPolicy'])
    expect(Object.keys(minimal.template.Outputs!)).toEqual(['ArtifactBucketName'])
  })
})
