/**
 * `platform destroy` end to end: the built CLI against the patched moto after a full deploy of
 * prod. It deletes in reverse dependency order across both regions and keeps the database, its
 * network and every bucket.
 */
import {CloudFormationClient, DescribeStacksCommand} from '@aws-sdk/client-cloudformation'
import {DescribeDBClustersCommand, RDSClient} from '@aws-sdk/client-rds'
import {ListBucketsCommand, S3Client} from '@aws-sdk/client-s3'
import {describe, expect, it} from 'vitest'
import {runCli} from '../helpers/built-cli.js'
import {useLocalAws} from '../helpers/e2e-setup.js'

const PREFIX = 'bookmark-manager-prod-'
const local = useLocalAws({secrets: ['prod'], deploy: {env: 'prod'}})
const aws = (region?: string) => ({region: region ?? local.region, endpoint: local.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}})

async function stacks(region: string): Promise<Record<string, {status: string; protection: boolean}>> {
  const out = await new CloudFormationClient(aws(region)).send(new DescribeStacksCommand({}))
  return Object.fromEntries((out.Stacks ?? []).filter((s) => s.StackName!.startsWith(PREFIX)).map((s) => [s.StackName!.slice(PREFIX.length), {status: s.StackStatus!, protection: Boolean(s.EnableTerminationProtection)}]))
}

const buckets = async () => ((await new S3Client({...aws(), forcePathStyle: true}).send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!).sort()


describe('platform destroy prod (built CLI, patched moto)', () => {
  it('refuses without the environment\'s name, and --dry-run changes nothing', async () => {
    const before = {tokyo: await stacks('ap-northeast-1'), virginia: await stacks('us-east-1')}
    expect(Object.keys(before.tokyo).length).toBe(12)
    const yesOnly = runCli(['destroy', 'prod', '--yes'], {env: local.env})
    expect(yesOnly.status).toBe(2)
    expect(yesOnly.stderr).toMatch(/--confirm prod/)
    const wrong = runCli(['destroy', 'prod', '--confirm', 'staging'], {env: local.env})
    expect(wrong.status).toBe(2)
    expect(wrong.stderr).toMatch(/does not match/)

    const dry = runCli(['destroy', 'prod', '--dry-run', '--json'], {env: local.env})
    expect(dry.status, dry.stderr).toBe(0)
    const plan = JSON.parse(dry.stdout)
    expect(plan.executed).toBe(false)
    expect(plan.kept.map((k: any) => k.stack)).toEqual([`${PREFIX}network`, `${PREFIX}data`])
    expect(plan.ongoingMonthlyUsd).toBeGreaterThan(100)
    expect(await stacks('ap-northeast-1')).toEqual(before.tokyo)
    expect(await stacks('us-east-1')).toEqual(before.virginia)
  }, 60_000)

  it('--confirm prod deletes in reverse dependency order across regions, keeping the database, its network and the buckets', async () => {
    const bucketsBefore = await buckets()
    expect(bucketsBefore.length).toBeGreaterThan(0)
    const run = runCli(['destroy', 'prod', '--confirm', 'prod', '--json', '--poll-interval', '50'], {env: local.env})
    expect(run.status, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result.executed).toBe(true)
    const order: string[] = result.order.map((n: string) => n.slice(PREFIX.length))
    // Readers before what they read from.
    for (const [reader, read] of [['monitoring', 'cluster'], ['dns', 'cdn'], ['cdn', 'edge'], ['edge', 'zone'], ['svc-web', 'cluster'], ['cluster', 'storage'], ['svc-api', 'registry']]) {
      expect(order.indexOf(reader), `${reader} before ${read}`).toBeLessThan(order.indexOf(read))
    }
    expect(result.stacks.every((s: any) => s.outcome === 'deleted' && s.protectionLifted === true)).toBe(true)
    // THEN only the database and its network remain, still protected; the edge in us-east-1 is gone.
    expect(await stacks('ap-northeast-1')).toEqual({network: {status: 'CREATE_COMPLETE', protection: true}, data: {status: 'CREATE_COMPLETE', protection: true}})
    expect(await stacks('us-east-1')).toEqual({})
    const clusters = (await new RDSClient(aws()).send(new DescribeDBClustersCommand({}))).DBClusters ?? []
    expect(clusters.map((c) => c.DBClusterIdentifier)).toEqual(['bookmark-manager-prod-aurora'])
    expect(await buckets()).toEqual(bucketsBefore)
    // and says what it keeps costing.
    expect(result.retained.some((r: any) => r.type === 'AWS::S3::Bucket')).toBe(true)
    expect(result.ongoingCosts.map((c: any) => c.what)).toEqual(expect.arrayContaining([`stack ${PREFIX}data`, `stack ${PREFIX}network`]))

    // A second destroy finds nothing left to delete.
    const again = runCli(['destroy', 'prod', '--confirm', 'prod', '--json', '--poll-interval', '50'], {env: local.env})
    expect(again.status, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout).stacks.every((s: any) => s.outcome === 'absent')).toBe(true)
  }, 120_000)
})
