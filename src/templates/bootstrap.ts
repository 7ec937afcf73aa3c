import type {ResolvedEnvironment} from '../lib/config/types.js'
import {atlasExtensionRoleName, atlasProfileSecret, datadogTypeConfigurationSecret, stackName} from '../lib/naming.js'
import {defineStack, newTemplate, prefix, tagList} from './common.js'
import {failoverEnabled} from './dns.js'
import {hasPermissionsBoundary, permissionsBoundaryArn, permissionsBoundaryName} from './iam.js'
import {rendersAtlasCluster, rendersDatadogMonitor} from './monitoring.js'
import {accessLogging, logLifecycle, NONCURRENT_DAYS, privateBucket, tlsOnlyPolicy} from './storage.js'
import type {CfnResource, StackDefinition} from '../lib/stacks/types.js'

const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com'
/** GitHub's published intermediate thumbprints; IAM no longer checks them for GitHub, but older partitions still require a value. */
const GITHUB_OIDC_THUMBPRINTS = ['6938fd4d98bab03faadb97b34396831e3780aea1', '1c58a3a8518e8759bf075b76b750d4f2df264fcd']

/**
 * What CloudFormation calls, with the deploy role's credentials, for the resource types the rendered
 * stacks contain. Whole verbs per service rather than `service:*`: the role can create, change, tag,
 * read and delete these resources, and nothing else those services offer (no `ec2:RunInstances`,
 * no `rds:RestoreDBClusterFromS3`, no `logs:GetLogEvents`...). These resources get generated names or
 * ids before they exist, so their ARNs cannot be narrowed here; the permissions boundary stops the
 * destructive calls that matter (see renderPermissionsBoundary).
 */
const INFRASTRUCTURE_ACTIONS: Record<string, string[]> = {
  acm: ['RequestCertificate', 'DeleteCertificate', 'DescribeCertificate', 'ListCertificates', 'AddTagsToCertificate', 'RemoveTagsFromCertificate', 'ListTagsForCertificate', 'UpdateCertificateOptions'],
  'application-autoscaling': ['RegisterScalableTarget', 'DeregisterScalableTarget', 'Describe*', 'PutScalingPolicy', 'DeleteScalingPolicy', 'PutScheduledAction', 'DeleteScheduledAction', 'TagResource', 'UntagResource', 'ListTagsForResource'],
  cloudfront: ['Create*', 'Update*', 'Delete*', 'Get*', 'List*', 'TagResource', 'UntagResource'],
  cloudwatch: ['PutMetricAlarm', 'DeleteAlarms', 'DescribeAlarms', 'PutDashboard', 'DeleteDashboards', 'GetDashboard', 'TagResource', 'UntagResource', 'ListTagsForResource'],
  ec2: ['Describe*', 'Create*', 'Delete*', 'Modify*', 'Associate*', 'Disassociate*', 'Attach*', 'Detach*', 'Authorize*', 'Revoke*', 'Allocate*', 'Release*', 'Replace*', 'Enable*', 'Disable*'],
  ecs: ['Create*', 'Update*', 'Delete*', 'Describe*', 'List*', 'RegisterTaskDefinition', 'DeregisterTaskDefinition', 'PutClusterCapacityProviders', 'TagResource', 'UntagResource', 'StopServiceDeployment'],
  elasticloadbalancing: ['Create*', 'Delete*', 'Modify*', 'Describe*', 'Set*', 'AddTags', 'RemoveTags', 'AddListenerCertificates', 'RemoveListenerCertificates', 'RegisterTargets', 'DeregisterTargets'],
  logs: ['CreateLogGroup', 'DeleteLogGroup', 'PutRetentionPolicy', 'DeleteRetentionPolicy', 'DescribeLogGroups', 'PutMetricFilter', 'DeleteMetricFilter', 'DescribeMetricFilters', 'TagResource', 'UntagResource', 'ListTagsForResource', 'TagLogGroup', 'UntagLogGroup', 'CreateLogDelivery', 'DeleteLogDelivery', 'GetLogDelivery', 'UpdateLogDelivery', 'ListLogDeliveries'],
  rds: ['Create*', 'Modify*', 'Delete*', 'Describe*', 'AddTagsToResource', 'RemoveTagsFromResource', 'ListTagsForResource', 'AddRoleToDBCluster', 'RemoveRoleFromDBCluster'],
  route53: ['CreateHostedZone', 'DeleteHostedZone', 'GetHostedZone', 'ListHostedZones', 'UpdateHostedZoneComment', 'ChangeResourceRecordSets', 'ListResourceRecordSets', 'GetChange', 'CreateHealthCheck', 'UpdateHealthCheck', 'DeleteHealthCheck', 'GetHealthCheck', 'ListHealthChecks', 'ChangeTagsForResource', 'ListTagsForResource'],
  sns: ['CreateTopic', 'DeleteTopic', 'GetTopicAttributes', 'SetTopicAttributes', 'Subscribe', 'Unsubscribe', 'GetSubscriptionAttributes', 'ListSubscriptionsByTopic', 'TagResource', 'UntagResource', 'ListTagsForResource'],
  wafv2: ['Create*', 'Update*', 'Delete*', 'Get*', 'List*', 'AssociateWebACL', 'DisassociateWebACL', 'PutLoggingConfiguration', 'DeleteLoggingConfiguration', 'TagResource', 'UntagResource'],
}

