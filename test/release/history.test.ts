/**
 * The release history against the local AWS's S3 (moto implements PutObject If-None-Match: *, as
 * S3 does): ids are allocated without races, listed newest first.
 */
import {CreateBucketCommand, PutObjectCommand} from '@aws-sdk/client-s3'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import type {AwsClients} from '../../src/lib/aws/clients.js'
import {createS3ReleaseStore, listReleases, type ReleaseRecord, type ReleaseStore, recordRelease, releaseKey} from '../../src/lib/release/history.js'
import {chooseRollback} from '../../src/lib/release/rollback.js'
import {type LocalAws, startLocalAws} from '../helpers/local-aws.js'

const BUCKET = 'shop-prod-bootstrap-artifacts'
let aws: LocalAws
let clients: AwsClients
let store: ReleaseStore

function record(overrides: Partial<ReleaseRecord> = {}): Omit<ReleaseRecord, 'id'> {
  return {
    environment: 'prod',
    description: 'deploy',
    startedAt: '2026-12-01T10:00:00.000Z',
    endedAt: '2026-12-01T10:01:30.000Z',
    who: {awsCaller: 'arn:aws:iam::123456789012:user/ci', localUser: 'ci'},
    git: {commit: 'a'.repeat(40), dirty: false},
    services: {web: {image: `127.0.0.1:5000/shop/prod/web@sha256:${'1'.repeat(64)}`, outcome: 'succeeded'}},
    stackParameters: {},
    templateHash: 't',
    configHash: 'c',
    outcome: 'succeeded',
    ...overrides,
  }
}

beforeAll(async () => {
  aws = await startLocalAws()
})
afterAll(async () => {
  clients?.destroy()
  await aws?.stop()
})
beforeEach(async () => {
  await aws.reset()
  clients?.destroy()
  clients = aws.clients()
  const s3 = await clients.s3()
  await s3.send(new CreateBucketCommand({Bucket: BUCKET, CreateBucketConfiguration: {LocationConstraint: 'ap-northeast-1'}}))
  store = createS3ReleaseStore(s3, BUCKET)
})

describe('release history in the bootstrap bucket', () => {
  it('gives eight releases recorded at once eight different ids, v1 to v8', async () => {
    // WHEN eight releases (a laptop, CI, ...) finish at the same moment
    const recorded = await Promise.all(Array.from({length: 8}, (_, i) => recordRelease(store, record({description: `release ${i}`}))))
    // THEN each got its own id, and each key holds its own record
    expect(recorded.map((r) => r.id).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))).toEqual(['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8'])
    const listed = await listReleases(store)
    expect(listed.map((r) => r.id)).toEqual(['v8', 'v7', 'v6', 'v5', 'v4', 'v3', 'v2', 'v1'])
    expect(new Set(listed.map((r) => r.description)).size).toBe(8)
  })

  it('never overwrites an existing release: the conditional write refuses the taken key', async () => {
    await store.putIfAbsent(releaseKey(1), '{"id":"v1"}')
    expect(await store.putIfAbsent(releaseKey(1), '{"id":"other"}')).toBe(false)
    expect(JSON.parse((await store.get(releaseKey(1)))!).id).toBe('v1')
  })

  it('lists newest first with --limit, past v9 (ids sort as numbers)', async () => {
    for (let i = 0; i < 11; i++) await recordRelease(store, record())
    expect((await listReleases(store, 3)).map((r) => r.id)).toEqual(['v11', 'v10', 'v9'])
  })

  it('ignores objects under releases/ that are not release records', async () => {
    const s3 = await clients.s3()
    await s3.send(new PutObjectCommand({Bucket: BUCKET, Key: 'releases/README.txt', Body: 'x'}))
    await recordRelease(store, record())
    expect((await listReleases(store)).map((r) => r.id)).toEqual(['v1'])
  })
})

describe('chooseRollback', () => {
  const release = (id: string, outcome: ReleaseRecord['outcome'], digit: string): ReleaseRecord => ({
    id,
    ...record({outcome, services: {web: {image: `r/web@sha256:${digit.repeat(64)}`, outcome: 'succeeded'}, api: {image: `r/api@sha256:${digit.repeat(64)}`, outcome: 'succeeded'}}}),
  })
  const history = [release('v4', 'failed', '4'), release('v3', 'succeeded', '3'), release('v2', 'interrupted', '2'), release('v1', 'succeeded', '1')]

  it('returns to the newest successful release before the current one', () => {
    const plan = chooseRollback(history.slice(1))
    expect(plan.to.id).toBe('v1')
    expect(plan.images).toEqual({web: `r/web@sha256:${'1'.repeat(64)}`, api: `r/api@sha256:${'1'.repeat(64)}`})
  })

  it('after a failed release, returns to the last good one', () => {
    expect(chooseRollback(history).to.id).toBe('v3')
  })

  it('--to names a release (v1 or 1); a failed or unknown one is refused', () => {
    expect(chooseRollback(history, '1').to.id).toBe('v1')
    expect(() => chooseRollback(history, 'v2')).toThrow('Release v2 interrupted: only a successful release can be rolled back to.')
    expect(() => chooseRollback(history, 'v9')).toThrow('No release v9 in the history.')
  })

  it('refuses with no earlier good release, or no history at all', () => {
    expect(() => chooseRollback([release('v1', 'succeeded', '1')])).toThrow('No successful release before v1')
    expect(() => chooseRollback([])).toThrow('No releases are recorded')
  })
})
