import {describe, expect, it} from 'vitest'
import {RenderInvariantError} from '../../src/lib/stacks/invariant.js'
import {dbIdentifier, parameterGroupFamily, renderDataStack} from '../../src/templates/data.js'
import {minimalEnv, prodEnv, stagingEnv} from '../helpers/env.js'

describe('data stack (design row 8: Aurora PostgreSQL Serverless v2)', () => {
  const stack = renderDataStack(prodEnv())
  const resources = stack.template.Resources
  const cluster = resources.DatabaseCluster

  it('is rendered only when a database is configured: the stack cut decides, and a call without one is a bug', () => {
    expect(() => renderDataStack(minimalEnv())).toThrow(RenderInvariantError)
    expect(stack.name).toBe('bookmark-manager-prod-data')
  })

  it('keeps a Snapshot when the cluster is deleted or replaced', () => {
    expect(cluster.Type).toBe('AWS::RDS::DBCluster')
    expect(cluster.DeletionPolicy).toBe('Snapshot')
    expect(cluster.UpdateReplacePolicy).toBe('Snapshot')
  })

  it('is Aurora PostgreSQL 17.x Serverless v2 with 0.5-16 ACU, database bookmarkdb, user dbadmin', () => {
    expect(cluster.Properties).toMatchObject({
      Engine: 'aurora-postgresql',
      EngineVersion: '17.9',
      EngineMode: 'provisioned',
      DatabaseName: 'bookmarkdb',
      MasterUsername: 'dbadmin',
      ServerlessV2ScalingConfiguration: {MinCapacity: 0.5, MaxCapacity: 16},
      DBClusterIdentifier: 'bookmark-manager-prod-aurora',
    })
  })

  it('lets RDS manage the master password: no password in the template', () => {
    expect(cluster.Properties!.ManageMasterUserPassword).toBe(true)
    expect(cluster.Properties!.MasterUserPassword).toBeUndefined()
    expect(JSON.stringify(stack.template)).not.toMatch(/"(MasterUserPassword|Password)"/)
    expect(stack.template.Outputs!.MasterSecretArn.Value).toEqual({'Fn::GetAtt': ['DatabaseCluster', 'MasterUserSecret.SecretArn']})
  })

  it('keeps backups 7 days in the 03:00-04:00 JST window, encrypts, protects from deletion, exports logs', () => {
    expect(cluster.Properties).toMatchObject({
      BackupRetentionPeriod: 7,
      PreferredBackupWindow: '18:00-19:00',
      PreferredMaintenanceWindow: 'sun:19:00-sun:20:00',
      StorageEncrypted: true,
      DeletionProtection: true,
      EnableCloudwatchLogsExports: ['postgresql'],
      CopyTagsToSnapshot: true,
      Port: 5432,
    })
  })

  it('exports PostgreSQL logs into a log group it creates first, with the environment retention (issue 10 item 12)', () => {
    expect(resources.DatabaseLogGroup).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: {LogGroupName: '/aws/rds/cluster/bookmark-manager-prod-aurora/postgresql', RetentionInDays: prodEnv().monitoring.logRetentionDays},
    })
    expect(cluster.DependsOn).toBe('DatabaseLogGroup')
  })

  it('allows IAM database authentication and publishes enhanced monitoring every 60 s (Control Tower CT.RDS)', () => {
    expect(cluster.Properties!.EnableIAMDatabaseAuthentication).toBe(true)
    for (const id of ['DatabaseInstance1', 'DatabaseInstance2']) {
      expect(resources[id].Properties).toMatchObject({MonitoringInterval: 60, MonitoringRoleArn: {'Fn::GetAtt': ['MonitoringRole', 'Arn']}})
    }
    expect(resources.MonitoringRole.Properties).toMatchObject({
      AssumeRolePolicyDocument: {Statement: [{Principal: {Service: 'monitoring.rds.amazonaws.com'}}]},
      ManagedPolicyArns: [{'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole'}],
    })
  })

  it('forces TLS through the cluster parameter group of the major version family', () => {
    expect(resources.DatabaseClusterParameterGroup.Properties).toMatchObject({Family: 'aurora-postgresql17', Parameters: {'rds.force_ssl': '1'}})
    expect(cluster.Properties!.DBClusterParameterGroupName).toEqual({Ref: 'DatabaseClusterParameterGroup'})
  })

  it('has 2 db.serverless instances, not public, auto minor upgrades, in two AZs', () => {
    const instances = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::RDS::DBInstance')
    expect(instances.map(([id]) => id)).toEqual(['DatabaseInstance1', 'DatabaseInstance2'])
    instances.forEach(([, instance], i) => {
      expect(instance.Properties).toMatchObject({
        DBInstanceClass: 'db.serverless',
        DBClusterIdentifier: {Ref: 'DatabaseCluster'},
        PubliclyAccessible: false,
        AutoMinorVersionUpgrade: true,
        AvailabilityZone: {'Fn::Select': [i, {'Fn::GetAZs': ''}]},
        DBInstanceIdentifier: `bookmark-manager-prod-aurora-${i + 1}`,
      })
    })
  })

  it('sits in the private subnets behind the database SG, both read from the network stack', () => {
    expect(resources.DatabaseSubnetGroup.Properties!.SubnetIds).toEqual({Ref: 'PrivateSubnetIds'})
    expect(cluster.Properties!.VpcSecurityGroupIds).toEqual([{Ref: 'DatabaseSecurityGroupId'}])
    expect(stack.parameters).toEqual({
      DatabaseSecurityGroupId: {from: 'output', stack: 'bookmark-manager-prod-network', output: 'DatabaseSecurityGroupId'},
      PrivateSubnetIds: {from: 'output', stack: 'bookmark-manager-prod-network', output: 'PrivateSubnetIds'},
    })
    expect(stack.template.Parameters!.PrivateSubnetIds.Type).toBe('List<AWS::EC2::Subnet::Id>')
    expect(stack.dependsOn).toEqual(['bookmark-manager-prod-network'])
  })

  it('outputs exactly the contract names', () => {
    expect(Object.keys(stack.template.Outputs!).sort()).toEqual(['ClusterEndpoint', 'ClusterIdentifier', 'MasterSecretArn', 'Port', 'ReaderEndpoint'])
  })

  it('follows staging settings: one instance, no deletion protection', () => {
    const staging = renderDataStack(stagingEnv()).template.Resources
    expect(staging.DatabaseInstance2).toBeUndefined()
    expect(staging.DatabaseCluster.Properties).toMatchObject({DeletionProtection: false, ServerlessV2ScalingConfiguration: {MinCapacity: 0.5, MaxCapacity: 4}})
  })
})

