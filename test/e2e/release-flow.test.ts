/**
 * `platform deploy` as a release, `releases` and `rollback`, end to end: the BUILT CLI against the
 * local AWS (patched moto: ECS rollouts that progress and can be made to fail, ECR that sees the
 * registry's pushes), buildah and the registry, on a copy of the example application and the root
 * platform.yaml in a git repository of their own. One local AWS for the sequence: each step starts
 * from what the previous one left, as a team's successive releases do.
 */
import type {ChildProcess} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CloudFormationClient, DescribeStacksCommand} from '@aws-sdk/client-cloudformation'
import {DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient} from '@aws-sdk/client-ecs'
import {GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type ReleaseProject, startReleaseProject} from '../helpers/release-project.js'

const PREFIX = 'bookmark-manager-staging-'

let app: ReleaseProject
let project: string
const releases: Record<string, any> = {}

const cli = (args: string[], options?: Parameters<ReleaseProject['cli']>[1]) => app.cli(args, options)
const git = (...args: string[]) => app.git(...args)
const ecs = () => new ECSClient(app.local.sdkConfig)
const cfn = () => new CloudFormationClient(app.local.sdkConfig)
const s3 = () => new S3Client({...app.local.sdkConfig, forcePathStyle: true})

async function stackParameter(part: string, key: string): Promise<string | undefined> {
  const stack = (await cfn().send(new DescribeStacksCommand({StackName: `${PREFIX}${part}`}))).Stacks![0]
  return stack.Parameters?.find((p) => p.ParameterKey === key)?.ParameterValue
}

async function assetsBucket(): Promise<string> {
  const stack = (await cfn().send(new DescribeStacksCommand({StackName: `${PREFIX}storage`}))).Stacks![0]
  return stack.Outputs!.find((o) => o.OutputKey === 'AssetsBucketName')!.OutputValue!
}

async function bootstrapBucket(): Promise<string> {
  const stack = (await cfn().send(new DescribeStacksCommand({StackName: `${PREFIX}bootstrap`}))).Stacks![0]
  return stack.Outputs!.find((o) => o.OutputKey === 'ArtifactBucketName')!.OutputValue!
}

async function serving(service: string): Promise<string | undefined> {
  const out = await ecs().send(new DescribeServicesCommand({cluster: `${PREFIX}cluster`, services: [`${PREFIX}${service}`]}))
  return out.services?.[0]?.taskDefinition
}

async function taskDefinitionStatus(arn: string): Promise<string | undefined> {
  return (await ecs().send(new DescribeTaskDefinitionCommand({taskDefinition: arn}))).taskDefinition?.status
}

beforeAll(async () => {
  // One second per rollout step (0.25 s by default) for the local AWS this file starts: CloudFormation
  // waits about two steps for each service, long enough to see the rollout while it executes.
  process.env.PLATFORM_LOCAL_ECS_STEP_SECONDS = '1'
  app = await startReleaseProject({secrets: ['staging']})
  project = app.dir
}, 240_000)

afterAll(async () => {
  await app?.stop()
})

