import type {ListrTaskWrapper} from 'listr2'
import {summarizePlans} from '../deploy/plan-summary.js'
import {oldResourceFate, type ResourceChange} from '../deploy/replacement.js'
import type {DiffCommandResult, DeployCommandResult, DeployView} from '../deploy/run-environment.js'
import type {DeployEvent, RolloutProgress, StackPhase, StackPlan} from '../deploy/types.js'
import type {WhatToOpen} from '../deploy/what-to-open.js'
import {colorIsOn, paint} from './color.js'

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

interface Streams {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
}

export interface DeployViewOptions {
  json: boolean
  streams?: Streams
  /** @default the start-up colour decision (colorIsOn) */
  color?: boolean
  /** @default chooseProgressMode's terminal check */
  isTty?: boolean
  /**
   * The outcome ends with what to open (site, load balancer, deferred, next steps). A release turns
   * it off for the deploys inside it and prints it once, last. @default true
   */
  whatToOpen?: boolean
  now?: () => number
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`

/**
 * The deploy's view for the command's output mode: JSON lines, plain lines (CI logs), or listr2 on a
 * terminal. Nothing in the engine prints; everything goes through here. Times shown exclude the
 * time spent at the review prompt.
 */
export function createDeployView(options: DeployViewOptions): DeployView {
  const streams = options.streams ?? {stdout: process.stdout, stderr: process.stderr}
  const color = options.color ?? colorIsOn()
  const now = options.now ?? Date.now
  const mode = chooseProgressMode({json: options.json, isTty: options.isTty})
  let promptMs = 0
  const progress = mode === 'json' ? jsonProgress(streams.stdout) : mode === 'plain' ? lineProgress(streams.stderr, () => promptMs) : listrProgress(streams.stderr, now)
  return {
    emit: (event) => progress.emit(event),
    async confirm(plans, ask) {
      streams.stderr.write(`${formatPlans(plans, {color})}\n`)
      const asked = now()
      try {
        return await ask()
      } finally {
        promptMs += now() - asked
      }
    },
    stop: () => progress.stop(),
    outcome(result) {
      const open = options.whatToOpen === false ? '' : formatWhatToOpen(result.open)
      streams.stderr.write(`${formatOutcome(result)}\n${open ? `${open}\n` : ''}`)
    },
    timeAtPrompt: () => promptMs,
  }
}

/** `Deployed prod: 2 updated, 11 unchanged in 41.2s`: counts, deploy time without the prompt, retries, stacks left alone. */
export function formatOutcome(result: DeployCommandResult): string {
  const count = (o: string) => result.stacks.filter((s) => s.outcome === o).length
  const parts = [
    ['created', count('created')],
    ['updated', count('updated')],
    ['unchanged', count('skipped') + count('no-change')],
    ['deferred', count('deferred')],
  ]
    .filter(([, n]) => (n as number) > 0)
    .map(([label, n]) => `${n} ${label}`)
  const retried = result.retries > 0 ? `; ${result.retries} AWS call(s) retried` : ''
  const orphaned = result.orphaned.length > 0 ? `; left alone, no longer in platform.yaml: ${result.orphaned.map((o) => o.stack).join(', ')}` : ''
  const prompt = result.promptMs >= 1000 ? ` (plus ${seconds(result.promptMs)} at the review)` : ''
  return `Deployed ${result.environment}: ${parts.join(', ') || 'nothing to do'} in ${seconds(result.elapsedMs - result.promptMs)}${prompt}${retried}${orphaned}.`
}

/** The lines after the outcome: what to open, what was deferred, what is left to run. Empty when there is nothing to say. */
export function formatWhatToOpen(open: WhatToOpen): string {
  const lines: string[] = []
  if (open.site.length > 0) lines.push(`  Site:           ${open.site.join('  ')}${open.cloudFront && !open.site.includes(`https://${open.cloudFront}`) ? `  (CloudFront: ${open.cloudFront})` : ''}`)
  if (open.loadBalancer) lines.push(`  Load balancer:  ${open.loadBalancer} (internal: reached only through CloudFront, from inside the VPC)`)
  if (open.deferred.length > 0) lines.push(`  Deferred:       ${open.deferred.join(', ')} (no image yet)`)
  if (open.nextSteps.length > 0) lines.push('Next:', ...open.nextSteps.flatMap((step) => [`  ${step.command}`, `    ${step.does}`]))
  return lines.join('\n')
}

/** `platform diff`'s text: the review, then the deployed stacks platform.yaml no longer renders. */
export function formatDiff(result: DiffCommandResult, options: {color?: boolean} = {}): string {
  const text = formatPlans(result.stacks, options)
  if (result.orphaned.length === 0) return text
  return `${text}\n\nDeployed but no longer in platform.yaml (a deploy leaves them alone):\n${result.orphaned.map((o) => `  ${o.stack} (${o.region}, ${o.status})`).join('\n')}`
}

interface Progress {
  emit(event: DeployEvent): void
  stop(): Promise<void>
}

function jsonProgress(stdout: NodeJS.WritableStream): Progress {
  return {emit: (event) => stdout.write(`${JSON.stringify(event)}\n`), stop: async () => undefined}
}

/** One line per event, on stderr, prefixed with the time since the deploy started (minus `shiftMs`, the time at the prompt). */
export function formatEventLine(event: DeployEvent, shiftMs = 0): string | undefined {
  const at = (elapsedMs: number) => `[${seconds(Math.max(0, elapsedMs - shiftMs)).padStart(6)}]`
  switch (event.type) {
    case 'plan':
      return undefined
    case 'stack':
      return `${at(event.elapsedMs)} ${event.stack} (${event.region}) ${event.phase}${event.message ? `: ${event.message}` : ''}`
    case 'resource':
      return `${at(event.elapsedMs)}   ${event.stack} ${event.logicalId} ${event.status}${event.description ? ` (${event.description})` : ` (${event.resourceType})`}${event.reason ? ` - ${event.reason}` : ''}`
    case 'retry':
      return `retried ${event.operation} in ${event.region} (attempt ${event.attempt}) after ${event.previousError}`
    case 'change-set':
      return undefined
    case 'warning':
      return `warning: ${event.message}`
    case 'rollout':
      return `${at(event.elapsedMs)} ${event.stack ? '  ' : ''}rollout ${event.service}: ${describeRollout(event)}`
  }
}

/** `IN_PROGRESS SCALE_UP, 1/2 running, 1 failed task(s) - reason; stopped task: ...` */
export function describeRollout(event: RolloutProgress): string {
  const stage = event.lifecycleStage ? ` ${event.lifecycleStage}` : ''
  const failures = event.failureCount ? `, ${event.failureCount} failed task(s)` : ''
  const stopped = (event.stoppedTasks ?? []).map((reason) => `; stopped task: ${reason}`).join('')
  return `${event.status}${stage}, ${event.running}/${event.desired} running${failures}${event.message ? ` - ${event.message}` : ''}${stopped}`
}

function lineProgress(stderr: NodeJS.WritableStream, promptMs: () => number): Progress {
  return {
    emit(event) {
      const line = formatEventLine(event, promptMs())
      if (line) stderr.write(`${line}\n`)
    },
    stop: async () => undefined,
  }
}

/** Stack phases during which the stack is being worked on (its timer runs). */
const RUNNING: ReadonlySet<StackPhase> = new Set(['waiting', 'attaching', 'recovering', 'deleting', 'executing'])
/** Phases that end a stack without it having done anything: shown as skipped with this note. */
const SKIPPED_AS: Partial<Record<StackPhase, string>> = {skipped: 'no changes', 'no-change': 'no changes', 'not-started': 'not started', deferred: 'deferred'}

type Task = ListrTaskWrapper<unknown, any, any>

interface StackLine {
  title: string
  state: 'pending' | 'running' | 'done'
  /** The view's clock when it started running: the timer excludes the review prompt. */
  startedAt?: number
  phase?: string
  lines: string[]
  task?: Task
  /** Events that came before listr2 handed over the task. */
  queued: DeployEvent[]
  /** How the task ends: undefined = completed, a string = skipped with that note, an Error = failed. */
  end?: string | Error
  finish: () => void
  finished: Promise<void>
}

/**
 * listr2 on a terminal: one task per stack that runs (the list is drawn once, when the first of
 * them starts, i.e. after the review prompt). A stack is ticked only on its `complete` event;
 * skipped, not-started and deferred ones are marked skipped, failed and cancelled ones failed, and
 * a stack still running when the deploy stops is failed as unfinished, never ticked.
 */
function listrProgress(stderr: NodeJS.WritableStream, now: () => number): Progress {
  const stacks = new Map<string, StackLine>()
  const warnings: string[] = []
  let listr: Promise<unknown> | undefined
  let ticker: ReturnType<typeof setInterval> | undefined

  const start = () => {
    if (listr) return
    // Loaded only on a terminal: CI and --json runs never pay for it.
    listr = import('listr2')
      .then(({Listr}) =>
        new Listr(
          [...stacks.values()].map((line) => ({
            title: line.title,
            task: async (_ctx: unknown, task: Task) => {
              line.task = task
              for (const event of line.queued.splice(0)) apply(line, event)
              render(line)
              await line.finished
              if (line.end instanceof Error) throw line.end
              if (typeof line.end === 'string') task.skip(`${line.title}: ${line.end}`)
            },
            rendererOptions: {persistentOutput: true, outputBar: 6},
          })),
          {concurrent: true, exitOnError: false, renderer: 'default', rendererOptions: {collapseSubtasks: false, collapseSkips: false}, registerSignalListeners: false},
        ).run(),
      )
      .catch(() => undefined)
    // Running stacks' timers move between events.
    ticker = setInterval(() => {
      for (const line of stacks.values()) if (line.state === 'running') render(line)
    }, 1000)
  }

  const render = (line: StackLine) => {
    if (!line.task) return
    const elapsed = line.startedAt === undefined ? '' : ` ${seconds(now() - line.startedAt)}`
    line.task.title = line.state === 'done' ? `${line.title}${elapsed}` : `${line.title}${line.phase ? `: ${line.phase}` : ''}${elapsed}`
    if (line.lines.length > 0) line.task.output = line.lines.slice(-6).join('\n')
  }

  const settle = (line: StackLine, end: string | Error | undefined) => {
    if (line.state === 'done') return
    line.state = 'done'
    line.end = end
    render(line)
    line.finish()
  }

  function apply(line: StackLine, event: DeployEvent) {
    if (event.type === 'resource') {
      const at = line.startedAt === undefined ? '' : `${seconds(now() - line.startedAt)} `
      line.lines.push(`${at}${event.description ?? event.logicalId} ${event.status}${event.reason ? ` - ${event.reason}` : ''}`)
    } else if (event.type === 'rollout') {
      const at = line.startedAt === undefined ? '' : `${seconds(now() - line.startedAt)} `
      line.lines.push(`${at}ECS rollout of ${event.service}: ${describeRollout(event)}`)
    } else if (event.type === 'stack') {
      line.phase = event.message ? `${event.phase} (${event.message})` : event.phase
      if (RUNNING.has(event.phase) && line.state === 'pending') {
        line.state = 'running'
        line.startedAt = now()
      }
      if (event.phase === 'complete') settle(line, undefined)
      else if (event.phase === 'failed' || event.phase === 'cancelled') settle(line, new Error(`${line.title}: ${event.phase}${event.message ? `: ${event.message}` : ''}`))
      else if (SKIPPED_AS[event.phase]) settle(line, SKIPPED_AS[event.phase])
    }
    render(line)
  }

  return {
    emit(event) {
      if (event.type === 'plan') {
        // The list is fixed once drawn: a later plan (none today) cannot redraw it.
        if (listr) return
        stacks.clear()
        for (const plan of event.stacks) {
          if (plan.action === 'skip' || plan.action === 'read-only' || plan.action === 'deferred') continue
          let finish!: () => void
          const finished = new Promise<void>((resolve) => (finish = resolve))
          stacks.set(plan.stack, {title: `${plan.stack} (${plan.region}) ${plan.action}`, state: 'pending', lines: [], queued: [], finish, finished})
        }
        return
      }
      if (event.type === 'retry' || event.type === 'warning') {
        warnings.push(formatEventLine(event)!)
        return
      }
      if (event.type === 'change-set') return
      // A rollout is shown under its stack while the stack executes; the release prints the rest.
      const line = event.stack === undefined ? undefined : stacks.get(event.stack)
      if (!line) return
      // Planning comes before the review prompt: the list is drawn once, when the first stack runs.
      if (event.type === 'stack' && event.phase !== 'planning') start()
      if (line.task) apply(line, event)
      else line.queued.push(event)
    },
    async stop() {
      if (ticker) clearInterval(ticker)
      for (const line of stacks.values()) {
        // Applied first, so a stack whose last events were still queued ends as they say.
        for (const event of line.queued.splice(0)) apply(line, event)
        if (line.state === 'running') settle(line, new Error(`${line.title}: stopped before it finished`))
        else if (line.state === 'pending') settle(line, 'not started')
      }
      if (listr) await listr
      for (const warning of warnings.splice(0)) stderr.write(`${warning}\n`)
    },
  }
}

const ACTION_MARK: Record<string, string> = {Add: '+', Modify: '~', Remove: '-', Import: '<', Dynamic: '?'}
const ACTION_COLOR: Record<string, 'green' | 'yellow' | 'red'> = {Add: 'green', Modify: 'yellow', Remove: 'red'}

function formatChange(change: ResourceChange, color: boolean): string {
  const replacement = change.replacement === 'True' ? '  [REPLACEMENT]' : change.replacement === 'Conditional' ? '  [MAY REPLACE]' : ''
  const because = change.replacedBy?.length ? ` (${change.replacedBy.join(', ')})` : ''
  const hue = ACTION_COLOR[change.action]
  const mark = `${ACTION_MARK[change.action] ?? '?'} ${change.action.padEnd(6)}`
  const fate = oldResourceFate(change)
  const old = fate ? `  [${fate.label}]` : ''
  return `    ${color && hue ? paint(mark, hue) : mark} ${change.logicalId} ${change.type}${color && replacement ? paint(replacement, 'red') : replacement}${replacement ? because : ''}${old}${change.description ? `  ${change.description}` : ''}`
}

/** The change review: per stack its action, each resource change (replacements marked), parameter changes, then counts. */
export function formatPlans(plans: StackPlan[], options: {color?: boolean} = {}): string {
  const color = options.color ?? false
  const lines: string[] = []
  for (const plan of plans) {
    if (plan.action === 'read-only') continue
    const header = `${plan.stack} (${plan.region}): ${plan.action === 'skip' ? 'no changes' : plan.action}${plan.reason ? ` - ${plan.reason}` : ''}`
    lines.push(header)
    for (const change of plan.changes) lines.push(formatChange(change, color))
    for (const p of plan.parameterChanges) lines.push(`    parameter ${p.name}: ${p.old ?? '(none)'} -> ${p.new ?? '(none)'}`)
  }
  const s = summarizePlans(plans)
  lines.push('', `${s.stacksChanging} stack(s) to change: ${s.add} to add, ${s.modify} to modify, ${s.remove} to remove${s.replace > 0 ? `, ${s.replace} REPLACED` : ''}.`)
  return lines.join('\n')
}