/** What `platform deploy` calls on the environment's stacks and their change sets. */
const CLOUDFORMATION_ACTIONS = [
  'CreateStack', 'UpdateStack', 'DeleteStack', 'CreateChangeSet', 'DescribeChangeSet', 'ExecuteChangeSet', 'DeleteChangeSet',
  'ListChangeSets', 'DescribeStackEvents', 'DescribeStackResource', 'DescribeStackResources', 'ListStackResources', 'GetTemplate',
  'UpdateTerminationProtection', 'ContinueUpdateRollback', 'RollbackStack', 'CancelUpdateStack', 'TagResource', 'UntagResource',
]

/** Pushing images to, and CloudFormation managing, the environment's ECR repositories. */
const ECR_REPOSITORY_ACTIONS = [
  'BatchCheckLayerAvailability', 'BatchGetImage', 'GetDownloadUrlForLayer', 'InitiateLayerUpload', 'UploadLayerPart', 'CompleteLayerUpload',
  'PutImage', 'DescribeImages', 'ListImages', 'DescribeRepositories', 'CreateRepository', 'DeleteRepository', 'PutLifecyclePolicy',
  'GetLifecyclePolicy', 'DeleteLifecyclePolicy', 'SetRepositoryPolicy', 'GetRepositoryPolicy', 'DeleteRepositoryPolicy',
  'PutImageScanningConfiguration', 'PutImageTagMutability', 'TagResource', 'UntagResource', 'ListTagsForResource',
]

/** CloudFormation managing the environment's buckets, and the release writing assets and history into them. */
const BUCKET_ACTIONS = [
  'CreateBucket', 'DeleteBucket', 'ListBucket', 'ListBucketVersions', 'GetBucket*', 'PutBucket*', 'DeleteBucketPolicy',
  'Get*Configuration', 'Put*Configuration', 'GetObject', 'GetObjectVersion', 'PutObject', 'DeleteObject',
]

/** The deploy role's own name: fixed, so its permissions boundary can forbid changing it. */
export function deployRoleName(env: ResolvedEnvironment): string {
  return `${prefix(env)}-ci-deploy`
}

/**
 * The CLI's own stack: the artifact bucket that large templates are uploaded to (TemplateURL),
 * and, when `ci.githubRepository` is set, the GitHub OIDC provider and the role CI deploys with.
 */
