import type {ResolvedEnvironment} from '../lib/config/types.js'
import {fitName, NameLimits} from '../lib/naming.js'
import {defineStack, fromOutput, newTemplate, prefix, tagList} from './common.js'
import {assumeRolePolicy} from './iam.js'
import {outsideStackCut} from '../lib/stacks/invariant.js'
import type {CfnResource, StackDefinition} from '../lib/stacks/types.js'

const POSTGRES_PORT = 5432

/**
 * An RDS identifier from `<project>-<env>-<suffix>`: lowercase letters, digits and single hyphens,
 * starting with a letter, within `max` characters.
 */
export function dbIdentifier(env: ResolvedEnvironment, suffix: string, max: number = NameLimits.dbClusterIdentifier): string {
  let name = `${prefix(env)}-${suffix}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-{2,}/g, '-')
  if (!/^[a-z]/.test(name)) name = `db-${name}`
  return fitName(name, max).replace(/-+$/, '')
}

/** `aurora-postgresql17` for version `17.9`: the parameter group family follows the major version. */
export function parameterGroupFamily(version: string): string {
  return `aurora-postgresql${version.split('.')[0]}`
}

/** Enhanced monitoring interval, seconds (1, 5, 10, 15, 30 or 60; 60 is the cheapest). */
export const ENHANCED_MONITORING_SECONDS = 60

/**
 * Aurora PostgreSQL Serverless v2, only when `database` is set: subnet group, cluster parameter
 * group forcing TLS, the cluster (RDS keeps the master password in Secrets Manager; no password
 * ever appears in a template) and its `db.serverless` instances spread over the AZs.
 */
export function renderDataStack(env: ResolvedEnvironment): StackDefinition {
  const db = env.database
  if (!db) throw outsideStackCut('data', 'a database section')
  const template = newTemplate(`${prefix(env)}: Aurora PostgreSQL ${db.version} Serverless v2 (${db.minCapacity}-${db.maxCapacity} ACU, ${db.instances} instances)`)
  template.Parameters = {
    PrivateSubnetIds: {Type: 'List<AWS::EC2::Subnet::Id>', Description: 'Private subnets of the network stack'},
    DatabaseSecurityGroupId: {Type: 'AWS::EC2::SecurityGroup::Id', Description: 'Database security group of the network stack'},
  }
  const clusterId = dbIdentifier(env, 'aurora')
  const major = db.version.split('.')[0]
  const resources: Record<string, CfnResource> = {
    DatabaseSubnetGroup: {
      Type: 'AWS::RDS::DBSubnetGroup',
      Metadata: {'platform:description': 'Database subnet group (private subnets)'},
      Properties: {
        DBSubnetGroupName: dbIdentifier(env, 'aurora', 255),
        DBSubnetGroupDescription: `${prefix(env)} Aurora private subnets`,
        SubnetIds: {Ref: 'PrivateSubnetIds'},
        Tags: tagList(env),
      },
    },
    DatabaseClusterParameterGroup: {
      Type: 'AWS::RDS::DBClusterParameterGroup',
      Metadata: {'platform:description': 'Cluster parameter group (TLS required)'},
      Properties: {
        // The major version is in the name: a major upgrade replaces the group, and a replacement needs a new name.
        DBClusterParameterGroupName: dbIdentifier(env, `aurora-pg${major}`, 255),
        Description: `${prefix(env)} Aurora PostgreSQL ${major}: TLS required`,
        Family: parameterGroupFamily(db.version),
        Parameters: {'rds.force_ssl': '1'},
        Tags: tagList(env),
      },
    },
    // RDS creates this group on first export with no retention, keeping PostgreSQL logs (which can
    // hold query text) forever. Created here first, it expires like every other log group.
    DatabaseLogGroup: {
      Type: 'AWS::Logs::LogGroup',
      Metadata: {'platform:description': `PostgreSQL log group of ${clusterId} (${env.monitoring.logRetentionDays} days)`},
      Properties: {LogGroupName: `/aws/rds/cluster/${clusterId}/postgresql`, RetentionInDays: env.monitoring.logRetentionDays, Tags: tagList(env)},
    },
    DatabaseCluster: {
      Type: 'AWS::RDS::DBCluster',
      DependsOn: 'DatabaseLogGroup',
      // Deleting or replacing the stack leaves a final snapshot rather than nothing.
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
      Metadata: {'platform:description': `Aurora PostgreSQL ${db.version} cluster ${clusterId}`},
      Properties: {
        DBClusterIdentifier: clusterId,
        Engine: db.engine,
        EngineVersion: db.version,
        EngineMode: 'provisioned',
        DatabaseName: db.name,
        MasterUsername: db.masterUsername,
        ManageMasterUserPassword: true,
        Port: POSTGRES_PORT,
        ServerlessV2ScalingConfiguration: {MinCapacity: db.minCapacity, MaxCapacity: db.maxCapacity},
        StorageEncrypted: true,
        DeletionProtection: db.deletionProtection,
        BackupRetentionPeriod: db.backupRetentionDays,
        PreferredBackupWindow: db.backupWindow,
        PreferredMaintenanceWindow: db.maintenanceWindow,
        EnableCloudwatchLogsExports: ['postgresql'],
        // Logins may use short-lived IAM tokens (rds-db:connect) besides the managed password.
        EnableIAMDatabaseAuthentication: true,
        CopyTagsToSnapshot: true,
        DBSubnetGroupName: {Ref: 'DatabaseSubnetGroup'},
        DBClusterParameterGroupName: {Ref: 'DatabaseClusterParameterGroup'},
        VpcSecurityGroupIds: [{Ref: 'DatabaseSecurityGroupId'}],
        Tags: tagList(env),
      },
    },
  }
  resources.MonitoringRole = {
    Type: 'AWS::IAM::Role',
    Metadata: {'platform:description': 'RDS enhanced monitoring publishes OS metrics with this role'},
    Properties: {
      Description: `${prefix(env)}: RDS enhanced monitoring of the Aurora instances`,
      AssumeRolePolicyDocument: assumeRolePolicy('monitoring.rds.amazonaws.com'),
      ManagedPolicyArns: [{'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole'}],
      Tags: tagList(env),
    },
  }
  for (let i = 1; i <= db.instances; i++) {
    const instanceId = dbIdentifier(env, `aurora-${i}`)
    resources[`DatabaseInstance${i}`] = {
      Type: 'AWS::RDS::DBInstance',
      // Aurora instances hold no data of their own (the cluster volume does, and it is snapshotted).
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Metadata: {'platform:description': `Aurora ${i === 1 ? 'writer' : 'reader'} instance ${instanceId} (db.serverless)`},
      Properties: {
        DBInstanceIdentifier: instanceId,
        DBClusterIdentifier: {Ref: 'DatabaseCluster'},
        DBInstanceClass: 'db.serverless',
        Engine: db.engine,
        PubliclyAccessible: false,
        AutoMinorVersionUpgrade: true,
        // Instance n in AZ n (mod the AZ count): a reader in another AZ is the failover target.
        AvailabilityZone: {'Fn::Select': [(i - 1) % env.network.availabilityZones, {'Fn::GetAZs': ''}]},
        PromotionTier: i === 1 ? 0 : 1,
        // OS-level metrics (memory, swap, processes) every 60 s: what CloudWatch's instance metrics lack.
        MonitoringInterval: ENHANCED_MONITORING_SECONDS,
        MonitoringRoleArn: {'Fn::GetAtt': ['MonitoringRole', 'Arn']},
        Tags: tagList(env),
      },
    }
  }
  template.Resources = resources
  template.Outputs = {
    ClusterIdentifier: {Description: 'Aurora cluster identifier', Value: {Ref: 'DatabaseCluster'}},
    ClusterEndpoint: {Description: 'Writer endpoint', Value: {'Fn::GetAtt': ['DatabaseCluster', 'Endpoint.Address']}},
    ReaderEndpoint: {Description: 'Reader endpoint', Value: {'Fn::GetAtt': ['DatabaseCluster', 'ReadEndpoint.Address']}},
    Port: {Description: 'PostgreSQL port', Value: {'Fn::GetAtt': ['DatabaseCluster', 'Endpoint.Port']}},
    MasterSecretArn: {Description: 'Secrets Manager secret RDS manages for the master user', Value: {'Fn::GetAtt': ['DatabaseCluster', 'MasterUserSecret.SecretArn']}},
  }
  return defineStack(env, 'data', template, {
    parameters: {
      PrivateSubnetIds: fromOutput(env, 'network', 'PrivateSubnetIds'),
      DatabaseSecurityGroupId: fromOutput(env, 'network', 'DatabaseSecurityGroupId'),
    },
  })
}
