/** src/lib/deploy/lease.ts and the lock key of lock.ts: the environment's lease, over an S3-like store. */
import {userInfo} from 'node:os'
import {describe, expect, it, vi} from 'vitest'
import {acquireLease, currentHolder, LEASE_TTL_MS, leaseHolder, type LockHolder} from '../../src/lib/deploy/lease.js'
import {lockTarget} from '../../src/lib/deploy/lock.js'
import {MemoryLeaseStore, type StoredObject} from '../helpers/fake-cloudformation.js'

function machine(name: string, token = `${name}-token`): LockHolder {
  return {...currentHolder('deploy prod', token), host: name, pid: 4242}
}

function bucket(clock: () => number) {
  const objects = new Map<string, StoredObject>()
  return {objects, store: () => new MemoryLeaseStore(objects, 'bucket/locks/deploy.json', clock)}
}

describe('the deploy lease', () => {
  it('refuses a second holder while the first holds it, naming the first; free again once released', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z')
    const {store} = bucket(() => now)
    const laptop = await acquireLease(store(), machine('laptop'), {environment: 'app/prod', now: () => now})
    now += 60_000
    const refused = await acquireLease(store(), machine('ci'), {environment: 'app/prod', now: () => now}).catch((e) => e)
    expect(refused).toMatchObject({exitCode: 5, code: 'DEPLOY_LOCKED'})
    expect(refused.message).toMatch(/Another deploy of app\/prod is running: pid 4242 on laptop by .* since .* \(platform deploy prod\)\. Its lease \(s3:\/\/bucket\/locks\/deploy\.json\) expires at 2026-12-01T10:15:00\.000Z/)
    await laptop.release()
    const ci = await acquireLease(store(), machine('ci'), {now: () => now})
    expect(ci.tookOver).toBeUndefined()
    await ci.release()
  })

  it('takes over a lease not renewed for its TTL, and says whose it was', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z')
    const {store} = bucket(() => now)
    await acquireLease(store(), machine('laptop'), {now: () => now, ttlMs: LEASE_TTL_MS})
    now += LEASE_TTL_MS - 1
    await expect(acquireLease(store(), machine('ci'), {now: () => now})).rejects.toMatchObject({code: 'DEPLOY_LOCKED'})
    now += 1
    const ci = await acquireLease(store(), machine('ci'), {now: () => now})
    expect(ci.tookOver).toMatchObject({host: 'laptop'})
    await ci.release()
  })

  it('takes over at once the lease of this machine\'s dead run (the token of its stale local lock)', async () => {
    const now = Date.parse('2026-12-01T10:00:00Z')
    const {store} = bucket(() => now)
    await acquireLease(store(), machine('laptop', 'dead-run'), {now: () => now})
    const next = await acquireLease(store(), machine('laptop', 'next-run'), {now: () => now, supersedes: 'dead-run'})
    expect(next.tookOver).toMatchObject({token: 'dead-run'})
    // Another token supersedes nothing.
    await expect(acquireLease(store(), machine('other'), {now: () => now, supersedes: 'dead-run'})).rejects.toMatchObject({code: 'DEPLOY_LOCKED'})
  })

  it('of two runs that find the same expired lease, exactly one takes it', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z')
    const {store} = bucket(() => now)
    await acquireLease(store(), machine('old'), {now: () => now})
    now += LEASE_TTL_MS + 1
    const results = await Promise.allSettled([acquireLease(store(), machine('a'), {now: () => now}), acquireLease(store(), machine('b'), {now: () => now})])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({reason: {code: 'DEPLOY_LOCKED'}})
  })

  it('is renewed while held, so it never expires under a long deploy', async () => {
    vi.useFakeTimers({now: Date.parse('2026-12-01T10:00:00Z')})
    try {
      const {store} = bucket(() => Date.now())
      const lost = vi.fn()
      const held = await acquireLease(store(), machine('laptop'), {onLost: lost})
      await vi.advanceTimersByTimeAsync(2 * LEASE_TTL_MS)
      await expect(acquireLease(store(), machine('ci'))).rejects.toMatchObject({code: 'DEPLOY_LOCKED'})
      expect(lost).not.toHaveBeenCalled()
      await held.release()
    } finally {
      vi.useRealTimers()
    }
  })

  it('tells the holder when another run took it over (its renewal failed its condition), naming the new holder', async () => {
    vi.useFakeTimers({now: Date.parse('2026-12-01T10:00:00Z')})
    try {
      const {objects, store} = bucket(() => Date.now())
      const lost = vi.fn()
      await acquireLease(store(), machine('laptop'), {onLost: lost})
      // The lease expired while this process was suspended, and CI took it over.
      const stored = objects.get('bucket/locks/deploy.json')!
      objects.set('bucket/locks/deploy.json', {...stored, lastModified: new Date(Date.now() - LEASE_TTL_MS - 1)})
      await acquireLease(store(), machine('ci'))
      await vi.advanceTimersByTimeAsync(LEASE_TTL_MS / 3)
      expect(lost).toHaveBeenCalledWith(expect.stringMatching(/taken over by pid 4242 on ci/))
    } finally {
      vi.useRealTimers()
    }
  })

  it('never overwrites a new holder\'s lease when releasing a lost one', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z')
    const {objects, store} = bucket(() => now)
    const old = await acquireLease(store(), machine('laptop'), {now: () => now})
    now += LEASE_TTL_MS + 1
    await acquireLease(store(), machine('ci'), {now: () => now})
    await old.release()
    expect(JSON.parse(objects.get('bucket/locks/deploy.json')!.body)).toMatchObject({holder: {host: 'ci'}})
    expect(JSON.parse(objects.get('bucket/locks/deploy.json')!.body).released).toBeUndefined()
  })

  it('taken again from the machine that released it: one conditional write on the ETag it released, no read; the released content is what it replaced', async () => {
    const now = Date.parse('2026-12-01T10:00:00Z')
    const {store} = bucket(() => now)
    const first = await acquireLease(store(), machine('laptop'), {now: () => now})
    const released = await first.release({bootstrapStack: 'stack-1 UPDATE_COMPLETE'})
    expect(released).toBeDefined()
    const calls: string[] = []
    const counted = store()
    const spy = {location: counted.location, read: () => (calls.push('read'), counted.read()), create: (b: string) => (calls.push('create'), counted.create(b)), replace: (b: string, e: string) => (calls.push('replace'), counted.replace(b, e))}
    const again = await acquireLease(spy, machine('laptop'), {now: () => now, lastReleased: released})
    expect(calls).toEqual(['replace'])
    expect(again.previous).toMatchObject({released: true, bootstrapStack: 'stack-1 UPDATE_COMPLETE', holder: {host: 'laptop'}})
    expect(again.tookOver).toBeUndefined()
    await again.release()
  })

  it('falls back to reading when another run wrote the lease since this machine released it, and sees that run\'s record', async () => {
    const now = Date.parse('2026-12-01T10:00:00Z')
    const {store} = bucket(() => now)
    const mine = await (await acquireLease(store(), machine('laptop'), {now: () => now})).release()
    const ciReleased = await (await acquireLease(store(), machine('ci'), {now: () => now})).release({bootstrapStack: 'stack-1 UPDATE_COMPLETE 2'})
    const again = await acquireLease(store(), machine('laptop'), {now: () => now, lastReleased: mine})
    expect(again.previous).toMatchObject({released: true, bootstrapStack: 'stack-1 UPDATE_COMPLETE 2', holder: {host: 'ci'}})
    // A held lease is never taken through a remembered ETag: ci's own is out of date now.
    const ci = await acquireLease(store(), machine('ci'), {now: () => now, lastReleased: ciReleased}).catch((e) => e)
    expect(ci).toMatchObject({code: 'DEPLOY_LOCKED'})
    await again.release()
  })

  it('never writes on a remembered ETag unless the remembered content says released: a held lease refuses, an unreadable record is ignored', async () => {
    const now = Date.parse('2026-12-01T10:00:00Z')
    const {objects, store} = bucket(() => now)
    const held = await acquireLease(store(), machine('laptop'), {now: () => now})
    const {etag, body} = objects.get('bucket/locks/deploy.json')!
    // A record of the lease while it was held (not released), ETag still current.
    const refused = await acquireLease(store(), machine('ci'), {now: () => now, lastReleased: {etag, body}}).catch((e) => e)
    expect(refused).toMatchObject({code: 'DEPLOY_LOCKED', message: expect.stringContaining('pid 4242 on laptop')})
    await held.release()
    const again = await acquireLease(store(), machine('ci'), {now: () => now, lastReleased: {etag: '"gone"', body: 'garbage'}})
    expect(again.previous).toMatchObject({released: true, holder: {host: 'laptop'}})
    await again.release()
  })

  it('leaseHolder reads who holds it without writing: nobody once released or expired', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z')
    const {objects, store} = bucket(() => now)
    expect(await leaseHolder(store(), () => now)).toBeUndefined()
    const held = await acquireLease(store(), machine('laptop'), {now: () => now})
    const etag = objects.get('bucket/locks/deploy.json')!.etag
    expect(await leaseHolder(store(), () => now)).toEqual({holder: expect.objectContaining({host: 'laptop'}), expires: now + LEASE_TTL_MS})
    expect(objects.get('bucket/locks/deploy.json')!.etag).toBe(etag)
    expect(await leaseHolder(store(), () => now + LEASE_TTL_MS)).toBeUndefined()
    now += 1000
    await held.release()
    expect(await leaseHolder(store(), () => now)).toBeUndefined()
    // An object it cannot read is held by someone unknown until it expires.
    objects.set('bucket/locks/deploy.json', {body: 'garbage', etag: '"x"', lastModified: new Date(now)})
    expect(await leaseHolder(store(), () => now)).toEqual({holder: undefined, expires: now + LEASE_TTL_MS})
  })
})

