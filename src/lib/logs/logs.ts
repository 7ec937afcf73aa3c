import {isAwsError} from '../aws/aws-error.js'
import type {AwsClients} from '../aws/clients.js'
import {toAwsAuthError} from '../aws/clients.js'
import type {ResolvedEnvironment} from '../config/types.js'
import {ExitCode, PlatformError} from '../errors.js'
import {logGroupName} from '../../templates/service.js'

export interface LogEvent {
  /** Milliseconds since the epoch, when the task wrote it. */
  timestamp: number
  stream: string
  message: string
  eventId: string
}

/** FilterLogEvents, every page: events of all the group's streams (all of a service's tasks). */
export interface LogsApi {
  filter(group: string, options: {startTime: number; endTime?: number; pattern?: string}): Promise<LogEvent[]>
}

export function createLogsApi(clients: AwsClients, region: string): LogsApi {
  return {
    async filter(group, options) {
      const {FilterLogEventsCommand} = await import('@aws-sdk/client-cloudwatch-logs')
      const logs = await clients.logs(region)
      const events: LogEvent[] = []
      let token: string | undefined
      try {
        do {
          const out = await logs.send(new FilterLogEventsCommand({logGroupName: group, startTime: options.startTime, endTime: options.endTime, filterPattern: options.pattern, nextToken: token}))
          for (const e of out.events ?? []) events.push({timestamp: e.timestamp ?? 0, stream: e.logStreamName ?? '', message: e.message ?? '', eventId: e.eventId ?? `${e.logStreamName}/${e.timestamp}/${e.message}`})
          token = out.nextToken
        } while (token)
      } catch (error) {
        if (isAwsError(error, 'ResourceNotFoundException')) {
          throw new PlatformError(`Log group ${group} does not exist: is the service deployed?`, {code: 'NO_LOG_GROUP', exit: ExitCode.usage})
        }
        throw toAwsAuthError(error)
      }
      return events
    },
  }
}

const UNITS: Record<string, number> = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000}

/** `--since`: a duration back from now (`90s`, `15m`, `1h`, `2d`, `1w`) or an ISO 8601 time; returns epoch ms. */
export function parseSince(text: string, now: number): number {
  const relative = /^(\d+)\s*([smhdw])$/.exec(text.trim())
  if (relative) return now - Number(relative[1]) * UNITS[relative[2]]
  const absolute = Date.parse(text)
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(absolute)) return absolute
  throw new PlatformError(`--since ${JSON.stringify(text)} is neither a duration (15m, 1h, 2d) nor an ISO 8601 time.`, {code: 'INVALID_SINCE', exit: ExitCode.usage})
}

/**
 * `--filter TEXT` as a CloudWatch Logs filter pattern that matches TEXT literally: a quoted term
 * (otherwise words would be ANDed, and `-`, `?` or `{` would change the meaning).
 */
export function literalPattern(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/** The log group of a service (the one its stack creates), or a usage error naming the services. */
export function serviceLogGroup(env: ResolvedEnvironment, service: string): string {
  if (!Object.hasOwn(env.services, service)) {
    throw new PlatformError(`Environment ${env.name} has no service ${service}.`, {code: 'UNKNOWN_SERVICE', exit: ExitCode.usage, suggestions: [`Services: ${Object.keys(env.services).sort().join(', ')}.`]})
  }
  return logGroupName(env, service)
}

/** Time order across tasks; ties keep a stable order. */
function byTime(a: LogEvent, b: LogEvent): number {
  return a.timestamp - b.timestamp || a.stream.localeCompare(b.stream) || a.eventId.localeCompare(b.eventId)
}

export interface ReadLogsOptions {
  startTime: number
  pattern?: string
  /** Keep polling for new events until `signal` aborts. */
  follow: boolean
  /** @default 2000 */
  pollMs?: number
  signal?: AbortSignal
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

const abortableSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((done) => {
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', () => (clearTimeout(timer), done()), {once: true})
  })

/**
 * Yield the group's events in time order, interleaving tasks; with `follow`, keep asking for
 * newer ones like `tail -f`. Each poll starts at the newest timestamp seen (CloudWatch may still
 * add events with that timestamp), and events already shown are skipped by id.
 */
export async function* readLogs(api: LogsApi, group: string, options: ReadLogsOptions): AsyncGenerator<LogEvent> {
  const sleep = options.sleep ?? abortableSleep
  let since = options.startTime
  let seenAtSince = new Set<string>()
  for (;;) {
    const events = (await api.filter(group, {startTime: since, pattern: options.pattern})).sort(byTime)
    for (const event of events) {
      if (event.timestamp < since || (event.timestamp === since && seenAtSince.has(event.eventId))) continue
      if (event.timestamp > since) {
        since = event.timestamp
        seenAtSince = new Set()
      }
      seenAtSince.add(event.eventId)
      yield event
    }
    if (!options.follow || options.signal?.aborted) return
    await sleep(options.pollMs ?? 2000, options.signal)
    if (options.signal?.aborted) return
  }
}

/** `2026-12-01T15:04:05.123Z a1b2c3d4 message`: the task is the last part of the stream name (`prefix/container/task-id`). */
export function formatLogEvent(event: LogEvent): string {
  const task = event.stream.split('/').pop() ?? event.stream
  return `${new Date(event.timestamp).toISOString()} ${task.slice(0, 8)} ${event.message.replace(/\n$/, '')}`
}
