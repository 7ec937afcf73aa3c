import {isAwsError} from '../aws/aws-error.js'
import type {AwsClients} from '../aws/clients.js'
import {toAwsAuthError} from '../aws/clients.js'

/** What db commands read of a cluster. */
export interface ClusterInfo {
  identifier: string
  status: string
  engine: string
  engineVersion?: string
  endpoint?: string
  readerEndpoint?: string
  port?: number
  subnetGroup?: string
  securityGroupIds: string[]
  parameterGroup?: string
  minCapacity?: number
  maxCapacity?: number
  deletionProtection: boolean
  earliestRestorableTime?: string
  latestRestorableTime?: string
  masterUserSecretArn?: string
  logExports: string[]
  tags: Array<{Key: string; Value: string}>
  members: Array<{identifier: string; writer: boolean}>
}

export interface SnapshotInfo {
  identifier: string
  cluster: string
  /** `manual` or `automated` (RDS's daily backups). */
  type: string
  status: string
  createdAt?: string
  /** GiB of the cluster volume when the snapshot was taken. */
  allocatedStorageGb?: number
  engineVersion?: string
}

export interface RestoreSettings {
  target: string
  source: ClusterInfo
  tags: Array<{Key: string; Value: string}>
}

/** The RDS calls the db commands and the deploy snapshot hook make, and only those. */
export interface DbApi {
  /** undefined when there is no such cluster. */
  describeCluster(identifier: string): Promise<ClusterInfo | undefined>
  createSnapshot(cluster: string, snapshot: string, tags: Array<{Key: string; Value: string}>): Promise<SnapshotInfo>
  describeSnapshot(identifier: string): Promise<SnapshotInfo | undefined>
  /** Manual and automated snapshots of a cluster, every page. */
  listSnapshots(cluster: string): Promise<SnapshotInfo[]>
  restoreFromSnapshot(snapshot: string, settings: RestoreSettings): Promise<void>
  restoreToTime(time: Date, settings: RestoreSettings): Promise<void>
  /** A `db.serverless` writer in the cluster: a restored cluster has no instance, so nothing can connect to it. */
  createWriter(cluster: string, instance: string, engine: string, tags: Array<{Key: string; Value: string}>): Promise<void>
  instanceStatus(instance: string): Promise<string | undefined>
  /** Let RDS generate and keep the master password in Secrets Manager (a restore does not carry the old secret over). */
  manageMasterPassword(cluster: string): Promise<void>
}

function toSnapshot(s: any): SnapshotInfo {
  return {
    identifier: s.DBClusterSnapshotIdentifier,
    cluster: s.DBClusterIdentifier,
    type: s.SnapshotType ?? 'manual',
    status: s.Status ?? 'unknown',
    createdAt: s.SnapshotCreateTime ? new Date(s.SnapshotCreateTime).toISOString() : undefined,
    allocatedStorageGb: s.AllocatedStorage,
    engineVersion: s.EngineVersion,
  }
}

function toCluster(c: any): ClusterInfo {
  const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : undefined)
  return {
    identifier: c.DBClusterIdentifier,
    status: c.Status ?? 'unknown',
    engine: c.Engine,
    engineVersion: c.EngineVersion,
    endpoint: c.Endpoint,
    readerEndpoint: c.ReaderEndpoint,
    port: c.Port,
    subnetGroup: c.DBSubnetGroup,
    securityGroupIds: (c.VpcSecurityGroups ?? []).map((g: any) => g.VpcSecurityGroupId).filter(Boolean),
    parameterGroup: c.DBClusterParameterGroup,
    minCapacity: c.ServerlessV2ScalingConfiguration?.MinCapacity,
    maxCapacity: c.ServerlessV2ScalingConfiguration?.MaxCapacity,
    deletionProtection: Boolean(c.DeletionProtection),
    earliestRestorableTime: iso(c.EarliestRestorableTime),
    latestRestorableTime: iso(c.LatestRestorableTime),
    masterUserSecretArn: c.MasterUserSecret?.SecretArn,
    logExports: c.EnabledCloudwatchLogsExports ?? [],
    tags: (c.TagList ?? []).filter((t: any) => t.Key && t.Value !== undefined),
    members: (c.DBClusterMembers ?? []).map((m: any) => ({identifier: m.DBInstanceIdentifier, writer: Boolean(m.IsClusterWriter)})),
  }
}

