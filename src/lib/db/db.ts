import type {ResolvedEnvironment} from '../config/types.js'
import {renderTable} from '../ui/table.js'
import {ExitCode, PlatformError} from '../errors.js'
import {fitName, NameLimits} from '../naming.js'
import {dbIdentifier} from '../../templates/data.js'
import type {ClusterInfo, DbApi, SnapshotInfo} from './rds.js'

export type DbEnvironment = Pick<ResolvedEnvironment, 'name' | 'project' | 'database' | 'region'>

/** How long to wait and how often to look, and the clock (tests pass their own). */
export interface Waiting {
  /** @default 15_000 against AWS (a snapshot takes minutes, a restore tens of minutes) */
  pollMs: number
  /** @default 4 h for a restore (the design's RTO), 1 h for a snapshot */
  timeoutMs: number
  now: () => number
  sleep: (ms: number) => Promise<void>
  /** Progress lines (stderr). */
  progress: (message: string) => void
}

/** The identifier of the environment's Aurora cluster: the one the data stack creates. */
export function clusterIdentifier(env: DbEnvironment): string {
  if (!env.database) {
    throw new PlatformError(`Environment ${env.name} has no database.`, {code: 'NO_DATABASE', exit: ExitCode.usage, suggestions: [`Add \`database\` to environments.${env.name} in platform.yaml.`]})
  }
  return dbIdentifier(env as ResolvedEnvironment, 'aurora')
}

/** `20261201T150405`: UTC, sortable, and valid inside an RDS identifier (letters, digits, hyphens). */
export function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').toLowerCase()
}

/** A snapshot or cluster identifier: starts with a letter, no double hyphen, no trailing hyphen. */
function rdsName(text: string, max: number): string {
  return fitName(text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-{2,}/g, '-'), max).replace(/-+$/, '')
}

async function requireCluster(api: DbApi, env: DbEnvironment): Promise<ClusterInfo> {
  const id = clusterIdentifier(env)
  const cluster = await api.describeCluster(id)
  if (!cluster) throw new PlatformError(`There is no Aurora cluster ${id} in ${env.region} (is ${env.name} deployed?).`, {code: 'NO_CLUSTER', exit: ExitCode.usage})
  return cluster
}

async function waitFor(what: string, check: () => Promise<string | undefined>, done: string, waiting: Waiting): Promise<string> {
  const started = waiting.now()
  let last: string | undefined
  for (;;) {
    const status = await check()
    if (status !== last) {
      waiting.progress(`${what}: ${status ?? 'not visible yet'}`)
      last = status
    }
    if (status === done) return status
    if (status && /fail|incompatible|error/i.test(status)) throw new PlatformError(`${what} is ${status}.`, {code: 'DB_OPERATION_FAILED', exit: ExitCode.deployFailed})
    if (waiting.now() - started > waiting.timeoutMs) {
      throw new PlatformError(`${what} is still ${status ?? 'not visible'} after ${Math.round(waiting.timeoutMs / 60_000)} min; it goes on in AWS, this command stopped waiting.`, {code: 'DB_WAIT_TIMEOUT', exit: ExitCode.deployFailed})
    }
    await waiting.sleep(waiting.pollMs)
  }
}

export interface SnapshotResult {
  environment: string
  cluster: string
  snapshot: string
  status: string
  createdAt?: string
  seconds: number
}

/**
 * Take a manual cluster snapshot and wait until it is `available`. Manual snapshots are kept
 * until deleted (automated ones expire with the backup retention), so this is what a risky
 * change or a restore drill should start from.
 */
export async function snapshotDatabase(env: DbEnvironment, api: DbApi, waiting: Waiting, options: {reason?: string; wait?: boolean} = {}): Promise<SnapshotResult> {
  const started = waiting.now()
  const cluster = await requireCluster(api, env)
  const reason = options.reason ?? 'manual'
  const snapshot = rdsName(`${cluster.identifier}-${reason}-${stamp(started)}`, 255)
  const tags = [{Key: 'platform:environment', Value: env.name}, {Key: 'platform:reason', Value: reason}]
  waiting.progress(`Snapshot ${snapshot} of ${cluster.identifier}...`)
  const created = await api.createSnapshot(cluster.identifier, snapshot, tags)
  const status = options.wait === false ? created.status : await waitFor(`Snapshot ${snapshot}`, async () => (await api.describeSnapshot(snapshot))?.status, 'available', waiting)
  const described = await api.describeSnapshot(snapshot)
  return {environment: env.name, cluster: cluster.identifier, snapshot, status, createdAt: described?.createdAt ?? created.createdAt, seconds: (waiting.now() - started) / 1000}
}

export interface SnapshotsResult {
  environment: string
  cluster: string
  /** Newest first. */
  snapshots: SnapshotInfo[]
  /** The point-in-time window `db restore --to-time` accepts. */
  restorableFrom?: string
  restorableTo?: string
}