describe('lock key', () => {
  it('spells one endpoint one way: case, default port and trailing slash do not make a second lock', () => {
    expect(lockTarget('http://127.0.0.1:5480')).toBe(lockTarget('http://127.0.0.1:5480/'))
    expect(lockTarget('HTTP://LocalHost:5480//')).toBe('http://localhost:5480')
    expect(lockTarget('https://cloudformation.us-east-1.amazonaws.com:443/')).toBe('https://cloudformation.us-east-1.amazonaws.com')
    expect(lockTarget('http://127.0.0.1:80')).toBe('http://127.0.0.1')
    expect(lockTarget(' ')).toBe('aws')
    expect(lockTarget(undefined)).toBe('aws')
    expect(lockTarget('http://127.0.0.1:5480')).not.toBe(lockTarget('http://127.0.0.1:5481'))
  })
})

describe('the deploy lease, edge cases', () => {
  const T0 = Date.parse('2026-12-01T10:00:00Z')

  it('writes the holder, its TTL in seconds and when it was renewed', async () => {
    const {objects, store} = bucket(() => T0)
    const laptop = machine('laptop')
    await acquireLease(store(), laptop, {now: () => T0, ttlMs: 90_400})
    expect(JSON.parse(objects.get('bucket/locks/deploy.json')!.body)).toEqual({holder: laptop, ttlSeconds: 90, renewed: '2026-12-01T10:00:00.000Z'})
    // Who is refused sees which user runs the deploy.
    expect(laptop.user).toBe(userInfo().username)
  })

  it("counts expiry from the lease's own TTL, and from its renewed time when the store gives no LastModified", async () => {
    let now = T0
    const {objects, store} = bucket(() => now)
    objects.set('bucket/locks/deploy.json', {body: JSON.stringify({holder: machine('old'), ttlSeconds: 60, renewed: new Date(T0).toISOString()}), etag: '"1"', lastModified: undefined as unknown as Date})
    now = T0 + 59_999
    await expect(acquireLease(store(), machine('ci'), {now: () => now})).rejects.toMatchObject({message: expect.stringMatching(/expires at 2026-12-01T10:01:00\.000Z/)})
    now = T0 + 60_000
    expect((await acquireLease(store(), machine('ci'), {now: () => now})).tookOver).toMatchObject({host: 'old'})
  })

  it('treats an object it cannot read as held by someone unknown until it expires', async () => {
    let now = T0
    const {objects, store} = bucket(() => now)
    objects.set('bucket/locks/deploy.json', {body: 'not json', etag: '"1"', lastModified: new Date(T0)})
    await expect(acquireLease(store(), machine('ci'), {now: () => now})).rejects.toMatchObject({message: expect.stringMatching(/is running: holder unknown\./)})
    objects.set('bucket/locks/deploy.json', {body: '{"ttlSeconds": 60}', etag: '"2"', lastModified: new Date(T0)})
    await expect(acquireLease(store(), machine('ci'), {now: () => now, environment: 'app/prod'})).rejects.toMatchObject({message: expect.stringMatching(/^Another deploy of app\/prod is running: holder unknown\./)})
    now = T0 + LEASE_TTL_MS
    expect((await acquireLease(store(), machine('ci'), {now: () => now})).tookOver).toBeUndefined()
  })

  it('looks again when another run wrote between its read and its write, and gives up after five tries', async () => {
    const {store} = bucket(() => T0)
    // Another run creates the object between the read and the create: the next look finds it held.
    const racing = store()
    const create = racing.create.bind(racing)
    racing.create = async (body) => {
      await acquireLease(store(), machine('other'), {now: () => T0})
      return create(body)
    }
    await expect(acquireLease(racing, machine('ci'), {now: () => T0})).rejects.toMatchObject({message: expect.stringMatching(/running: pid 4242 on other/)})

    const busy = store()
    let reads = 0
    const read = busy.read.bind(busy)
    busy.read = async () => (reads++, read())
    busy.replace = async () => undefined
    const released = bucket(() => T0)
    await (await acquireLease(released.store(), machine('x'), {now: () => T0})).release()
    busy.read = async () => (reads++, released.store().read())
    const error = await acquireLease(busy, machine('ci'), {now: () => T0}).catch((e) => e)
    expect(error).toMatchObject({code: 'DEPLOY_LOCKED', message: 'Could not take the deploy lease s3://bucket/locks/deploy.json: it changed 5 times while trying.', suggestions: ['Run the deploy again.']})
    expect(reads).toBe(5)
  })

  it('renews every third of its TTL; a failed renewal is retried, and the lease counts as lost only once it expired', async () => {
    vi.useFakeTimers({now: T0})
    try {
      const {store} = bucket(() => Date.now())
      const lost = vi.fn()
      const flaky = store()
      let writes = 0
      let failing = false
      const replace = flaky.replace.bind(flaky)
      flaky.replace = async (body, etag) => {
        writes++
        if (failing) throw new Error('socket hang up')
        return replace(body, etag)
      }
      const held = await acquireLease(flaky, machine('laptop'), {onLost: lost, ttlMs: 60_000})
      // Nor can it read who holds it now.
      flaky.read = async () => {
        throw new Error('socket hang up')
      }
      await vi.advanceTimersByTimeAsync(20_000)
      expect(writes).toBe(1)
      failing = true
      await vi.advanceTimersByTimeAsync(40_000)
      expect(writes).toBe(3)
      expect(lost).not.toHaveBeenCalled()
      await vi.advanceTimersByTimeAsync(20_000)
      expect(lost).toHaveBeenCalledTimes(1)
      expect(lost).toHaveBeenCalledWith('The deploy lease s3://bucket/locks/deploy.json was taken over: this run could not renew it for 1 minutes.')
      // Lost: no more renewals, and the release writes nothing.
      await vi.advanceTimersByTimeAsync(60_000)
      expect(writes).toBe(4)
      await held.release()
      expect(writes).toBe(4)
    } finally {
      vi.useRealTimers()
    }
  })

  it('releases without failing when the store cannot be written (the lease then expires)', async () => {
    const {store} = bucket(() => T0)
    const broken = store()
    const held = await acquireLease(broken, machine('laptop'), {now: () => T0})
    broken.replace = async () => {
      throw new Error('AccessDenied')
    }
    await expect(held.release()).resolves.toBeUndefined()
  })
})

