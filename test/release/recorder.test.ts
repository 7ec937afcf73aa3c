/**
 * The recorder of a running release, against an in-memory store: the record is `in-progress` from
 * the first change, its heartbeat moves while it runs, and the end replaces it under the same id.
 */
import {describe, expect, it} from 'vitest'
import {listReleases, type ReleaseRecord, type ReleaseStore} from '../../src/lib/release/history.js'
import {createReleaseRecorder} from '../../src/lib/release/recorder.js'

function memoryStore(): ReleaseStore & {objects: Map<string, string>; writes: number} {
  const objects = new Map<string, string>()
  const store = {
    objects,
    writes: 0,
    async listKeys(prefix: string) {
      return [...objects.keys()].filter((k) => k.startsWith(prefix))
    },
    async get(key: string) {
      return objects.get(key)
    },
    async putIfAbsent(key: string, body: string) {
      if (objects.has(key)) return false
      store.writes++
      objects.set(key, body)
      return true
    },
    async put(key: string, body: string) {
      store.writes++
      objects.set(key, body)
    },
  }
  return store
}

const initial = async (): Promise<Omit<ReleaseRecord, 'id'>> => ({
  environment: 'staging',
  description: 'deploy',
  startedAt: '2026-12-01T10:00:00.000Z',
  who: {localUser: 'ci'},
  git: {commit: 'a'.repeat(40), dirty: false},
  services: {},
  stackParameters: {},
  templateHash: 't',
  configHash: 'c',
  outcome: 'in-progress',
})

const stored = (store: ReturnType<typeof memoryStore>, key = 'releases/00000001.json') => JSON.parse(store.objects.get(key)!) as ReleaseRecord