/** The copied settings a restored cluster needs to sit where the old one does: same subnets, security group, parameters, capacity. */
function restoreParameters(settings: RestoreSettings): Record<string, unknown> {
  const s = settings.source
  return {
    DBClusterIdentifier: settings.target,
    Port: s.port,
    DBSubnetGroupName: s.subnetGroup,
    VpcSecurityGroupIds: s.securityGroupIds.length > 0 ? s.securityGroupIds : undefined,
    DBClusterParameterGroupName: s.parameterGroup,
    ServerlessV2ScalingConfiguration: s.minCapacity !== undefined && s.maxCapacity !== undefined ? {MinCapacity: s.minCapacity, MaxCapacity: s.maxCapacity} : undefined,
    EnableCloudwatchLogsExports: s.logExports.length > 0 ? s.logExports : undefined,
    DeletionProtection: s.deletionProtection,
    CopyTagsToSnapshot: true,
    Tags: settings.tags,
  }
}

/** DbApi over the client factory's RDS client for one region. */
export function createDbApi(clients: AwsClients, region: string): DbApi {
  const rds = async () => ({client: await clients.rds(region), sdk: await import('@aws-sdk/client-rds')})
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work()
    } catch (error) {
      throw toAwsAuthError(error)
    }
  }
  return {
    describeCluster: (identifier) =>
      call(async () => {
        const {client, sdk} = await rds()
        try {
          const out = await client.send(new sdk.DescribeDBClustersCommand({DBClusterIdentifier: identifier}))
          return out.DBClusters?.[0] ? toCluster(out.DBClusters[0]) : undefined
        } catch (error) {
          if (isAwsError(error, 'DBClusterNotFoundFault')) return undefined
          throw error
        }
      }),
    createSnapshot: (cluster, snapshot, tags) =>
      call(async () => {
        const {client, sdk} = await rds()
        const out = await client.send(new sdk.CreateDBClusterSnapshotCommand({DBClusterIdentifier: cluster, DBClusterSnapshotIdentifier: snapshot, Tags: tags}))
        return toSnapshot(out.DBClusterSnapshot ?? {DBClusterSnapshotIdentifier: snapshot, DBClusterIdentifier: cluster, Status: 'creating'})
      }),
    describeSnapshot: (identifier) =>
      call(async () => {
        const {client, sdk} = await rds()
        try {
          const out = await client.send(new sdk.DescribeDBClusterSnapshotsCommand({DBClusterSnapshotIdentifier: identifier}))
          return out.DBClusterSnapshots?.[0] ? toSnapshot(out.DBClusterSnapshots[0]) : undefined
        } catch (error) {
          if (isAwsError(error, 'DBClusterSnapshotNotFoundFault')) return undefined
          throw error
        }
      }),
    listSnapshots: (cluster) =>
      call(async () => {
        const {client, sdk} = await rds()
        const found: SnapshotInfo[] = []
        let marker: string | undefined
        do {
          const out = await client.send(new sdk.DescribeDBClusterSnapshotsCommand({DBClusterIdentifier: cluster, Marker: marker, MaxRecords: 100}))
          found.push(...(out.DBClusterSnapshots ?? []).map(toSnapshot))
          marker = out.Marker
        } while (marker)
        return found
      }),
    restoreFromSnapshot: (snapshot, settings) =>
      call(async () => {
        const {client, sdk} = await rds()
        await client.send(new sdk.RestoreDBClusterFromSnapshotCommand({...(restoreParameters(settings) as any), SnapshotIdentifier: snapshot, Engine: settings.source.engine, EngineVersion: settings.source.engineVersion}))
      }),
    restoreToTime: (time, settings) =>
      call(async () => {
        const {client, sdk} = await rds()
        await client.send(new sdk.RestoreDBClusterToPointInTimeCommand({...(restoreParameters(settings) as any), SourceDBClusterIdentifier: settings.source.identifier, RestoreToTime: time, RestoreType: 'full-copy'}))
      }),
    createWriter: (cluster, instance, engine, tags) =>
      call(async () => {
        const {client, sdk} = await rds()
        await client.send(new sdk.CreateDBInstanceCommand({DBInstanceIdentifier: instance, DBClusterIdentifier: cluster, DBInstanceClass: 'db.serverless', Engine: engine, PubliclyAccessible: false, Tags: tags}))
      }),
    instanceStatus: (instance) =>
      call(async () => {
        const {client, sdk} = await rds()
        try {
          const out = await client.send(new sdk.DescribeDBInstancesCommand({DBInstanceIdentifier: instance}))
          return out.DBInstances?.[0]?.DBInstanceStatus
        } catch (error) {
          if (isAwsError(error, 'DBInstanceNotFoundFault', 'DBInstanceNotFound')) return undefined
          throw error
        }
      }),
    manageMasterPassword: (cluster) =>
      call(async () => {
        const {client, sdk} = await rds()
        await client.send(new sdk.ModifyDBClusterCommand({DBClusterIdentifier: cluster, ManageMasterUserPassword: true, ApplyImmediately: true}))
      }),
  }
}
