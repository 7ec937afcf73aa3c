import {randomBytes} from 'node:crypto'
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {DeployedStack} from '../aws/cloudformation.js'
import {DeployFailedError} from '../errors.js'
import {shortHash} from '../naming.js'
import type {StackDefinition} from '../stacks/types.js'
import {acquireLease, currentHolder, describeHolder, LEASE_KEY, type LeaseOptions, type LockHolder, type WrittenLease} from './lease.js'
import type {StackReads} from './stack-reads.js'
import type {DeployAws} from './types.js'

export type {LockHolder} from './lease.js'

export interface DeployLock {
  path: string
  /** This run, as written in the lock file. */
  holder: LockHolder
  /** The holder of a lock file this run replaced because its process was gone. */
  superseded?: LockHolder
  release(): void
}

/** Where lock files live: PLATFORM_LOCK_DIR, else the machine's temp directory. */
export function defaultLockDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PLATFORM_LOCK_DIR ?? join(tmpdir(), 'platform-locks')
}

/**
 * The AWS target a lock is keyed on: `aws` for AWS's own endpoints, else the endpoint URL in one
 * spelling (lowercase scheme and host, no default port, no trailing slash), so
 * `http://127.0.0.1:5480` and `HTTP://127.0.0.1:5480/` are one lock.
 */