export function renderBootstrapStack(env: ResolvedEnvironment): StackDefinition {
  const template = newTemplate(`${prefix(env)}: CLI artifact bucket and CI deploy role`)
  const resources: Record<string, CfnResource> = {
    ArtifactBucket: privateBucket('Bucket for templates too large to send inline', {
      // Templates are re-uploaded on every deploy; old ones are only useful for a short while.
      LifecycleConfiguration: {
        Rules: [
          {Id: 'expire-old-artifacts', Status: 'Enabled', ExpirationInDays: 30, NoncurrentVersionExpiration: {NoncurrentDays: NONCURRENT_DAYS}},
          {Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: {DaysAfterInitiation: 1}},
        ],
      },
      LoggingConfiguration: accessLogging({Ref: 'AccessLogsBucket'}, 'artifacts'),
      Tags: tagList(env),
    }),
    ArtifactBucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Metadata: {'platform:description': 'Artifact bucket: TLS-only access'},
      Properties: {Bucket: {Ref: 'ArtifactBucket'}, PolicyDocument: tlsOnlyPolicy('ArtifactBucket')},
    },
    ...renderAccessLogsBucket(env),
  }
  template.Outputs = {
    ArtifactBucketName: {Description: 'Bucket for large templates', Value: {Ref: 'ArtifactBucket'}},
    AccessLogsBucketName: {Description: 'Bucket receiving the S3 server access logs of every bucket of the environment', Value: {Ref: 'AccessLogsBucket'}},
  }

  const repository = env.ci.githubRepository
  if (repository) {
    // The account's provider: the one named in the config, else the one at the URL's fixed ARN
    // (another environment of the account created it), unless this environment creates it.
    let providerArn: unknown = env.ci.oidcProviderArn ?? {'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/${GITHUB_OIDC_HOST}`}
    if (env.ci.createOidcProvider) {
      resources.GitHubOidcProvider = {
        Type: 'AWS::IAM::OIDCProvider',
        // One provider per URL per account: deleting it would break every other environment's CI.
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Metadata: {'platform:description': 'GitHub Actions OIDC identity provider'},
        Properties: {Url: `https://${GITHUB_OIDC_HOST}`, ClientIdList: ['sts.amazonaws.com'], ThumbprintList: GITHUB_OIDC_THUMBPRINTS, Tags: tagList(env)},
      }
      providerArn = {Ref: 'GitHubOidcProvider'}
    }
    resources.PermissionsBoundary = renderPermissionsBoundary(env)
    resources.DeployRole = renderDeployRole(env, repository, providerArn)
    template.Outputs.DeployRoleArn = {Description: 'Role GitHub Actions assumes to deploy', Value: {'Fn::GetAtt': ['DeployRole', 'Arn']}}
    template.Outputs.PermissionsBoundaryArn = {Description: 'Permissions boundary on every role of the environment', Value: {Ref: 'PermissionsBoundary'}}
  }
  if (rendersAtlasCluster(env)) {
    resources.AtlasExtensionRole = renderAtlasExtensionRole(env)
    template.Outputs[ATLAS_EXTENSION_ROLE_OUTPUT] = {Description: 'Execution role of the MongoDB Atlas resource types (platform activate passes it to ActivateType)', Value: {'Fn::GetAtt': ['AtlasExtensionRole', 'Arn']}}
  }
  template.Resources = resources
  return defineStack(env, 'bootstrap', template)
}

/** The bootstrap stack's output naming the Atlas types' execution role. */
export const ATLAS_EXTENSION_ROLE_OUTPUT = 'AtlasExtensionRoleArn'

/**
 * The role CloudFormation runs the `MongoDB::Atlas::*` handlers with (ActivateType's
 * ExecutionRoleArn): they read the Atlas API keys from the profile secret themselves, and nothing
 * else AWS holds. Here, in the stack deployed before every other and using no third-party type, so
 * it exists before `platform activate` and the first deploy of the monitoring stack that needs it.
 */
