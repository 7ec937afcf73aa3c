import {isAwsError} from '../aws/aws-error.js'
import type {AwsClients} from '../aws/clients.js'
import {toAwsAuthError} from '../aws/clients.js'
import {createS3ReleaseStore, listReleases, type ReleaseRecord} from '../release/history.js'

export interface StackSummary {
  name: string
  status: string
  lastUpdated?: string
  /** DRIFTED, IN_SYNC, NOT_CHECKED, UNKNOWN: from the last drift detection, if any ran. */
  drift?: string
  terminationProtection: boolean
  outputs: Record<string, string>
  parameters: Record<string, string>
}

export interface ServiceSummary {
  name: string
  status: string
  running: number
  desired: number
  pending: number
  taskDefinition?: string
  /** The PRIMARY deployment's rollout state (IN_PROGRESS, COMPLETED, FAILED). */
  rolloutState?: string
}

export interface AlarmSummary {
  name: string
  state: string
  reason?: string
  since?: string
}

/** The reads `platform status` makes, one call (or one paginated listing) each. */
export interface StatusApi {
  /** Every stack of the region (DescribeStacks without a name, all pages): one call for all our stacks. */
  stacks(region: string): Promise<StackSummary[]>
  /** DescribeServices, 10 names a call; services ECS does not know are left out. */
  services(region: string, cluster: string, names: string[]): Promise<ServiceSummary[]>
  /** Alarms whose name starts with `prefix` and that are in ALARM now. */
  alarmsInAlarm(region: string, prefix: string): Promise<AlarmSummary[]>
  /** The newest record of the release history in the bootstrap bucket, if any. */
  latestRelease(region: string, bucket: string): Promise<ReleaseRecord | undefined>
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw toAwsAuthError(error)
  }
}

const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : undefined)

export function createStatusApi(clients: AwsClients): StatusApi {
  return {
    stacks: (region) =>
      guarded(async () => {
        const {DescribeStacksCommand} = await import('@aws-sdk/client-cloudformation')
        const cfn = await clients.cloudFormation(region)
        const found: StackSummary[] = []
        let token: string | undefined
        do {
          const out = await cfn.send(new DescribeStacksCommand({NextToken: token}))
          for (const s of out.Stacks ?? []) {
            found.push({
              name: s.StackName!,
              status: s.StackStatus ?? 'UNKNOWN',
              lastUpdated: iso(s.LastUpdatedTime ?? s.CreationTime),
              drift: s.DriftInformation?.StackDriftStatus,
              terminationProtection: Boolean(s.EnableTerminationProtection),
              outputs: Object.fromEntries((s.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue ?? ''])),
              parameters: Object.fromEntries((s.Parameters ?? []).map((p) => [p.ParameterKey!, p.ResolvedValue ?? p.ParameterValue ?? ''])),
            })
          }
          token = out.NextToken
        } while (token)
        return found
      }),
    services: (region, cluster, names) =>
      guarded(async () => {
        const {DescribeServicesCommand} = await import('@aws-sdk/client-ecs')
        const ecs = await clients.ecs(region)
        const batches: string[][] = []
        for (let i = 0; i < names.length; i += 10) batches.push(names.slice(i, i + 10))
        const results = await Promise.all(
          batches.map(async (batch) => {
            try {
              return (await ecs.send(new DescribeServicesCommand({cluster, services: batch}))).services ?? []
            } catch (error) {
              // No cluster yet: no services either.
              if (isAwsError(error, 'ClusterNotFoundException')) return []
              throw error
            }
          }),
        )
        return results.flat().filter((s) => s.status !== 'INACTIVE').map((s) => ({
          name: s.serviceName!,
          status: s.status ?? 'UNKNOWN',
          running: s.runningCount ?? 0,
          desired: s.desiredCount ?? 0,
          pending: s.pendingCount ?? 0,
          taskDefinition: s.taskDefinition,
          rolloutState: s.deployments?.find((d) => d.status === 'PRIMARY')?.rolloutState,
        }))
      }),
    alarmsInAlarm: (region, prefix) =>
      guarded(async () => {
        const {DescribeAlarmsCommand} = await import('@aws-sdk/client-cloudwatch')
        const cw = await clients.cloudWatch(region)
        const found: AlarmSummary[] = []
        let token: string | undefined
        do {
          const out = await cw.send(new DescribeAlarmsCommand({AlarmNamePrefix: prefix, StateValue: 'ALARM', AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], NextToken: token}))
          for (const a of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
            // StateValue asks AWS for ALARM only; checked again so the report can never say otherwise.
            if (a.StateValue !== 'ALARM') continue
            found.push({name: a.AlarmName!, state: a.StateValue ?? 'ALARM', reason: a.StateReason, since: iso(a.StateUpdatedTimestamp)})
          }
          token = out.NextToken
        } while (token)
        return found
      }),
    latestRelease: (region, bucket) =>
      guarded(async () => {
        const [record] = await listReleases(createS3ReleaseStore(await clients.s3(region), bucket), 1)
        return record
      }),
  }
}
