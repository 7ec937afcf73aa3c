import {describe, expect, it} from 'vitest'
import {runWorkGraph, type WorkNode} from '../../src/lib/deploy/work-graph.js'

/** A node that finishes when the test says so, recording start and end order. */
function gate(log: string[]) {
  const gates = new Map<string, () => void>()
  const node = (id: string, dependencies: string[] = [], fail = false): WorkNode => ({
    id,
    dependencies,
    pool: 'stacks',
    run: () =>
      new Promise<void>((resolve, reject) => {
        log.push(`start ${id}`)
        gates.set(id, () => {
          log.push(`end ${id}`)
          if (fail) reject(new Error(`${id} failed`))
          else resolve()
        })
      }),
  })
  const open = async (id: string) => {
    for (let i = 0; i < 50 && !gates.has(id); i++) await new Promise((r) => setTimeout(r, 1))
    gates.get(id)!()
    await new Promise((r) => setTimeout(r, 1))
  }
  return {node, open}
}

describe('runWorkGraph (a ready pool, not levels)', () => {
  it('starts a node as soon as its own dependencies finish, while a slow sibling still runs', async () => {
    const log: string[] = []
    const {node, open} = gate(log)
    // slow and fast are both level 0; after-fast is level 1. Level by level would wait for slow.
    const run = runWorkGraph([node('slow'), node('fast'), node('after-fast', ['fast'])], {concurrency: {stacks: 4}})
    await open('fast')
    expect(log).toContain('start after-fast')
    expect(log).not.toContain('end slow')
    await open('after-fast')
    await open('slow')
    const result = await run
    expect(result.status).toEqual({slow: 'done', fast: 'done', 'after-fast': 'done'})
  })

  it('never runs more than the pool allows', async () => {
    const log: string[] = []
    const {node, open} = gate(log)
    const run = runWorkGraph([node('a'), node('b'), node('c')], {concurrency: {stacks: 2}})
    await new Promise((r) => setTimeout(r, 5))
    expect(log).toEqual(['start a', 'start b'])
    await open('a')
    expect(log).toContain('start c')
    await open('b')
    await open('c')
    await run
  })

  it('on a failure starts nothing new, lets running work finish, and reports what never started', async () => {
    const log: string[] = []
    const {node, open} = gate(log)
    const run = runWorkGraph([node('bad', [], true), node('running'), node('after-bad', ['bad']), node('after-running', ['running'])], {concurrency: {stacks: 4}})
    await open('bad')
    await open('running')
    const result = await run
    expect(result.status).toEqual({bad: 'failed', running: 'done', 'after-bad': 'not-started', 'after-running': 'not-started'})
    expect(String(result.errors.bad)).toMatch(/bad failed/)
    expect(log).not.toContain('start after-running')
  })

  it('stops starting work when aborted (Ctrl-C)', async () => {
    const log: string[] = []
    const {node, open} = gate(log)
    const controller = new AbortController()
    const run = runWorkGraph([node('a'), node('b', ['a'])], {signal: controller.signal})
    controller.abort()
    await open('a')
    const result = await run
    expect(result.status).toEqual({a: 'done', b: 'not-started'})
  })

  it('rejects cycles and unknown dependencies', async () => {
    const n = (id: string, deps: string[]): WorkNode => ({id, dependencies: deps, run: async () => undefined})
    await expect(runWorkGraph([n('a', ['b']), n('b', ['a'])])).rejects.toThrow(/cycle/)
    await expect(runWorkGraph([n('a', ['zzz'])])).rejects.toThrow(/unknown node zzz/)
  })
})
