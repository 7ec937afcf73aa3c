/**
 * Ctrl-C from the first moment of a run. bin/run.js installs a handler before anything loads
 * (loading the CLI takes a few hundred milliseconds, and a deploy reads its config and the stacks
 * before it installs its own): until a command takes Ctrl-C over, it prints one line (and under
 * --json the final error object, early-interrupt.ts) and exits 6, "aborted by the user", instead of
 * dying by the signal. A command that stops cleanly on Ctrl-C (deploy, diff, a release, a log
 * follow) takes over here, so the early handler never exits under it.
 */
const BEFORE_COMMAND = Symbol.for('platform.interrupts.beforeCommand')

let takeovers = 0

function beforeCommandHandler(): (() => void) | undefined {
  return (globalThis as Record<symbol, (() => void) | undefined>)[BEFORE_COMMAND]
}

/** Handle SIGINT with `handler` until the returned function is called. Nested takeovers are fine. */
export function takeOverInterrupts(handler: () => void): () => void {
  const early = beforeCommandHandler()
  if (takeovers++ === 0 && early) process.off('SIGINT', early)
  process.on('SIGINT', handler)
  let released = false
  return () => {
    if (released) return
    released = true
    process.off('SIGINT', handler)
    if (--takeovers === 0 && early) process.on('SIGINT', early)
  }
}
