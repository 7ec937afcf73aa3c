import type {ResolvedEnvironment} from '../config/types.js'
import {clusterIdentifier} from '../db/db.js'
import type {DbApi} from '../db/rds.js'
import {renderTable} from '../ui/table.js'
import {servicePart} from '../stacks/parts.js'
import type {StackDefinition} from '../stacks/types.js'
import {clusterName} from '../../templates/cluster.js'
import {prefix} from '../../templates/common.js'
import {serviceName} from '../../templates/service.js'
import type {AlarmSummary, ServiceSummary, StatusApi} from './aws.js'

export interface StackStatus {
  part: string
  name: string
  region: string
  /** NOT_DEPLOYED when CloudFormation has no such stack. */
  status: string
  lastUpdated?: string
  drift?: string
  terminationProtection?: boolean
}

/** A service as ECS reports it (status NOT_DEPLOYED when ECS has no such service), with its deployed image. */
export interface ServiceStatus extends Omit<ServiceSummary, 'name'> {
  /** The service's name in platform.yaml. */
  name: string
  ecsService: string
  image?: string
  /** `sha256:...` when the image is pinned by digest. */
  imageDigest?: string
}

export interface ReleaseStatus {
  id: string
  outcome?: string
  description?: string
  startedAt?: string
  endedAt?: string
  commit?: string
}

export interface DatabaseStatus {
  identifier: string
  /** NOT_DEPLOYED when RDS has no such cluster. */
  status: string
  engineVersion?: string
  minCapacity?: number
  maxCapacity?: number
  instances: Array<{identifier: string; writer: boolean}>
  endpoint?: string
}

export interface StatusReport {
  environment: string
  region: string
  checkedAt: string
  stacks: StackStatus[]
  services: ServiceStatus[]
  /** The last recorded release, or null when none is recorded (or the bootstrap stack is missing). */
  release: ReleaseStatus | null
  alarms: AlarmSummary[]
  /** null when the environment has no database. */
  database: DatabaseStatus | null
  /** Wall time of the reads. */
  tookMs: number
}

function digestOf(image: string | undefined): string | undefined {
  return image?.match(/@(sha256:[0-9a-f]{64})$/)?.[1]
}

async function latestRelease(api: StatusApi, region: string, bucket: string | undefined): Promise<ReleaseStatus | null> {
  const record = bucket ? await api.latestRelease(region, bucket) : undefined
  if (!record) return null
  return {id: record.id, outcome: record.outcome, description: record.description, startedAt: record.startedAt, endedAt: record.endedAt, commit: record.git?.commit}
}

/**
 * Everything about a deployed environment at a glance. The reads run at once: every region's
 * stacks, the ECS services, the alarms in ALARM and the Aurora cluster; only the release waits,
 * for the bootstrap stack's bucket name.
 */
