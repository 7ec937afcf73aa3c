/**
 * `platform deploy` end to end: the BUILT CLI (bin/run.js → dist, built privately by
 * builtCliBin) against the patched moto (useLocalAws), deploying the repository's own
 * platform.yaml.
 */
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CloudFormationClient, DescribeStacksCommand, ListChangeSetsCommand} from '@aws-sdk/client-cloudformation'
import {DescribeManagedPrefixListsCommand, DescribeSecurityGroupsCommand, EC2Client} from '@aws-sdk/client-ec2'
import {CreateRepositoryCommand, DeleteRepositoryCommand, ECRClient} from '@aws-sdk/client-ecr'
import {GetObjectCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {DeleteParameterCommand, SSMClient} from '@aws-sdk/client-ssm'
import {describe, expect, it} from 'vitest'
import {builtCliBin, type JsonRun, repoRoot as root, rootConfigWithoutAssets, spawnCli} from '../helpers/built-cli.js'
import {exampleImages, putExampleSecrets, useLocalAws} from '../helpers/e2e-setup.js'

/** The example's images here are made up (moto pulls nothing), so there are no assets to copy out of them. */
const rootConfig = rootConfigWithoutAssets()

const TOKYO = 'ap-northeast-1'
const VIRGINIA = 'us-east-1'
const PREFIX = 'bookmark-manager-prod-'
const IMAGES = exampleImages('prod')

type Run = JsonRun

const local = useLocalAws()

function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  return spawnCli(args, {cwd: root, env: {...local.cliEnv, ...extraEnv}})
}

const deploy = (extra: string[] = [], config = rootConfig, extraEnv: Record<string, string> = {}) => cli(['deploy', 'prod', '--yes', '--json', '--config', config, ...IMAGES, ...extra], extraEnv)

function cfn(region: string) {
  return new CloudFormationClient({region, endpoint: local.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}})
}

async function stacksIn(region: string): Promise<Record<string, string>> {
  const out = await cfn(region).send(new DescribeStacksCommand({}))
  return Object.fromEntries((out.Stacks ?? []).filter((s) => s.StackName?.startsWith(PREFIX)).map((s) => [s.StackName!.slice(PREFIX.length), s.StackStatus!]))
}

/** Change sets of our stacks (moto keeps executed ones; `pending` counts those never executed). */
async function changeSetCount(which: 'all' | 'pending' = 'all'): Promise<number> {
  let n = 0
  for (const region of [TOKYO, VIRGINIA]) {
    for (const name of Object.keys(await stacksIn(region))) {
      const out = await cfn(region).send(new ListChangeSetsCommand({StackName: `${PREFIX}${name}`}))
      // moto lists the region's change sets whatever the stack: keep this stack's.
      const own = (out.Summaries ?? []).filter((c) => c.StackName === `${PREFIX}${name}`)
      n += own.filter((c) => which === 'all' || c.ExecutionStatus === 'AVAILABLE').length
    }
  }
  return n
}

/** A copy of platform.yaml with one edit, in a temp dir (the loader resolves build contexts against it, renderers do not read them). */
function editedConfig(edit: (text: string) => string): string {
  const text = readFileSync(rootConfig, 'utf8')
  const changed = edit(text)
  expect(changed).not.toBe(text)
  const dir = mkdtempSync(join(tmpdir(), 'platform-e2e-'))
  const file = join(dir, 'platform.yaml')
  writeFileSync(file, changed)
  return file
}

/** The bootstrap stack's bucket, where the deploy lease lives. */
async function artifactBucket(): Promise<string> {
  const stack = (await cfn(TOKYO).send(new DescribeStacksCommand({StackName: `${PREFIX}bootstrap`}))).Stacks![0]
  return stack.Outputs!.find((o) => o.OutputKey === 'ArtifactBucketName')!.OutputValue!
}

function artifactS3(): S3Client {
  return new S3Client({region: TOKYO, endpoint: local.endpoint, forcePathStyle: true, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}})
}

const putSecrets = () => putExampleSecrets(local, 'prod')