describe('the deploy lease, what it reads', () => {
  const T0 = Date.parse('2026-12-01T10:00:00Z')
  const KEY = 'bucket/locks/deploy.json'

  it('refuses with the way out, and without an environment name says "this environment"', async () => {
    const {store} = bucket(() => T0)
    await acquireLease(store(), machine('laptop'), {now: () => T0})
    const refused = await acquireLease(store(), machine('ci'), {now: () => T0}).catch((e) => e)
    expect(refused.message).toMatch(/^Another deploy of this environment is running: pid 4242 on laptop/)
    expect(refused.failures).toEqual([])
    expect(refused.suggestions).toEqual(['Wait for it to finish. A run that died without releasing its lease stops blocking once the lease expires (15 minutes after its last renewal).'])
  })

  it('reads an object without a holder object as no lease: the default TTL counts, and nothing is superseded or taken over', async () => {
    let now = T0
    const {objects, store} = bucket(() => now)
    for (const body of ['{"holder": "x", "ttlSeconds": 60}', '"just text"', 'null', '{"holder": {"host": "h"}, "ttlSeconds": 0}']) {
      objects.set(KEY, {body, etag: '"1"', lastModified: new Date(T0)})
      now = T0 + 60_000
      await expect(acquireLease(store(), machine('ci'), {now: () => now, supersedes: 'dead-run'}), body).rejects.toMatchObject({code: 'DEPLOY_LOCKED'})
    }
    // Without LastModified and without a renewed time, an unreadable object counts as expired.
    objects.set(KEY, {body: 'not json', etag: '"1"', lastModified: undefined as unknown as Date})
    expect((await acquireLease(store(), machine('ci'), {now: () => now})).tookOver).toBeUndefined()
  })

  it('tells a holder that lost its lease to an unreadable object, and needs no onLost to lose it quietly', async () => {
    vi.useFakeTimers({now: T0})
    try {
      const {objects, store} = bucket(() => Date.now())
      const lost = vi.fn()
      await acquireLease(store(), machine('laptop'), {onLost: lost})
      const quiet = await acquireLease(new MemoryLeaseStore(objects, 'bucket/other.json', () => Date.now()), machine('laptop'))
      objects.set(KEY, {body: 'garbage', etag: '"x"', lastModified: new Date()})
      objects.set('bucket/other.json', {body: 'garbage', etag: '"y"', lastModified: new Date()})
      await vi.advanceTimersByTimeAsync(LEASE_TTL_MS / 3)
      expect(lost).toHaveBeenCalledWith(expect.stringMatching(/^The deploy lease s3:\/\/bucket\/locks\/deploy\.json was taken over by holder unknown: /))
      await quiet.release()
    } finally {
      vi.useRealTimers()
    }
  })
})