export function lockTarget(endpoint: string | undefined): string {
  const text = endpoint?.trim()
  if (!text) return 'aws'
  try {
    const url = new URL(text)
    // URL lowercases scheme and host and drops the scheme's default port.
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`
  } catch {
    return text.toLowerCase().replace(/\/+$/, '')
  }
}

/** The local lock file's path without extension; the lease this machine last released is kept beside it. */
function lockPathStem(options: {dir: string; project: string; env: string; target?: string}): string {
  return join(options.dir, `${options.project}-${options.env}-${shortHash(lockTarget(options.target))}`)
}

/**
 * Take the local deploy lock of one project/environment/AWS target: two `platform deploy` runs on
 * this machine never both execute; the second is refused with who holds the lock. A lock whose
 * process is gone (crash, kill -9) is taken over. It is the fast path in front of the lease in
 * AWS ({@link acquireEnvironmentLock}), which keeps runs on different machines apart.
 */
export function acquireDeployLock(options: {dir: string; project: string; env: string; target?: string; command?: string}): DeployLock {
  mkdirSync(options.dir, {recursive: true})
  const path = `${lockPathStem(options)}.lock`
  const me = currentHolder(options.command ?? process.argv.slice(2).join(' '), randomBytes(12).toString('hex'))
  let superseded: LockHolder | undefined
  if (!createLockFile(path, me)) {
    const holder = readHolder(path)
    if (!holder || holder.host !== me.host || isAlive(holder.pid)) throw lockedBy(holder, options, path)
    // Its process is gone (crash, kill -9): take it over, unless another run did so first.
    superseded = holder
    rmSync(path, {force: true})
    if (!createLockFile(path, me)) throw lockedBy(readHolder(path), options, path)
  }
  return {
    path,
    holder: me,
    superseded,
    release() {
      const holder = readHolder(path)
      if (holder?.pid === me.pid && holder.host === me.host) rmSync(path, {force: true})
    },
  }
}

/** Write the lock file only if there is none: false when one exists. */
function createLockFile(path: string, holder: LockHolder): boolean {
  try {
    writeFileSync(path, JSON.stringify(holder), {flag: 'wx'})
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
}

function lockedBy(holder: LockHolder | undefined, options: {project: string; env: string}, path: string): DeployFailedError {
  return new DeployFailedError(`Another deploy of ${options.project}/${options.env} is running: ${describeHolder(holder)}.`, [], {
    code: 'DEPLOY_LOCKED',
    suggestions: [`Wait for it to finish. If it is gone, delete ${path}.`],
  })
}

export interface EnvironmentLock {
  /** Where the lease lives (`s3://bucket/key`), or undefined when only the local lock is held. */
  lease?: string
  /** Release both; `bootstrap` is the bootstrap stack as the run last saw it (recorded in the lease for the next run), if it knows. */
  release(bootstrap?: DeployedStack): Promise<void>
  /** Remove the local lock file only, synchronously (a second Ctrl-C exits at once; the lease then expires). */
  releaseLocal(): void
}

/**
 * The deploy lock of an environment: the local lock file (fast path: a second run on this machine
 * is refused without an AWS call), then the lease object in the environment's bootstrap bucket,
 * which keeps a teammate's laptop and CI apart. Before the bootstrap stack exists there is no
 * bucket and so no lease: the first deploy of an environment holds the local lock only (`warn`
 * says so); every deploy after it holds both.
 */
export async function acquireEnvironmentLock(options: {
  dir: string
  project: string
  env: string
  command: string
  aws: DeployAws
  stacks: StackDefinition[]
  /** The run's shared stack reads: the bootstrap stack read here is the engine's read too, while it is current. */
  reads: StackReads
  warn: (message: string) => void
  onLost: LeaseOptions['onLost']
}): Promise<EnvironmentLock> {
  const local = acquireDeployLock({dir: options.dir, project: options.project, env: options.env, target: options.aws.endpoint, command: options.command})
  try {
    const bootstrap = options.stacks.find((s) => s.part === 'bootstrap')
    const bootstrapRead = bootstrap ? await options.reads.read(bootstrap) : undefined
    const bucket = bootstrapRead?.outputs.ArtifactBucketName
    if (!bootstrap || !bucket) {
      options.warn(`No deploy lease in AWS yet (the bootstrap stack and its bucket do not exist): until they do, only deploys from this machine are kept apart.`)
      return {release: async () => local.release(), releaseLocal: () => local.release()}
    }
    const store = options.aws.leaseStore(bootstrap.region, bucket, LEASE_KEY)
    const released = new LastReleasedLease(`${lockPathStem({...options, target: options.aws.endpoint})}.lease.json`, store.location)
    const lease = await acquireLease(store, local.holder, {environment: `${options.project}/${options.env}`, supersedes: local.superseded?.token, onLost: options.onLost, lastReleased: released.read()})
    if (lease.tookOver && lease.tookOver.token !== local.superseded?.token) {
      options.warn(`Took over the expired deploy lease of ${describeHolder(lease.tookOver)}: that run stopped without releasing it.`)
    }
    // The bootstrap stack was read before the lease was held: still current only if the run that
    // released the lease last saw it the same (no run changed it since). Else the engine reads it again.
    if (!lease.previous?.released || lease.previous.bootstrapStack !== stackVersion(bootstrapRead)) options.reads.forget(bootstrap.name)
    return {
      lease: store.location,
      releaseLocal: () => local.release(),
      async release(bootstrapState) {
        try {
          released.write(await lease.release({bootstrapStack: stackVersion(bootstrapState)}))
        } finally {
          local.release()
        }
      },
    }
  } catch (error) {
    local.release()
    throw error
  }
}

/**
 * What identifies one state of a stack: any update, rollback or termination-protection change
 * gives another. Undefined for a stack that does not exist, which never matches.
 */
export function stackVersion(stack: DeployedStack | undefined): string | undefined {
  return stack && `${stack.stackId} ${stack.status} ${stack.lastUpdated?.toISOString() ?? '-'} ${stack.terminationProtection ?? false}`
}

/**
 * The lease object as this machine last released it, in a file beside the local lock: the next
 * run from here takes the lease with one conditional write instead of a read and a write.
 */
class LastReleasedLease {
  constructor(
    private readonly path: string,
    private readonly location: string,
  ) {}

  read(): WrittenLease | undefined {
    const saved = readJsonFile(this.path) as (Partial<WrittenLease> & {location?: string}) | undefined
    // Another bucket's record, or one without its ETag, must never be written on: the lease is read first.
    if (saved?.location !== this.location || typeof saved.etag !== 'string') return undefined
    // Stryker disable next-line ConditionalExpression: a record without its content holds no released lease for acquireLease either, which then reads first
    return typeof saved.body === 'string' ? {etag: saved.etag, body: saved.body} : undefined
  }

  /** Keeps the lease as released; without one (not written), a record with no ETag, which read() ignores. */
  write(lease: WrittenLease | undefined): void {
    try {
      writeFileSync(this.path, JSON.stringify({location: this.location, ...lease}))
    } catch {
      // Only a shortcut: the next run reads the lease first instead.
    }
  }
}

function readHolder(path: string): LockHolder | undefined {
  return readJsonFile(path) as LockHolder | undefined
}

/** A JSON file's content; undefined when it is missing or not JSON. */
function readJsonFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch {
    // Missing or unreadable: nothing (undefined).
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    // Stryker disable next-line ConditionalExpression,StringLiteral: EPERM is a live process of another user, which a test run as root (as here) cannot have
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  return true
}