describe('platform deploy prod (built CLI, patched moto)', () => {
  // One moto for the whole sequence: each step starts from the state the previous one left,
  // as a user's successive deploys do.
  it('first deploy creates every stack in both regions', async () => {
    await local.reset()
    await putSecrets()
    // GIVEN an empty account WHEN deploying THEN every stack is created, edge in us-east-1.
    const run = await deploy()
    expect(run.error, run.stderr).toBeUndefined()
    expect(run.code).toBe(0)
    const outcomes = Object.fromEntries(run.result!.stacks.map((s: any) => [s.part, s.outcome]))
    expect(Object.values(outcomes).every((o) => o === 'created'), JSON.stringify(outcomes)).toBe(true)
    const tokyo = await stacksIn(TOKYO)
    const virginia = await stacksIn(VIRGINIA)
    expect(virginia).toEqual({edge: 'CREATE_COMPLETE'})
    for (const part of ['bootstrap', 'network', 'storage', 'registry', 'data', 'zone', 'cluster', 'svc-web', 'svc-api', 'cdn', 'dns', 'monitoring']) {
      expect(tokyo[part], part).toBe('CREATE_COMPLETE')
    }
    expect(Object.keys(outcomes).sort()).toEqual([...Object.keys(tokyo), 'edge'].sort())
    // prod is protected: every stack got termination protection.
    const described = (await cfn(TOKYO).send(new DescribeStacksCommand({}))).Stacks ?? []
    expect(described.filter((s) => s.StackName?.startsWith(PREFIX)).every((s) => s.EnableTerminationProtection === true)).toBe(true)
    // Progress came as one JSON object per line, per stack and per resource.
    expect(run.lines.some((l) => l.type === 'resource' && l.stack === `${PREFIX}network` && l.status === 'CREATE_COMPLETE')).toBe(true)
    // The internal ALB admits CloudFront's origin-facing addresses (Tokyo's id of the list) on 443, nothing else.
    const ec2 = new EC2Client({region: TOKYO, endpoint: local.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}})
    const network = (await cfn(TOKYO).send(new DescribeStacksCommand({StackName: `${PREFIX}network`}))).Stacks![0]
    const albGroup = network.Outputs!.find((o) => o.OutputKey === 'AlbSecurityGroupId')!.OutputValue!
    const lists = await ec2.send(new DescribeManagedPrefixListsCommand({Filters: [{Name: 'prefix-list-name', Values: ['com.amazonaws.global.cloudfront.origin-facing']}]}))
    const group = (await ec2.send(new DescribeSecurityGroupsCommand({GroupIds: [albGroup]}))).SecurityGroups![0]
    expect(group.IpPermissions).toEqual([expect.objectContaining({FromPort: 443, ToPort: 443, IpRanges: [], UserIdGroupPairs: [], PrefixListIds: [expect.objectContaining({PrefixListId: lists.PrefixLists![0].PrefixListId})]})])
    ec2.destroy()
  }, 120_000)

  it('a second deploy with no change creates no change set', async () => {
    const before = await changeSetCount()
    const started = Date.now()
    const run = await deploy()
    expect(run.code, run.stderr).toBe(0)
    expect(run.result!.changeSetsCreated).toBe(0)
    expect(run.result!.stacks.every((s: any) => s.outcome === 'skipped')).toBe(true)
    expect(run.lines.some((l) => l.type === 'change-set')).toBe(false)
    expect(await changeSetCount()).toBe(before)
    expect(Date.now() - started).toBeLessThan(10_000)
  }, 60_000)

  it('platform diff shows a pending change from a change set and leaves none behind', async () => {
    const config = editedConfig((t) => t.replace('logRetentionDays: 30', 'logRetentionDays: 14'))
    expect(await changeSetCount('pending')).toBe(0)
    const run = await cli(['diff', 'prod', '--json', '--config', config])
    expect(run.code, run.stderr).toBe(0)
    const diff = JSON.parse(run.stdout)
    expect(diff.environment).toBe('prod')
    expect(diff.summary.modify).toBeGreaterThan(0)
    expect(diff.stacks.filter((p: any) => p.action !== 'skip').map((p: any) => p.part)).toContain('svc-web')
    expect(diff.stacks.find((p: any) => p.part === 'svc-web')).toMatchObject({source: 'change-set', changes: [expect.objectContaining({type: 'AWS::Logs::LogGroup', action: 'Modify'})]})
    // The change sets it read were deleted again.
    expect(await changeSetCount('pending')).toBe(0)
  }, 60_000)

  it('platform diff names the stacks the config no longer renders (domain removed: zone, dns) and says a deploy leaves them alone', async () => {
    const config = editedConfig((t) => t.replace(/^    domain: example\.com.*\n/m, ''))
    const run = await cli(['diff', 'prod', '--json', '--config', config])
    expect(run.code, run.stderr).toBe(0)
    const diff = JSON.parse(run.stdout)
    expect(diff.orphaned).toEqual([
      {stack: `${PREFIX}dns`, region: TOKYO, status: 'CREATE_COMPLETE'},
      {stack: `${PREFIX}zone`, region: TOKYO, status: 'CREATE_COMPLETE'},
    ])
    expect(diff.stacks.map((p: any) => p.part)).not.toContain('zone')
    expect(run.stderr).toMatch(/bookmark-manager-prod-zone \(ap-northeast-1, CREATE_COMPLETE\) is deployed but no longer in platform.yaml's prod: left as it is/)
    const text = await cli(['diff', 'prod', '--config', config])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/no longer in platform.yaml \(a deploy leaves them alone\):\n  bookmark-manager-prod-dns \(ap-northeast-1, CREATE_COMPLETE\)/)
    expect(await stacksIn(TOKYO)).toMatchObject({zone: 'CREATE_COMPLETE', dns: 'CREATE_COMPLETE'})
    expect(await changeSetCount('pending')).toBe(0)
  }, 60_000)

  it('a changed alarm threshold updates only the monitoring stack', async () => {
    const config = editedConfig((t) => t.replace('alarms: {cpu: 80,', 'alarms: {cpu: 85,'))
    const run = await deploy([], config)
    expect(run.code, run.stderr).toBe(0)
    const changed = run.result!.stacks.filter((s: any) => s.outcome !== 'skipped').map((s: any) => [s.part, s.outcome])
    expect(changed).toEqual([['monitoring', 'updated']])
    expect(run.result!.changeSetsCreated).toBe(1)
  }, 60_000)

  it('refuses to replace the database (exit 5, naming it), then allows it with --allow-replace', async () => {
    const config = editedConfig((t) => t.replace('name: bookmarkdb', 'name: bookmarks2'))
    const refused = await deploy([], config)
    expect(refused.code).toBe(5)
    expect(refused.error).toMatchObject({code: 'REPLACEMENT_REFUSED'})
    const cluster = refused.error!.failures.find((f: any) => f.type === 'AWS::RDS::DBCluster')
    // The cluster's UpdateReplacePolicy Snapshot keeps its data in a snapshot; the refusal says so.
    expect(cluster).toMatchObject({stack: `${PREFIX}data`, status: 'WOULD_REPLACE', reason: expect.stringMatching(/DatabaseName.*; data kept in a snapshot: .*\(PolicyAction ReplaceAndSnapshot\)$/)})
    expect(refused.stderr).toMatch(/--allow-replace/)
    // Nothing ran: the data stack is as it was.
    expect((await stacksIn(TOKYO)).data).toBe('CREATE_COMPLETE')

    const allowed = await deploy(['--allow-replace', cluster.logicalId], config)
    expect(allowed.code, allowed.stderr).toBe(0)
    expect(allowed.result!.stacks.find((s: any) => s.part === 'data').outcome).toBe('updated')
  }, 60_000)

  it('reports a failing stack with its reason and exit 5; the next deploy recreates it from ROLLBACK_COMPLETE', async () => {
    // GIVEN a fresh account where an ECR repository of the registry stack already exists.
    await local.reset()
    await putSecrets()
    const ecr = new ECRClient({region: TOKYO, endpoint: local.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}})
    await ecr.send(new CreateRepositoryCommand({repositoryName: 'bookmark-manager/prod/web'}))
    const failed = await deploy(['--stack', 'registry'])
    expect(failed.code).toBe(5)
    expect(failed.error!.failures[0]).toMatchObject({stack: `${PREFIX}registry`, reason: expect.stringMatching(/already exists/i)})
    expect(failed.stderr).toMatch(/registry/)
    expect((await stacksIn(TOKYO)).registry).toBe('ROLLBACK_COMPLETE')

    // WHEN the conflict is gone THEN the ROLLBACK_COMPLETE stack is deleted and created again.
    // Repositories are DeletionPolicy Retain, so the rolled-back create left the one it made too
    // (AWS does the same: Retain keeps resources of a failed create). The user removes both.
    for (const name of ['web', 'api']) await ecr.send(new DeleteRepositoryCommand({repositoryName: `bookmark-manager/prod/${name}`, force: true})).catch(() => undefined)
    const again = await deploy(['--stack', 'registry'])
    expect(again.code, again.stderr).toBe(0)
    expect(again.result!.plans.find((p: any) => p.part === 'registry').action).toBe('recreate')
    expect(again.result!.stacks.find((s: any) => s.part === 'registry').outcome).toBe('created')
    expect((await stacksIn(TOKYO)).registry).toBe('CREATE_COMPLETE')
  }, 60_000)

  it('without a terminal and without --yes it changes nothing and names --yes', async () => {
    const run = await cli(['deploy', 'prod', '--json', ...IMAGES, '--stack', 'network'])
    expect(run.code).toBe(2)
    expect(run.error).toMatchObject({code: 'NEEDS_FLAG'})
    expect(run.stderr).toMatch(/--yes/)
  }, 60_000)

  it('preflight stops before any change when a secret the services read is missing', async () => {
    // (An engine version the region does not offer is caught by `validate` from the same data
    // moto's RDS answers with, so the live DescribeDBEngineVersions refusal is a fake-client test.)
    const ssm = new SSMClient({region: TOKYO, endpoint: local.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}})
    await ssm.send(new DeleteParameterCommand({Name: '/bookmark-manager/prod/JWT_SECRET'}))
    const before = await stacksIn(TOKYO)
    const run = await deploy()
    expect(run.code).toBe(5)
    expect(run.error).toMatchObject({code: 'PREFLIGHT_FAILED'})
    expect(run.error!.message).toMatch(/Missing secrets.*\/bookmark-manager\/prod\/JWT_SECRET.*`platform secrets set prod JWT_SECRET`/)
    expect(run.lines.some((l) => l.type === 'stack' && l.phase === 'executing')).toBe(false)
    expect(await stacksIn(TOKYO)).toEqual(before)
    await putSecrets()
  }, 60_000)

  it('two deploys at once: the second is refused, naming the one that holds the lock', async () => {
    await putSecrets()
    // GIVEN a slow deploy (--force makes a change set per stack, one stack at a time) holding the lock
    const first = spawn(process.execPath, [builtCliBin(), 'deploy', 'prod', '--yes', '--json', '--force', '--concurrency', '1', '--config', rootConfig, ...IMAGES], {
      env: {...process.env, ...local.cliEnv, CI: '1'},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const firstDone = new Promise<number | null>((done) => first.on('close', done))
    // The lock is taken before the plan is printed.
    await new Promise<void>((ready) => first.stdout.on('data', (c) => String(c).includes('"type":"plan"') && ready()))
    // WHEN a second deploy starts THEN it stops at once, saying who holds the lock.
    const second = await deploy()
    expect(second.code).toBe(5)
    expect(second.error).toMatchObject({code: 'DEPLOY_LOCKED'})
    expect(second.error!.message).toMatch(new RegExp(`pid ${first.pid} on .* \\(platform deploy prod\\)`))
    expect(await firstDone).toBe(0)
  }, 120_000)

  it('Ctrl-C while planning: exit 6, says so, and leaves no review change set behind', async () => {
    // GIVEN a change to deploy (alarm and log settings touch several stacks)
    const config = editedConfig((t) => t.replace('logRetentionDays: 30', 'logRetentionDays: 7'))
    const before = await stacksIn(TOKYO)
    const child = spawn(process.execPath, [builtCliBin(), 'deploy', 'prod', '--yes', '--json', '--concurrency', '1', '--config', config, ...IMAGES], {
      env: {...process.env, ...local.cliEnv, CI: '1', NO_COLOR: '1'},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (c) => (stderr += c))
    const exited = new Promise<number | null>((done) => child.on('close', done))
    // WHEN Ctrl-C arrives as the first review change set is made
    child.stdout.on('data', (chunk) => {
      const first = !stdout.includes('"type":"change-set"')
      stdout += chunk
      if (first && stdout.includes('"type":"change-set"')) child.kill('SIGINT')
    })
    // THEN it stops with exit 6 and the error says it was interrupted
    expect(await exited, stderr).toBe(6)
    expect(stderr).toMatch(/Stopping: no new stacks start/)
    const error = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((l) => l.type === 'error')
    expect(error).toMatchObject({code: 'ABORTED'})
    expect(error.message).toMatch(/Interrupted/)
    // and no change set is left to execute, no stack changed
    expect(await changeSetCount('pending')).toBe(0)
    expect(await stacksIn(TOKYO)).toEqual(before)
    // The lock was released: the next deploy runs.
    expect((await deploy()).code).toBe(0)
  }, 120_000)

  it('a deploy is refused while another machine holds the lease in AWS, naming that run', async () => {
    // GIVEN the lease of a run on another machine (its own lock file, elsewhere), renewed just now
    const s3 = artifactS3()
    const bucket = await artifactBucket()
    const laptop = {pid: 4242, host: 'anas-laptop', user: 'ana', command: 'deploy prod', started: new Date().toISOString(), token: 'laptop-run'}
    await s3.send(new PutObjectCommand({Bucket: bucket, Key: 'locks/deploy.json', Body: JSON.stringify({holder: laptop, ttlSeconds: 900, renewed: laptop.started})}))
    const before = await changeSetCount()
    // WHEN deploying from here THEN it stops before any AWS change, naming the holder and the lease.
    const run = await deploy(['--force'])
    expect(run.code).toBe(5)
    expect(run.error).toMatchObject({code: 'DEPLOY_LOCKED'})
    expect(run.error!.message).toMatch(new RegExp(`Another deploy of bookmark-manager/prod is running: pid 4242 on anas-laptop by ana since ${laptop.started} \\(platform deploy prod\\)\\. Its lease \\(s3://${bucket}/locks/deploy\\.json\\) expires at`))
    expect(await changeSetCount()).toBe(before)
    // The refused run left the holder's lease alone.
    const lease = JSON.parse(await (await s3.send(new GetObjectCommand({Bucket: bucket, Key: 'locks/deploy.json'}))).Body!.transformToString())
    expect(lease.holder).toEqual(laptop)
    // Released by its holder: the next deploy goes ahead.
    await s3.send(new PutObjectCommand({Bucket: bucket, Key: 'locks/deploy.json', Body: JSON.stringify({holder: laptop, ttlSeconds: 900, renewed: laptop.started, released: true})}))
    expect((await deploy()).code).toBe(0)
    s3.destroy()
  }, 120_000)

  it('a lease left by a run that died is taken over once expired, with a warning naming it', async () => {
    const bucket = await artifactBucket()
    const s3 = artifactS3()
    const crashed = {pid: 999_999, host: 'crashed-runner', user: 'ci', command: 'deploy prod', started: new Date().toISOString(), token: 'gone'}
    await s3.send(new PutObjectCommand({Bucket: bucket, Key: 'locks/deploy.json', Body: JSON.stringify({holder: crashed, ttlSeconds: 1, renewed: crashed.started})}))
    await new Promise((resolve) => setTimeout(resolve, 2100))
    const run = await deploy()
    expect(run.code, run.stderr).toBe(0)
    expect(run.lines).toContainEqual(expect.objectContaining({type: 'warning', message: expect.stringMatching(/Took over the expired deploy lease of pid 999999 on crashed-runner by ci/)}))
    // Released at the end: the next deploy takes it without a word.
    const lease = JSON.parse(await (await s3.send(new GetObjectCommand({Bucket: bucket, Key: 'locks/deploy.json'}))).Body!.transformToString())
    expect(lease).toMatchObject({released: true, holder: {command: 'deploy prod'}})
    expect(lease.holder.host).not.toBe('crashed-runner')
    s3.destroy()
  }, 60_000)
})
