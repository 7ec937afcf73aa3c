/**
 * `platform db` end to end: the built CLI against the patched moto, whose data stack creates the
 * Aurora cluster in moto's RDS (local/README.md). Snapshot, list, restore from the snapshot and to
 * a point in time, each into a new cluster, the old one untouched.
 */
import {DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient} from '@aws-sdk/client-rds'
import {beforeAll, describe, expect, it} from 'vitest'
import {runCli} from '../helpers/built-cli.js'
import {useLocalAws} from '../helpers/e2e-setup.js'

const CLUSTER = 'bookmark-manager-prod-aurora'
// GIVEN prod's network and data stacks: the Aurora cluster exists.
const local = useLocalAws({deploy: {env: 'prod', args: ['--infra-only', '--stack', 'network', '--stack', 'data']}})
let rds: RDSClient

/** Snapshot and restore poll every 50 ms here (15 s against AWS). */
const platform = (args: string[]) => runCli([...args, ...(['snapshot', 'restore'].includes(args[1]) ? ['--poll-interval', '50'] : [])], {env: local.env})

async function clusters(): Promise<string[]> {
  const out = await rds.send(new DescribeDBClustersCommand({}))
  return (out.DBClusters ?? []).map((c) => c.DBClusterIdentifier!).sort()
}

beforeAll(() => {
  rds = new RDSClient({region: local.region, endpoint: local.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}})
})

describe('platform db (built CLI, patched moto)', () => {
  let snapshot: string

  it('db snapshot takes a manual snapshot and reports how long it took', async () => {
    expect(await clusters()).toEqual([CLUSTER])
    const run = platform(['db', 'snapshot', 'prod', '--json'])
    expect(run.status, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result).toMatchObject({environment: 'prod', cluster: CLUSTER, status: 'available', snapshot: expect.stringMatching(/^bookmark-manager-prod-aurora-manual-\d{8}t\d{6}$/)})
    expect(result.seconds).toBeGreaterThanOrEqual(0)
    snapshot = result.snapshot
  }, 60_000)

  it('db snapshots lists it, with the point-in-time window', () => {
    const run = platform(['db', 'snapshots', 'prod', '--json'])
    expect(run.status, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result.cluster).toBe(CLUSTER)
    expect(result.snapshots.map((s: any) => s.identifier)).toContain(snapshot)
    expect(result.snapshots.find((s: any) => s.identifier === snapshot)).toMatchObject({type: 'manual', status: 'available'})
    expect(Date.parse(result.restorableFrom)).toBeLessThanOrEqual(Date.parse(result.restorableTo))
    const text = platform(['db', 'snapshots', 'prod'])
    expect(text.stdout).toContain(snapshot)
    expect(text.stdout).toMatch(/Point-in-time restore/)
  }, 60_000)

  it('db restore --snapshot makes a new cluster with a writer, prints the switch-over, and keeps the old one', async () => {
    const run = platform(['db', 'restore', 'prod', '--snapshot', snapshot, '--target', 'restored-from-snapshot'])
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/Restored .* into restored-from-snapshot in \d/)
    expect(run.stdout).toMatch(/Switch-over/)
    expect(run.stdout).toMatch(/platform secrets set prod DATABASE_URL/)
    expect(run.stdout).toMatch(/old cluster bookmark-manager-prod-aurora is untouched/)
    expect(await clusters()).toEqual([CLUSTER, 'restored-from-snapshot'].sort())
    const instances = await rds.send(new DescribeDBInstancesCommand({DBInstanceIdentifier: 'restored-from-snapshot-1'}))
    expect(instances.DBInstances![0]).toMatchObject({DBClusterIdentifier: 'restored-from-snapshot', DBInstanceClass: 'db.serverless'})
    const restored = (await rds.send(new DescribeDBClustersCommand({DBClusterIdentifier: 'restored-from-snapshot'}))).DBClusters![0]
    const source = (await rds.send(new DescribeDBClustersCommand({DBClusterIdentifier: CLUSTER}))).DBClusters![0]
    expect(restored.DBSubnetGroup).toBe(source.DBSubnetGroup)
    expect(restored.TagList).toContainEqual({Key: 'platform:restored-from', Value: snapshot})
    // The same target twice is refused, and nothing else is created.
    const again = platform(['db', 'restore', 'prod', '--snapshot', snapshot, '--target', 'restored-from-snapshot'])
    expect(again.status).toBe(2)
    expect(again.stderr).toMatch(/already exists/)
  }, 60_000)

  it('db restore --to-time restores a point in time inside the window and refuses one outside', async () => {
    const window = JSON.parse(platform(['db', 'snapshots', 'prod', '--json']).stdout)
    const outside = platform(['db', 'restore', 'prod', '--to-time', '2001-01-01T00:00:00Z'])
    expect(outside.status).toBe(2)
    expect(outside.stderr).toMatch(/is outside/)
    expect(outside.stderr).toMatch(/restorable window/)
    const noZone = platform(['db', 'restore', 'prod', '--to-time', '2026-12-01T10:00:00'])
    expect(noZone.status).toBe(2)
    expect(noZone.stderr).toMatch(/with a zone/)

    const time = new Date(Math.max(Date.parse(window.restorableFrom), Date.now() - 1000)).toISOString()
    const run = platform(['db', 'restore', 'prod', '--to-time', time, '--json'])
    expect(run.status, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result).toMatchObject({source: {cluster: CLUSTER, time}, status: 'available', cluster: expect.stringMatching(/^bookmark-manager-prod-aurora-restored-\d{8}t\d{6}$/)})
    expect(result.switchOver.length).toBeGreaterThan(3)
    expect(await clusters()).toContain(result.cluster)
    expect(await clusters()).toContain(CLUSTER)
  }, 60_000)
})