describe('data stack fixed names', () => {
  it('keeps the cluster parameter group\'s create-only Description per name, since the name is fixed', () => {
    // Description and Family are create-only on AWS::RDS::DBClusterParameterGroup: a change replaces the
    // group, and a replacement under the same name fails with "already exists". The major version is in
    // the name, so a new Family gets a new name; a reworded Description needs one too.
    const group = renderDataStack(prodEnv()).template.Resources.DatabaseClusterParameterGroup.Properties!
    expect(group.DBClusterParameterGroupName).toBe('bookmark-manager-prod-aurora-pg17')
    expect(group.Description).toBe('bookmark-manager-prod Aurora PostgreSQL 17: TLS required')
    expect(group.Family).toBe('aurora-postgresql17')
  })
})

describe('dbIdentifier', () => {
  it('is lowercase, starts with a letter, has no double or trailing hyphens, and fits 63 characters', () => {
    const env = {...prodEnv(), project: '9Very_Long--Project-Name-That-Goes-On-And-On-Forever', name: 'production-eu'}
    const id = dbIdentifier(env, 'aurora')
    expect(id.length).toBeLessThanOrEqual(63)
    expect(id).toMatch(/^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/)
    expect(dbIdentifier(env, 'aurora')).toBe(id)
  })

  it('derives the parameter group family from the major version', () => {
    expect(parameterGroupFamily('16.4')).toBe('aurora-postgresql16')
  })
})
