/**
 * A deploy whose change set modifies the Aurora cluster snapshots it first (issue: never lose data);
 * `--no-snapshot` opts out. The built CLI against the patched moto, whose data stack creates the
 * cluster in moto's RDS.
 */
import {readFileSync, writeFileSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DescribeDBClusterSnapshotsCommand, RDSClient} from '@aws-sdk/client-rds'
import {beforeAll, describe, expect, it} from 'vitest'
import {repoRoot, runCli} from '../helpers/built-cli.js'
import {useLocalAws} from '../helpers/e2e-setup.js'

const CLUSTER = 'bookmark-manager-prod-aurora'
// GIVEN prod's network and data stacks: the Aurora cluster exists, with no snapshot yet.
const local = useLocalAws({deploy: {env: 'prod', args: ['--infra-only', '--stack', 'network', '--stack', 'data']}})
let rds: RDSClient
let dir: string

/** The root platform.yaml with prod's backup retention changed: an in-place Modify of the cluster. */
function configWithRetention(days: number): string {
  const original = readFileSync(join(repoRoot, 'platform.yaml'), 'utf8')
  if (!original.includes('backupRetentionDays: 7')) throw new Error('the root platform.yaml no longer sets prod backupRetentionDays: 7')
  const path = join(dir, `platform-${days}.yaml`)
  writeFileSync(path, original.replace('backupRetentionDays: 7', `backupRetentionDays: ${days}`).replace('$schema=./schema/', `$schema=${repoRoot}schema/`))
  return path
}

async function preDeploySnapshots(): Promise<string[]> {
  const out = await rds.send(new DescribeDBClusterSnapshotsCommand({DBClusterIdentifier: CLUSTER}))
  return (out.DBClusterSnapshots ?? []).map((s) => s.DBClusterSnapshotIdentifier!).filter((id) => id.includes('-pre-deploy-'))
}

const deployData = (config: string, extra: string[] = []) =>
  runCli(['deploy', 'prod', '--yes', '--infra-only', '--stack', 'data', '--config', config, ...extra], {env: local.env})

beforeAll(() => {
  rds = new RDSClient({region: local.region, endpoint: local.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}})
  dir = mkdtempSync(join(tmpdir(), 'platform-snapshot-'))
})

describe('deploy snapshots the database before changing it (built CLI, patched moto)', () => {
  it('a change set that modifies the cluster takes a manual snapshot first and says so', async () => {
    expect(await preDeploySnapshots()).toEqual([])
    // WHEN the retention changes (the cluster is modified in place)
    const run = deployData(configWithRetention(8))
    // THEN one pre-deploy snapshot exists and the output names it
    expect(run.status, run.stderr).toBe(0)
    const snapshots = await preDeploySnapshots()
    expect(snapshots).toHaveLength(1)
    expect(snapshots[0]).toMatch(/^bookmark-manager-prod-aurora-pre-deploy-\d{8}t\d{6}$/)
    expect(run.stderr).toContain(`snapshot ${snapshots[0]} taken first`)
  }, 180_000)

  it('--no-snapshot changes the cluster without a snapshot', async () => {
    const run = deployData(configWithRetention(9), ['--no-snapshot'])
    expect(run.status, run.stderr).toBe(0)
    expect(run.stderr).not.toMatch(/taken first/)
    expect(await preDeploySnapshots()).toHaveLength(1)
  }, 180_000)

  it('a deploy that does not touch the cluster takes no snapshot', async () => {
    const run = deployData(configWithRetention(9))
    expect(run.status, run.stderr).toBe(0)
    expect(await preDeploySnapshots()).toHaveLength(1)
  }, 180_000)
})