describe('platform deploy staging as a release (built CLI, buildah, registry, ECS rollouts)', () => {
  it('first release: builds and pushes both services, deploys every stack, watches both rollouts, records v1', async () => {
    const run = await cli(['deploy', 'staging', '--yes', '--json'])
    expect(run.error, run.stderr).toBeUndefined()
    expect(run.code, run.stderr).toBe(0)
    const result = run.result!
    expect(result.pushes).toBe(2)
    expect(result.release).toMatchObject({id: 'v1', outcome: 'succeeded', description: 'deploy', git: {commit: git('rev-parse', 'HEAD'), dirty: false}})
    expect(result.rollouts.map((r: any) => [r.service, r.outcome]).sort()).toEqual([['api', 'succeeded'], ['web', 'succeeded']])
    for (const service of ['web', 'api']) {
      const image = result.images.find((i: any) => i.service === service)
      // The stack's ImageUri is the digest-pinned URI, and the recorded release names it.
      expect(await stackParameter(`svc-${service}`, 'ImageUri')).toBe(image.uri)
      expect(image.uri).toMatch(/@sha256:[0-9a-f]{64}$/)
      expect(result.release.services[service]).toMatchObject({image: image.uri, digest: image.digest, imageAction: 'built', outcome: 'succeeded'})
      expect(result.release.services[service].serviceDeploymentArn).toMatch(/^arn:aws:ecs:/)
      expect(await serving(service)).toBe(result.release.services[service].taskDefinitionArn)
    }
    expect(run.lines.some((l) => l.type === 'rollout' && l.service === 'web')).toBe(true)
    // web's /app/.next/static, copied out of its pushed image, is in the assets bucket under /_next/static.
    expect(result.assets).toEqual([{service: 'web', files: 2, uploaded: 2}])
    expect(result.release.services.web.assets).toBe(2)
    expect(result.release.services.api.assets).toBeUndefined()
    const bucket = await assetsBucket()
    const keys = ((await s3().send(new ListObjectsV2Command({Bucket: bucket}))).Contents ?? []).map((o) => o.Key).sort()
    expect(keys).toEqual(['_next/static/chunks/app.css', '_next/static/chunks/app.js'])
    for (const [key, type] of [['_next/static/chunks/app.js', 'text/javascript; charset=utf-8'], ['_next/static/chunks/app.css', 'text/css; charset=utf-8']]) {
      const head = await s3().send(new HeadObjectCommand({Bucket: bucket, Key: key}))
      expect(head.ContentType).toBe(type)
      expect(head.CacheControl).toBe('public, max-age=31536000, immutable')
    }
    const body = await (await s3().send(new GetObjectCommand({Bucket: bucket, Key: '_next/static/chunks/app.js'}))).Body!.transformToString()
    expect(body).toBe(readFileSync(join(project, 'examples/app/web/static/chunks/app.js'), 'utf8'))
    releases.v1 = result.release
  }, 240_000)

  it('a change to web rebuilds and pushes web only, and changes only its stack\'s image parameter', async () => {
    writeFileSync(join(project, 'examples/app/web/public/index.html'), '<!doctype html><title>v2</title>\n')
    writeFileSync(join(project, 'examples/app/web/static/chunks/v2.js'), 'console.log("v2")\n')
    git('add', '.')
    git('commit', '-qm', 'web v2')
    const apiBefore = await stackParameter('svc-api', 'ImageUri')
    // While it runs, the history already shows v2 in progress (as a teammate's `platform releases` would).
    const bucket = await bootstrapBucket()
    let done = false
    const running = cli(['deploy', 'staging', '--yes', '--json']).finally(() => {
      done = true
    })
    const seen: any[] = []
    while (!done) {
      const text = await s3()
        .send(new GetObjectCommand({Bucket: bucket, Key: 'releases/00000002.json'}))
        .then(async (out) => out.Body!.transformToString())
        .catch(() => undefined)
      if (text) seen.push(JSON.parse(text))
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const run = await running
    expect(run.code, run.stderr).toBe(0)
    const inProgress = seen.find((r) => r.outcome === 'in-progress')
    expect(inProgress, JSON.stringify(seen.map((r) => r.outcome))).toMatchObject({id: 'v2', environment: 'staging', description: 'deploy'})
    expect(inProgress.heartbeatAt).toEqual(expect.any(String))
    expect(inProgress.endedAt).toBeUndefined()
    // The running record lists the release's services as they become known: web's new image from
    // the start, its ECS deployment while the stack executes, api unchanged once the plan says so.
    const webImage = run.result!.images.find((i: any) => i.service === 'web').uri
    const records = seen.filter((r) => r.outcome === 'in-progress')
    expect(records.some((r) => r.services.web?.image === webImage && r.services.web.outcome === 'in-progress'), JSON.stringify(records)).toBe(true)
    expect(records.some((r) => r.services.web?.serviceDeploymentArn === run.result!.release.services.web.serviceDeploymentArn), JSON.stringify(records)).toBe(true)
    expect(records.some((r) => r.services.api?.outcome === 'unchanged'), JSON.stringify(records)).toBe(true)
    // CloudFormation waits for the ECS rollout inside svc-web's update: the rollout is shown while the
    // change set executes, before the stack's completion, not only once CloudFormation returns.
    const webStack = `${PREFIX}svc-web`
    const executing = run.lines.findIndex((l) => l.type === 'stack' && l.stack === webStack && l.phase === 'executing')
    const complete = run.lines.findIndex((l) => l.type === 'stack' && l.stack === webStack && l.phase === 'complete')
    const live = run.lines.filter((l, i) => l.type === 'rollout' && l.stack === webStack && i > executing && i < complete)
    expect(live.length, JSON.stringify(run.lines.slice(executing, complete + 1))).toBeGreaterThan(0)
    expect(live[0]).toMatchObject({service: 'web', desired: 1})
    expect(run.lines.some((l, i) => l.type === 'rollout' && l.stack === webStack && i > complete)).toBe(false)
    const result = run.result!
    expect(result.pushes).toBe(1)
    expect(result.images.map((i: any) => [i.service, i.action]).sort()).toEqual([['api', 'existing'], ['web', 'built']])
    const changed = result.stacks.filter((s: any) => s.outcome === 'updated').map((s: any) => s.part)
    expect(changed).toEqual(['svc-web'])
    expect(result.changeSetsCreated).toBe(1)
    const plan = result.plans.find((p: any) => p.part === 'svc-web')
    expect(plan.parameterChanges.map((c: any) => c.name)).toEqual(['ImageUri'])
    expect(await stackParameter('svc-api', 'ImageUri')).toBe(apiBefore)
    expect(result.rollouts.map((r: any) => r.service)).toEqual(['web'])
    expect(result.release).toMatchObject({id: 'v2', outcome: 'succeeded'})
    // The end replaced the in-progress record: same object, its outcome, no heartbeat left.
    const stored = JSON.parse(await (await s3().send(new GetObjectCommand({Bucket: bucket, Key: 'releases/00000002.json'}))).Body!.transformToString())
    expect(stored).toMatchObject({id: 'v2', outcome: 'succeeded', startedAt: inProgress.startedAt, endedAt: expect.any(String)})
    expect(stored.heartbeatAt).toBeUndefined()
    // Only the new file is uploaded; v1's files stay for the tasks still serving v1's pages.
    expect(result.assets).toEqual([{service: 'web', files: 3, uploaded: 1}])
    const keys = ((await s3().send(new ListObjectsV2Command({Bucket: await assetsBucket()}))).Contents ?? []).map((o) => o.Key).sort()
    expect(keys).toEqual(['_next/static/chunks/app.css', '_next/static/chunks/app.js', '_next/static/chunks/v2.js'])
    releases.v2 = result.release
  }, 240_000)

  it('a release with nothing changed builds nothing, pushes nothing, creates no change set and records nothing', async () => {
    const run = await cli(['deploy', 'staging', '--yes', '--json'])
    expect(run.code, run.stderr).toBe(0)
    expect(run.result).toMatchObject({pushes: 0, changeSetsCreated: 0, rollouts: [], assets: []})
    expect(run.result!.release).toBeUndefined()
    expect(run.result!.images.every((i: any) => i.action === 'existing')).toBe(true)
  }, 120_000)

  it('releases --json lists them newest first; the table shows them too', async () => {
    const run = await cli(['releases', 'staging', '--json'])
    expect(run.code, run.stderr).toBe(0)
    const listed = JSON.parse(run.stdout)
    expect(listed.releases.map((r: any) => r.id)).toEqual(['v2', 'v1'])
    expect(listed.releases[1]).toEqual(releases.v1)
    const table = await cli(['releases', 'staging', '--limit', '1'])
    expect(table.stdout).toMatch(/^ID\s+STARTED\s+DURATION\s+OUTCOME/)
    expect(table.stdout).toContain('v2')
    expect(table.stdout).not.toMatch(/^v1 /m)
  }, 60_000)

  it('rollback returns the services to the first release\'s task definition revisions (retained, ACTIVE), replaying its stack parameters', async () => {
    const run = await cli(['rollback', 'staging', '--yes', '--json'])
    expect(run.code, run.stderr).toBe(0)
    // What a rollback leaves alone is said, on stderr and in the --json plan.
    expect(run.stderr).toContain('does not undo database migrations')
    const plan = run.lines.find((l) => l.type === 'rollback')!
    expect(plan).toMatchObject({from: 'v2', to: 'v1', stacks: ['svc-web']})
    expect(plan.notUndone).toContain('changes to the other stacks')
    expect(run.stderr).toMatch(/api: unchanged/)
    const result = run.result!
    expect(result.release).toMatchObject({id: 'v3', description: 'rollback to v1', rollbackOf: 'v1', outcome: 'succeeded'})
    expect(result.pushes).toBe(0)
    // Only the service stacks are deployed: every other stack is read, never changed.
    expect(result.stacks.filter((s: any) => !s.part.startsWith('svc-')).every((s: any) => s.outcome === 'read-only')).toBe(true)
    expect(result.rollouts.map((r: any) => [r.service, r.outcome])).toEqual([['web', 'succeeded']])
    for (const service of ['web', 'api']) {
      const revision = releases.v1.services[service].taskDefinitionArn
      // The ECS service runs v1's own revision, which CloudFormation retained: still ACTIVE.
      expect(await serving(service)).toBe(revision)
      expect(await taskDefinitionStatus(revision)).toBe('ACTIVE')
      expect(result.release.services[service].taskDefinitionArn).toBe(revision)
      expect(await stackParameter(`svc-${service}`, 'ImageUri')).toBe(releases.v1.services[service].image)
    }
    // web's stack carries v1's parameters again, with its revision pinned; v2's revision is retained too.
    const webStack = `${PREFIX}svc-web`
    expect(await stackParameter('svc-web', 'PinnedTaskDefinitionArn')).toBe(releases.v1.services.web.taskDefinitionArn)
    expect({...result.release.stackParameters[webStack], PinnedTaskDefinitionArn: ''}).toEqual(releases.v1.stackParameters[webStack])
    expect(await taskDefinitionStatus(releases.v2.services.web.taskDefinitionArn)).toBe('ACTIVE')
    releases.v3 = result.release
  }, 240_000)

  it('rollback without --yes and without a terminal changes nothing and names --yes', async () => {
    const run = await cli(['rollback', 'staging'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--yes')
  }, 60_000)

  it('a failing rollout reports its stopped-task reason, exits 5, and is recorded as failed', async () => {
    const reason = 'CannotPullContainerError: pull image manifest has been retried 5 time(s)'
    const res = await fetch(`${app.local.endpoint}/moto-api/platform-local/ecs/fail-next-rollout`, {method: 'POST', body: JSON.stringify({region: app.local.region, service: `${PREFIX}web`, reason})})
    expect(res.ok).toBe(true)
    writeFileSync(join(project, 'examples/app/web/public/index.html'), '<!doctype html><title>v3</title>\n')
    git('commit', '-qam', 'web v3')
    const run = await cli(['deploy', 'staging', '--yes', '--json'])
    expect(run.code, run.stderr).toBe(5)
    expect(run.stderr, run.stderr).toContain(reason)
    expect(run.error).toMatchObject({exitCode: 5})
    const listed = JSON.parse((await cli(['releases', 'staging', '--json', '--limit', '1'])).stdout)
    expect(listed.releases[0]).toMatchObject({id: 'v4', outcome: 'failed'})
    expect(listed.releases[0].services.web).toMatchObject({outcome: 'failed'})
    expect(listed.releases[0].services.web.reason).toContain(reason)
    // ECS put the previous revision back: what serves is still the rollback's.
    expect(await stackParameter('svc-web', 'ImageUri')).toBe(releases.v1.services.web.image)
  }, 240_000)

  it('refuses latest: --tag latest and an --image without a digest or tag (exit 2), changing nothing', async () => {
    const tagged = await cli(['deploy', 'staging', '--yes', '--tag', 'latest'])
    expect(tagged.code).toBe(2)
    expect(tagged.stderr).toContain('The image tag "latest" is refused')
    const image = await cli(['deploy', 'staging', '--yes', '--skip-build', '--image', 'web=repo/web'])
    expect(image.code).toBe(2)
    expect(image.stderr).toContain('"latest" is refused')
  }, 60_000)

  it('every release is one object in the bootstrap bucket', async () => {
    const bucket = await bootstrapBucket()
    const keys = ((await s3().send(new ListObjectsV2Command({Bucket: bucket, Prefix: 'releases/'}))).Contents ?? []).map((o) => o.Key)
    expect(keys).toEqual(['releases/00000001.json', 'releases/00000002.json', 'releases/00000003.json', 'releases/00000004.json'])
  }, 60_000)

  it('a release killed midway (kill -9) is listed as abandoned once its heartbeat is old; its lease blocks other machines until it expires, not this one', async () => {
    // The bootstrap bucket, once it exists (this test also runs alone, on a fresh local AWS).
    let bucket: string | undefined
    const read = async (k: string) =>
      (bucket ??= await bootstrapBucket().catch(() => undefined))
        ? s3()
            .send(new GetObjectCommand({Bucket: bucket, Key: k}))
            .then(async (out) => out.Body!.transformToString())
            .catch(() => undefined)
        : undefined
    const newestKey = async () =>
      (bucket ??= await bootstrapBucket().catch(() => undefined))
        ? ((await s3().send(new ListObjectsV2Command({Bucket: bucket, Prefix: 'releases/'}))).Contents ?? []).map((o) => o.Key!).sort().at(-1)
        : undefined
    const before = await newestKey()
    writeFileSync(join(project, 'examples/app/web/public/index.html'), '<!doctype html><title>v5</title>\n')
    git('commit', '-qam', 'web v5')
    let child: ChildProcess | undefined
    let killed = false
    const run = cli(['deploy', 'staging', '--yes', '--json'], {started: (c) => (child = c)})
    // Killed once its in-progress record names web's new image (built and pushed) and it holds the
    // deploy lease in the bucket (the stacks come next).
    let key: string | undefined
    let record: any
    let lease: any
    for (let i = 0; i < 3000 && !killed; i++) {
      key = await newestKey()
      const text = key && key !== before ? await read(key) : undefined
      record = text ? JSON.parse(text) : undefined
      const leaseText = await read('locks/deploy.json')
      lease = leaseText ? JSON.parse(leaseText) : undefined
      if (record?.outcome === 'in-progress' && record.services.web?.image && lease?.holder.pid === child?.pid && !lease.released) {
        child!.kill('SIGKILL')
        killed = true
      } else await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const dead = await run
    expect(killed, `the in-progress record never named web's image: ${JSON.stringify(record)}`).toBe(true)
    expect(dead.code).toBeNull()
    expect(dead.result).toBeUndefined()

    // Just after: still in progress (the heartbeat is recent).
    const fresh = JSON.parse((await cli(['releases', 'staging', '--json', '--limit', '1'])).stdout).releases[0]
    expect(fresh).toMatchObject({id: record.id, outcome: 'in-progress'})
    // The history is the team's shared record: age its heartbeat past the ten minutes (no 10-minute sleep).
    const old = new Date(Date.now() - 11 * 60_000).toISOString()
    await s3().send(new PutObjectCommand({Bucket: bucket, Key: key, Body: JSON.stringify({...JSON.parse((await read(key!))!), heartbeatAt: old}), ContentType: 'application/json'}))
    const listed = JSON.parse((await cli(['releases', 'staging', '--json', '--limit', '1'])).stdout).releases[0]
    expect(listed).toMatchObject({id: record.id, outcome: 'abandoned', heartbeatAt: old})
    expect(listed.endedAt).toBeUndefined()
    expect((await cli(['releases', 'staging'])).stdout).toMatch(new RegExp(`^${record.id} .*abandoned`, 'm'))

    // The killed run's lease in the bucket: another machine (another lock folder) is refused until
    // it expires, 15 minutes after its last renewal, and is told when that is.
    expect(JSON.parse((await read('locks/deploy.json'))!)).toEqual(lease)
    const elsewhere = await cli(['deploy', 'staging', '--yes', '--json'], {env: {PLATFORM_LOCK_DIR: mkdtempSync(join(tmpdir(), 'platform-other-machine-'))}})
    expect(elsewhere.code, elsewhere.stderr).toBe(5)
    expect(elsewhere.error).toMatchObject({code: 'DEPLOY_LOCKED'})
    const expires = /expires at (\S+?Z)/.exec(elsewhere.error!.message)?.[1]
    expect(Date.parse(expires!) - Date.parse(lease.renewed)).toBeGreaterThan(14 * 60_000)
    expect(Date.parse(expires!) - Date.parse(lease.renewed)).toBeLessThanOrEqual(16 * 60_000)
    // This machine knows the run is dead (its local lock names a pid that is gone): the next deploy takes the lease over at once.
    const next = await cli(['deploy', 'staging', '--yes', '--json'])
    expect(next.code, next.stderr).toBe(0)
    expect(JSON.parse((await read('locks/deploy.json'))!)).toMatchObject({released: true})
    const after = JSON.parse((await cli(['releases', 'staging', '--json'])).stdout).releases
    // The killed release stays abandoned; what the next deploy released, if anything was left, is recorded apart.
    expect(after.find((r: any) => r.id === record.id).outcome).toBe('abandoned')
    for (const r of after.filter((r: any) => Number(r.id.slice(1)) > Number(record.id.slice(1)))) expect(r.outcome).toBe('succeeded')
    expect(await stackParameter('svc-web', 'ImageUri')).toBe(record.services.web.image)
  }, 360_000)

  it('platform deploy prod with the root platform.yaml releases too (every stack, both regions, both services)', async () => {
    await app.putSecrets('prod')
    const run = await cli(['deploy', 'prod', '--yes', '--json'])
    expect(run.code, run.stderr).toBe(0)
    expect(run.result!.release).toMatchObject({id: 'v1', environment: 'prod', outcome: 'succeeded'})
    expect(run.result!.stacks.find((s: any) => s.part === 'edge')).toMatchObject({region: 'us-east-1', outcome: 'created'})
    expect(run.result!.rollouts.map((r: any) => r.outcome)).toEqual(['succeeded', 'succeeded'])
  }, 240_000)
})
