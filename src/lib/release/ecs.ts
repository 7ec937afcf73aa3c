import type {ECSClient} from '@aws-sdk/client-ecs'
import {toAwsAuthError} from '../aws/clients.js'

/** What the watcher needs of one ECS service deployment (DescribeServiceDeployments). */
export interface ServiceDeploymentState {
  arn: string
  /** PENDING, IN_PROGRESS, SUCCESSFUL, STOPPED, STOP_REQUESTED, ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED */
  status: string
  statusReason?: string
  lifecycleStage?: string
  createdAt?: Date
  running: number
  requested: number
  circuitBreaker?: {status?: string; failureCount: number; threshold?: number}
  rollbackReason?: string
}

/** DescribeServices, reduced to what decides "the target revision is serving". */
export interface ServiceState {
  taskDefinition?: string
  running: number
  desired: number
  /** The PRIMARY deployment's rollout state (COMPLETED, IN_PROGRESS, FAILED). */
  primaryRolloutState?: string
  primaryTaskDefinition?: string
}

/** The ECS calls a release makes, and nothing else (narrow, so tests can fake it). */
export interface EcsApi {
  /** ListServiceDeployments (newest first) created at or after `since`. */
  listServiceDeployments(cluster: string, service: string, since?: Date): Promise<Array<{arn: string; status?: string; createdAt?: Date}>>
  describeServiceDeployment(arn: string): Promise<ServiceDeploymentState | undefined>
  describeService(cluster: string, service: string): Promise<ServiceState | undefined>
  /**
   * Reasons of tasks of the service that stopped (ListTasks desiredStatus STOPPED, then DescribeTasks);
   * with `createdSince`, only of the tasks created since then (those a rollout started).
   */
  stoppedTaskReasons(cluster: string, service: string, createdSince?: Date): Promise<string[]>
  /** StopServiceDeployment with stopType ROLLBACK: ECS puts the previous revision back. */
  rollBackServiceDeployment(arn: string): Promise<void>
}

function wrap<T>(call: () => Promise<T>): Promise<T> {
  return call().catch((error) => {
    throw toAwsAuthError(error)
  })
}

/** An ECS client from the factory, as {@link EcsApi}. */
export function createEcsApi(client: ECSClient): EcsApi {
  const sdk = () => import('@aws-sdk/client-ecs')
  return {
    listServiceDeployments: (cluster, service, since) =>
      wrap(async () => {
        const {ListServiceDeploymentsCommand} = await sdk()
        const found: Array<{arn: string; status?: string; createdAt?: Date}> = []
        let nextToken: string | undefined
        do {
          const out = await client.send(new ListServiceDeploymentsCommand({cluster, service, createdAt: since ? {after: since} : undefined, nextToken}))
          for (const d of out.serviceDeployments ?? []) if (d.serviceDeploymentArn) found.push({arn: d.serviceDeploymentArn, status: d.status, createdAt: d.createdAt})
          nextToken = out.nextToken
        } while (nextToken)
        return found.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))
      }),
    describeServiceDeployment: (arn) =>
      wrap(async () => {
        const {DescribeServiceDeploymentsCommand} = await sdk()
        const d = (await client.send(new DescribeServiceDeploymentsCommand({serviceDeploymentArns: [arn]}))).serviceDeployments?.[0]
        if (!d) return undefined
        return {
          arn,
          status: d.status ?? 'PENDING',
          statusReason: d.statusReason,
          lifecycleStage: d.lifecycleStage,
          createdAt: d.createdAt,
          running: d.targetServiceRevision?.runningTaskCount ?? 0,
          requested: d.targetServiceRevision?.requestedTaskCount ?? 0,
          circuitBreaker: d.deploymentCircuitBreaker && {status: d.deploymentCircuitBreaker.status, failureCount: d.deploymentCircuitBreaker.failureCount ?? 0, threshold: d.deploymentCircuitBreaker.threshold},
          rollbackReason: d.rollback?.reason,
        }
      }),
    describeService: (cluster, service) =>
      wrap(async () => {
        const {DescribeServicesCommand} = await sdk()
        const s = (await client.send(new DescribeServicesCommand({cluster, services: [service]}))).services?.[0]
        if (!s) return undefined
        const primary = s.deployments?.find((d) => d.status === 'PRIMARY')
        return {
          taskDefinition: s.taskDefinition,
          running: s.runningCount ?? 0,
          desired: s.desiredCount ?? 0,
          primaryRolloutState: primary?.rolloutState,
          primaryTaskDefinition: primary?.taskDefinition,
        }
      }),
    stoppedTaskReasons: (cluster, service, createdSince) =>
      wrap(async () => {
        const {ListTasksCommand, DescribeTasksCommand} = await sdk()
        const arns = (await client.send(new ListTasksCommand({cluster, serviceName: service, desiredStatus: 'STOPPED', maxResults: 100}))).taskArns ?? []
        if (arns.length === 0) return []
        const tasks = (await client.send(new DescribeTasksCommand({cluster, tasks: arns}))).tasks ?? []
        const reasons = new Set<string>()
        for (const task of tasks) {
          if (createdSince && (task.createdAt?.getTime() ?? 0) < createdSince.getTime()) continue
          const containers = (task.containers ?? [])
            .filter((c) => c.reason || (c.exitCode !== undefined && c.exitCode !== 0))
            .map((c) => `${c.name}: ${c.reason ?? `exit code ${c.exitCode}`}`)
          if (task.stoppedReason) reasons.add([task.stoppedReason, ...containers].join('; '))
        }
        // Tasks a deployment replaced stop with "Scaling activity initiated by (deployment ...)":
        // normal, so listed after the reasons that explain a failure.
        const routine = (r: string) => r.startsWith('Scaling activity initiated by')
        return [...reasons].sort((a, b) => Number(routine(a)) - Number(routine(b)))
      }),
    rollBackServiceDeployment: (arn) =>
      wrap(async () => {
        const {StopServiceDeploymentCommand} = await sdk()
        await client.send(new StopServiceDeploymentCommand({serviceDeploymentArn: arn, stopType: 'ROLLBACK'}))
      }),
  }
}
