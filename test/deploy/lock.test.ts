/** src/lib/deploy/lock.ts: the local lock file and the environment lock (local file, then the lease in AWS). */
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {hostname, tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {LEASE_TTL_MS, type LockHolder} from '../../src/lib/deploy/lease.js'
import {acquireDeployLock, acquireEnvironmentLock, defaultLockDir, lockTarget, stackVersion} from '../../src/lib/deploy/lock.js'
import {sharedStackReads, type StackReads} from '../../src/lib/deploy/stack-reads.js'
import {FakeAws} from '../helpers/fake-cloudformation.js'
import {stack} from './stacks.js'

const BUCKET = 'app-prod-bootstrap-artifacts'
const LEASE = `${BUCKET}/locks/deploy.json`
/** A pid no process has (above Linux's pid_max). */
const DEAD_PID = 2 ** 22 + 12345

const lockDir = () => mkdtempSync(join(tmpdir(), 'lock-'))

function holder(fields: Partial<LockHolder>): LockHolder {
  return {pid: DEAD_PID, host: hostname(), user: 'ana', command: 'deploy prod', started: '2026-12-01T10:00:00.000Z', token: 'other', ...fields}
}

describe('defaultLockDir', () => {
  it('is PLATFORM_LOCK_DIR when set, else platform-locks in the temp directory', () => {
    expect(defaultLockDir({PLATFORM_LOCK_DIR: '/srv/locks'})).toBe('/srv/locks')
    expect(defaultLockDir({})).toBe(join(tmpdir(), 'platform-locks'))
  })
})

describe('lockTarget', () => {
  it('spells an endpoint that is not a URL one way too', () => {
    expect(lockTarget('Not-A-URL//')).toBe('not-a-url')
    expect(lockTarget('a//b/')).toBe('a//b')
    expect(lockTarget('http://moto:5000/base//path/')).toBe('http://moto:5000/base//path')
  })
})

describe('the local deploy lock', () => {
  it('writes this run as its holder, with a fresh token, into a file named after project, environment and target', () => {
    const dir = lockDir()
    const lock = acquireDeployLock({dir, project: 'app', env: 'prod', command: 'deploy prod --yes'})
    expect(lock.path).toMatch(new RegExp(`^${dir}/app-prod-[0-9a-f]+\\.lock$`))
    const written = JSON.parse(readFileSync(lock.path, 'utf8'))
    expect(written).toEqual(lock.holder)
    expect(written).toMatchObject({pid: process.pid, host: hostname(), command: 'deploy prod --yes', token: expect.stringMatching(/^[0-9a-f]{24}$/)})
    expect(lock.superseded).toBeUndefined()
    lock.release()
    expect(existsSync(lock.path)).toBe(false)
    // Each run has its own token.
    const next = acquireDeployLock({dir, project: 'app', env: 'prod'})
    expect(next.holder.token).not.toBe(written.token)
    // Without a command, the holder names this process's arguments.
    expect(next.holder.command).toBe(process.argv.slice(2).join(' '))
    next.release()
  })

  it('refuses with exit 5, DEPLOY_LOCKED and the file to delete if its holder is gone', () => {
    const dir = lockDir()
    const first = acquireDeployLock({dir, project: 'app', env: 'prod'})
    const refused = (() => {
      try {
        acquireDeployLock({dir, project: 'app', env: 'prod'})
      } catch (error) {
        return error
      }
    })() as {exitCode: number; code: string; suggestions: string[]}
    expect(refused).toMatchObject({exitCode: 5, code: 'DEPLOY_LOCKED', failures: []})
    expect(refused.suggestions).toEqual([`Wait for it to finish. If it is gone, delete ${first.path}.`])
    first.release()
  })

  it('takes over the lock of a dead process on this machine and names it, but never one of another machine or an unreadable one', () => {
    const dir = lockDir()
    const path = acquireDeployLock({dir, project: 'app', env: 'prod'}).path
    const dead = holder({token: 'dead-run'})
    writeFileSync(path, JSON.stringify(dead))
    const taken = acquireDeployLock({dir, project: 'app', env: 'prod'})
    expect(taken.superseded).toEqual(dead)
    taken.release()
    // A process on another machine cannot be checked: its lock stands.
    writeFileSync(path, JSON.stringify(holder({host: 'teammate-laptop'})))
    expect(() => acquireDeployLock({dir, project: 'app', env: 'prod'})).toThrow(/running: pid \d+ on teammate-laptop by ana/)
    // Neither does a lock file nobody can read.
    writeFileSync(path, 'not json')
    expect(() => acquireDeployLock({dir, project: 'app', env: 'prod'})).toThrow(/running: holder unknown/)
  })

  it('releases only its own lock: a lock another run took over after it stays', () => {
    const dir = lockDir()
    const lock = acquireDeployLock({dir, project: 'app', env: 'prod'})
    const other = holder({pid: 1})
    writeFileSync(lock.path, JSON.stringify(other))
    lock.release()
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toEqual(other)
    // Same pid on another machine (a shared lock directory) is not this run either.
    writeFileSync(lock.path, JSON.stringify(holder({pid: process.pid, host: 'teammate-laptop'})))
    lock.release()
    expect(existsSync(lock.path)).toBe(true)
    // A lock file someone deleted: nothing to release, and no error.
    rmSync(lock.path)
    expect(() => lock.release()).not.toThrow()
  })

  it('passes on a failure to write the lock file that is not "it exists"', () => {
    const error = (() => {
      try {
        acquireDeployLock({dir: lockDir(), project: 'p'.repeat(300), env: 'prod'})
      } catch (e) {
        return e
      }
    })()
    expect(error).toMatchObject({code: 'ENAMETOOLONG'})
  })
})

describe('the environment lock', () => {
  // The bootstrap stack is found by its part, wherever it is in the list.
  const stacks = [stack('network'), stack('bootstrap')]

  function deployedBootstrap(outputs: Record<string, string> = {ArtifactBucketName: BUCKET}): FakeAws {
    const aws = new FakeAws()
    aws.cloudFormation('ap-northeast-1').seedStack({name: 'app-prod-bootstrap', status: 'CREATE_COMPLETE', template: stack('bootstrap').template, outputs})
    return aws
  }

  const lock = (aws: FakeAws, dir: string, warnings: string[] = [], forStacks = stacks, reads: StackReads = sharedStackReads(aws)) =>
    acquireEnvironmentLock({dir, project: 'app', env: 'prod', command: 'deploy prod', aws, stacks: forStacks, reads, warn: (m) => warnings.push(m), onLost: () => {}})

  /** The run's shared reads, recording which stacks the lock told to read again. */
  function watchedReads(aws: FakeAws): StackReads & {forgotten: Array<string | undefined>} {
    const reads = sharedStackReads(aws)
    const forgotten: Array<string | undefined> = []
    return {read: reads.read, forgotten, forget: (name) => (forgotten.push(name), reads.forget(name))}
  }

  it('holds the local lock only, and says so, while there is no bootstrap bucket', async () => {
    for (const [aws, forStacks] of [
      [new FakeAws(), stacks],
      [deployedBootstrap({}), stacks],
      [deployedBootstrap(), [stack('network')]],
    ] as const) {
      const dir = lockDir()
      const warnings: string[] = []
      const held = await lock(aws, dir, warnings, [...forStacks])
      expect(held.lease).toBeUndefined()
      expect(warnings).toEqual([expect.stringMatching(/^No deploy lease in AWS yet/)])
      expect(aws.objects.size).toBe(0)
      await expect(lock(aws, dir, [], [...forStacks])).rejects.toMatchObject({code: 'DEPLOY_LOCKED'})
      await held.release()
      const again = await lock(aws, dir, [], [...forStacks])
      again.releaseLocal()
      await lock(aws, dir, [], [...forStacks]).then((third) => third.release())
    }
  })

  it('holds the lease in the bootstrap bucket too: another machine is refused until it is released', async () => {
    const aws = deployedBootstrap()
    const laptop = lockDir()
    const warnings: string[] = []
    const held = await lock(aws, laptop, warnings)
    expect(held.lease).toBe(`s3://${LEASE}`)
    expect(warnings).toEqual([])
    expect(JSON.parse(aws.objects.get(LEASE)!.body)).toMatchObject({holder: {pid: process.pid, command: 'deploy prod'}})
    const ci = lockDir()
    await expect(lock(aws, ci)).rejects.toMatchObject({code: 'DEPLOY_LOCKED', message: expect.stringMatching(/Another deploy of app\/prod is running/)})
    // The refused run left no local lock behind.
    await expect(lock(aws, ci, [], [stack('network')])).resolves.toBeDefined()
    await held.release()
    expect(JSON.parse(aws.objects.get(LEASE)!.body).released).toBe(true)
    expect(() => acquireDeployLock({dir: laptop, project: 'app', env: 'prod', target: aws.endpoint}).release()).not.toThrow()
  })

  it('releaseLocal frees this machine at once and leaves the lease to expire', async () => {
    const aws = deployedBootstrap()
    const dir = lockDir()
    const held = await lock(aws, dir)
    held.releaseLocal()
    expect(() => acquireDeployLock({dir, project: 'app', env: 'prod'}).release()).not.toThrow()
    expect(JSON.parse(aws.objects.get(LEASE)!.body).released).toBeUndefined()
  })

  it('takes the lease again from this machine with one conditional write on the ETag it released, no read', async () => {
    const aws = deployedBootstrap()
    const dir = lockDir()
    await lock(aws, dir).then((held) => held.release())
    aws.otherCalls.length = 0
    const held = await lock(aws, dir)
    expect(aws.otherCalls).toEqual(['s3:PUT'])
    await held.release()
    // Another machine wrote the lease since: the remembered ETag fails, the lease is read, then taken.
    await lock(aws, lockDir()).then((other) => other.release())
    aws.otherCalls.length = 0
    await lock(aws, dir).then((again) => again.release())
    expect(aws.otherCalls).toEqual(['s3:PUT', 's3:GET', 's3:PUT', 's3:PUT'])
  })

  it('never writes on a remembered lease of another bucket, or one whose ETag is missing: it reads the lease first', async () => {
    const aws = deployedBootstrap()
    const dir = lockDir()
    await lock(aws, dir).then((held) => held.release())
    const record = join(dir, readdirSync(dir).find((f) => f.endsWith('.lease.json'))!)
    const saved = JSON.parse(readFileSync(record, 'utf8')) as {location: string; etag: string; body: string}
    // A hand-edited (or half-written) record without its ETag.
    writeFileSync(record, JSON.stringify({location: saved.location, body: saved.body}))
    aws.otherCalls.length = 0
    await lock(aws, dir).then((held) => held.release())
    expect(aws.otherCalls).toEqual(['s3:GET', 's3:PUT', 's3:PUT'])
    // The bootstrap stack was made again with another bucket: the record names the old one.
    const moved = deployedBootstrap({ArtifactBucketName: 'app-prod-bootstrap-artifacts-2'})
    const old = aws.objects.get(LEASE)!
    moved.objects.set(LEASE, old)
    await lock(moved, dir).then((held) => held.release())
    expect(moved.otherCalls).toEqual(['s3:GET', 's3:PUT', 's3:PUT'])
    expect(moved.objects.get(LEASE)).toBe(old)
  })

  it('keeps its read of the bootstrap stack (made before it held the lease) only when the last release recorded that same state', async () => {
    const aws = deployedBootstrap()
    const dir = lockDir()
    const tokyo = aws.cloudFormation('ap-northeast-1')
    // No record yet (the lease is new): read again.
    const first = watchedReads(aws)
    await lock(aws, dir, [], stacks, first).then((held) => held.release(tokyo.stack('app-prod-bootstrap')))
    expect(first.forgotten).toEqual(['app-prod-bootstrap'])
    // Released with the state this run reads: kept, so the engine makes no second DescribeStacks.
    const second = watchedReads(aws)
    const held = await lock(aws, dir, [], stacks, second)
    expect(second.forgotten).toEqual([])
    // The run changed the stack and released with its new state; this machine read the old one.
    const before = watchedReads(aws)
    await before.read(stack('bootstrap'))
    tokyo.startForeignUpdate('app-prod-bootstrap', 'other-run', 1)
    await tokyo.describeStack('app-prod-bootstrap')
    await held.release(tokyo.stack('app-prod-bootstrap'))
    await lock(aws, dir, [], stacks, before).then((again) => again.release())
    expect(before.forgotten).toEqual(['app-prod-bootstrap'])
    // A run that does not know the stack's last state records none: the next run reads it again.
    await lock(aws, dir).then((again) => again.release())
    const unknown = watchedReads(aws)
    await lock(aws, dir, [], stacks, unknown).then((again) => again.release())
    expect(unknown.forgotten).toEqual(['app-prod-bootstrap'])
  })

  it('names a state of a stack by its id, status, last update and termination protection', () => {
    const deployed = {stackId: 'arn:stack/a/1', stackName: 'a', status: 'UPDATE_COMPLETE', parameters: {}, tags: {}, outputs: {}, terminationProtection: true, lastUpdated: new Date('2026-12-01T10:00:00Z')}
    expect(stackVersion(deployed)).toBe('arn:stack/a/1 UPDATE_COMPLETE 2026-12-01T10:00:00.000Z true')
    expect(stackVersion({...deployed, terminationProtection: undefined, lastUpdated: undefined})).toBe('arn:stack/a/1 UPDATE_COMPLETE - false')
    expect(stackVersion(undefined)).toBeUndefined()
  })

  it("warns when it takes over another run's expired lease, not when it takes over its own dead run's", async () => {
    const aws = deployedBootstrap()
    aws.objects.set(LEASE, {body: JSON.stringify({holder: holder({host: 'ci-runner'}), ttlSeconds: LEASE_TTL_MS / 1000, renewed: ''}), etag: '"old"', lastModified: new Date(Date.now() - LEASE_TTL_MS - 1000)})
    const warnings: string[] = []
    await lock(aws, lockDir(), warnings).then((held) => held.release())
    expect(warnings).toEqual([expect.stringMatching(/^Took over the expired deploy lease of pid \d+ on ci-runner by ana .*: that run stopped without releasing it\.$/)])

    // This machine's run died (kill -9): its local lock and its live lease carry one token.
    const dir = lockDir()
    const path = acquireDeployLock({dir, project: 'app', env: 'prod'}).path
    const dead = holder({token: 'dead-run'})
    writeFileSync(path, JSON.stringify(dead))
    aws.objects.set(LEASE, {body: JSON.stringify({holder: dead, ttlSeconds: LEASE_TTL_MS / 1000, renewed: ''}), etag: '"dead"', lastModified: new Date()})
    const quiet: string[] = []
    const held = await lock(aws, dir, quiet)
    expect(held.lease).toBe(`s3://${LEASE}`)
    expect(quiet).toEqual([])
    await held.release()
  })
})
