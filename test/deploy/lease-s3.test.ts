/**
 * The deploy lease on S3 (src/lib/deploy/adapter.ts's lease store) against the local AWS: a
 * versioned bucket like the bootstrap stack's, PutObject If-None-Match / If-Match as S3 answers them.
 */
import {type BucketLocationConstraint, CreateBucketCommand, GetObjectCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'
import {createDeployAws, type DeploySdkClients} from '../../src/lib/deploy/adapter.js'
import {acquireLease, currentHolder, LEASE_KEY, type LeaseStore} from '../../src/lib/deploy/lease.js'
import {type LocalAws, startLocalAws} from '../helpers/local-aws.js'

const BUCKET = 'app-prod-bootstrap-artifacts'
let local: LocalAws
let s3: S3Client
let storeOf: () => LeaseStore

beforeAll(async () => {
  local = await startLocalAws()
  s3 = new S3Client({...local.sdkConfig, forcePathStyle: true})
  await s3.send(new CreateBucketCommand({Bucket: BUCKET, CreateBucketConfiguration: {LocationConstraint: local.region as BucketLocationConstraint}}))
  await s3.send(new PutBucketVersioningCommand({Bucket: BUCKET, VersioningConfiguration: {Status: 'Enabled'}}))
  const aws = createDeployAws({s3: async () => s3} as unknown as DeploySdkClients)
  storeOf = () => aws.leaseStore(local.region, BUCKET, LEASE_KEY)
}, 60_000)

afterAll(async () => {
  s3?.destroy()
  await local?.stop()
})

const holder = (host: string) => ({...currentHolder('deploy prod', `${host}-token`), host})

async function stored(): Promise<{holder: {host: string}; released?: boolean}> {
  const out = await s3.send(new GetObjectCommand({Bucket: BUCKET, Key: LEASE_KEY}))
  return JSON.parse(await out.Body!.transformToString())
}

describe('the deploy lease in S3', () => {
  it('one holder at a time: a second is refused naming the first, then takes it once released', async () => {
    const laptop = await acquireLease(storeOf(), holder('laptop'), {environment: 'app/prod'})
    expect(await stored()).toMatchObject({holder: {host: 'laptop'}})
    const refused = await acquireLease(storeOf(), holder('ci'), {environment: 'app/prod'}).catch((e) => e)
    expect(refused).toMatchObject({exitCode: 5, code: 'DEPLOY_LOCKED'})
    expect(refused.message).toMatch(new RegExp(`Another deploy of app/prod is running: pid ${process.pid} on laptop .*s3://${BUCKET}/${LEASE_KEY}`))
    await laptop.release()
    expect(await stored()).toMatchObject({holder: {host: 'laptop'}, released: true})
    const ci = await acquireLease(storeOf(), holder('ci'))
    expect(ci.tookOver).toBeUndefined()
    await ci.release()
  })

  it('an expired lease (no renewal for its TTL, by S3\'s LastModified) is taken over with a conditional write', async () => {
    // A run that died: its lease says 1 s and was written before now.
    await s3.send(new PutObjectCommand({Bucket: BUCKET, Key: LEASE_KEY, Body: JSON.stringify({holder: holder('crashed'), ttlSeconds: 1, renewed: new Date().toISOString()})}))
    await new Promise((resolve) => setTimeout(resolve, 2100))
    const ci = await acquireLease(storeOf(), holder('ci'))
    expect(ci.tookOver).toMatchObject({host: 'crashed'})
    expect(await stored()).toMatchObject({holder: {host: 'ci'}})
    await ci.release()
  })

  it('of two runs at once, exactly one takes the lease', async () => {
    await s3.send(new PutObjectCommand({Bucket: BUCKET, Key: LEASE_KEY, Body: JSON.stringify({holder: holder('done'), ttlSeconds: 900, renewed: new Date().toISOString(), released: true})}))
    const results = await Promise.allSettled(['a', 'b', 'c'].map((host) => acquireLease(storeOf(), holder(host))))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['DEPLOY_LOCKED', 'DEPLOY_LOCKED'])
  })
  it('two renewals in flight at once: when the first finds the lease taken over, the second writes nothing (S3 would take a write without If-Match unconditionally)', async () => {
    // The laptop's renewals go through a store whose first renewal S3 is slow to answer, so the
    // next tick's renewal queues behind it; meanwhile CI takes the lease over.
    const s3Store = storeOf()
    let openGate!: () => void
    const gate = new Promise<void>((resolve) => (openGate = resolve))
    let renewalStarted!: () => void
    const firstRenewal = new Promise<void>((resolve) => (renewalStarted = resolve))
    const renewals: Array<string | undefined> = []
    let acquired = false
    const slow: LeaseStore = {
      location: s3Store.location,
      read: () => s3Store.read(),
      create: (body) => s3Store.create(body),
      async replace(body, etag) {
        if (!acquired) return s3Store.replace(body, etag)
        renewals.push(etag)
        renewalStarted()
        await gate
        return s3Store.replace(body, etag)
      },
    }
    await s3.send(new PutObjectCommand({Bucket: BUCKET, Key: LEASE_KEY, Body: JSON.stringify({holder: holder('done'), ttlSeconds: 900, renewed: new Date().toISOString(), released: true})}))
    const lost = vi.fn()
    // A 3 s TTL renews every second.
    await acquireLease(slow, holder('laptop'), {ttlMs: 3000, onLost: lost})
    acquired = true
    const ci = await acquireLease(storeOf(), holder('ci'), {supersedes: 'laptop-token'})
    expect(ci.tookOver).toMatchObject({host: 'laptop'})
    await firstRenewal
    // The next tick (a second later) queues the second renewal behind the first.
    await new Promise((resolve) => setTimeout(resolve, 1300))
    openGate()
    await vi.waitFor(() => expect(lost).toHaveBeenCalled(), {timeout: 10_000})
    // Let the queued renewal run, were it to write.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(renewals).toHaveLength(1)
    expect(lost).toHaveBeenCalledTimes(1)
    expect(lost).toHaveBeenCalledWith(expect.stringMatching(/taken over by pid \d+ on ci/))
    expect(await stored()).toMatchObject({holder: {host: 'ci'}})
    expect((await stored()).released).toBeUndefined()
    await ci.release()
  })
})
