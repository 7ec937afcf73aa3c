/**
 * What day-2 operations read and do on the local AWS, against resources made the way the data and
 * monitoring stacks make them (through CloudFormation): Aurora cluster snapshots and restores
 * (local/patches/rds_restore.py), alarms that exist in CloudWatch (local/patches/cloudwatch_alarms.py),
 * and the services' logs (stock moto, checked here because `platform logs` relies on it).
 */
import {CloudFormationClient, CreateStackCommand, DeleteStackCommand, DescribeStacksCommand, UpdateStackCommand} from '@aws-sdk/client-cloudformation'
import {CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand} from '@aws-sdk/client-cloudwatch'
import {CloudWatchLogsClient, CreateLogStreamCommand, FilterLogEventsCommand, GetLogEventsCommand, PutLogEventsCommand} from '@aws-sdk/client-cloudwatch-logs'
import {
  CreateDBClusterSnapshotCommand,
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  RDSClient,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBClusterToPointInTimeCommand,
} from '@aws-sdk/client-rds'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {type LocalAws, startLocalAws} from '../helpers/local-aws.js'

const region = 'ap-northeast-1'
let aws: LocalAws
let cfn: CloudFormationClient
let rds: RDSClient
let cloudwatch: CloudWatchClient
let logs: CloudWatchLogsClient

beforeAll(async () => {
  aws = await startLocalAws({region})
  cfn = new CloudFormationClient(aws.sdkConfig)
  rds = new RDSClient(aws.sdkConfig)
  cloudwatch = new CloudWatchClient(aws.sdkConfig)
  logs = new CloudWatchLogsClient(aws.sdkConfig)
})
afterAll(async () => {
  for (const client of [cfn, rds, cloudwatch, logs]) client?.destroy()
  await aws?.stop()
})
beforeEach(() => aws.reset())

/** The data stack's Aurora cluster and the monitoring stack's two kinds of alarm, in one stack. */
const template = (cpuThreshold: number) =>
  JSON.stringify({
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      Database: {
        Type: 'AWS::RDS::DBCluster',
        Properties: {
          DBClusterIdentifier: 'shop-prod',
          Engine: 'aurora-postgresql',
          EngineVersion: '17.4',
          MasterUsername: 'app',
          ManageMasterUserPassword: true,
          BackupRetentionPeriod: 7,
          StorageEncrypted: true,
          ServerlessV2ScalingConfiguration: {MinCapacity: 0.5, MaxCapacity: 4},
        },
      },
      CpuAlarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: 'shop-prod-api-cpu-high',
          AlarmDescription: 'api: average cpu above threshold',
          Namespace: 'AWS/ECS',
          MetricName: 'CPUUtilization',
          Dimensions: [{Name: 'ClusterName', Value: 'shop-prod'}, {Name: 'ServiceName', Value: 'shop-prod-api'}],
          Statistic: 'Average',
          Period: 60,
          EvaluationPeriods: 3,
          DatapointsToAlarm: 3,
          Threshold: cpuThreshold,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'notBreaching',
        },
      },
      RateAlarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: 'shop-prod-alb-5xx-rate',
          EvaluationPeriods: 3,
          Threshold: 5,
          ComparisonOperator: 'GreaterThanThreshold',
          Metrics: [
            {Id: 'requests', ReturnData: false, MetricStat: {Metric: {Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: [{Name: 'LoadBalancer', Value: 'app/shop/1'}]}, Period: 60, Stat: 'Sum'}},
            {Id: 'rate', Expression: 'requests * 0', Label: '5xx % of requests', ReturnData: true},
          ],
        },
      },
      ApiLogs: {Type: 'AWS::Logs::LogGroup', Properties: {LogGroupName: '/shop/prod/api', RetentionInDays: 30}},
    },
    Outputs: {CpuAlarmArn: {Value: {'Fn::GetAtt': ['CpuAlarm', 'Arn']}}},
  })

async function createStack(cpuThreshold = 80) {
  await cfn.send(new CreateStackCommand({StackName: 'ops', TemplateBody: template(cpuThreshold)}))
  return (await cfn.send(new DescribeStacksCommand({StackName: 'ops'}))).Stacks![0]
}