/** Every snapshot of the environment's cluster, manual and automated, newest first, and the point-in-time window. */
export async function listDatabaseSnapshots(env: DbEnvironment, api: DbApi): Promise<SnapshotsResult> {
  const id = clusterIdentifier(env)
  const [cluster, snapshots] = await Promise.all([api.describeCluster(id), api.listSnapshots(id)])
  snapshots.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.identifier.localeCompare(b.identifier))
  return {environment: env.name, cluster: id, snapshots, restorableFrom: cluster?.earliestRestorableTime, restorableTo: cluster?.latestRestorableTime}
}

export interface RestoreOptions {
  /** A snapshot identifier (from `db snapshots`). */
  snapshot?: string
  /** ISO 8601 with a time zone: the point in time to restore to. */
  toTime?: string
  /** The new cluster's identifier. @default `<cluster>-restored-<UTC time>` */
  target?: string
}

export interface RestoreResult {
  environment: string
  source: {cluster: string; snapshot?: string; time?: string}
  cluster: string
  instance: string
  status: string
  endpoint?: string
  readerEndpoint?: string
  port?: number
  /** Where RDS keeps the new master password, when it manages it. */
  masterUserSecretArn?: string
  seconds: number
  /** What to do to move the services over; nothing here is done by the command. */
  switchOver: string[]
  warnings: string[]
}

/** A strict ISO 8601 instant: a date, a time, and a zone (Z or ±hh:mm), so it means one moment everywhere. */
export function parseRestoreTime(text: string): Date {
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)
  const time = new Date(text)
  if (!ok || Number.isNaN(time.getTime())) {
    throw new PlatformError(`--to-time ${JSON.stringify(text)} is not an ISO 8601 time with a zone.`, {code: 'INVALID_TIME', exit: ExitCode.usage, suggestions: ['For example 2026-12-01T14:30:00Z or 2026-12-01T23:30:00+09:00.']})
  }
  return time
}

/**
 * Restore into a NEW cluster (from a snapshot, or to a point in time), beside the old one, with
 * the old one's subnets, security group, parameter group and capacity, and a writer instance;
 * then wait until it is available. The old cluster is not touched: moving the services over is a
 * decision the switch-over steps leave to a person.
 */
export async function restoreDatabase(env: DbEnvironment, api: DbApi, options: RestoreOptions, waiting: Waiting): Promise<RestoreResult> {
  if (Boolean(options.snapshot) === Boolean(options.toTime)) {
    throw new PlatformError('Pass exactly one of --snapshot and --to-time.', {code: 'RESTORE_SOURCE', exit: ExitCode.usage, suggestions: [`\`platform db snapshots ${env.name}\` lists the snapshots and the point-in-time window.`]})
  }
  const started = waiting.now()
  const time = options.toTime ? parseRestoreTime(options.toTime) : undefined
  const source = await requireCluster(api, env)
  if (time) {
    const from = source.earliestRestorableTime ? Date.parse(source.earliestRestorableTime) : undefined
    const to = source.latestRestorableTime ? Date.parse(source.latestRestorableTime) : waiting.now()
    if ((from !== undefined && time.getTime() < from) || time.getTime() > to) {
      throw new PlatformError(`${time.toISOString()} is outside ${source.identifier}'s restorable window, ${source.earliestRestorableTime ?? '?'} to ${new Date(to).toISOString()}.`, {code: 'OUTSIDE_RESTORE_WINDOW', exit: ExitCode.usage})
    }
  }
  if (options.snapshot) {
    const snapshot = await api.describeSnapshot(options.snapshot)
    if (!snapshot) throw new PlatformError(`No cluster snapshot ${options.snapshot}.`, {code: 'NO_SNAPSHOT', exit: ExitCode.usage, suggestions: [`\`platform db snapshots ${env.name}\` lists them.`]})
    if (snapshot.status !== 'available') throw new PlatformError(`Snapshot ${options.snapshot} is ${snapshot.status}, not available yet.`, {code: 'SNAPSHOT_NOT_READY', exit: ExitCode.usage})
  }
  const target = options.target ?? rdsName(`${source.identifier}-restored-${stamp(started)}`, NameLimits.dbClusterIdentifier)
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(target) || target.length > NameLimits.dbClusterIdentifier) {
    throw new PlatformError(`--target ${JSON.stringify(target)} is not a valid cluster identifier (lowercase letters, digits, single hyphens, starting with a letter, at most 63).`, {code: 'INVALID_TARGET', exit: ExitCode.usage})
  }
  if (await api.describeCluster(target)) throw new PlatformError(`A cluster ${target} already exists; nothing was restored.`, {code: 'TARGET_EXISTS', exit: ExitCode.usage, suggestions: ['Pass another --target.']})

  // The CloudFormation tags would make the new cluster look like the stack's own: drop them (AWS refuses aws: keys anyway).
  const tags = [
    ...source.tags.filter((t) => !t.Key.startsWith('aws:') && !t.Key.startsWith('platform:restored')),
    {Key: 'platform:restored-from', Value: options.snapshot ?? `${source.identifier}@${time!.toISOString()}`},
  ]
  const settings = {target, source, tags}
  waiting.progress(`Restoring ${options.snapshot ? `snapshot ${options.snapshot}` : `${source.identifier} as of ${time!.toISOString()}`} into new cluster ${target}...`)
  if (options.snapshot) await api.restoreFromSnapshot(options.snapshot, settings)
  else await api.restoreToTime(time!, settings)
  await waitFor(`Cluster ${target}`, async () => (await api.describeCluster(target))?.status, 'available', waiting)

  const instance = rdsName(`${target}-1`, NameLimits.dbClusterIdentifier)
  await api.createWriter(target, instance, source.engine, tags)
  await waitFor(`Writer ${instance}`, () => api.instanceStatus(instance), 'available', waiting)

  const warnings: string[] = []
  if (source.masterUserSecretArn) {
    try {
      await api.manageMasterPassword(target)
    } catch (error) {
      warnings.push(`Could not hand the master password of ${target} to Secrets Manager (${(error as Error).message}); set one with \`aws rds modify-db-cluster --db-cluster-identifier ${target} --manage-master-user-password --apply-immediately\`.`)
    }
  }
  const restored = (await api.describeCluster(target))!
  const seconds = (waiting.now() - started) / 1000
  return {
    environment: env.name,
    source: {cluster: source.identifier, snapshot: options.snapshot, time: time?.toISOString()},
    cluster: target,
    instance,
    status: restored.status,
    endpoint: restored.endpoint,
    readerEndpoint: restored.readerEndpoint,
    port: restored.port,
    masterUserSecretArn: restored.masterUserSecretArn,
    seconds,
    switchOver: switchOverSteps(env, source, restored),
    warnings,
  }
}

