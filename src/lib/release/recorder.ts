import {HEARTBEAT_MS, type ReleaseRecord, type ReleaseStore, recordRelease, type ServiceRelease, updateRelease} from './history.js'

/**
 * The one record of a running release: written `in-progress` as soon as the release changes
 * something (so `platform releases` and teammates see it), its `heartbeatAt` rewritten every
 * HEARTBEAT_MS while it runs, and replaced by the outcome at the end. A release killed on the way
 * stops its heartbeat, and is read as `abandoned` (see readOutcome). What becomes known of each
 * service on the way (its image, task definition, ECS deployment, state) is written as it comes.
 */
export interface ReleaseRecorder {
  /** The id once the in-progress record is written. */
  readonly id: string | undefined
  /** True once the outcome is written (or its write was attempted). */
  readonly finished: boolean
  /**
   * Write the in-progress record unless it is written already. Before the bootstrap stack (whose
   * bucket holds the history) exists this writes nothing, and a later call tries again.
   */
  start(): Promise<void>
  /**
   * What is now known of a service, merged into what the record says of it: written at once (after
   * the writes before it) when the record exists, else with the record when it is started.
   */
  updateService(service: string, known: Partial<ServiceRelease>): void
  /** Stop the heartbeat and write the outcome: under the started id, else under a new one. */
  finish(record: Omit<ReleaseRecord, 'id'>): Promise<ReleaseRecord | undefined>
}

export interface RecorderOptions {
  /** The history's store; undefined while the bootstrap stack is not deployed. */
  store: () => Promise<ReleaseStore | undefined>
  /** The record as known at the start (outcome `in-progress`). */
  initial: () => Promise<Omit<ReleaseRecord, 'id'>>
  /** A write that failed: the release goes on (its outcome decides the exit code, not its record). */
  warn: (message: string) => void
  heartbeatMs?: number
  now?: () => number
}

export function createReleaseRecorder(options: RecorderOptions): ReleaseRecorder {
  const now = options.now ?? Date.now
  let store: ReleaseStore | undefined
  let started: ReleaseRecord | undefined
  const services: Record<string, ServiceRelease> = {}
  let starting: Promise<void> | undefined
  let heartbeat: ReturnType<typeof setInterval> | undefined
  // Writes of one record happen one after the other: a late heartbeat never overwrites the outcome.
  let writes: Promise<void> = Promise.resolve()
  let finished = false
  let warned = false
  const warnOnce = (error: unknown) => {
    if (warned) return
    warned = true
    options.warn(`the release record could not be updated: ${(error as Error).message}`)
  }
  const findStore = async () => (store ??= await options.store())
  /** The in-progress record as it stands now, with a fresh heartbeat. */
  const current = (): ReleaseRecord => ({...started!, services: sortedServices(services), heartbeatAt: new Date(now()).toISOString()})
  const write = (found: ReleaseStore) => {
    writes = writes.then(() => updateRelease(found, current())).catch(warnOnce)
  }

  async function doStart(): Promise<void> {
    const found = await findStore()
    if (!found) return
    const initial = await options.initial()
    Object.assign(services, {...initial.services, ...services})
    const first = JSON.stringify(sortedServices(services))
    started = await recordRelease(found, {...initial, services: JSON.parse(first), outcome: 'in-progress', heartbeatAt: new Date(now()).toISOString()})
    // What became known while the first write was on its way is written right after it.
    if (JSON.stringify(sortedServices(services)) !== first) write(found)
    heartbeat = setInterval(() => write(found), options.heartbeatMs ?? HEARTBEAT_MS)
    // The heartbeat never keeps the CLI alive once the release is over.
    heartbeat.unref()
  }

  return {
    get id() {
      return started?.id
    },
    get finished() {
      return finished
    },
    async start() {
      if (started || finished) return
      starting ??= doStart().finally(() => {
        starting = undefined
      })
      await starting
    },
    updateService(service, known) {
      services[service] = {...(services[service] ?? {image: '', outcome: 'in-progress'}), ...known}
      if (started && store && !finished) write(store)
    },
    async finish(record) {
      finished = true
      if (starting) await starting.catch(() => undefined)
      clearInterval(heartbeat)
      await writes
      const found = await findStore()
      if (!found) return undefined
      if (!started) return recordRelease(found, record)
      const full: ReleaseRecord = {id: started.id, ...record}
      delete full.heartbeatAt
      await updateRelease(found, full)
      return full
    },
  }
}

/** Services in name order, so a record reads the same whatever order they became known in. */
function sortedServices(services: Record<string, ServiceRelease>): Record<string, ServiceRelease> {
  const out: Record<string, ServiceRelease> = {}
  for (const name of Object.keys(services).sort()) out[name] = services[name]
  return out
}