function renderAtlasExtensionRole(env: ResolvedEnvironment): CfnResource {
  const sub = (text: string): unknown => ({'Fn::Sub': text})
  return {
    Type: 'AWS::IAM::Role',
    Metadata: {'platform:description': `Execution role of the MongoDB Atlas resource types: reads ${atlasProfileSecret()} only`},
    Properties: {
      RoleName: atlasExtensionRoleName(env),
      Description: `MongoDB Atlas resource types of ${prefix(env)}: read the Atlas profile secret`,
      // MongoDB's handlers run up to the hours a cluster takes to create (its examples use 8400 s).
      MaxSessionDuration: 8400,
      // The CI deploy role may create roles only under the environment's boundary; Ref orders the two.
      ...(hasPermissionsBoundary(env) ? {PermissionsBoundary: {Ref: 'PermissionsBoundary'}} : {}),
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          // AWS's trust for an extension's execution role, limited to this account (confused deputy).
          {Effect: 'Allow', Principal: {Service: 'resources.cloudformation.amazonaws.com'}, Action: 'sts:AssumeRole', Condition: {StringEquals: {'aws:SourceAccount': {Ref: 'AWS::AccountId'}}}},
          // MongoDB's troubleshooting: without these two principals the Atlas handlers hang until the stack times out.
          {Effect: 'Allow', Principal: {Service: ['cloudformation.amazonaws.com', 'lambda.amazonaws.com']}, Action: 'sts:AssumeRole'},
        ],
      },
      Policies: [
        {
          PolicyName: 'atlas-profile',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'AtlasProfileSecret',
                Effect: 'Allow',
                Action: 'secretsmanager:GetSecretValue',
                // Secrets Manager appends six random characters to a secret's name in its ARN.
                Resource: sub(`arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${atlasProfileSecret()}-??????`),
              },
            ],
          },
        },
      ],
      Tags: tagList(env),
    },
  }
}

/**
 * The environment's S3 server access log bucket: every bucket of the environment (all in its
 * region, as S3 requires) logs its requests here. Here because the bootstrap stack is deployed
 * before every other. S3's logging service writes through the bucket policy (no ACLs); this bucket
 * does not log its own access, which would log each log delivery in a loop.
 */
function renderAccessLogsBucket(env: ResolvedEnvironment): Record<string, CfnResource> {
  return {
    // SSE-S3 (privateBucket's), the only encryption a server access log target supports.
    AccessLogsBucket: privateBucket('S3 server access log bucket of the environment', {
      LifecycleConfiguration: logLifecycle(env),
      Tags: tagList(env, {Name: `${prefix(env)}-access-logs`}),
    }),
    AccessLogsBucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Metadata: {'platform:description': 'Access log bucket: S3 log delivery of this account may write, TLS only'},
      Properties: {
        Bucket: {Ref: 'AccessLogsBucket'},
        PolicyDocument: tlsOnlyPolicy('AccessLogsBucket', [
          {
            Sid: 'S3ServerAccessLogDelivery',
            Effect: 'Allow',
            Principal: {Service: 'logging.s3.amazonaws.com'},
            Action: 's3:PutObject',
            Resource: {'Fn::Sub': '${AccessLogsBucket.Arn}/*'},
            // Only logs of this account's buckets (S3's confused-deputy guard for log delivery).
            Condition: {StringEquals: {'aws:SourceAccount': {Ref: 'AWS::AccountId'}}},
          },
        ]),
      },
    },
  }
}

/**
 * The permissions boundary of every role in the environment, the CI deploy role first. A boundary
 * grants nothing; it caps what identity policies can grant. It forbids the two things a stolen CI
 * credential must never do:
 * - become an administrator: create or change a role unless that role carries this same boundary,
 *   remove a boundary, edit or delete the boundary itself, or touch the deploy role;
 * - destroy protected data: delete the database, its snapshots or automated backups (in any
 *   environment: no deploy ever needs to), or the backups bucket's objects, policy or public-access
 *   block (by name: the role still replaces assets and artifacts in its other buckets).
 * CloudFormation calls AWS with the role's credentials, so a template cannot do these things either;
 * changing the boundary, the deploy role or the backup bucket's protections takes an administrator.
 */
