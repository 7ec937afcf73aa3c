/** One unit of a deploy: a stack now; image build/push and ECS rollout steps later. */
export interface WorkNode {
  id: string
  /** Node ids that must finish successfully first. */
  dependencies: string[]
  /** Which concurrency pool it runs in (stacks, builds, publishes have separate limits). */
  pool?: string
  run(): Promise<void>
}

export type WorkStatus = 'done' | 'failed' | 'not-started'

export interface WorkResult {
  status: Record<string, WorkStatus>
  errors: Record<string, unknown>
}

export interface WorkGraphOptions {
  /** Concurrency per pool; a pool without an entry gets `defaultConcurrency`. */
  concurrency?: Record<string, number>
  /** @default 4 */
  defaultConcurrency?: number
  /** When aborted, no new node starts; running nodes finish. */
  signal?: AbortSignal
}

/**
 * Run nodes as soon as their dependencies are done (a ready pool, not level by level: one slow
 * stack holds up only what depends on it). On the first failure nothing new starts, running
 * nodes finish, and the result says which nodes never started.
 */
export async function runWorkGraph(nodes: WorkNode[], options: WorkGraphOptions = {}): Promise<WorkResult> {
  const byId = new Map(nodes.map((n) => [n.id, n]))
  for (const node of nodes) {
    for (const dep of node.dependencies) if (!byId.has(dep)) throw new Error(`work node ${node.id} depends on unknown node ${dep}`)
  }
  assertAcyclic(nodes)
  const status: Record<string, WorkStatus> = Object.fromEntries(nodes.map((n) => [n.id, 'not-started' as WorkStatus]))
  const errors: Record<string, unknown> = {}
  const running = new Map<string, Promise<void>>()
  const runningPerPool = new Map<string, number>()
  const started = new Set<string>()
  let failed = false
  const limit = (pool: string) => options.concurrency?.[pool] ?? options.defaultConcurrency ?? 4

  const startReady = () => {
    if (failed || options.signal?.aborted) return
    for (const node of nodes) {
      if (started.has(node.id)) continue
      if (!node.dependencies.every((d) => status[d] === 'done')) continue
      const pool = node.pool ?? 'default'
      if ((runningPerPool.get(pool) ?? 0) >= limit(pool)) continue
      started.add(node.id)
      runningPerPool.set(pool, (runningPerPool.get(pool) ?? 0) + 1)
      const promise = (async () => {
        try {
          await node.run()
          status[node.id] = 'done'
        } catch (error) {
          status[node.id] = 'failed'
          errors[node.id] = error
          failed = true
        } finally {
          runningPerPool.set(pool, (runningPerPool.get(pool) ?? 1) - 1)
          running.delete(node.id)
        }
      })()
      running.set(node.id, promise)
    }
  }

  startReady()
  while (running.size > 0) {
    await Promise.race(running.values())
    startReady()
  }
  return {status, errors}
}

function assertAcyclic(nodes: WorkNode[]): void {
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === 'done') return
    if (state.get(id) === 'visiting') throw new Error(`dependency cycle: ${[...path, id].join(' -> ')}`)
    state.set(id, 'visiting')
    for (const dep of byId.get(id)?.dependencies ?? []) visit(dep, [...path, id])
    state.set(id, 'done')
  }
  for (const node of nodes) visit(node.id, [])
}
