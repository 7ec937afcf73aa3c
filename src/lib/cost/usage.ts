import type {CostUsage} from '../config/types.js'
import type {Assumption} from './types.js'

/** A usage figure's default and what it means. */
export interface UsageDefault {
  value: number
  unit: string
  description: string
}

/**
 * Defaults for what platform.yaml cannot know. Every one used is printed under "Assumptions";
 * override any of them in `cost.usage`.
 */
export const USAGE_DEFAULTS: Record<string, UsageDefault> = {
  cloudfrontTransferGb: {value: 1024, unit: 'GB/month', description: 'CloudFront data transfer out'},
  cloudfrontRequestsMillions: {value: 10, unit: 'M requests/month', description: 'CloudFront HTTPS requests, all of which WAF inspects'},
  s3StorageGb: {value: 100, unit: 'GB', description: 'S3 Standard storage across the assets, ALB-log and backup buckets'},
  s3RequestsMillions: {value: 1, unit: 'M requests/month', description: 'S3 requests, taken as 10% PUT/LIST and 90% GET'},
  logIngestionGb: {value: 10, unit: 'GB/month', description: 'CloudWatch Logs ingested by service logs and VPC flow logs'},
  natTrafficGb: {value: 100, unit: 'GB/month', description: 'Traffic through NAT: internet (Datadog, Sentry, Atlas, APIs) and AWS services without an endpoint'},
  vpcEndpointTrafficGb: {value: 30, unit: 'GB/month', description: 'Traffic through interface endpoints (image pulls, log delivery, SSM)'},
  albLcu: {value: 1, unit: 'LCU (hourly average)', description: 'ALB capacity units: 1 LCU = 25 new conn/s, 3,000 active conn, 1 GB/h processed or 1,000 rule evaluations/s'},
  route53QueriesMillions: {value: 1, unit: 'M queries/month', description: 'Route 53 charged queries (alias queries to CloudFront are free)'},
  auroraAverageAcu: {value: 0.5, unit: 'ACU per instance', description: 'Aurora capacity per instance; by default the configured minimum, a floor'},
  auroraStorageGb: {value: 10, unit: 'GB', description: 'Aurora cluster volume'},
  auroraIoMillions: {value: 20, unit: 'M I/O/month', description: 'Aurora Standard read and write I/O requests'},
  auroraBackupBeyondFreeGb: {value: 0, unit: 'GB', description: 'Aurora backup storage beyond the free 100% of the cluster volume (7-day retention of a small volume stays within it)'},
  ecrStorageGbPerService: {value: 2, unit: 'GB per built service', description: 'ECR image storage kept by the lifecycle policy'},
  snsEmailNotifications: {value: 100, unit: 'e-mails/month', description: 'Alarm e-mails sent through SNS'},
  offHoursFraction: {value: 98 / 168, unit: 'of the week', description: 'Off-hours when no schedule is configured: weekday nights 22:00-08:00 and weekends (98 of 168 hours)'},
}

/** Reads cost.usage, falls back to the stated default, and records what it used. */
export class UsageReader {
  private readonly used = new Map<string, Assumption>()
  private readonly usage: CostUsage

  /** The schema gives cost.usage keys no `default`, so a key present here was written by the user. */
  constructor(usage: CostUsage) {
    const set: CostUsage = {}
    for (const [k, v] of Object.entries(usage)) if (v !== undefined) set[k] = v
    this.usage = set
  }

  /** The value of `key`; `fallback` replaces the table's default where the config implies a better one. */
  get(key: string, fallback?: {value: number; description: string}): number {
    const spec = USAGE_DEFAULTS[key]
    const configured = this.usage[key]
    if (configured !== undefined) {
      this.record({key, value: configured, unit: spec?.unit ?? '', origin: 'config', description: spec?.description ?? key})
      return configured
    }
    if (fallback) {
      this.record({key, value: fallback.value, unit: spec?.unit ?? '', origin: 'derived', description: fallback.description})
      return fallback.value
    }
    if (!spec) throw new Error(`No default for usage "${key}"`)
    this.record({key, value: spec.value, unit: spec.unit, origin: 'default', description: spec.description})
    return spec.value
  }

  /** True when the user set `key` in cost.usage. */
  isSet(key: string): boolean {
    return this.usage[key] !== undefined
  }

  /** Records a modelling choice that is not a cost.usage key (e.g. how tasks are counted). */
  note(assumption: Assumption): void {
    this.record(assumption)
  }

  assumptions(): Assumption[] {
    return [...this.used.values()]
  }

  private record(a: Assumption): void {
    if (!this.used.has(a.key)) this.used.set(a.key, a)
  }
}