describe('release recorder', () => {
  it('writes in-progress at start, heartbeats while running, and the outcome under the same id at the end', async () => {
    const store = memoryStore()
    let clock = Date.parse('2026-12-01T10:00:05.000Z')
    const recorder = createReleaseRecorder({store: async () => store, initial, warn: () => undefined, heartbeatMs: 20, now: () => clock})
    await recorder.start()
    await recorder.start() // a second change writes nothing new
    expect(recorder.id).toBe('v1')
    expect(store.objects.size).toBe(1)
    const running = stored(store)
    expect(running.outcome).toBe('in-progress')
    expect(running.heartbeatAt).toBe('2026-12-01T10:00:05.000Z')
    expect(running.endedAt).toBeUndefined()
    // Teammates listing the history see it running.
    expect((await listReleases(store, undefined, clock))[0]).toMatchObject({id: 'v1', outcome: 'in-progress'})

    clock = Date.parse('2026-12-01T10:01:05.000Z')
    await new Promise((resolve) => setTimeout(resolve, 70))
    expect(stored(store).heartbeatAt).toBe('2026-12-01T10:01:05.000Z')
    expect(stored(store).outcome).toBe('in-progress')

    const done = await recorder.finish({...(await initial()), endedAt: '2026-12-01T10:02:00.000Z', outcome: 'succeeded', heartbeatAt: 'ignored'})
    expect(done).toMatchObject({id: 'v1', outcome: 'succeeded'})
    expect(recorder.finished).toBe(true)
    const writes = store.writes
    await new Promise((resolve) => setTimeout(resolve, 70))
    // The heartbeat stopped: no late write turns the outcome back into in-progress.
    expect(store.writes).toBe(writes)
    expect(store.objects.size).toBe(1)
    const final = stored(store)
    expect(final.outcome).toBe('succeeded')
    expect(final.endedAt).toBe('2026-12-01T10:02:00.000Z')
    expect(final.heartbeatAt).toBeUndefined()
    // Once finished, a late start writes nothing.
    await recorder.start()
    expect(store.writes).toBe(writes)
  })

  it('lists the services as they become known: before the start with the first write, after it at once, in name order', async () => {
    const store = memoryStore()
    const recorder = createReleaseRecorder({store: async () => store, initial, warn: () => undefined})
    // Known before the record exists (images decided before the first change): written with it.
    recorder.updateService('web', {image: 'repo/web@sha256:1', outcome: 'in-progress'})
    await recorder.start()
    expect(stored(store).services).toEqual({web: {image: 'repo/web@sha256:1', outcome: 'in-progress'}})
    recorder.updateService('api', {image: 'repo/api@sha256:2', outcome: 'unchanged'})
    recorder.updateService('web', {serviceDeploymentArn: 'arn:aws:ecs:deployment/1'})
    recorder.updateService('web', {taskDefinitionArn: 'arn:aws:ecs:task-definition/web:2'})
    await new Promise((resolve) => setTimeout(resolve, 10))
    const running = stored(store)
    expect(running.outcome).toBe('in-progress')
    expect(Object.keys(running.services)).toEqual(['api', 'web'])
    expect(running.services.web).toEqual({image: 'repo/web@sha256:1', outcome: 'in-progress', serviceDeploymentArn: 'arn:aws:ecs:deployment/1', taskDefinitionArn: 'arn:aws:ecs:task-definition/web:2'})
    expect(running.heartbeatAt).toEqual(expect.any(String))
    // The end's record is what the release says at the end; a late update writes nothing over it.
    await recorder.finish({...(await initial()), services: {web: {image: 'repo/web@sha256:1', outcome: 'succeeded'}}, outcome: 'succeeded'})
    const writes = store.writes
    recorder.updateService('web', {outcome: 'failed'})
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(store.writes).toBe(writes)
    expect(stored(store).services).toEqual({web: {image: 'repo/web@sha256:1', outcome: 'succeeded'}})
  })

  it('a killed release (no finish) is read as abandoned once its heartbeat is ten minutes old', async () => {
    const store = memoryStore()
    const recorder = createReleaseRecorder({store: async () => store, initial, warn: () => undefined, now: () => Date.parse('2026-12-01T10:00:00.000Z')})
    await recorder.start()
    expect((await listReleases(store, undefined, Date.parse('2026-12-01T10:09:00.000Z')))[0].outcome).toBe('in-progress')
    expect((await listReleases(store, undefined, Date.parse('2026-12-01T10:10:01.000Z')))[0].outcome).toBe('abandoned')
    await recorder.finish({...(await initial()), outcome: 'failed', reason: 'x'})
  })

  it('before the bootstrap bucket exists start writes nothing and tries again later; finish records under a new id if never started', async () => {
    const store = memoryStore()
    let ready = false
    const recorder = createReleaseRecorder({store: async () => (ready ? store : undefined), initial, warn: () => undefined})
    await recorder.start()
    expect(recorder.id).toBeUndefined()
    expect(store.objects.size).toBe(0)
    ready = true
    await recorder.start()
    expect(recorder.id).toBe('v1')
    await recorder.finish({...(await initial()), outcome: 'failed', reason: 'web: circuit breaker'})
    expect(stored(store)).toMatchObject({id: 'v1', outcome: 'failed', reason: 'web: circuit breaker'})

    const other = createReleaseRecorder({store: async () => store, initial, warn: () => undefined})
    expect(await other.finish({...(await initial()), outcome: 'succeeded'})).toMatchObject({id: 'v2', outcome: 'succeeded'})
    expect(store.objects.size).toBe(2)
  })

  it('a heartbeat that cannot be written warns once and the release goes on', async () => {
    const store = memoryStore()
    const warnings: string[] = []
    const failing: ReleaseStore = {...store, put: async () => Promise.reject(new Error('AccessDenied'))}
    const recorder = createReleaseRecorder({store: async () => failing, initial, warn: (m) => warnings.push(m), heartbeatMs: 10})
    await recorder.start()
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(warnings).toEqual(['the release record could not be updated: AccessDenied'])
    await expect(recorder.finish({...(await initial()), outcome: 'succeeded'})).rejects.toThrow('AccessDenied')
  })
})