export async function readStatus(env: ResolvedEnvironment, stacks: StackDefinition[], api: StatusApi, db: DbApi, now: () => number = Date.now): Promise<StatusReport> {
  const started = now()
  const regions = [...new Set(stacks.map((s) => s.region))].sort()
  const services = Object.keys(env.services).sort()
  const ecsNames = services.map((s) => serviceName(env, s))
  const byRegionPromise = Promise.all(regions.map(async (r) => [r, await api.stacks(r)] as const))
  const releasePromise = byRegionPromise.then((byRegion) => {
    const bootstrap = stacks.find((s) => s.part === 'bootstrap')
    const found = bootstrap && byRegion.find(([r]) => r === bootstrap.region)?.[1].find((s) => s.name === bootstrap.name)
    return latestRelease(api, env.region, found?.outputs.ArtifactBucketName)
  })
  const [byRegion, ecs, alarms, cluster, release] = await Promise.all([
    byRegionPromise,
    api.services(env.region, clusterName(env), ecsNames),
    api.alarmsInAlarm(env.region, prefix(env)),
    env.database ? db.describeCluster(clusterIdentifier(env)) : Promise.resolve(undefined),
    releasePromise,
  ])
  const deployed = new Map(byRegion.flatMap(([region, list]) => list.map((s) => [`${region}/${s.name}`, s] as const)))
  const stackStatus = stacks.map((s): StackStatus => {
    const found = deployed.get(`${s.region}/${s.name}`)
    return {part: s.part, name: s.name, region: s.region, status: found?.status ?? 'NOT_DEPLOYED', lastUpdated: found?.lastUpdated, drift: found?.drift, terminationProtection: found?.terminationProtection}
  })
  const serviceStatus = services.map((name, i): ServiceStatus => {
    const found = ecs.find((s) => s.name === ecsNames[i])
    const stack = stacks.find((s) => s.part === servicePart(name))
    const image = stack ? deployed.get(`${stack.region}/${stack.name}`)?.parameters.ImageUri : undefined
    return {
      name,
      ecsService: ecsNames[i],
      status: found?.status ?? 'NOT_DEPLOYED',
      running: found?.running ?? 0,
      desired: found?.desired ?? 0,
      pending: found?.pending ?? 0,
      taskDefinition: found?.taskDefinition,
      rolloutState: found?.rolloutState,
      image: image || undefined,
      imageDigest: digestOf(image),
    }
  })
  const database: DatabaseStatus | null = env.database
    ? {
        identifier: clusterIdentifier(env),
        status: cluster?.status ?? 'NOT_DEPLOYED',
        engineVersion: cluster?.engineVersion,
        minCapacity: cluster?.minCapacity,
        maxCapacity: cluster?.maxCapacity,
        instances: cluster?.members ?? [],
        endpoint: cluster?.endpoint,
      }
    : null
  return {environment: env.name, region: env.region, checkedAt: new Date(started).toISOString(), stacks: stackStatus, services: serviceStatus, release, alarms, database, tookMs: now() - started}
}

/** The report as plain text sections. */
export function formatStatus(report: StatusReport): string {
  const out: string[] = []
  out.push(`${report.environment} (${report.region}), checked ${report.checkedAt}`)
  out.push(`Release: ${report.release ? `${report.release.id} ${report.release.outcome ?? ''}${report.release.endedAt ? ` at ${report.release.endedAt}` : ''}${report.release.commit ? ` (commit ${report.release.commit.slice(0, 12)})` : ''}`.trim() : 'none recorded'}`)
  out.push('', renderTable(['STACK', 'REGION', 'STATUS', 'LAST UPDATE', 'DRIFT'], report.stacks.map((s) => [s.part, s.region, s.status, s.lastUpdated ?? '-', s.drift ?? '-']), ['left', 'left', 'left', 'left', 'left']))
  out.push('', renderTable(['SERVICE', 'RUNNING/DESIRED', 'ROLLOUT', 'TASK DEFINITION', 'IMAGE'], report.services.map((s) => [s.name, s.status === 'NOT_DEPLOYED' ? 'not deployed' : `${s.running}/${s.desired}`, s.rolloutState ?? '-', s.taskDefinition?.split('/').pop() ?? '-', s.imageDigest ?? s.image ?? '-']), ['left', 'right', 'left', 'left', 'left']))
  if (report.database) {
    const d = report.database
    out.push('', `Database ${d.identifier}: ${d.status}${d.engineVersion ? `, ${d.engineVersion}` : ''}${d.minCapacity !== undefined ? `, ${d.minCapacity}-${d.maxCapacity} ACU` : ''}, ${d.instances.length} instance(s)`)
  }
  out.push('', report.alarms.length === 0 ? 'Alarms: none in ALARM.' : `Alarms in ALARM:\n${report.alarms.map((a) => `  ${a.name} since ${a.since ?? '?'}: ${a.reason ?? ''}`).join('\n')}`)
  return out.join('\n')
}