/** The steps a person takes to move the services to the restored cluster (printed, never run). */
export function switchOverSteps(env: DbEnvironment, source: ClusterInfo, restored: ClusterInfo): string[] {
  const port = restored.port ?? source.port ?? 5432
  return [
    `Check the restored data: connect to ${restored.endpoint ?? restored.identifier}:${port} (database ${env.database?.name ?? '?'}, user ${env.database?.masterUsername ?? '?'}${restored.masterUserSecretArn ? `, password in Secrets Manager ${restored.masterUserSecretArn}` : ''}).`,
    `Stop writes to the old cluster ${source.identifier} if its data is to be left behind (scale the services to 0, or put them in maintenance).`,
    `Point the services at the new writer: \`platform secrets set ${env.name} DATABASE_URL\` with host ${restored.endpoint ?? restored.identifier}, then \`platform deploy ${env.name}\` so new tasks read it.`,
    `Watch \`platform status ${env.name}\` and \`platform logs ${env.name} SERVICE\` until the services are healthy.`,
    `The old cluster ${source.identifier} is untouched and still in the data stack (it keeps costing); delete it only when sure, by hand. The new cluster ${restored.identifier} is not managed by CloudFormation.`,
  ]
}

/** Plain text for `db snapshots`. */
export function formatSnapshots(result: SnapshotsResult): string {
  const rows = result.snapshots.map((s) => [s.identifier, s.type, s.status, s.createdAt ?? '-', s.allocatedStorageGb === undefined ? '-' : `${s.allocatedStorageGb} GiB`])
  const lines = rows.length === 0 ? [`No snapshots of ${result.cluster} yet.`] : [renderTable(['SNAPSHOT', 'TYPE', 'STATUS', 'CREATED', 'SIZE'], rows, ['left', 'left', 'left', 'left', 'right'])]
  if (result.restorableFrom) lines.push('', `Point-in-time restore (--to-time): ${result.restorableFrom} to ${result.restorableTo ?? 'now'}.`)
  return lines.join('\n')
}

/** Real time, progress on stderr. @default pollMs 15 s */
export function realWaiting(options: {pollMs?: number; timeoutMs: number; progress?: (m: string) => void}): Waiting {
  return {
    pollMs: options.pollMs ?? 15_000,
    timeoutMs: options.timeoutMs,
    now: () => Date.now(),
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
    progress: options.progress ?? ((m) => process.stderr.write(`${m}\n`)),
  }
}

/** What a change set does to the database, as the deploy engine reports it. */
export interface StackChanges {
  name: string
  part: string
  changes: Array<{type: string; action: string; logicalId: string}>
}

/**
 * The deploy hook behind `--snapshot` (on by default): before a change set that modifies or removes the
 * Aurora cluster is executed, take a manual snapshot and wait until it is available, so a change that goes
 * wrong can be undone with `platform db restore --snapshot`. A cluster being created has nothing to keep.
 */
export function snapshotBeforeDatabaseChange(env: DbEnvironment, api: () => DbApi, waiting: Waiting): (stack: StackChanges) => Promise<void> {
  return async (stack) => {
    const touched = stack.changes.find((c) => c.type === 'AWS::RDS::DBCluster' && (c.action === 'Modify' || c.action === 'Remove'))
    if (!touched || !env.database) return
    const result = await snapshotDatabase(env, api(), waiting, {reason: 'pre-deploy'})
    waiting.progress(`${stack.name} changes the database (${touched.logicalId}): snapshot ${result.snapshot} taken first (${result.seconds.toFixed(1)} s). Skip with --no-snapshot.`)
  }
}
