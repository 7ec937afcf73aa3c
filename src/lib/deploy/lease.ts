import {hostname, userInfo} from 'node:os'
import {DeployFailedError} from '../errors.js'

/** Who runs a deploy: written into the local lock file and the AWS-side lease, shown to whoever is refused. */
export interface LockHolder {
  pid: number
  host: string
  user: string
  command: string
  started: string
  /** Random per run: a stale local lock names the lease its dead process held. */
  token: string
}

/** The running process as a holder. */
export function currentHolder(command: string, token: string): LockHolder {
  // Stryker disable next-line StringLiteral: only a machine without a passwd entry for this user sees it, which the tests cannot make
  let user = 'unknown'
  try {
    user = userInfo().username
  } catch {
    // No passwd entry (some containers): the rest still names the run.
  }
  return {pid: process.pid, host: hostname(), user, command, started: new Date().toISOString(), token}
}

/** `pid 42 on laptop by ana since 2026-12-01T18:00:00.000Z (platform deploy prod)` */
export function describeHolder(holder: Partial<LockHolder> | undefined): string {
  if (!holder?.host) return 'holder unknown'
  return `pid ${holder.pid} on ${holder.host} by ${holder.user} since ${holder.started} (platform ${holder.command})`
}

/** How long a lease lives without renewal; the holder renews it every third of that. */
export const LEASE_TTL_MS = 15 * 60_000

/** The lease's key in the environment's bootstrap bucket. */
export const LEASE_KEY = 'locks/deploy.json'

/** The lease object as stored. */
export interface LeaseObject {
  body: string
  etag: string
  /** S3's LastModified: expiry counts from the server's clock, not the writer's. */
  lastModified?: Date
}

/**
 * One object with conditional writes (S3 PutObject `If-None-Match: *` / `If-Match: <etag>`):
 * exactly one of two concurrent writers wins.
 */
export interface LeaseStore {
  /** Where the lease lives, for messages (`s3://bucket/key`). */
  readonly location: string
  /** The current object, or undefined when there is none. */
  read(): Promise<LeaseObject | undefined>
  /** Write only if no object exists; the new ETag, or undefined when one exists (412) or another write is in flight (409). */
  create(body: string): Promise<string | undefined>
  /** Write only if the object still has `etag`; the new ETag, or undefined when it changed (412), is gone (404) or another write is in flight (409). */
  replace(body: string, etag: string): Promise<string | undefined>
}

/** The lease object's content. */
export interface LeaseBody {
  holder: LockHolder
  ttlSeconds: number
  renewed: string
  released?: boolean
  /**
   * Written with the release: the bootstrap stack as the releasing run last saw it (see lock.ts),
   * so that the next run knows whether its read of that stack, made before it held the lease, is
   * still current.
   */
  bootstrapStack?: string
}

/** What the releasing run records besides `released`. */
export type ReleaseRecord = Pick<LeaseBody, 'bootstrapStack'>

export interface HeldLease {
  /** The holder whose expired (or superseded) lease this run took over, if any. */
  tookOver?: LockHolder
  /** The lease this run replaced (released, expired or superseded); undefined when it created the object. */
  previous?: LeaseBody
  /**
   * Stop renewing and mark the lease released (a conditional write: never clobbers a new holder's).
   * Returns the object as written, or undefined when it was not (lost, or the write failed).
   */
  release(record?: ReleaseRecord): Promise<WrittenLease | undefined>
}

/** A lease object as this machine wrote it: its ETag and content. */
export interface WrittenLease {
  etag: string
  body: string
}

export interface LeaseOptions {
  /** What the lease guards, for the refusal (`app/prod`). */
  environment?: string
  ttlMs?: number
  now?: () => number
  /** The token of this machine's dead run (from its stale local lock): its lease is taken over at once. */
  supersedes?: string
  /** Called once if the lease is lost while held (another run took it over after it expired). */
  onLost?: (message: string) => void
  /**
   * The lease as this machine last released it. Its ETag is tried first (If-Match): when the
   * object is still that one, nobody held the lease since, and taking it costs one write, no read.
   */
  lastReleased?: WrittenLease
}

const ATTEMPTS = 5

/**
 * Take the environment's lease: create the object if there is none, or replace one that is
 * released, expired (no renewal for its TTL, counted from S3's LastModified) or superseded, each
 * with a conditional write so that of two runs exactly one wins. A live lease refuses with its
 * holder (exit 5). Once held, it is renewed every third of the TTL until released.
 */
