/**
 * `platform status` and `platform logs` end to end: the built CLI against the patched moto, after a
 * full deploy of prod. status --json is checked against schema/status.schema.json; logs reads
 * events written to the service's log group back, in time order, and --follow picks up a new one.
 */
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand} from '@aws-sdk/client-cloudwatch'
import {CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand} from '@aws-sdk/client-cloudwatch-logs'
import {CloudFormationClient, DescribeStacksCommand} from '@aws-sdk/client-cloudformation'
import {PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {Ajv} from 'ajv'
import {describe, expect, it} from 'vitest'
import {buildCli, repoRoot, runCli} from '../helpers/built-cli.js'
import {useLocalAws} from '../helpers/e2e-setup.js'

const DIGEST = {web: `sha256:${'a'.repeat(64)}`, api: `sha256:${'b'.repeat(64)}`}
const image = (service: 'web' | 'api') => `123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/bookmark-manager/prod/${service}@${DIGEST[service]}`
const GROUP = '/ecs/bookmark-manager-prod/web'

const local = useLocalAws({secrets: ['prod'], deploy: {env: 'prod', args: ['--image', `web=${image('web')}`, '--image', `api=${image('api')}`]}})
const aws = () => ({region: local.region, endpoint: local.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}})


describe('platform status (built CLI, patched moto)', () => {
  it('--json matches the schema and shows stacks, services, the release, alarms in ALARM and the database', async () => {
    // GIVEN a recorded release in the bootstrap bucket and one alarm in ALARM
    const bootstrap = (await new CloudFormationClient(aws()).send(new DescribeStacksCommand({StackName: 'bookmark-manager-prod-bootstrap'}))).Stacks![0]
    const bucket = bootstrap.Outputs!.find((o) => o.OutputKey === 'ArtifactBucketName')!.OutputValue!
    const s3 = new S3Client({...aws(), forcePathStyle: true})
    for (const [n, id] of [[1, 'v1'], [2, 'v2']] as const) {
      const record = {id, environment: 'prod', description: `release ${id}`, startedAt: '2026-12-01T10:00:00.000Z', endedAt: '2026-12-01T10:05:00.000Z', git: {commit: 'abc123', dirty: false}, outcome: 'succeeded'}
      await s3.send(new PutObjectCommand({Bucket: bucket, Key: `releases/${String(n).padStart(8, '0')}.json`, Body: JSON.stringify(record)}))
    }
    const cw = new CloudWatchClient(aws())
    await cw.send(new PutMetricAlarmCommand({AlarmName: 'bookmark-manager-prod-web-cpu-high', MetricName: 'CPUUtilization', Namespace: 'AWS/ECS', Statistic: 'Average', Period: 60, EvaluationPeriods: 1, Threshold: 80, ComparisonOperator: 'GreaterThanThreshold'}))
    await cw.send(new SetAlarmStateCommand({AlarmName: 'bookmark-manager-prod-web-cpu-high', StateValue: 'ALARM', StateReason: 'Threshold crossed'}))
    await cw.send(new PutMetricAlarmCommand({AlarmName: 'someone-else-cpu', MetricName: 'CPUUtilization', Namespace: 'AWS/ECS', Statistic: 'Average', Period: 60, EvaluationPeriods: 1, Threshold: 80, ComparisonOperator: 'GreaterThanThreshold'}))
    await cw.send(new SetAlarmStateCommand({AlarmName: 'someone-else-cpu', StateValue: 'ALARM', StateReason: 'not ours'}))

    // WHEN
    const run = runCli(['status', 'prod', '--json'], {env: local.env})
    expect(run.status, run.stderr).toBe(0)
    const report = JSON.parse(run.stdout)

    // THEN it has the documented shape
    const validate = new Ajv({allErrors: true, validateFormats: false}).compile(JSON.parse(readFileSync(join(repoRoot, 'schema/status.schema.json'), 'utf8')))
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true)
    // and the content of what runs
    expect(report.stacks.length).toBe(13)
    for (const s of report.stacks) expect(s.status, s.part).toBe('CREATE_COMPLETE')
    expect(report.stacks.find((s: any) => s.part === 'edge').region).toBe('us-east-1')
    // prod's services autoscale, so their stacks set no DesiredCount (the scalable target owns it,
    // and moto does not model it): the count is whatever ECS reports, running equal to desired.
    expect(report.services.map((s: any) => [s.name, s.status, s.running === s.desired, s.imageDigest, s.rolloutState])).toEqual([
      ['api', 'ACTIVE', true, DIGEST.api, 'COMPLETED'],
      ['web', 'ACTIVE', true, DIGEST.web, 'COMPLETED'],
    ])
    expect(report.services[0].taskDefinition).toMatch(/^arn:aws:ecs:ap-northeast-1:123456789012:task-definition\//)
    expect(report.release).toMatchObject({id: 'v2', outcome: 'succeeded', commit: 'abc123'})
    expect(report.alarms).toEqual([expect.objectContaining({name: 'bookmark-manager-prod-web-cpu-high', state: 'ALARM', reason: 'Threshold crossed'})])
    expect(report.database).toMatchObject({identifier: 'bookmark-manager-prod-aurora', status: 'available', minCapacity: 0.5, maxCapacity: 16})
    expect(report.database.instances.length).toBe(2)

    const text = runCli(['status', 'prod'], {env: local.env})
    expect(text.status).toBe(0)
    expect(text.stdout).toMatch(/Release: v2 succeeded/)
    expect(text.stdout).toMatch(/web\s+\d+\/\d+\s+COMPLETED/)
    expect(text.stdout).toMatch(/bookmark-manager-prod-web-cpu-high/)
  }, 120_000)

  it('staging, never deployed, reports NOT_DEPLOYED everywhere and no release', () => {
    const run = runCli(['status', 'staging', '--json'], {env: local.env})
    expect(run.status, run.stderr).toBe(0)
    const report = JSON.parse(run.stdout)
    expect(new Set(report.stacks.map((s: any) => s.status))).toEqual(new Set(['NOT_DEPLOYED']))
    expect(report.services.every((s: any) => s.status === 'NOT_DEPLOYED')).toBe(true)
    expect(report.release).toBeNull()
    expect(report.database.status).toBe('NOT_DEPLOYED')
  }, 60_000)
})

