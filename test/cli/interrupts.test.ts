import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {takeOverInterrupts} from '../../src/lib/cli/interrupts.js'

/** The early Ctrl-C handler bin/run.js installs, and commands taking Ctrl-C over from it. */
describe('takeOverInterrupts', () => {
  const key = Symbol.for('platform.interrupts.beforeCommand')
  const registry = globalThis as Record<symbol, unknown>
  const early = () => {}
  const listening = (handler: () => void) => process.listeners('SIGINT').includes(handler)

  beforeEach(() => {
    process.on('SIGINT', early)
    registry[key] = early
  })
  afterEach(() => {
    process.off('SIGINT', early)
    delete registry[key]
  })

  it('replaces the early handler while a command handles Ctrl-C, and puts it back after', () => {
    const handler = () => {}
    const release = takeOverInterrupts(handler)
    expect(listening(handler)).toBe(true)
    expect(listening(early)).toBe(false)
    release()
    expect(listening(handler)).toBe(false)
    expect(listening(early)).toBe(true)
  })

  it('keeps the early handler away until the outermost takeover ends (a release runs a deploy)', () => {
    const release = () => {}
    const deploy = () => {}
    const endRelease = takeOverInterrupts(release)
    const endDeploy = takeOverInterrupts(deploy)
    expect([listening(release), listening(deploy), listening(early)]).toEqual([true, true, false])
    endDeploy()
    expect([listening(release), listening(deploy), listening(early)]).toEqual([true, false, false])
    endRelease()
    expect([listening(release), listening(early)]).toEqual([false, true])
  })

  it('ends a takeover once however often it is ended', () => {
    const outer = () => {}
    const inner = () => {}
    const endOuter = takeOverInterrupts(outer)
    const endInner = takeOverInterrupts(inner)
    endInner()
    endInner()
    expect(listening(early)).toBe(false)
    endOuter()
    expect(listening(early)).toBe(true)
    expect(process.listeners('SIGINT').filter((l) => l === early)).toHaveLength(1)
  })

  it('works without an early handler (the CLI run in-process, by tests or @oclif/test)', () => {
    delete registry[key]
    process.off('SIGINT', early)
    const handler = () => {}
    const release = takeOverInterrupts(handler)
    expect(listening(handler)).toBe(true)
    release()
    expect(listening(handler)).toBe(false)
    expect(listening(early)).toBe(false)
  })
})
