import {describe, expect, it} from 'vitest'
import {renderBootstrapStack} from '../../src/templates/bootstrap.js'
import {renderEnvironment} from '../../src/templates/index.js'
import {minimalEnv, prodEnv, stagingEnv} from '../helpers/env.js'
import {lintStacks} from '../helpers/cfn-lint.js'

type Statement = {Sid?: string; Effect?: string; Action: string | string[]; Resource: unknown; Principal?: unknown; Condition?: unknown}

const BOUNDARY_ARN = {'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/bookmark-manager-prod-permissions-boundary'}
const actionsOf = (statement: Statement): string[] => [statement.Action].flat()

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

  it('may manage API Gateway REST APIs and custom domain names only where the dns stack has the maintenance page', () => {
    const statementsOf = (env: ReturnType<typeof prodEnv>) =>
      ((renderBootstrapStack(env).template.Resources.DeployRole.Properties!.Policies as Array<{PolicyDocument: {Statement: Statement[]}}>)[0]).PolicyDocument.Statement
    const api = statementsOf(prodEnv()).find((s) => s.Sid === 'MaintenancePageApi')!
    expect(actionsOf(api)).toEqual(['apigateway:GET', 'apigateway:POST', 'apigateway:PUT', 'apigateway:PATCH', 'apigateway:DELETE'])
    expect((api.Resource as Array<{'Fn::Sub': string}>).map((r) => r['Fn::Sub'].split('::').at(-1))).toEqual(['/restapis', '/restapis/*', '/domainnames', '/domainnames/*', '/tags/*'])
    for (const env of [prodEnv({dns: {...prodEnv().dns, failover: false}}), prodEnv({domain: undefined})]) {
      expect(statementsOf(env).flatMap(actionsOf).filter((a) => a.startsWith('apigateway:'))).toEqual([])
    }
  })

  it('references the existing provider when another environment created it', () => {
    const staging = renderBootstrapStack(stagingEnv()).template.Resources
    expect(staging.GitHubOidcProvider).toBeUndefined()
    const trust = (staging.DeployRole.Properties!.AssumeRolePolicyDocument as {Statement: Statement[]}).Statement[0]
    expect(trust.Principal).toEqual({Federated: {'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com'}})
    expect(JSON.stringify(trust.Condition)).toContain('ref:refs/heads/develop')
  })

  it("trusts the account's existing provider named by ci.oidcProviderArn and creates none (no 'already exists' on a second environment)", () => {
    const arn = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'
    const env = prodEnv()
    // What resolution gives when only oidcProviderArn is written: createOidcProvider defaults to false.
    const reused = renderBootstrapStack({...env, ci: {...env.ci, createOidcProvider: false, oidcProviderArn: arn}}).template.Resources
    expect(Object.values(reused).filter((r) => r.Type === 'AWS::IAM::OIDCProvider')).toEqual([])
    const trust = (reused.DeployRole.Properties!.AssumeRolePolicyDocument as {Statement: Statement[]}).Statement[0]
    expect(trust.Principal).toEqual({Federated: arn})
  })

  it('has only the buckets without a GitHub repository', () => {
    const minimal = renderBootstrapStack(minimalEnv())
    expect(Object.keys(minimal.template.Resources).sort()).toEqual(['AccessLogsBucket', 'AccessLogsBucketPolicy', 'ArtifactBucket', 'ArtifactBucketPolicy'])
    expect(Object.keys(minimal.template.Outputs!)).toEqual(['AccessLogsBucketName', 'ArtifactBucketName'])
  })

  describe('permissions boundary (issue 10 item 8: the CI role cannot make itself an administrator)', () => {
    const boundary = resources.PermissionsBoundary
    const statements = (boundary.Properties!.PolicyDocument as {Statement: Statement[]}).Statement
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]))
    const deployStatements = ((resources.DeployRole.Properties!.Policies as Array<{PolicyDocument: {Statement: Statement[]}}>)[0]).PolicyDocument.Statement

    it('is a managed policy with a fixed name, on the deploy role, whose own name is fixed', () => {
      expect(boundary.Type).toBe('AWS::IAM::ManagedPolicy')
      expect(boundary.Properties!.ManagedPolicyName).toBe('bookmark-manager-prod-permissions-boundary')
      expect(resources.DeployRole.Properties).toMatchObject({RoleName: 'bookmark-manager-prod-ci-deploy', PermissionsBoundary: {Ref: 'PermissionsBoundary'}})
    })

    it('lets the role create or change a role only with this same boundary attached', () => {
      expect(bySid.NoRoleWithoutThisBoundary).toMatchObject({Effect: 'Deny', Resource: '*', Condition: {StringNotEquals: {'iam:PermissionsBoundary': BOUNDARY_ARN}}})
      expect(actionsOf(bySid.NoRoleWithoutThisBoundary)).toEqual(expect.arrayContaining(['iam:CreateRole', 'iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy', 'iam:AttachRolePolicy']))
      // Every role-changing action the deploy role is granted is either guarded by the boundary condition or cannot add permissions.
      const granted = deployStatements.filter((s) => s.Effect === 'Allow').flatMap(actionsOf).filter((a) => a.startsWith('iam:'))
      const guarded = new Set(actionsOf(bySid.NoRoleWithoutThisBoundary))
      const harmless = new Set(['iam:DeleteRole', 'iam:GetRole', 'iam:UpdateRole', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:ListRoleTags', 'iam:PassRole', 'iam:TagRole', 'iam:UntagRole', 'iam:GetRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:CreateServiceLinkedRole'])
      expect(granted.filter((a) => !guarded.has(a) && !harmless.has(a))).toEqual([])
    })

    it('forbids removing a boundary, changing this one, and touching the deploy role', () => {
      expect(actionsOf(bySid.NoBoundaryRemoval)).toContain('iam:DeleteRolePermissionsBoundary')
      expect(bySid.NoBoundaryChange).toMatchObject({Effect: 'Deny', Resource: BOUNDARY_ARN})
      expect(actionsOf(bySid.NoBoundaryChange)).toEqual(expect.arrayContaining(['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy']))
      expect(bySid.NoDeployRoleChange).toMatchObject({Effect: 'Deny', Resource: {'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/bookmark-manager-prod-ci-deploy'}})
      expect(actionsOf(bySid.NoDeployRoleChange)).toEqual(expect.arrayContaining(['iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePermissionsBoundary']))
    })

    it('forbids destroying the database, its snapshots and the backups', () => {
      expect(bySid.NoDatabaseDestruction).toMatchObject({Effect: 'Deny', Resource: '*'})
      expect(actionsOf(bySid.NoDatabaseDestruction)).toEqual(expect.arrayContaining(['rds:DeleteDBCluster', 'rds:DeleteDBClusterSnapshot']))
      expect(bySid.NoBackupDestruction.Effect).toBe('Deny')
      expect(actionsOf(bySid.NoBackupDestruction)).toEqual(expect.arrayContaining(['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutBucketPublicAccessBlock', 's3:DeleteBucketPolicy']))
      // By name: the storage stack's backups bucket only (the role still replaces assets elsewhere).
      expect(bySid.NoBackupDestruction.Resource).toEqual([
        {'Fn::Sub': 'arn:${AWS::Partition}:s3:::bookmark-manager-prod-storage-backupbucket-*'},
        {'Fn::Sub': 'arn:${AWS::Partition}:s3:::bookmark-manager-prod-storage-backupbucket-*/*'},
      ])
    })

    it('grants no whole service (`service:*`) in the deploy role', () => {
      const wildcards = deployStatements.filter((s) => s.Effect === 'Allow').flatMap(actionsOf).filter((a) => /^[\w-]*:?\*$/.test(a))
      expect(wildcards).toEqual([])
    })

    it('is on every role of every stack of the environment', () => {
      const roles = renderEnvironment(prodEnv()).flatMap((stack) =>
        Object.entries(stack.template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role').map(([id, r]) => ({id: `${stack.part}/${id}`, boundary: r.Properties!.PermissionsBoundary})),
      )
      expect(roles.length).toBeGreaterThan(3)
      for (const role of roles) expect(role.boundary, role.id).toEqual(role.id === 'bootstrap/DeployRole' ? {Ref: 'PermissionsBoundary'} : BOUNDARY_ARN)
    })

    it('is absent, and roles carry none, without a CI deploy role', () => {
      const minimal = renderEnvironment(minimalEnv())
      const roles = minimal.flatMap((stack) => Object.values(stack.template.Resources).filter((r) => r.Type === 'AWS::IAM::Role'))
      expect(roles.length).toBeGreaterThan(0)
      for (const role of roles) expect(role.Properties!.PermissionsBoundary).toBeUndefined()
    })
  })

  it('keeps the boundary\'s create-only Description word for word, since its name is fixed', () => {
    // Description is create-only on AWS::IAM::ManagedPolicy: rewording it replaces the policy, and a
    // replacement under the same ManagedPolicyName fails with "already exists". Reword only together
    // with a new name (permissionsBoundaryName), which every role then follows.
    const boundary = stack.template.Resources.PermissionsBoundary.Properties!
    expect(boundary.ManagedPolicyName).toBe('bookmark-manager-prod-permissions-boundary')
    expect(boundary.Description).toBe('Caps every role of bookmark-manager-prod: no privilege escalation, no destroying backups or the database')
  })

  describe('the MongoDB Atlas types\' execution role', () => {
    const atlasEnv = prodEnv({mongodbAtlas: {...prodEnv().mongodbAtlas, enabled: true, projectId: '0123456789abcdef01234567'}})
    const atlas = renderBootstrapStack(atlasEnv)
    const role = atlas.template.Resources.AtlasExtensionRole

    it('is rendered only where the monitoring stack renders an Atlas cluster, and named in an output activate reads', () => {
      expect(resources.AtlasExtensionRole).toBeUndefined()
      expect(renderBootstrapStack(prodEnv({mongodbAtlas: {...prodEnv().mongodbAtlas, enabled: true}})).template.Resources.AtlasExtensionRole).toBeUndefined()
      expect(role.Properties!.RoleName).toBe('bookmark-manager-prod-atlas-extension')
      expect(atlas.template.Outputs!.AtlasExtensionRoleArn.Value).toEqual({'Fn::GetAtt': ['AtlasExtensionRole', 'Arn']})
    })

    it('is trusted by CloudFormation\'s extension service (this account only) and may read the Atlas profile secret, nothing else', () => {
      const trust = (role.Properties!.AssumeRolePolicyDocument as {Statement: Statement[]}).Statement
      expect(trust[0]).toEqual({Effect: 'Allow', Principal: {Service: 'resources.cloudformation.amazonaws.com'}, Action: 'sts:AssumeRole', Condition: {StringEquals: {'aws:SourceAccount': {Ref: 'AWS::AccountId'}}}})
      const statements = (role.Properties!.Policies as Array<{PolicyDocument: {Statement: Statement[]}}>).flatMap((p) => p.PolicyDocument.Statement)
      expect(statements).toEqual([
        {Sid: 'AtlasProfileSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: {'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:cfn/atlas/profile/default-??????'}},
      ])
    })

    it('carries the permissions boundary (Ref: created after it), so the CI deploy role may create and pass it', () => {
      expect(role.Properties!.PermissionsBoundary).toEqual({Ref: 'PermissionsBoundary'})
      const withoutCi = renderBootstrapStack({...atlasEnv, ci: {...atlasEnv.ci, githubRepository: undefined}})
      expect(withoutCi.template.Resources.AtlasExtensionRole.Properties!.PermissionsBoundary).toBeUndefined()
      const deploy = ((atlas.template.Resources.DeployRole.Properties!.Policies as Array<{PolicyDocument: {Statement: Statement[]}}>)[0]).PolicyDocument.Statement
      const roles = deploy.find((s) => s.Sid === 'Roles')!
      expect(actionsOf(roles)).toEqual(expect.arrayContaining(['iam:CreateRole', 'iam:PassRole']))
      expect(JSON.stringify(roles.Resource)).toContain('role/bookmark-manager-prod-*')
    })

    it('the CI deploy role may read the registry, as deploy\'s preflight does (DescribeType, BatchDescribeTypeConfigurations), and activate nothing', () => {
      const deploy = ((resources.DeployRole.Properties!.Policies as Array<{PolicyDocument: {Statement: Statement[]}}>)[0]).PolicyDocument.Statement
      const actions = deploy.flatMap(actionsOf)
      expect(actions).toEqual(expect.arrayContaining(['cloudformation:DescribeType', 'cloudformation:BatchDescribeTypeConfigurations']))
      expect(actions).not.toContain('cloudformation:ActivateType')
      expect(actions).not.toContain('cloudformation:SetTypeConfiguration')
    })

    it('the CI deploy role may read the secret Datadog\'s type configuration references (CloudFormation resolves it with its credentials), only where the monitor is rendered', () => {
      const deployStatements = (env: ReturnType<typeof prodEnv>) => ((renderBootstrapStack(env).template.Resources.DeployRole.Properties!.Policies as Array<{PolicyDocument: {Statement: Statement[]}}>)[0]).PolicyDocument.Statement
      const withDatadog = prodEnv()
      withDatadog.monitoring.datadog.enabled = true
      expect(deployStatements(withDatadog).find((s) => s.Sid === 'DatadogTypeConfiguration')).toEqual({
        Sid: 'DatadogTypeConfiguration',
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: {'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:bookmark-manager/prod/datadog-type-configuration-??????'},
      })
      const without = prodEnv()
      without.monitoring.datadog.enabled = false
      expect(deployStatements(without).map((s) => s.Sid)).not.toContain('DatadogTypeConfiguration')
    })

    it('is cfn-lint clean', async () => {
      expect(await lintStacks([atlas])).toBe('')
    }, 120_000)
  })
})
