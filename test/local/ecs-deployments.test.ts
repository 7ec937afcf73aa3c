/**
 * ECS service deployments on the local AWS (local/patches/ecs_deployments.py): rollouts recorded and
 * progressing as on AWS, tasks that run, the circuit breaker rolling a failing rollout back, and
 * StopServiceDeployment. Everything goes through the SDK, as the release code calls it.
 */
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation'
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type ServiceDeployment,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {type LocalAws, startLocalAws} from '../helpers/local-aws.js'

const region = 'ap-northeast-1'
const clusterArn = `arn:aws:ecs:${region}:123456789012:cluster/apps`
const serviceArn = `arn:aws:ecs:${region}:123456789012:service/apps/web`

let aws: LocalAws
let ecs: ECSClient
let cfn: CloudFormationClient

beforeAll(async () => {
  aws = await startLocalAws({region})
  ecs = new ECSClient(aws.sdkConfig)
  cfn = new CloudFormationClient(aws.sdkConfig)
})
afterAll(async () => {
  ecs?.destroy()
  cfn?.destroy()
  await aws?.stop()
})
beforeEach(() => aws.reset())

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function registerRevision(image: string, environment: Array<{name: string; value: string}> = []): Promise<string> {
  const out = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{name: 'web', image, essential: true, environment}],
    }),
  )
  return out.taskDefinition!.taskDefinitionArn!
}

async function createService(taskDefinition: string, breaker = {enable: true, rollback: true}) {
  await ecs.send(new CreateClusterCommand({clusterName: 'apps'}))
  return ecs.send(
    new CreateServiceCommand({
      cluster: 'apps',
      serviceName: 'web',
      taskDefinition,
      desiredCount: 2,
      launchType: 'FARGATE',
      deploymentConfiguration: {deploymentCircuitBreaker: breaker, maximumPercent: 200, minimumHealthyPercent: 100},
    }),
  )
}

async function deployments(): Promise<ServiceDeployment[]> {
  const listed = await ecs.send(new ListServiceDeploymentsCommand({cluster: 'apps', service: 'web'}))
  const arns = (listed.serviceDeployments ?? []).map((d) => d.serviceDeploymentArn!)
  if (arns.length === 0) return []
  const described = await ecs.send(new DescribeServiceDeploymentsCommand({serviceDeploymentArns: arns}))
  return described.serviceDeployments ?? []
}

/** Poll the newest deployment until it leaves the in-progress states; returns every status seen. */
async function watchNewest(timeoutMs = 5000): Promise<{final: ServiceDeployment; seen: string[]; failureCounts: number[]}> {
  const seen: string[] = []
  const failureCounts: number[] = []
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const [newest] = await deployments()
    if (seen.at(-1) !== newest.status) seen.push(newest.status!)
    failureCounts.push(newest.deploymentCircuitBreaker?.failureCount ?? 0)
    if (!['PENDING', 'IN_PROGRESS', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'STOP_REQUESTED'].includes(newest.status!)) return {final: newest, seen, failureCounts}
    if (Date.now() > deadline) throw new Error(`deployment still ${newest.status} after ${timeoutMs} ms`)
    await sleep(50)
  }
}

async function service() {
  return (await ecs.send(new DescribeServicesCommand({cluster: 'apps', services: ['web']}))).services![0]
}

async function serviceTasks(desiredStatus: 'RUNNING' | 'STOPPED' = 'RUNNING') {
  const arns = (await ecs.send(new ListTasksCommand({cluster: 'apps', serviceName: 'web', desiredStatus}))).taskArns ?? []
  if (arns.length === 0) return []
  return (await ecs.send(new DescribeTasksCommand({cluster: 'apps', tasks: arns}))).tasks ?? []
}