describe('platform logs (built CLI, patched moto)', () => {
  const logs = () => new CloudWatchLogsClient(aws())

  async function put(stream: string, events: Array<[number, string]>) {
    await logs().send(new CreateLogStreamCommand({logGroupName: GROUP, logStreamName: stream})).catch(() => undefined)
    await logs().send(new PutLogEventsCommand({logGroupName: GROUP, logStreamName: stream, logEvents: events.map(([timestamp, message]) => ({timestamp, message}))}))
  }

  it('reads back what two tasks wrote, interleaved in time order, and --filter keeps the matching ones', async () => {
    const t = Date.now() - 60_000
    await put('web/web/task1aaaaaaaa', [[t, 'GET / 200'], [t + 2000, 'ERROR database timeout']])
    await put('web/web/task2bbbbbbbb', [[t + 1000, 'GET /api/health 200']])
    const run = runCli(['logs', 'prod', 'web', '--since', '5m', '--json'], {env: local.env})
    expect(run.status, run.stderr).toBe(0)
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l))
    expect(events.map((e) => e.message)).toEqual(['GET / 200', 'GET /api/health 200', 'ERROR database timeout'])
    expect(events.map((e) => e.stream)).toEqual(['web/web/task1aaaaaaaa', 'web/web/task2bbbbbbbb', 'web/web/task1aaaaaaaa'])

    const text = runCli(['logs', 'prod', 'web', '--since', '5m', '--filter', 'ERROR'], {env: local.env})
    expect(text.stdout.trim().split('\n')).toEqual([`${new Date(t + 2000).toISOString()} task1aaa ERROR database timeout`])
    const unknown = runCli(['logs', 'prod', 'worker'], {env: local.env})
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toMatch(/Services: api, web/)
  }, 60_000)

  it('--follow prints an event written after it started, and stops cleanly on Ctrl-C', async () => {
    const child = spawn(process.execPath, [join(buildCli(), 'bin/run.js'), 'logs', 'prod', 'web', '--since', '1m', '--follow', '--json', '--poll-interval', '200'], {cwd: repoRoot, env: {...process.env, ...local.env, NO_COLOR: '1'}})
    let stdout = ''
    child.stdout.on('data', (c) => (stdout += c))
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)))
    const waitFor = async (text: string, ms: number) => {
      const until = Date.now() + ms
      while (!stdout.includes(text) && Date.now() < until) await new Promise((r) => setTimeout(r, 100))
      return stdout.includes(text)
    }
    try {
      // GIVEN it is following (it has printed the recent events)
      await put('web/web/task3cccccccc', [[Date.now(), 'before follow']])
      expect(await waitFor('before follow', 30_000)).toBe(true)
      // WHEN a task writes a new event
      await put('web/web/task3cccccccc', [[Date.now(), 'written while following']])
      // THEN it appears within a few polls
      expect(await waitFor('written while following', 10_000)).toBe(true)
    } finally {
      child.kill('SIGINT')
    }
    expect(await exited).toBe(0)
    expect(stdout.split('written while following').length - 1).toBe(1)
  }, 60_000)
})
