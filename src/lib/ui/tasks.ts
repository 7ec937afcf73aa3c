import type {ListrTaskWrapper} from 'listr2'
import type {DeployEvent, StackPlan} from '../deploy/types.js'
import {oldResourceFate, type ResourceChange} from '../deploy/replacement.js'
import {summarizePlans} from '../deploy/plan-summary.js'

/** How deploy progress is shown. */
export type ProgressMode = 'json' | 'tty' | 'plain'

/**
 * listr2's live renderer only on a terminal with CI unset: some CI systems claim a TTY and a
 * redrawing renderer turns their logs into noise. `--json` wins over both.
 */
export function chooseProgressMode(options: {json: boolean; isTty?: boolean; env?: NodeJS.ProcessEnv}): ProgressMode {
  if (options.json) return 'json'
  const env = options.env ?? process.env
  const tty = options.isTty ?? Boolean(process.stderr.isTTY)
  return tty && !env.CI && env.TERM !== 'dumb' ? 'tty' : 'plain'
}

export interface ProgressReporter {
  emit(event: DeployEvent): void
  /** Stop live rendering (before a prompt, and at the end). */
  stop(): Promise<void>
}

interface Streams {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`

/** Create the reporter for a mode. Nothing in the engine prints; everything goes through here. */
export function createProgressReporter(mode: ProgressMode, streams: Streams = {stdout: process.stdout, stderr: process.stderr}): ProgressReporter {
  if (mode === 'json') {
    return {
      emit: (event) => streams.stdout.write(`${JSON.stringify(event)}\n`),
      stop: async () => undefined,
    }
  }
  if (mode === 'plain') return createLineReporter(streams.stderr)
  return createListrReporter(streams.stderr)
}

/** One line per event, on stderr, prefixed with the time since the deploy started. */
export function formatEventLine(event: DeployEvent): string | undefined {
  switch (event.type) {
    case 'plan':
      return undefined
    case 'stack':
      return `[${seconds(event.elapsedMs).padStart(6)}] ${event.stack} (${event.region}) ${event.phase}${event.message ? `: ${event.message}` : ''}`
    case 'resource':
      return `[${seconds(event.elapsedMs).padStart(6)}]   ${event.stack} ${event.logicalId} ${event.status}${event.description ? ` (${event.description})` : ` (${event.resourceType})`}${event.reason ? ` - ${event.reason}` : ''}`
    case 'retry':
      return `retried ${event.operation} in ${event.region} (attempt ${event.attempt}) after ${event.previousError}`
    case 'change-set':
      return undefined
    case 'warning':
      return `warning: ${event.message}`
  }
}

function createLineReporter(stderr: NodeJS.WritableStream): ProgressReporter {
  return {
    emit(event) {
      const line = formatEventLine(event)
      if (line) stderr.write(`${line}\n`)
    },
    stop: async () => undefined,
  }
}

interface StackTask {
  task?: ListrTaskWrapper<unknown, any, any>
  lines: string[]
  title: string
  resolve: () => void
  reject: (error: Error) => void
  done: Promise<void>
}

/**
 * listr2 on a terminal: one task per stack (all concurrent; the engine decides what runs), each
 * showing its resources' latest statuses with elapsed time under it.
 */
function createListrReporter(stderr: NodeJS.WritableStream): ProgressReporter {
  const tasks = new Map<string, StackTask>()
  let listr: Promise<unknown> | undefined
  const pending: DeployEvent[] = []
  const other: string[] = []

  const start = () => {
    if (listr) return
    // Loaded only on a terminal: CI and --json runs never pay for it.
    listr = import('listr2').then(({Listr}) => new Listr(
      [...tasks.entries()].map(([, t]) => ({
        title: t.title,
        task: async (_ctx: unknown, task: ListrTaskWrapper<unknown, any, any>) => {
          t.task = task
          await t.done
        },
        rendererOptions: {persistentOutput: true, outputBar: 6},
      })),
      {concurrent: true, exitOnError: false, renderer: 'default', rendererOptions: {collapseSubtasks: false}, registerSignalListeners: false},
    ).run()).catch(() => undefined)
  }

  return {
    emit(event) {
      if (event.type === 'plan') {
        for (const plan of event.stacks) {
          if (plan.action === 'skip' || plan.action === 'read-only' || plan.action === 'deferred') continue
          let resolve!: () => void
          let reject!: (error: Error) => void
          const done = new Promise<void>((res, rej) => {
            resolve = res
            reject = rej
          })
          tasks.set(plan.stack, {title: `${plan.stack} (${plan.region}) ${plan.action}`, lines: [], resolve, reject, done})
        }
        return
      }
      if (event.type === 'retry' || event.type === 'warning') {
        other.push(formatEventLine(event)!)
        return
      }
      if (event.type === 'change-set') return
      const t = tasks.get(event.stack)
      if (!t) return
      start()
      if (!t.task) {
        pending.push(event)
        setTimeout(() => flush(), 10)
        return
      }
      apply(t, event)
    },
    async stop() {
      for (const t of tasks.values()) t.resolve()
      if (listr) await listr
      for (const line of other) stderr.write(`${line}\n`)
    },
  }

  function flush() {
    const events = pending.splice(0)
    for (const event of events) {
      if (event.type !== 'stack' && event.type !== 'resource') continue
      const t = tasks.get(event.stack)
      if (t?.task) apply(t, event)
      else pending.push(event)
    }
    if (pending.length > 0) setTimeout(() => flush(), 10)
  }

  function apply(t: StackTask, event: DeployEvent) {
    if (event.type === 'resource') {
      t.lines.push(`${seconds(event.elapsedMs)} ${event.description ?? event.logicalId} ${event.status}${event.reason ? ` - ${event.reason}` : ''}`)
      t.task!.output = t.lines.slice(-6).join('\n')
    } else if (event.type === 'stack') {
      t.task!.title = `${t.title}: ${event.phase}${event.message ? ` (${event.message})` : ''} ${seconds(event.elapsedMs)}`
      if (event.phase === 'failed' || event.phase === 'cancelled') t.reject(new Error(`${event.stack} ${event.phase}${event.message ? `: ${event.message}` : ''}`))
      else if (['complete', 'skipped', 'no-change', 'not-started'].includes(event.phase)) t.resolve()
    }
  }
}

const ACTION_MARK: Record<string, string> = {Add: '+', Modify: '~', Remove: '-', Import: '<', Dynamic: '?'}

function formatChange(change: ResourceChange): string {
  const replacement = change.replacement === 'True' ? '  [REPLACEMENT]' : change.replacement === 'Conditional' ? '  [MAY REPLACE]' : ''
  const because = change.replacedBy?.length ? ` (${change.replacedBy.join(', ')})` : ''
  const fate = oldResourceFate(change)
  const old = fate ? `  [${fate.label}]` : ''
  return `    ${ACTION_MARK[change.action] ?? '?'} ${change.action.padEnd(6)} ${change.logicalId} ${change.type}${replacement}${replacement ? because : ''}${old}${change.description ? `  ${change.description}` : ''}`
}

/** The change review: per stack its action, each resource change (replacements marked), parameter changes, then counts. */
export function formatPlans(plans: StackPlan[]): string {
  const lines: string[] = []
  for (const plan of plans) {
    if (plan.action === 'read-only') continue
    const header = `${plan.stack} (${plan.region}): ${plan.action === 'skip' ? 'no changes' : plan.action}${plan.reason ? ` - ${plan.reason}` : ''}`
    lines.push(header)
    for (const change of plan.changes) lines.push(formatChange(change))
    for (const p of plan.parameterChanges) lines.push(`    parameter ${p.name}: ${p.old ?? '(none)'} -> ${p.new ?? '(none)'}`)
  }
  const s = summarizePlans(plans)
  lines.push('', `${s.stacksChanging} stack(s) to change: ${s.add} to add, ${s.modify} to modify, ${s.remove} to remove${s.replace > 0 ? `, ${s.replace} REPLACED` : ''}.`)
  return lines.join('\n')
}
