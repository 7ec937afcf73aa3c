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
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(me), {flag: 'wx'})
      return {
        path,
        holder: me,
        superseded,
        release() {
          const holder = readHolder(path)
          if (holder?.pid === me.pid && holder.host === me.host) rmSync(path, {force: true})
        },
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = readHolder(path)
      if (holder && holder.host === me.host && !isAlive(holder.pid)) {
        superseded = holder
        rmSync(path, {force: true})
        continue
      }
      throw new DeployFailedError(`Another deploy of ${options.project}/${options.env} is running: ${describeHolder(holder)}.`, [], {
        code: 'DEPLOY_LOCKED',
        suggestions: [`Wait for it to finish. If it is gone, delete ${path}.`],
      })
    }
  }
  throw new DeployFailedError(`Could not take the deploy lock ${path}.`)
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
    try {
      const saved = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<WrittenLease> & {location?: string}
      return saved.location === this.location && typeof saved.etag === 'string' && typeof saved.body === 'string' ? {etag: saved.etag, body: saved.body} : undefined
    } catch {
      return undefined
    }
  }

  /** Keeps the lease as released; without one (not written), forgets the old one. */
  write(lease: WrittenLease | undefined): void {
    try {
      if (lease) writeFileSync(this.path, JSON.stringify({location: this.location, ...lease}))
      else rmSync(this.path, {force: true})
    } catch {
      // Only a shortcut: the next run reads the lease first instead.
    }
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder
    // Stryker disable next-line BlockStatement: an empty catch returns undefined too
  } catch {
    return undefined
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