describe('Aurora snapshots and restores', () => {
  it('snapshots the stack-made cluster (managed password) and restores it from the snapshot and to a point in time', async () => {
    expect((await createStack()).StackStatus).toBe('CREATE_COMPLETE')
    // GIVEN the stack's cluster, visible to RDS
    const [cluster] = (await rds.send(new DescribeDBClustersCommand({DBClusterIdentifier: 'shop-prod'}))).DBClusters!
    expect(cluster).toMatchObject({Status: 'available', Engine: 'aurora-postgresql', BackupRetentionPeriod: 7})

    // WHEN a manual snapshot is taken
    const snapshot = (await rds.send(new CreateDBClusterSnapshotCommand({DBClusterIdentifier: 'shop-prod', DBClusterSnapshotIdentifier: 'shop-prod-before-v7'}))).DBClusterSnapshot!
    expect(snapshot).toMatchObject({Status: 'available', SnapshotType: 'manual', DBClusterIdentifier: 'shop-prod', Engine: 'aurora-postgresql'})
    // THEN it is listed, beside the automated one
    const listed = (await rds.send(new DescribeDBClusterSnapshotsCommand({DBClusterIdentifier: 'shop-prod', SnapshotType: 'manual'}))).DBClusterSnapshots!
    expect(listed.map((s) => s.DBClusterSnapshotIdentifier)).toEqual(['shop-prod-before-v7'])

    // AND it restores into a new cluster (stock moto: HTTP 500 for a cluster whose password RDS manages)
    const restored = (await rds.send(new RestoreDBClusterFromSnapshotCommand({DBClusterIdentifier: 'shop-prod-restored', SnapshotIdentifier: 'shop-prod-before-v7', Engine: 'aurora-postgresql'}))).DBCluster!
    expect(restored).toMatchObject({DBClusterIdentifier: 'shop-prod-restored', Engine: 'aurora-postgresql', EngineVersion: '17.4'})
    expect(restored.Endpoint).toMatch(/^shop-prod-restored\.cluster-/)

    // AND a point-in-time restore makes another, leaving the source untouched
    const pitr = (await rds.send(new RestoreDBClusterToPointInTimeCommand({DBClusterIdentifier: 'shop-prod-pitr', SourceDBClusterIdentifier: 'shop-prod', RestoreToTime: new Date(Date.now() - 60_000)}))).DBCluster!
    expect(pitr).toMatchObject({DBClusterIdentifier: 'shop-prod-pitr', Engine: 'aurora-postgresql'})
    const all = (await rds.send(new DescribeDBClustersCommand({}))).DBClusters!.map((c) => [c.DBClusterIdentifier, c.Status])
    expect(all.sort()).toEqual([
      ['shop-prod', 'available'],
      ['shop-prod-pitr', 'available'],
      ['shop-prod-restored', 'available'],
    ])
  })
})

