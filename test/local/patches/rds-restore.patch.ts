/** local/patches/rds_restore.py: a cluster whose password RDS manages can be restored from a snapshot. */
import {CreateDBClusterCommand, CreateDBClusterSnapshotCommand, DescribeDBClustersCommand, RestoreDBClusterFromSnapshotCommand} from '@aws-sdk/client-rds'
import {describe, expect, it} from 'vitest'
import {usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

describe('RestoreDBClusterFromSnapshot', () => {
  it('restores a cluster made with ManageMasterUserPassword (stock moto: HTTP 500)', async () => {
    await moto.rds().send(new CreateDBClusterCommand({DBClusterIdentifier: 'data', Engine: 'aurora-postgresql', EngineVersion: '17.9', MasterUsername: 'dbadmin', ManageMasterUserPassword: true}))
    await moto.rds().send(new CreateDBClusterSnapshotCommand({DBClusterIdentifier: 'data', DBClusterSnapshotIdentifier: 'before'}))
    await moto.rds().send(new RestoreDBClusterFromSnapshotCommand({DBClusterIdentifier: 'data-restored', SnapshotIdentifier: 'before', Engine: 'aurora-postgresql'}))
    const restored = (await moto.rds().send(new DescribeDBClustersCommand({DBClusterIdentifier: 'data-restored'}))).DBClusters?.[0]
    expect(restored).toMatchObject({DBClusterIdentifier: 'data-restored', Engine: 'aurora-postgresql', MasterUsername: 'dbadmin'})
  })
})