describe('a rollout that succeeds', () => {
  it('records a deployment on create and on a new task definition, which runs its tasks and completes within a second', async () => {
    // GIVEN a service created on revision 1
    const v1 = await registerRevision('app:1')
    const created = await createService(v1)
    // THEN its first deployment is in progress with nothing running yet (stock moto: no deployment API at all)
    expect(created.service?.deployments?.[0]).toMatchObject({status: 'PRIMARY', rolloutState: 'IN_PROGRESS', runningCount: 0})
    const first = await watchNewest()
    expect(first.final).toMatchObject({
      serviceArn,
      clusterArn,
      status: 'SUCCESSFUL',
      sourceServiceRevisions: [],
      targetServiceRevision: {requestedTaskCount: 2, runningTaskCount: 2, pendingTaskCount: 0},
      deploymentCircuitBreaker: {status: 'MONITORING_COMPLETE', failureCount: 0, threshold: 3},
    })
    expect(first.final.serviceDeploymentArn).toMatch(/^arn:aws:ecs:ap-northeast-1:123456789012:service-deployment\/apps\/web\/\w+$/)
    expect(first.final.finishedAt!.getTime()).toBeGreaterThanOrEqual(first.final.startedAt!.getTime())

    // WHEN the service moves to revision 2
    const v2 = await registerRevision('app:2')
    await ecs.send(new UpdateServiceCommand({cluster: 'apps', service: 'web', taskDefinition: v2}))
    const during = await service()
    // THEN while it rolls, the new deployment is PRIMARY and the old one ACTIVE
    expect(during.deployments?.map((d) => [d.status, d.taskDefinition, d.rolloutState])).toEqual([
      ['PRIMARY', v2, 'IN_PROGRESS'],
      ['ACTIVE', v1, 'COMPLETED'],
    ])
    const second = await watchNewest()
    expect(second.seen).toContain('IN_PROGRESS')
    expect(second.final.status).toBe('SUCCESSFUL')
    // AND the source revision is the first deployment's target, which runs nothing any more
    expect(second.final.sourceServiceRevisions).toEqual([{arn: first.final.targetServiceRevision!.arn, requestedTaskCount: 0, runningTaskCount: 0, pendingTaskCount: 0}])
    const revisions = await ecs.send(new DescribeServiceRevisionsCommand({serviceRevisionArns: [second.final.targetServiceRevision!.arn!]}))
    expect(revisions.serviceRevisions?.[0]).toMatchObject({serviceArn, clusterArn, taskDefinition: v2, containerImages: [{containerName: 'web', image: 'app:2'}]})

    // AND the service is steady on revision 2 with two RUNNING tasks of it; revision 1's were stopped by the deployment
    const steady = await service()
    expect({running: steady.runningCount, pending: steady.pendingCount, taskDefinition: steady.taskDefinition}).toEqual({running: 2, pending: 0, taskDefinition: v2})
    expect(steady.deployments?.map((d) => [d.status, d.rolloutState, d.runningCount])).toEqual([['PRIMARY', 'COMPLETED', 2]])
    // AND the service's events tell the rollout, newest first, in ECS's words
    const messages = (steady.events ?? []).map((e) => e.message!)
    expect(messages[0]).toBe('(service web) has reached a steady state.')
    expect(messages[1]).toMatch(/^\(service web\) \(deployment ecs-svc\/\d+\) deployment completed\.$/)
    expect(messages[2]).toMatch(/^\(service web\) has stopped 2 running tasks: \(task [\w-]+\) \(task [\w-]+\)\.$/)
    expect(messages[3]).toMatch(/^\(service web\) has started 2 tasks: \(task [\w-]+\) \(task [\w-]+\)\.$/)
    const running = await serviceTasks()
    expect(running.map((t) => [t.lastStatus, t.taskDefinitionArn, t.group])).toEqual([
      ['RUNNING', v2, 'service:web'],
      ['RUNNING', v2, 'service:web'],
    ])
    const stopped = await serviceTasks('STOPPED')
    expect(stopped.map((t) => [t.taskDefinitionArn, t.stopCode])).toEqual([
      [v1, 'ServiceSchedulerInitiated'],
      [v1, 'ServiceSchedulerInitiated'],
    ])
    expect(stopped[0].stoppedReason).toMatch(/^Scaling activity initiated by \(deployment ecs-svc\/\d+\)$/)

    // AND ListServiceDeployments lists newest first, and filters by status
    const listed = await ecs.send(new ListServiceDeploymentsCommand({cluster: 'apps', service: 'web'}))
    expect(listed.serviceDeployments?.map((d) => d.targetServiceRevisionArn)).toEqual([second.final.targetServiceRevision!.arn, first.final.targetServiceRevision!.arn])
    const none = await ecs.send(new ListServiceDeploymentsCommand({cluster: 'apps', service: 'web', status: ['ROLLBACK_SUCCESSFUL']}))
    expect(none.serviceDeployments).toEqual([])
  })

  it('answers an unknown deployment ARN with a MISSING failure', async () => {
    const arn = 'arn:aws:ecs:ap-northeast-1:123456789012:service-deployment/apps/web/nope'
    const out = await ecs.send(new DescribeServiceDeploymentsCommand({serviceDeploymentArns: [arn]}))
    expect(out).toMatchObject({serviceDeployments: [], failures: [{arn, reason: 'MISSING'}]})
  })
})

