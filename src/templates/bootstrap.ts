import type {ResolvedEnvironment} from '../lib/config/types.js'
import {defineStack, newTemplate, prefix, tagList} from './common.js'
import {NONCURRENT_DAYS, tlsOnlyPolicy} from './storage.js'
import type {CfnResource, StackDefinition} from '../lib/stacks/types.js'

const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com'
/** GitHub's published intermediate thumbprints; IAM no longer checks them for GitHub, but older partitions still require a value. */
const GITHUB_OIDC_THUMBPRINTS = ['6938fd4d98bab03faadb97b34396831e3780aea1', '1c58a3a8518e8759bf075b76b750d4f2df264fcd']

/**
 * Services the CI deploy role manages through CloudFormation. Kept to what the rendered stacks
 * contain; CloudFormation calls them with the caller's credentials, so the role needs them.
 */
const DEPLOYED_SERVICES = [
  'acm', 'application-autoscaling', 'cloudfront', 'cloudwatch', 'ec2', 'ecs', 'elasticloadbalancing',
  'logs', 'rds', 'route53', 'sns', 'wafv2',
]

/**
 * The CLI's own stack: the artifact bucket that large templates are uploaded to (TemplateURL),
 * and, when `ci.githubRepository` is set, the GitHub OIDC provider and the role CI deploys with.
 */
export function renderBootstrapStack(env: ResolvedEnvironment): StackDefinition {
  const template = newTemplate(`${prefix(env)}: CLI artifact bucket and CI deploy role`)
  const resources: Record<string, CfnResource> = {
    ArtifactBucket: {
      Type: 'AWS::S3::Bucket',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Metadata: {'platform:description': 'Bucket for templates too large to send inline'},
      Properties: {
        BucketEncryption: {ServerSideEncryptionConfiguration: [{ServerSideEncryptionByDefault: {SSEAlgorithm: 'AES256'}}]},
        PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true},
        OwnershipControls: {Rules: [{ObjectOwnership: 'BucketOwnerEnforced'}]},
        // Versioned: an overwritten or deleted object stays recoverable for NONCURRENT_DAYS.
        VersioningConfiguration: {Status: 'Enabled'},
        // Templates are re-uploaded on every deploy; old ones are only useful for a short while.
        LifecycleConfiguration: {
          Rules: [
            {Id: 'expire-old-artifacts', Status: 'Enabled', ExpirationInDays: 30, NoncurrentVersionExpiration: {NoncurrentDays: NONCURRENT_DAYS}},
            {Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: {DaysAfterInitiation: 1}},
          ],
        },
        Tags: tagList(env),
      },
    },
    ArtifactBucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Metadata: {'platform:description': 'Artifact bucket: TLS-only access'},
      Properties: {Bucket: {Ref: 'ArtifactBucket'}, PolicyDocument: tlsOnlyPolicy('ArtifactBucket')},
    },
  }
  template.Outputs = {ArtifactBucketName: {Description: 'Bucket for large templates', Value: {Ref: 'ArtifactBucket'}}}

  const repository = env.ci.githubRepository
  if (repository) {
    let providerArn: unknown = {'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/${GITHUB_OIDC_HOST}`}
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
    resources.DeployRole = renderDeployRole(env, repository, providerArn)
    template.Outputs.DeployRoleArn = {Description: 'Role GitHub Actions assumes to deploy', Value: {'Fn::GetAtt': ['DeployRole', 'Arn']}}
  }
  template.Resources = resources
  return defineStack(env, 'bootstrap', template)
}

function renderDeployRole(env: ResolvedEnvironment, repository: string, providerArn: unknown): CfnResource {
  const namePrefix = prefix(env)
  const sub = (text: string): unknown => ({'Fn::Sub': text})
  return {
    Type: 'AWS::IAM::Role',
    Metadata: {'platform:description': `CI deploy role for ${repository}@${env.ci.branch}`},
    Properties: {
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
                Action: 'cloudformation:*',
                Resource: [
                  sub(`arn:\${AWS::Partition}:cloudformation:*:\${AWS::AccountId}:stack/${namePrefix}-*/*`),
                  sub(`arn:\${AWS::Partition}:cloudformation:*:\${AWS::AccountId}:changeSet/*/*`),
                ],
              },
              {Sid: 'StackReads', Effect: 'Allow', Action: ['cloudformation:DescribeStacks', 'cloudformation:ListStacks', 'cloudformation:GetTemplateSummary', 'cloudformation:ValidateTemplate'], Resource: '*'},
              {Sid: 'Artifacts', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:GetBucketLocation'], Resource: [{'Fn::GetAtt': ['ArtifactBucket', 'Arn']}, sub('${ArtifactBucket.Arn}/*')]},
              {Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*'},
              {Sid: 'Images', Effect: 'Allow', Action: 'ecr:*', Resource: sub(`arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:repository/${env.project}/${env.name}/*`)},
              {Sid: 'Buckets', Effect: 'Allow', Action: 's3:*', Resource: [sub(`arn:\${AWS::Partition}:s3:::${namePrefix}-*`), sub(`arn:\${AWS::Partition}:s3:::${namePrefix}-*/*`)]},
              {Sid: 'Secrets', Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:PutParameter', 'ssm:DescribeParameters', 'ssm:AddTagsToResource'], Resource: sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${env.project}/${env.name}/*`)},
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
              // These services' resources get generated names or ids before they exist, so their ARNs cannot be narrowed here.
              {Sid: 'Infrastructure', Effect: 'Allow', Action: DEPLOYED_SERVICES.map((s) => `${s}:*`), Resource: '*'},
            ],
          },
        },
      ],
      Tags: tagList(env),
    },
  }
}
