import type {S3Client} from '@aws-sdk/client-s3'
import {isAwsError, isConditionalWriteRefused} from '../aws/aws-error.js'
import {toAwsAuthError} from '../aws/clients.js'
import {PlatformError} from '../errors.js'

/** Where releases live in the environment's bootstrap bucket: one object per release. */
export const RELEASES_PREFIX = 'releases/'
/** Ids are zero-padded in the key so S3's lexical listing is also numeric order. */
const KEY_DIGITS = 8
/** Attempts at the next free id when others win the race for it. */
const ALLOCATE_ATTEMPTS = 20

/** Between writes of a running release's `heartbeatAt`. */
export const HEARTBEAT_MS = 60_000
/**
 * A release `in-progress` whose last heartbeat is older than this was killed (the process, the CI
 * runner, the machine) and will never finish: it is listed as `abandoned`. Ten missed heartbeats,
 * so a slow S3 write or a laptop's short sleep never makes a live release look dead.
 */
export const ABANDONED_AFTER_MS = 10 * HEARTBEAT_MS

/**
 * `in-progress` is written when a release starts changing things; the end replaces it with the
 * outcome. `abandoned` is never written: it is how an `in-progress` record whose heartbeat stopped is read.
 */
export type ReleaseOutcome = 'in-progress' | 'succeeded' | 'failed' | 'interrupted' | 'abandoned'

export interface ServiceRelease {
  /** `host/repository@sha256:...` */
  image: string
  digest?: string
  /** built: built and pushed by this release; existing: the tag was already in ECR; kept: not built here (prebuilt image or unchanged). */
  imageAction?: 'built' | 'existing' | 'kept'
  taskDefinitionArn?: string
  serviceDeploymentArn?: string
  /** `unchanged`: its stack did not change in this release. */
  outcome: ReleaseOutcome | 'unchanged'
  reason?: string
  /** Static asset files published for this service's image by this release (absent when none). */
  assets?: number
}

/** One release, as stored (and as `platform releases --json` prints it). */
export interface ReleaseRecord {
  /** `v1`, `v2`, ... */
  id: string
  environment: string
  description: string
  startedAt: string
  /** Absent while the release is in progress. */
  endedAt?: string
  /** Rewritten every HEARTBEAT_MS while the release runs (see ABANDONED_AFTER_MS). */
  heartbeatAt?: string
  who: {awsCaller?: string; localUser?: string}
  git: {commit?: string; dirty: boolean}
  services: Record<string, ServiceRelease>
  /** The service stacks' parameters as deployed: what a rollback to this release puts back. */
  stackParameters: Record<string, Record<string, string>>
  /** sha256 of the rendered templates and of the resolved environment config. */
  templateHash: string
  configHash: string
  outcome: ReleaseOutcome
  reason?: string
  /** For a rollback: the release it returned to. */
  rollbackOf?: string
}

/** The S3 calls the history makes (narrow, so tests can fake it). */
export interface ReleaseStore {
  /** Keys under the prefix (all pages). */
  listKeys(prefix: string): Promise<string[]>
  get(key: string): Promise<string | undefined>
  /** PutObject with If-None-Match: `*`; `false` when the key already exists (412 PreconditionFailed, or 409 ConditionalRequestConflict). */
  putIfAbsent(key: string, body: string): Promise<boolean>
  /** PutObject: replaces a release's own record (its heartbeat, then its outcome). */
  put(key: string, body: string): Promise<void>
}

export function releaseKey(n: number): string {
  return `${RELEASES_PREFIX}${String(n).padStart(KEY_DIGITS, '0')}.json`
}

function releaseNumber(key: string): number | undefined {
  const m = /(\d+)\.json$/.exec(key)
  return m ? Number(m[1]) : undefined
}

/**
 * Record a release under the next free id. Two releases at once (a laptop and CI) both list the
 * same highest id; S3's conditional write (If-None-Match: *) lets exactly one create each key, and
 * the loser takes the next id. A release is first recorded `in-progress` and only its end says how
 * it went ({@link updateRelease}), so a run that is killed never looks successful.
 */