describe('alarms', () => {
  it("puts the stack's alarms in CloudWatch, updates them with the stack and deletes them with it", async () => {
    const stack = await createStack(80)
    // THEN DescribeAlarms lists both (stock launcher: a placeholder, none listed), metric math included
    const described = (await cloudwatch.send(new DescribeAlarmsCommand({AlarmNamePrefix: 'shop-prod-'}))).MetricAlarms!
    expect(described.map((a) => a.AlarmName).sort()).toEqual(['shop-prod-alb-5xx-rate', 'shop-prod-api-cpu-high'])
    const cpu = described.find((a) => a.AlarmName === 'shop-prod-api-cpu-high')!
    expect(cpu).toMatchObject({
      Namespace: 'AWS/ECS',
      MetricName: 'CPUUtilization',
      Threshold: 80,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      Dimensions: [{Name: 'ClusterName', Value: 'shop-prod'}, {Name: 'ServiceName', Value: 'shop-prod-api'}],
    })
    expect(stack.Outputs?.find((o) => o.OutputKey === 'CpuAlarmArn')?.OutputValue).toBe(cpu.AlarmArn)
    const rate = described.find((a) => a.AlarmName === 'shop-prod-alb-5xx-rate')!
    expect(rate.Metrics?.map((m) => m.Id)).toEqual(['requests', 'rate'])

    // AND its state is driven as on AWS: only the alarm set to ALARM is listed as such
    await cloudwatch.send(new SetAlarmStateCommand({AlarmName: 'shop-prod-api-cpu-high', StateValue: 'ALARM', StateReason: 'Threshold Crossed: 3 datapoints'}))
    const firing = (await cloudwatch.send(new DescribeAlarmsCommand({StateValue: 'ALARM'}))).MetricAlarms!
    expect(firing.map((a) => [a.AlarmName, a.StateReason])).toEqual([['shop-prod-api-cpu-high', 'Threshold Crossed: 3 datapoints']])

    // WHEN the threshold changes in the template THEN the alarm in CloudWatch follows
    await cfn.send(new UpdateStackCommand({StackName: 'ops', TemplateBody: template(95)}))
    const updated = (await cloudwatch.send(new DescribeAlarmsCommand({AlarmNames: ['shop-prod-api-cpu-high']}))).MetricAlarms!
    expect(updated.map((a) => a.Threshold)).toEqual([95])

    // WHEN the stack is deleted THEN its alarms go with it
    await cfn.send(new DeleteStackCommand({StackName: 'ops'}))
    expect((await cloudwatch.send(new DescribeAlarmsCommand({}))).MetricAlarms).toEqual([])
  })
})

describe('service logs', () => {
  it('reads back events of several streams interleaved in time order, filtered by text and time, page by page', async () => {
    await createStack()
    const now = Date.now()
    for (const stream of ['api/api/task-1', 'api/api/task-2']) await logs.send(new CreateLogStreamCommand({logGroupName: '/shop/prod/api', logStreamName: stream}))
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/shop/prod/api',
        logStreamName: 'api/api/task-1',
        logEvents: [
          {timestamp: now - 3000, message: 'GET / 200'},
          {timestamp: now - 1000, message: 'GET /cart 500 error'},
        ],
      }),
    )
    await logs.send(new PutLogEventsCommand({logGroupName: '/shop/prod/api', logStreamName: 'api/api/task-2', logEvents: [{timestamp: now - 2000, message: 'GET /items 200'}]}))

    const all = await logs.send(new FilterLogEventsCommand({logGroupName: '/shop/prod/api', startTime: now - 60_000}))
    expect(all.events?.map((e) => [e.logStreamName, e.message])).toEqual([
      ['api/api/task-1', 'GET / 200'],
      ['api/api/task-2', 'GET /items 200'],
      ['api/api/task-1', 'GET /cart 500 error'],
    ])
    const errors = await logs.send(new FilterLogEventsCommand({logGroupName: '/shop/prod/api', filterPattern: 'error'}))
    expect(errors.events?.map((e) => e.message)).toEqual(['GET /cart 500 error'])
    const recent = await logs.send(new FilterLogEventsCommand({logGroupName: '/shop/prod/api', startTime: now - 2500}))
    expect(recent.events?.map((e) => e.message)).toEqual(['GET /items 200', 'GET /cart 500 error'])

    // Following pages by nextToken, one event at a time, sees each event once
    const paged: string[] = []
    let nextToken: string | undefined
    do {
      const page = await logs.send(new FilterLogEventsCommand({logGroupName: '/shop/prod/api', startTime: now - 60_000, limit: 1, nextToken}))
      paged.push(...(page.events ?? []).map((e) => e.message!))
      nextToken = page.nextToken
    } while (nextToken && paged.length < 10)
    expect(paged).toEqual(['GET / 200', 'GET /items 200', 'GET /cart 500 error'])

    const stream = await logs.send(new GetLogEventsCommand({logGroupName: '/shop/prod/api', logStreamName: 'api/api/task-1', startFromHead: true}))
    expect(stream.events?.map((e) => e.message)).toEqual(['GET / 200', 'GET /cart 500 error'])
  })
})
