import type {ScheduledScaling, ServiceConfig} from '../config/types.js'

const HOURS_PER_WEEK = 168

/** How many tasks a service runs over a typical week. */
export interface TaskProfile {
  /** Tasks outside scheduled scale-down: desiredCount, within the autoscaling range. */
  baseTasks: number
  /** Average running tasks over the week. */
  averageTasks: number
  /** Fraction of the week run below baseTasks. */
  reducedFraction: number
  /** Fewest tasks at any time of the week. */
  minTasks: number
  /** `schedules`: simulated from the cron schedules; `usage`: cost.usage.offHoursFraction; `always-on`. */
  basis: 'always-on' | 'schedules' | 'usage'
  detail: string
}

/** Parses one AWS cron field over a numeric range; null when it uses a form we do not model. */
function parseField(field: string, min: number, max: number, names: string[] = [], nameBase = min): number[] | null {
  if (field === '*' || field === '?') return range(min, max)
  const out = new Set<number>()
  for (const part of field.split(',')) {
    const [span, stepText] = part.split('/')
    const step = stepText === undefined ? 1 : Number(stepText)
    if (!Number.isInteger(step) || step < 1) return null
    const parsed = span === '*' ? [min, max] : span.split('-').map((v) => toNumber(v, names, nameBase))
    if (parsed.some((b) => b === null) || parsed.length > 2) return null
    const bounds = parsed as number[]
    const from = bounds[0]
    // `5` alone is one value; `5/10` runs from 5 to the end of the range.
    const to = bounds.length === 2 ? bounds[1] : stepText === undefined ? from : max
    if (from < min || to > max || from > to) return null
    for (let v = from; v <= to; v += step) out.add(v)
  }
  return [...out].sort((a, b) => a - b)
}

function toNumber(text: string, names: string[], nameBase: number): number | null {
  const named = names.indexOf(text.toUpperCase())
  if (named >= 0) return named + nameBase
  return /^\d+$/.test(text) ? Number(text) : null
}

function range(from: number, to: number): number[] {
  return Array.from({length: to - from + 1}, (_, i) => from + i)
}

/**
 * Hours from Monday 00:00 at which a weekly AWS cron expression fires, or null when the expression
 * is not weekly (a day of month, a month or a year) or not a cron at all (`at(...)`, `rate(...)`).
 * AWS numbers days of week 1-7 from Sunday.
 */
export function weeklyFireTimes(schedule: string): number[] | null {
  const m = /^cron\((.+)\)$/.exec(schedule.trim())
  if (!m) return null
  const fields = m[1].trim().split(/\s+/)
  if (fields.length !== 6) return null
  const [minuteF, hourF, domF, monthF, dowF, yearF] = fields
  if (!['*', '?'].includes(domF) || monthF !== '*' || yearF !== '*') return null
  const minutes = parseField(minuteF, 0, 59)
  const hours = parseField(hourF, 0, 23)
  // AWS: 1 = SUN ... 7 = SAT; names map onto the same numbers.
  const days = parseField(dowF, 1, 7, ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], 1)
  if (!minutes || !hours || !days) return null
  const times: number[] = []
  for (const awsDay of days) {
    const mondayBased = (awsDay + 5) % 7 // SUN(1) -> 6, MON(2) -> 0
    for (const h of hours) for (const min of minutes) times.push(mondayBased * 24 + h + min / 60)
  }
  return times.sort((a, b) => a - b)
}

/**
 * Simulates a week: after each scheduled action fires, the service runs that schedule's `min`
 * (autoscaling scales in to the minimum when load is low, which is what off-hours means) capped by
 * its `max`. Returns null when a schedule cannot be read as weekly.
 */
function simulateWeek(schedules: ScheduledScaling[]): {average: number; hoursAt: Map<number, number>} | null {
  const events: {at: number; tasks: number}[] = []
  for (const s of schedules) {
    const times = weeklyFireTimes(s.schedule)
    if (!times || times.length === 0) return null
    for (const at of times) events.push({at, tasks: Math.min(s.min, s.max)})
  }
  events.sort((a, b) => a.at - b.at)
  const hoursAt = new Map<number, number>()
  let taskHours = 0
  for (let i = 0; i < events.length; i++) {
    const next = i + 1 < events.length ? events[i + 1].at : events[0].at + HOURS_PER_WEEK
    const span = next - events[i].at
    taskHours += span * events[i].tasks
    hoursAt.set(events[i].tasks, (hoursAt.get(events[i].tasks) ?? 0) + span)
  }
  return {average: taskHours / HOURS_PER_WEEK, hoursAt}
}

/**
 * Average running tasks of a service. Without schedules: desiredCount all month. With schedules:
 * the week simulated from their cron expressions, unless cost.usage.offHoursFraction overrides it.
 * Scale-out under load is not priced: these counts are floors.
 */
export function taskProfile(service: ServiceConfig, offHoursFraction?: number): TaskProfile {
  const as = service.autoscaling
  const baseTasks = as ? Math.min(Math.max(service.desiredCount, as.min), as.max) : service.desiredCount
  const schedules = as?.schedules ?? []
  const always: TaskProfile = {baseTasks, averageTasks: baseTasks, reducedFraction: 0, minTasks: baseTasks, basis: 'always-on', detail: `${baseTasks} tasks all month`}
  if (schedules.length === 0) return always
  const minTasks = Math.min(baseTasks, ...schedules.map((s) => Math.min(s.min, s.max)))
  if (offHoursFraction !== undefined) {
    const averageTasks = baseTasks * (1 - offHoursFraction) + minTasks * offHoursFraction
    return {baseTasks, averageTasks, reducedFraction: offHoursFraction, minTasks, basis: 'usage', detail: `${baseTasks} tasks, ${minTasks} for ${pct(offHoursFraction)} of the month (cost.usage.offHoursFraction)`}
  }
  const week = simulateWeek(schedules)
  if (!week) {
    const f = 98 / 168
    const averageTasks = baseTasks * (1 - f) + minTasks * f
    return {baseTasks, averageTasks, reducedFraction: f, minTasks, basis: 'usage', detail: `${baseTasks} tasks, ${minTasks} for ${pct(f)} of the month (a schedule is not a weekly cron; default off-hours used)`}
  }
  let reducedHours = 0
  for (const [tasks, hours] of week.hoursAt) if (tasks < baseTasks) reducedHours += hours
  const reducedFraction = reducedHours / HOURS_PER_WEEK
  return {
    baseTasks,
    averageTasks: week.average,
    reducedFraction,
    minTasks,
    basis: 'schedules',
    detail: `average ${round(week.average, 3)} tasks: ${minTasks} for ${pct(reducedFraction)} of the week (from ${schedules.map((s) => s.name).join(', ')})`,
  }
}

function pct(f: number): string {
  return `${round(f * 100, 1)}%`
}

function round(n: number, digits: number): number {
  const p = 10 ** digits
  return Math.round(n * p) / p
}