describe('a rollout that fails', () => {
  it('stops the tasks of a revision marked PLATFORM_LOCAL_FAIL, trips the circuit breaker and rolls back to the previous revision', async () => {
    const v1 = await registerRevision('app:1')
    await createService(v1)
    await watchNewest()
    // WHEN a revision whose container exits is deployed
    const broken = await registerRevision('app:broken', [{name: 'PLATFORM_LOCAL_FAIL', value: '1'}])
    await ecs.send(new UpdateServiceCommand({cluster: 'apps', service: 'web', taskDefinition: broken}))
    const {final, failureCounts} = await watchNewest()
    // THEN the failure count climbed to the threshold (2 tasks per attempt, threshold 3) and ECS rolled back
    expect(failureCounts.at(-1)).toBe(4)
    expect(final).toMatchObject({
      status: 'ROLLBACK_SUCCESSFUL',
      statusReason: 'Service deployment rolled back because the circuit breaker threshold was exceeded.',
      deploymentCircuitBreaker: {status: 'TRIGGERED', failureCount: 4, threshold: 3},
      rollback: {serviceRevisionArn: final.sourceServiceRevisions![0].arn},
    })
    // AND the service serves revision 1 again, steady
    const after = await service()
    expect({taskDefinition: after.taskDefinition, running: after.runningCount}).toEqual({taskDefinition: v1, running: 2})
    expect(after.deployments?.map((d) => [d.status, d.rolloutState])).toEqual([['PRIMARY', 'COMPLETED']])
    expect(after.events?.map((e) => e.message)).toContainEqual(expect.stringMatching(/^\(service web\) \(deployment ecs-svc\/\d+\) deployment failed: tasks failed to start\.$/))
    // AND the broken revision's tasks stopped with the container's exit
    const stopped = (await serviceTasks('STOPPED')).filter((t) => t.taskDefinitionArn === broken)
    expect(stopped).toHaveLength(4)
    expect(stopped[0]).toMatchObject({lastStatus: 'STOPPED', stoppedReason: 'Essential container in task exited', stopCode: 'EssentialContainerExited'})
    expect(stopped[0].containers?.[0]).toMatchObject({lastStatus: 'STOPPED', exitCode: 1})
    expect((await serviceTasks()).every((t) => t.taskDefinitionArn === v1)).toBe(true)
  })

  it('fails the next rollout when told to through the control endpoint, with the given reason', async () => {
    const v1 = await registerRevision('app:1')
    await createService(v1)
    await watchNewest()
    const res = await fetch(`${aws.endpoint}/moto-api/platform-local/ecs/fail-next-rollout`, {
      method: 'POST',
      body: JSON.stringify({region, service: 'web', reason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)'}),
    })
    expect(res.status).toBe(200)
    await ecs.send(new UpdateServiceCommand({cluster: 'apps', service: 'web', taskDefinition: await registerRevision('app:2')}))
    const {final} = await watchNewest()
    expect(final.status).toBe('ROLLBACK_SUCCESSFUL')
    const reasons = new Set((await serviceTasks('STOPPED')).map((t) => t.stoppedReason))
    expect(reasons).toContain('CannotPullContainerError: pull image manifest has been retried 5 time(s)')
    // AND only that one rollout fails
    await ecs.send(new UpdateServiceCommand({cluster: 'apps', service: 'web', taskDefinition: await registerRevision('app:3')}))
    expect((await watchNewest()).final.status).toBe('SUCCESSFUL')
  })

  it('ends STOPPED without rollback when the circuit breaker does not roll back; without a breaker it keeps trying until stopped', async () => {
    const v1 = await registerRevision('app:1')
    await createService(v1, {enable: true, rollback: false})
    await watchNewest()
    const broken = await registerRevision('app:broken', [{name: 'PLATFORM_LOCAL_FAIL', value: 'Essential container in task exited'}])
    await ecs.send(new UpdateServiceCommand({cluster: 'apps', service: 'web', taskDefinition: broken}))
    const noRollback = await watchNewest()
    expect(noRollback.final).toMatchObject({status: 'STOPPED', deploymentCircuitBreaker: {status: 'TRIGGERED'}})
    expect((await service()).taskDefinition).toBe(broken)

    // WITHOUT a circuit breaker the deployment stays IN_PROGRESS, failures climbing, until StopServiceDeployment rolls it back
    await ecs.send(new UpdateServiceCommand({cluster: 'apps', service: 'web', taskDefinition: v1, deploymentConfiguration: {deploymentCircuitBreaker: {enable: false, rollback: false}}}))
    await watchNewest()
    await ecs.send(new UpdateServiceCommand({cluster: 'apps', service: 'web', taskDefinition: broken}))
    await sleep(1200)
    const [stuck] = await deployments()
    expect(stuck.status).toBe('IN_PROGRESS')
    expect(stuck.deploymentCircuitBreaker).toMatchObject({status: 'DISABLED'})
    expect(stuck.deploymentCircuitBreaker!.failureCount).toBeGreaterThanOrEqual(6)
    await ecs.send(new StopServiceDeploymentCommand({serviceDeploymentArn: stuck.serviceDeploymentArn, stopType: 'ROLLBACK'}))
    const stopped = await watchNewest()
    expect(stopped.final).toMatchObject({status: 'ROLLBACK_SUCCESSFUL', rollback: {reason: 'Service deployment rolled back because of a stop request.'}})
    expect((await service()).taskDefinition).toBe(v1)
    // AND a finished deployment cannot be stopped again
    await expect(ecs.send(new StopServiceDeploymentCommand({serviceDeploymentArn: stuck.serviceDeploymentArn}))).rejects.toMatchObject({name: 'ConflictException'})
  })
})

describe('a rollout that stalls', () => {
  it('stays IN_PROGRESS with PENDING tasks and no failures until StopServiceDeployment rolls it back; createdAt filters find it', async () => {
    const v1 = await registerRevision('app:1')
    await createService(v1)
    await watchNewest()
    const since = new Date()
    // WHEN the next rollout cannot place its tasks (told through the control endpoint)
    const res = await fetch(`${aws.endpoint}/moto-api/platform-local/ecs/fail-next-rollout`, {method: 'POST', body: JSON.stringify({region, stall: true})})
    expect(res.status).toBe(200)
    await ecs.send(new UpdateServiceCommand({cluster: 'apps', service: 'web', taskDefinition: await registerRevision('app:2')}))
    await sleep(1000)
    // THEN after several steps it is still in progress, tasks pending, nothing counted against the breaker
    const recent = await ecs.send(new ListServiceDeploymentsCommand({cluster: 'apps', service: 'web', createdAt: {after: since}}))
    expect(recent.serviceDeployments?.map((d) => d.status)).toEqual(['IN_PROGRESS'])
    const future = await ecs.send(new ListServiceDeploymentsCommand({cluster: 'apps', service: 'web', createdAt: {after: new Date(Date.now() + 60_000)}}))
    expect(future.serviceDeployments).toEqual([])
    const [stalled] = await deployments()
    expect(stalled).toMatchObject({status: 'IN_PROGRESS', deploymentCircuitBreaker: {status: 'MONITORING', failureCount: 0}, targetServiceRevision: {runningTaskCount: 0, pendingTaskCount: 2}})
    expect((await service()).deployments?.map((d) => [d.status, d.runningCount, d.pendingCount])).toEqual([
      ['PRIMARY', 0, 2],
      ['ACTIVE', 2, 0],
    ])
    // WHEN the release gives up and stops it with ECS's rollback THEN the previous revision serves again
    await ecs.send(new StopServiceDeploymentCommand({serviceDeploymentArn: stalled.serviceDeploymentArn, stopType: 'ROLLBACK'}))
    expect((await watchNewest()).final.status).toBe('ROLLBACK_SUCCESSFUL')
    const after = await service()
    expect({taskDefinition: after.taskDefinition, running: after.runningCount, pending: after.pendingCount}).toEqual({taskDefinition: v1, running: 2, pending: 0})
  })
})

describe('through CloudFormation', () => {
  const template = (retain: boolean) =>
    JSON.stringify({
      AWSTemplateFormatVersion: '2010-09-09',
      Parameters: {Image: {Type: 'String'}, Fail: {Type: 'String', Default: ''}},
      Resources: {
        Cluster: {Type: 'AWS::ECS::Cluster', Properties: {ClusterName: 'apps'}},
        Task: {
          Type: 'AWS::ECS::TaskDefinition',
          ...(retain ? {UpdateReplacePolicy: 'Retain'} : {}),
          Properties: {
            Family: 'web',
            Cpu: '256',
            Memory: '512',
            RequiresCompatibilities: ['FARGATE'],
            ContainerDefinitions: [{Name: 'web', Image: {Ref: 'Image'}, Essential: true, Environment: [{Name: 'PLATFORM_LOCAL_FAIL', Value: {Ref: 'Fail'}}]}],
          },
        },
        Service: {
          Type: 'AWS::ECS::Service',
          Properties: {
            Cluster: {Ref: 'Cluster'},
            ServiceName: 'web',
            TaskDefinition: {Ref: 'Task'},
            DesiredCount: 2,
            LaunchType: 'FARGATE',
            DeploymentConfiguration: {DeploymentCircuitBreaker: {Enable: true, Rollback: true}, MaximumPercent: 200, MinimumHealthyPercent: 100},
          },
        },
      },
      Outputs: {TaskDefinitionArn: {Value: {Ref: 'Task'}}},
    })

  let counter = 0
  async function deploy(type: 'CREATE' | 'UPDATE', body: string, parameters: Record<string, string>): Promise<Stack> {
    const created = await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'web',
        ChangeSetName: `cs-${++counter}`,
        ChangeSetType: type,
        TemplateBody: body,
        Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({ParameterKey, ParameterValue})),
      }),
    )
    expect((await cfn.send(new DescribeChangeSetCommand({ChangeSetName: created.Id}))).Status).toBe('CREATE_COMPLETE')
    await cfn.send(new ExecuteChangeSetCommand({ChangeSetName: created.Id}))
    return (await cfn.send(new DescribeStacksCommand({StackName: 'web'}))).Stacks![0]
  }

  it('completes the stack only once the deployment succeeded, keeps retained revisions ACTIVE, and rolls the stack back when ECS did', async () => {
    // GIVEN a stack whose task definition is retained on replacement
    const created = await deploy('CREATE', template(true), {Image: 'app:1'})
    expect(created.StackStatus).toBe('CREATE_COMPLETE')
    // THEN by the time the stack is complete its service's first deployment has succeeded (CloudFormation waits for it)
    expect((await deployments()).map((d) => d.status)).toEqual(['SUCCESSFUL'])

    // WHEN the image changes
    const updated = await deploy('UPDATE', template(true), {Image: 'app:2'})
    expect(updated.StackStatus).toBe('UPDATE_COMPLETE')
    const v2 = updated.Outputs!.find((o) => o.OutputKey === 'TaskDefinitionArn')!.OutputValue!
    expect((await deployments()).map((d) => d.status)).toEqual(['SUCCESSFUL', 'SUCCESSFUL'])
    const steady = await service()
    expect({taskDefinition: steady.taskDefinition, running: steady.runningCount}).toEqual({taskDefinition: v2, running: 2})
    // AND revision 1 is still ACTIVE, so a rollback can return to it
    const v1 = v2.replace(/:2$/, ':1')
    expect((await ecs.send(new DescribeTaskDefinitionCommand({taskDefinition: v1}))).taskDefinition?.status).toBe('ACTIVE')

    // WHEN the next image's containers exit
    const failed = await deploy('UPDATE', template(true), {Image: 'app:3', Fail: '1'})
    // THEN the stack rolls back with CloudFormation's message for a tripped circuit breaker, and the service is on revision 2 again
    expect(failed.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE')
    expect(failed.StackStatusReason).toContain('ECS Deployment Circuit Breaker was triggered')
    expect((await deployments())[0]).toMatchObject({status: 'ROLLBACK_SUCCESSFUL'})
    expect((await service()).taskDefinition).toBe(v2)
  })

  it('deregisters the replaced revision without UpdateReplacePolicy Retain, as CloudFormation does', async () => {
    await deploy('CREATE', template(false), {Image: 'app:1'})
    const updated = await deploy('UPDATE', template(false), {Image: 'app:2'})
    const v1 = updated.Outputs!.find((o) => o.OutputKey === 'TaskDefinitionArn')!.OutputValue!.replace(/:2$/, ':1')
    expect((await ecs.send(new DescribeTaskDefinitionCommand({taskDefinition: v1}))).taskDefinition?.status).toBe('INACTIVE')
  })
})