export async function acquireLease(store: LeaseStore, me: LockHolder, options: LeaseOptions = {}): Promise<HeldLease> {
  const ttlMs = options.ttlMs ?? LEASE_TTL_MS
  const now = options.now ?? Date.now
  const body = (extra: Partial<LeaseBody> = {}) => JSON.stringify({holder: me, ttlSeconds: Math.round(ttlMs / 1000), renewed: new Date(now()).toISOString(), ...extra} satisfies LeaseBody)
  const ownRelease = options.lastReleased && parseLease(options.lastReleased.body)
  if (options.lastReleased && ownRelease?.released) {
    // Unchanged since this machine released it (same ETag, so the same bytes): free.
    const replaced = await store.replace(body(), options.lastReleased.etag)
    if (replaced) return hold(store, replaced, body, ttlMs, now, options.onLost, undefined, ownRelease)
  }
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    // Read first: after an environment's first deploy the object always exists (released or
    // held), so the usual deploy makes two calls (read, replace), not three.
    const current = await store.read()
    if (!current) {
      const created = await store.create(body())
      if (created) return hold(store, created, body, ttlMs, now, options.onLost)
      // Another run created it between the two calls: look again.
      continue
    }
    const lease = parseLease(current.body)
    const expires = expiry(lease, current, ttlMs)
    const free = lease?.released === true || expires <= now() || (options.supersedes !== undefined && lease?.holder.token === options.supersedes)
    if (!free) {
      throw new DeployFailedError(`Another deploy of ${options.environment ?? 'this environment'} is running: ${describeHolder(lease?.holder)}. Its lease (${store.location}) expires at ${new Date(expires).toISOString()} unless it is renewed.`, [], {
        code: 'DEPLOY_LOCKED',
        suggestions: ['Wait for it to finish. A run that died without releasing its lease stops blocking once the lease expires (15 minutes after its last renewal).'],
      })
    }
    const replaced = await store.replace(body(), current.etag)
    if (replaced) return hold(store, replaced, body, ttlMs, now, options.onLost, lease?.released ? undefined : lease?.holder, lease)
    // Another run replaced it first: look again.
  }
  throw new DeployFailedError(`Could not take the deploy lease ${store.location}: it changed ${ATTEMPTS} times while trying.`, [], {code: 'DEPLOY_LOCKED', suggestions: ['Run the deploy again.']})
}

function hold(
  store: LeaseStore,
  firstEtag: string,
  body: (extra?: Partial<LeaseBody>) => string,
  ttlMs: number,
  now: () => number,
  onLost: LeaseOptions['onLost'],
  tookOver?: LockHolder,
  previous?: LeaseBody,
): HeldLease {
  let etag: string | undefined = firstEtag
  let renewedAt = now()
  // Renewals and the release are conditional writes on the same ETag: one at a time.
  let queue: Promise<void> = Promise.resolve()
  const lose = async () => {
    etag = undefined
    clearInterval(timer)
    const current = await store.read().catch(() => undefined)
    // Stryker disable next-line OptionalChaining: without onLost, the TypeError of calling it is caught by the renewal, which then does what it does here: nothing more
    onLost?.(`The deploy lease ${store.location} was taken over${current ? ` by ${describeHolder(parseLease(current.body)?.holder)}` : ''}: this run could not renew it for ${Math.round(ttlMs / 60_000)} minutes.`)
  }
  const renew = () => {
    queue = queue.then(async () => {
      // Lost (or released) while this renewal waited in the queue: writing now would have no
      // If-Match, and S3 takes such a PutObject unconditionally, over the new holder's lease.
      if (!etag) return
      try {
        const next = await store.replace(body(), etag)
        if (next) {
          etag = next
          renewedAt = now()
        } else await lose()
      } catch {
        // A failed renewal is retried at the next tick; the lease is lost only once it expired.
        if (now() - renewedAt >= ttlMs) await lose()
      }
    })
  }
  const timer = setInterval(renew, Math.max(1000, Math.floor(ttlMs / 3)))
  timer.unref()
  return {
    tookOver,
    previous,
    async release(record = {}) {
      clearInterval(timer)
      await queue
      const held = etag
      etag = undefined
      if (!held) return undefined
      // Replaced, not deleted: the deploy role may write objects in the bucket but not delete them.
      const released = body({released: true, ...record})
      const written = await store.replace(released, held).catch(() => undefined)
      return written ? {etag: written, body: released} : undefined
    },
  }
}

/**
 * Who holds the lease now, without taking it (a `diff` only reads): the holder and when the lease
 * expires, or undefined when it is free (absent, released or expired).
 */
export async function leaseHolder(store: LeaseStore, now: () => number = Date.now): Promise<{holder?: LockHolder; expires: number} | undefined> {
  const current = await store.read()
  if (!current) return undefined
  const lease = parseLease(current.body)
  const expires = expiry(lease, current, LEASE_TTL_MS)
  return lease?.released === true || expires <= now() ? undefined : {holder: lease?.holder, expires}
}

function parseLease(text: string): LeaseBody | undefined {
  try {
    const lease = JSON.parse(text) as LeaseBody
    // Stryker disable next-line ConditionalExpression,LogicalOperator: a value that is not an object with a holder object fails a later check or throws in it, and the catch answers undefined too
    return lease && typeof lease === 'object' && lease.holder && typeof lease.holder === 'object' ? lease : undefined
  } catch {
    // Not JSON: no lease (undefined).
  }
}

/** When the lease stops counting: last write (S3's clock when known) plus its TTL. */
function expiry(lease: LeaseBody | undefined, object: LeaseObject, defaultTtlMs: number): number {
  const ttlMs = lease && Number.isFinite(lease.ttlSeconds) && lease.ttlSeconds > 0 ? lease.ttlSeconds * 1000 : defaultTtlMs
  // Stryker disable next-line StringLiteral: any text that is not a date parses to NaN, as '' does
  const written = object.lastModified?.getTime() ?? Date.parse(lease?.renewed ?? '')
  return (Number.isFinite(written) ? written : 0) + ttlMs
}
