import type {ResolvedEnvironment, ServiceConfig} from '../config/types.js'
import {cents, storedLogGb} from './components.js'
import type {Inventory} from './inventory.js'
import {HOURS_PER_MONTH, priceOf} from './price-book.js'
import {taskProfile} from './schedule.js'
import type {CostLine, PriceBook, Saving} from './types.js'
import type {UsageReader} from './usage.js'

const H = HOURS_PER_MONTH

function saving(s: Omit<Saving, 'monthlyDifference' | 'with' | 'without'> & {with: number; without: number}): Saving {
  const w = cents(s.with)
  const wo = cents(s.without)
  return {...s, with: w, without: wo, monthlyDifference: cents(w - wo)}
}

function listing(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

function usd(n: number): string {
  const sign = n < 0 ? '-' : ''
  return `${sign}$${Math.abs(n).toFixed(2)}`
}

/** USD per running task-hour of a service on an architecture. */
function taskHourPrice(book: PriceBook, svc: ServiceConfig, arch: string): number {
  return (svc.cpu / 1024) * priceOf(book, `fargate.vcpu.${arch}`).price + (svc.memory / 1024) * priceOf(book, `fargate.memory.${arch}`).price
}

function sumLines(lines: CostLine[], service: string): number {
  return lines.filter((l) => l.service === service).reduce((n, l) => n + l.monthly, 0)
}

/**
 * Each cost-saving measure, computed for this environment with the same
 * prices and usage as the estimate. `monthlyDifference` is what applying the measure changes
 * (negative saves); for a measure the config already has, it is what it changes today.
 */
export function evaluateSavings(env: ResolvedEnvironment, book: PriceBook, lines: CostLine[], usage: UsageReader, inventory: Inventory): Saving[] {
  const out: Saving[] = []
  const services = Object.entries(env.services).sort(([a], [b]) => a.localeCompare(b))
  const fargateNow = sumLines(lines, 'ECS Fargate')

  // 1. VPC interface endpoints against NAT data processing.
  {
    const endpoints = inventory.interfaceEndpoints()
    const configured = endpoints.length
    const count = configured > 0 ? configured : 3
    const azs = configured > 0 ? endpoints[0].azs : env.network.availabilityZones
    const azHours = configured > 0 ? endpoints.reduce((n, e) => n + e.azs, 0) * H : count * azs * H
    const fixed = azHours * priceOf(book, 'vpce.hour').price
    const traffic = usage.get('vpcEndpointTrafficGb')
    const viaEndpoint = traffic * priceOf(book, 'vpce.data').price
    const natGb = priceOf(book, 'nat.data').price
    const viaNat = traffic * natGb
    const perGbSaved = natGb - priceOf(book, 'vpce.data').price
    const breakEven = perGbSaved > 0 ? fixed / perGbSaved : Infinity
    const internet = [env.monitoring.datadog.enabled && 'Datadog', env.monitoring.sentry.enabled && 'Sentry', lines.some((l) => l.service === 'MongoDB Atlas') && 'MongoDB Atlas'].filter(Boolean)
    out.push(saving({
      id: 'vpc-endpoints',
      measure: configured > 0 ? `VPC interface endpoints (${count} x ${azs} AZ) instead of NAT for AWS traffic` : `Add interface endpoints for ECR and Logs (3 x ${azs} AZ)`,
      applied: configured > 0,
      with: fixed + viaEndpoint,
      without: viaNat,
      detail: `Endpoints cost ${usd(fixed)}/month fixed plus ${usd(viaEndpoint)} for ${traffic} GB; the same traffic through NAT costs ${usd(viaNat)}. ` +
        `Break-even at ${Math.round(breakEven)} GB/month of ECR/Logs/SSM traffic. ` +
        (internet.length > 0 ? `The NAT gateway itself stays: ${listing(internet as string[])} ${internet.length > 1 ? 'are' : 'is'} reached over the internet.` : 'With no internet-bound traffic, natGateways: 0 would also drop the NAT hours.'),
    }))
  }

  // 2. Off-hours scheduled scale-down.
  {
    const scheduled = services.some(([, s]) => (s.autoscaling?.schedules.length ?? 0) > 0)
    const alwaysOn = services.reduce((n, [, s]) => n + taskProfile({...s, autoscaling: s.autoscaling && {...s.autoscaling, schedules: []}}).averageTasks * H * taskHourPrice(book, s, s.architecture), 0)
    if (scheduled) {
      out.push(saving({
        id: 'off-hours',
        measure: 'Off-hours scale-down (configured schedules)',
        applied: true,
        with: fargateNow,
        without: alwaysOn,
        detail: `The schedules already in platform.yaml run fewer tasks for part of the week; without them Fargate costs ${usd(alwaysOn)}.`,
      }))
    } else {
      const f = usage.get('offHoursFraction')
      const reduced = services.reduce((n, [, s]) => {
        const base = taskProfile(s).baseTasks
        const off = Math.min(base, 1)
        return n + (base * (1 - f) + off * f) * H * taskHourPrice(book, s, s.architecture)
      }, 0)
      out.push(saving({
        id: 'off-hours',
        measure: 'Off-hours scale-down to 1 task per service',
        applied: false,
        with: reduced,
        without: alwaysOn,
        detail: `Scheduled actions (autoscaling.schedules) that set min 1 for ${Math.round(f * 168)} of 168 hours a week. Aurora, ALB and NAT cost the same at night.`,
      }))
    }
  }

  // 3. Log retention 30 -> 7 days: storage only.
  {
    const ingest = usage.get('logIngestionGb')
    const storagePrice = priceOf(book, 'logs.storage').price
    const current = env.monitoring.logRetentionDays
    const applied = current <= 7
    const [withDays, withoutDays] = applied ? [current, 30] : [7, current]
    const ingestion = ingest * priceOf(book, 'logs.ingestion').price
    out.push(saving({
      id: 'log-retention',
      measure: applied ? `Log retention ${current} days (against 30)` : `Log retention ${current} -> 7 days`,
      applied,
      with: storedLogGb(ingest, withDays) * storagePrice,
      without: storedLogGb(ingest, withoutDays) * storagePrice,
      detail: `Retention changes only storage (${storedLogGb(ingest, withoutDays).toFixed(1)} GB -> ${storedLogGb(ingest, withDays).toFixed(1)} GB kept). Ingestion, ${usd(ingestion)} for ${ingest} GB, is the same either way; to cut it, log less.`,
    }))
  }

  // 4. Aurora at a 0.5 ACU floor.
  const db = env.database
  if (db) {
    const acu = priceOf(book, 'aurora.acu').price
    const applied = db.minCapacity <= 0.5
    const floor = (min: number) => min * db.instances * H * acu
    out.push(saving({
      id: 'aurora-floor',
      measure: applied ? `Aurora minimum ${db.minCapacity} ACU (against 1 ACU)` : `Aurora minimum ${db.minCapacity} -> 0.5 ACU`,
      applied,
      with: applied ? floor(db.minCapacity) : floor(0.5),
      without: applied ? floor(1) : floor(db.minCapacity),
      detail: `The floor is what ${db.instances} idle instances cost; real use is higher under load. Minimum 0 (auto-pause) saves the whole floor of ${usd(floor(db.minCapacity))} when idle, at the price of a ~15 s resume: fine for staging, not for prod.`,
    }))
  }

  // 5. Graviton (ARM) Fargate.
  {
    const x86 = services.filter(([, s]) => s.architecture === 'x86_64')
    const applied = x86.length === 0
    const target = applied ? services : x86
    const offHours = usage.isSet('offHoursFraction') ? usage.get('offHoursFraction') : undefined
    const hours = (s: ServiceConfig) => taskProfile(s, offHours).averageTasks * H
    const onArm = target.reduce((n, [, s]) => n + hours(s) * taskHourPrice(book, s, 'arm64'), 0)
    const onX86 = target.reduce((n, [, s]) => n + hours(s) * taskHourPrice(book, s, 'x86_64'), 0)
    out.push(saving({
      id: 'graviton',
      measure: applied ? 'ARM (Graviton) Fargate (configured)' : `ARM (Graviton) Fargate for ${target.map(([n]) => n).join(', ')}`,
      applied,
      with: onArm,
      without: onX86,
      detail: `architecture: arm64 on each service; about 20% cheaper per vCPU and GB. Needs arm64 images (buildah --platform linux/arm64) and native modules built for ARM.`,
    }))
  }

  // 6. Compute Savings Plan on Fargate.
  {
    const sp = priceOf(book, 'savingsPlan.fargate1yrNoUpfront')
    out.push(saving({
      id: 'savings-plan',
      measure: 'Compute Savings Plan, 1 year, no upfront (Fargate)',
      applied: false,
      with: fargateNow * (1 - sp.price),
      without: fargateNow,
      detail: `Commits to a $/hour of compute for a year in exchange for about ${Math.round(sp.price * 100)}% off Fargate (${sp.note ?? ''}). Commit to no more than the always-on floor.`,
    }))
  }

  // 7. Aurora I/O-Optimized.
  if (db) {
    const acuHours = lines.find((l) => l.id === 'aurora.capacity')?.quantity ?? 0
    const storage = lines.find((l) => l.id === 'aurora.storage')?.quantity ?? 0
    const ioLine = lines.find((l) => l.id === 'aurora.io')
    const standard = acuHours * priceOf(book, 'aurora.acu').price + storage * priceOf(book, 'aurora.storage').price + (ioLine?.monthly ?? 0)
    const optimized = acuHours * priceOf(book, 'aurora.acu.ioOptimized').price + storage * priceOf(book, 'aurora.storage.ioOptimized').price
    out.push(saving({
      id: 'aurora-io-optimized',
      measure: 'Aurora I/O-Optimized instead of Standard',
      applied: false,
      with: optimized,
      without: standard,
      detail: `Pays off when I/O is more than about a quarter of the Aurora bill; here I/O is ${usd(ioLine?.monthly ?? 0)} of ${usd(standard)}.`,
    }))
  }

  return out
}
