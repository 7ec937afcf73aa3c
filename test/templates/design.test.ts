import {describe, expect, it} from 'vitest'
import type {CfnResource, StackDefinition} from '../../src/lib/stacks/types.js'
import {renderEnvironment} from '../../src/templates/index.js'
import {rootEnvironments} from '../helpers/env.js'

/**
 * The design's rows for the foundation stacks, asserted on what the repository's own
 * platform.yaml renders for prod (the hand-built copy in test/helpers/env.ts is tested per stack).
 */
const prod = (await rootEnvironments()).find((e) => e.label === 'root-prod')!.env
const stacks = renderEnvironment(prod)
const byPart = (part: string): StackDefinition => stacks.find((s) => s.part === part)!
const resources = (part: string): Record<string, CfnResource> => byPart(part).template.Resources
const ofType = (part: string, type: string): CfnResource[] => Object.values(resources(part)).filter((r) => r.Type === type)

describe('root platform.yaml prod renders the design', () => {
  it('row 4: VPC 10.0.0.0/16, public 10.0.1.0/24 + 10.0.2.0/24, private 10.0.11.0/24 + 10.0.12.0/24, one NAT, S3/ECR/Logs endpoints, flow logs', () => {
    expect(resources('network').Vpc.Properties!.CidrBlock).toBe('10.0.0.0/16')
    const cidrs = ofType('network', 'AWS::EC2::Subnet').map((s) => s.Properties!.CidrBlock).sort()
    expect(cidrs).toEqual(['10.0.1.0/24', '10.0.11.0/24', '10.0.12.0/24', '10.0.2.0/24'])
    expect(ofType('network', 'AWS::EC2::NatGateway')).toHaveLength(1)
    expect(ofType('network', 'AWS::EC2::InternetGateway')).toHaveLength(1)
    const endpoints = ofType('network', 'AWS::EC2::VPCEndpoint').map((e) => JSON.stringify(e.Properties!.ServiceName).replace(/.*\}\.|"\}$/g, '')).sort()
    expect(endpoints).toEqual(['ecr.api', 'ecr.dkr', 'logs', 's3'])
    expect(ofType('network', 'AWS::EC2::FlowLog')).toHaveLength(1)
  })

  it("row 15: ALB in on 443 from CloudFront's origin-facing prefix list only (it is internal, behind the CloudFront VPC origin) and out to 3000-3001 only; services in from the ALB; Aurora 5432 from the Service SG only", () => {
    const net = resources('network')
    expect(net.AlbSecurityGroup.Properties!.SecurityGroupIngress).toEqual([expect.objectContaining({FromPort: 443, ToPort: 443, SourcePrefixListId: {Ref: 'CloudFrontOriginFacingPrefixListId'}})])
    const egress = ofType('network', 'AWS::EC2::SecurityGroupEgress').map((r) => r.Properties!)
    expect(egress.filter((r) => JSON.stringify(r.GroupId).includes('Alb'))).toEqual([expect.objectContaining({FromPort: 3000, ToPort: 3001, DestinationSecurityGroupId: {'Fn::GetAtt': ['ServiceSecurityGroup', 'GroupId']}})])
    const ingress = ofType('network', 'AWS::EC2::SecurityGroupIngress').map((r) => r.Properties!)
    expect(ingress).toEqual([expect.objectContaining({FromPort: 3000, ToPort: 3001, SourceSecurityGroupId: {'Fn::GetAtt': ['AlbSecurityGroup', 'GroupId']}})])
    expect(net.DatabaseSecurityGroup.Properties!.SecurityGroupIngress).toEqual([
      expect.objectContaining({FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: {'Fn::GetAtt': ['ServiceSecurityGroup', 'GroupId']}}),
    ])
  })

  it('row 8: Aurora PostgreSQL 17.x Serverless v2, 0.5-16 ACU, 2 db.serverless instances, 7-day backups 03:00-04:00 JST, encrypted, protected, Snapshot', () => {
    const cluster = resources('data').DatabaseCluster
    expect(cluster.DeletionPolicy).toBe('Snapshot')
    expect(cluster.UpdateReplacePolicy).toBe('Snapshot')
    expect(cluster.Properties).toMatchObject({
      Engine: 'aurora-postgresql',
      EngineVersion: expect.stringMatching(/^17\./),
      DatabaseName: 'bookmarkdb',
      MasterUsername: 'dbadmin',
      ManageMasterUserPassword: true,
      ServerlessV2ScalingConfiguration: {MinCapacity: 0.5, MaxCapacity: 16},
      BackupRetentionPeriod: 7,
      PreferredBackupWindow: '18:00-19:00',
      StorageEncrypted: true,
      DeletionProtection: true,
    })
    expect(resources('data').DatabaseClusterParameterGroup.Properties!.Parameters).toEqual({'rds.force_ssl': '1'})
    const instances = ofType('data', 'AWS::RDS::DBInstance')
    expect(instances.map((i) => [i.Properties!.DBInstanceClass, i.Properties!.PubliclyAccessible])).toEqual([['db.serverless', false], ['db.serverless', false]])
  })

  it('row 11: assets, ALB log and backup buckets (and the CloudFront log bucket), all Retain with public access blocked', () => {
    const buckets = ofType('storage', 'AWS::S3::Bucket')
    expect(buckets).toHaveLength(4)
    for (const bucket of buckets) {
      expect(bucket.DeletionPolicy).toBe('Retain')
      expect(bucket.Properties!.PublicAccessBlockConfiguration).toEqual({BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true})
    }
  })

  it('row 16: ECR repositories with IMMUTABLE tags for web and api; CI assumes a role through GitHub OIDC', () => {
    const repos = ofType('registry', 'AWS::ECR::Repository')
    expect(repos.map((r) => [r.Properties!.RepositoryName, r.Properties!.ImageTagMutability]).sort()).toEqual([
      ['bookmark-manager/prod/api', 'IMMUTABLE'],
      ['bookmark-manager/prod/web', 'IMMUTABLE'],
    ])
    expect(resources('bootstrap').GitHubOidcProvider.Type).toBe('AWS::IAM::OIDCProvider')
    expect(JSON.stringify(resources('bootstrap').DeployRole.Properties!.AssumeRolePolicyDocument)).toContain('repo:example/bookmark-manager:ref:refs/heads/main')
  })

  it('row 1: the hosted zone for the domain', () => {
    expect(resources('zone').HostedZone.Properties!.Name).toBe('example.com')
  })
})