function renderPermissionsBoundary(env: ResolvedEnvironment): CfnResource {
  const boundary = permissionsBoundaryArn(env)
  const sub = (text: string): unknown => ({'Fn::Sub': text})
  const deployRole = sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${deployRoleName(env)}`)
  // CloudFormation names a bucket `<stack>-<logical id>-<suffix>`, in lower case.
  const backupBucket = `${stackName(env.project, env.name, 'storage').toLowerCase()}-backupbucket-*`
  return {
    Type: 'AWS::IAM::ManagedPolicy',
    Metadata: {'platform:description': 'Permissions boundary: no privilege escalation, no destroying protected data'},
    Properties: {
      ManagedPolicyName: permissionsBoundaryName(env),
      Description: `Caps every role of ${prefix(env)}: no privilege escalation, no destroying backups or the database`,
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          // The cap itself; identity policies decide what is actually granted.
          {Sid: 'WithinBoundary', Effect: 'Allow', Action: '*', Resource: '*'},
          {
            Sid: 'NoRoleWithoutThisBoundary',
            Effect: 'Deny',
            Action: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
            Resource: '*',
            Condition: {StringNotEquals: {'iam:PermissionsBoundary': boundary}},
          },
          {Sid: 'NoBoundaryRemoval', Effect: 'Deny', Action: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'], Resource: '*'},
          {
            Sid: 'NoBoundaryChange',
            Effect: 'Deny',
            Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy', 'iam:TagPolicy', 'iam:UntagPolicy'],
            Resource: boundary,
          },
          {
            Sid: 'NoDeployRoleChange',
            Effect: 'Deny',
            Action: [
              'iam:UpdateRole', 'iam:UpdateAssumeRolePolicy', 'iam:DeleteRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:AttachRolePolicy',
              'iam:DetachRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:TagRole', 'iam:UntagRole',
            ],
            Resource: deployRole,
          },
          {
            Sid: 'NoUsersOrKeys',
            Effect: 'Deny',
            Action: ['iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile', 'iam:AttachUserPolicy', 'iam:PutUserPolicy', 'iam:AddUserToGroup', 'iam:AttachGroupPolicy', 'iam:PutGroupPolicy'],
            Resource: '*',
          },
          {
            Sid: 'NoDatabaseDestruction',
            Effect: 'Deny',
            Action: ['rds:DeleteDBCluster', 'rds:DeleteDBClusterSnapshot', 'rds:DeleteDBSnapshot', 'rds:DeleteDBClusterAutomatedBackup', 'rds:DeleteDBInstanceAutomatedBackup', 'rds:DeleteGlobalCluster'],
            Resource: '*',
          },
          {
            Sid: 'NoBackupDestruction',
            Effect: 'Deny',
            Action: [
              's3:DeleteObject', 's3:DeleteObjectVersion', 's3:DeleteBucket', 's3:DeleteBucketPolicy', 's3:PutBucketPublicAccessBlock',
              's3:PutBucketVersioning', 's3:PutLifecycleConfiguration', 's3:BypassGovernanceRetention', 's3:PutBucketObjectLockConfiguration',
            ],
            Resource: [sub(`arn:\${AWS::Partition}:s3:::${backupBucket}`), sub(`arn:\${AWS::Partition}:s3:::${backupBucket}/*`)],
          },
          {Sid: 'NoAccountPublicAccessChange', Effect: 'Deny', Action: ['s3:PutAccountPublicAccessBlock'], Resource: '*'},
        ],
      },
    },
  }
}

function renderDeployRole(env: ResolvedEnvironment, repository: string, providerArn: unknown): CfnResource {
  const namePrefix = prefix(env)
  const sub = (text: string): unknown => ({'Fn::Sub': text})
  return {
    Type: 'AWS::IAM::Role',
    Metadata: {'platform:description': `CI deploy role for ${repository}@${env.ci.branch}`},
    Properties: {
      RoleName: deployRoleName(env),
      // Ref, not the ARN by name: the boundary must exist before the role is created with it.
      PermissionsBoundary: {Ref: 'PermissionsBoundary'},
      Description: `GitHub Actions deploys ${namePrefix} from ${repository}`,
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: {Federated: providerArn},
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: {
                [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
                [`${GITHUB_OIDC_HOST}:sub`]: `repo:${repository}:ref:refs/heads/${env.ci.branch}`,
              },
            },
          },
        ],
      },
      Policies: [
        {
          PolicyName: 'deploy',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'Stacks',
                Effect: 'Allow',
                Action: CLOUDFORMATION_ACTIONS.map((action) => `cloudformation:${action}`),
                Resource: [
                  sub(`arn:\${AWS::Partition}:cloudformation:*:\${AWS::AccountId}:stack/${namePrefix}-*/*`),
                  sub(`arn:\${AWS::Partition}:cloudformation:*:\${AWS::AccountId}:changeSet/*/*`),
                ],
              },
              {Sid: 'StackReads', Effect: 'Allow', Action: ['cloudformation:DescribeStacks', 'cloudformation:ListStacks', 'cloudformation:GetTemplateSummary', 'cloudformation:ValidateTemplate'], Resource: '*'},
              // Deploy's preflight: are the third-party types its templates use activated and configured?
              // (Activating them, `platform activate`, is an administrator's once-per-account step.)
              {Sid: 'RegistryReads', Effect: 'Allow', Action: ['cloudformation:DescribeType', 'cloudformation:BatchDescribeTypeConfigurations'], Resource: '*'},
              {Sid: 'Artifacts', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:GetBucketLocation'], Resource: [{'Fn::GetAtt': ['ArtifactBucket', 'Arn']}, sub('${ArtifactBucket.Arn}/*')]},
              {Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*'},
              {Sid: 'Images', Effect: 'Allow', Action: ECR_REPOSITORY_ACTIONS.map((action) => `ecr:${action}`), Resource: sub(`arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:repository/${env.project}/${env.name}/*`)},
              {Sid: 'Buckets', Effect: 'Allow', Action: BUCKET_ACTIONS.map((action) => `s3:${action}`), Resource: [sub(`arn:\${AWS::Partition}:s3:::${namePrefix}-*`), sub(`arn:\${AWS::Partition}:s3:::${namePrefix}-*/*`)]},
              {Sid: 'Secrets', Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:PutParameter', 'ssm:DescribeParameters', 'ssm:AddTagsToResource'], Resource: sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${env.project}/${env.name}/*`)},
              // CloudFormation resolves the {{resolve:secretsmanager:...}} references in Datadog's type
              // configuration with the credentials of whoever provisions the monitor (AWS's page on
              // extension configuration data): GetSecretValue on that one secret.
              ...(rendersDatadogMonitor(env)
                ? [{Sid: 'DatadogTypeConfiguration', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: sub(`arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${datadogTypeConfigurationSecret(env)}-??????`)}]
                : []),
              // ManageMasterUserPassword: RDS creates the `rds!cluster-…` secret with the caller's permissions.
              {
                Sid: 'DatabaseSecret',
                Effect: 'Allow',
                Action: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource', 'secretsmanager:RotateSecret', 'secretsmanager:DeleteSecret', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
                Resource: sub(`arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:rds!*`),
              },
              {
                Sid: 'DatabaseSecretKey',
                Effect: 'Allow',
                Action: ['kms:DescribeKey', 'kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey'],
                Resource: '*',
                Condition: {StringEquals: {'kms:ViaService': sub('secretsmanager.${AWS::Region}.amazonaws.com')}},
              },
              {
                Sid: 'Roles',
                Effect: 'Allow',
                Action: ['iam:CreateRole', 'iam:DeleteRole', 'iam:GetRole', 'iam:UpdateRole', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:ListRoleTags', 'iam:PassRole', 'iam:TagRole', 'iam:UntagRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:GetRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:UpdateAssumeRolePolicy'],
                Resource: sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${namePrefix}-*`),
              },
              {Sid: 'ServiceLinkedRoles', Effect: 'Allow', Action: 'iam:CreateServiceLinkedRole', Resource: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/*')},
              {
                Sid: 'Infrastructure',
                Effect: 'Allow',
                Action: Object.entries(INFRASTRUCTURE_ACTIONS).flatMap(([service, actions]) => actions.map((action) => `${service}:${action}`)),
                Resource: '*',
              },
              ...(failoverEnabled(env) ? [maintenancePageStatement(sub)] : []),
            ],
          },
        },
      ],
      Tags: tagList(env),
    },
  }
}

/**
 * The dns stack's maintenance page (REST API, custom domain names, their tags), only where it is
 * rendered. API Gateway's actions are HTTP verbs on paths, so the paths are what narrows them: not
 * the account's API Gateway settings, API keys or usage plans.
 */
function maintenancePageStatement(sub: (text: string) => unknown): Record<string, unknown> {
  return {
    Sid: 'MaintenancePageApi',
    Effect: 'Allow',
    Action: ['apigateway:GET', 'apigateway:POST', 'apigateway:PUT', 'apigateway:PATCH', 'apigateway:DELETE'],
    Resource: ['/restapis', '/restapis/*', '/domainnames', '/domainnames/*', '/tags/*'].map((path) => sub(`arn:\${AWS::Partition}:apigateway:\${AWS::Region}::${path}`)),
  }
}
