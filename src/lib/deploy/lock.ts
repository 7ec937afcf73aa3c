import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {hostname, tmpdir, userInfo} from 'node:os'
import {join} from 'node:path'
import {shortHash} from '../naming.js'
import {DeployFailedError} from '../errors.js'

export interface LockHolder {
  pid: number
  host: string
  user: string
  command: string
  started: string
}

export interface DeployLock {
  path: string
  release(): void
}

/** Where lock files live: PLATFORM_LOCK_DIR, else the machine's temp directory. */
export function defaultLockDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PLATFORM_LOCK_DIR ?? join(tmpdir(), 'platform-locks')
}

/**
 * Take the local deploy lock of one project/environment/AWS target. Two `platform deploy` runs on
 * this machine never both execute: the second is refused with who holds the lock. A lock whose
 * process is gone (crash, kill -9) is taken over. Runs on other machines are kept apart by
 * CloudFormation itself: a stack being updated refuses another execution, and the engine waits on
 * any *_IN_PROGRESS stack before touching it.
 */
export function acquireDeployLock(options: {dir: string; project: string; env: string; target?: string; command?: string}): DeployLock {
  mkdirSync(options.dir, {recursive: true})
  const path = join(options.dir, `${options.project}-${options.env}-${shortHash(options.target ?? 'aws')}.lock`)
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    user: safeUser(),
    command: options.command ?? process.argv.slice(2).join(' '),
    started: new Date().toISOString(),
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(me), {flag: 'wx'})
      return {
        path,
        release() {
          try {
            const holder = JSON.parse(readFileSync(path, 'utf8')) as LockHolder
            if (holder.pid === me.pid && holder.host === me.host) rmSync(path)
          } catch {
            // Already gone.
          }
        },
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = readHolder(path)
      if (holder && holder.host === me.host && !isAlive(holder.pid)) {
        rmSync(path, {force: true})
        continue
      }
      throw new DeployFailedError(
        `Another deploy of ${options.project}/${options.env} is running: ${holder ? `pid ${holder.pid} on ${holder.host} by ${holder.user} since ${holder.started} (platform ${holder.command})` : 'holder unknown'}.`,
        [],
        {code: 'DEPLOY_LOCKED', suggestions: [`Wait for it to finish. If it is gone, delete ${path}.`]},
      )
    }
  }
  throw new DeployFailedError(`Could not take the deploy lock ${path}.`)
}

function readHolder(path: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder
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

function safeUser(): string {
  try {
    return userInfo().username
  } catch {
    return 'unknown'
  }
}