export async function recordRelease(store: ReleaseStore, record: Omit<ReleaseRecord, 'id'>): Promise<ReleaseRecord> {
  const numbers = (await store.listKeys(RELEASES_PREFIX)).map(releaseNumber).filter((n): n is number => n !== undefined)
  let next = Math.max(0, ...numbers) + 1
  for (let attempt = 0; attempt < ALLOCATE_ATTEMPTS; attempt++, next++) {
    const full: ReleaseRecord = {id: `v${next}`, ...record}
    if (await store.putIfAbsent(releaseKey(next), `${JSON.stringify(full, null, 2)}\n`)) return full
  }
  throw new PlatformError(`Could not record the release: ${ALLOCATE_ATTEMPTS} ids in a row were taken by other releases.`, {code: 'RELEASE_ID_CONFLICT', exit: 5})
}

/** Replace a recorded release (the same id) with its heartbeat or its outcome. */
export async function updateRelease(store: ReleaseStore, record: ReleaseRecord): Promise<void> {
  const n = /^v(\d+)$/.exec(record.id)?.[1]
  if (n === undefined) throw new PlatformError(`Not a release id: ${record.id}`, {code: 'BAD_RELEASE_ID', exit: 1})
  await store.put(releaseKey(Number(n)), `${JSON.stringify(record, null, 2)}\n`)
}

/** An `in-progress` record whose heartbeat stopped more than ABANDONED_AFTER_MS ago reads as `abandoned`. */
export function readOutcome(record: ReleaseRecord, now: number): ReleaseRecord {
  if (record.outcome !== 'in-progress') return record
  const last = Date.parse(record.heartbeatAt ?? record.startedAt)
  return now - last > ABANDONED_AFTER_MS ? {...record, outcome: 'abandoned'} : record
}

/** The history, newest first (`limit` most recent). */
export async function listReleases(store: ReleaseStore, limit?: number, now = Date.now()): Promise<ReleaseRecord[]> {
  const keys = (await store.listKeys(RELEASES_PREFIX))
    .filter((key) => releaseNumber(key) !== undefined)
    .sort((a, b) => releaseNumber(b)! - releaseNumber(a)!)
  const wanted = limit === undefined ? keys : keys.slice(0, limit)
  const records = await Promise.all(wanted.map(async (key) => store.get(key)))
  return records.filter((text): text is string => text !== undefined).map((text) => readOutcome(JSON.parse(text) as ReleaseRecord, now))
}

/** An S3 client from the factory and the bootstrap bucket, as {@link ReleaseStore}. */
export function createS3ReleaseStore(client: S3Client, bucket: string): ReleaseStore {
  const sdk = () => import('@aws-sdk/client-s3')
  return {
    async listKeys(prefix) {
      const {ListObjectsV2Command} = await sdk()
      const keys: string[] = []
      let token: string | undefined
      try {
        do {
          const out = await client.send(new ListObjectsV2Command({Bucket: bucket, Prefix: prefix, ContinuationToken: token}))
          for (const object of out.Contents ?? []) if (object.Key) keys.push(object.Key)
          token = out.IsTruncated ? out.NextContinuationToken : undefined
        } while (token)
      } catch (error) {
        throw toAwsAuthError(error)
      }
      return keys
    },
    async get(key) {
      const {GetObjectCommand} = await sdk()
      try {
        const out = await client.send(new GetObjectCommand({Bucket: bucket, Key: key}))
        return await out.Body!.transformToString()
      } catch (error) {
        if (isAwsError(error, 'NoSuchKey')) return undefined
        throw toAwsAuthError(error)
      }
    },
    async put(key, body) {
      const {PutObjectCommand} = await sdk()
      try {
        await client.send(new PutObjectCommand({Bucket: bucket, Key: key, Body: body, ContentType: 'application/json'}))
      } catch (error) {
        throw toAwsAuthError(error)
      }
    },
    async putIfAbsent(key, body) {
      const {PutObjectCommand} = await sdk()
      try {
        await client.send(new PutObjectCommand({Bucket: bucket, Key: key, Body: body, ContentType: 'application/json', IfNoneMatch: '*'}))
        return true
      } catch (error) {
        if (isConditionalWriteRefused(error)) return false
        throw toAwsAuthError(error)
      }
    },
  }
}
