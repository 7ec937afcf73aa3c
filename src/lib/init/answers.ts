import {platformSchema} from '../config/schema.js'

/** What `platform init` asks; every answer also has a flag. */
export interface InitAnswers {
  project: string
  region: string
  /** Custom domain for prod; none = CloudFront's own domain. */
  domain?: string
  services: string[]
  database: boolean
  /** Where CloudWatch alarms are e-mailed (SNS subscription, confirmed by the recipient). */
  alarmEmail: string
}

/** The design's values (the example platform.yaml's): what Enter accepts at every prompt. */
export const DESIGN_ANSWERS: InitAnswers = {
  project: 'bookmark-manager',
  region: 'ap-northeast-1',
  domain: 'example.com',
  services: ['web', 'api'],
  database: true,
  alarmEmail: 'ops@example.com',
}

/**
 * The local time of each region's city, for the night/morning scaling schedules: office hours
 * follow the region the users are near. Every region the schema accepts is listed (a test checks).
 */
export const REGION_TIMEZONES: Record<string, string> = {
  'af-south-1': 'Africa/Johannesburg',
  'ap-east-1': 'Asia/Hong_Kong',
  'ap-east-2': 'Asia/Taipei',
  'ap-northeast-1': 'Asia/Tokyo',
  'ap-northeast-2': 'Asia/Seoul',
  'ap-northeast-3': 'Asia/Tokyo',
  'ap-south-1': 'Asia/Kolkata',
  'ap-south-2': 'Asia/Kolkata',
  'ap-southeast-1': 'Asia/Singapore',
  'ap-southeast-2': 'Australia/Sydney',
  'ap-southeast-3': 'Asia/Jakarta',
  'ap-southeast-4': 'Australia/Melbourne',
  'ap-southeast-5': 'Asia/Kuala_Lumpur',
  'ap-southeast-7': 'Asia/Bangkok',
  'ca-central-1': 'America/Toronto',
  'ca-west-1': 'America/Edmonton',
  'eu-central-1': 'Europe/Berlin',
  'eu-central-2': 'Europe/Zurich',
  'eu-north-1': 'Europe/Stockholm',
  'eu-south-1': 'Europe/Rome',
  'eu-south-2': 'Europe/Madrid',
  'eu-west-1': 'Europe/Dublin',
  'eu-west-2': 'Europe/London',
  'eu-west-3': 'Europe/Paris',
  'il-central-1': 'Asia/Jerusalem',
  'me-central-1': 'Asia/Dubai',
  'me-south-1': 'Asia/Bahrain',
  'mx-central-1': 'America/Mexico_City',
  'sa-east-1': 'America/Sao_Paulo',
  'us-east-1': 'America/New_York',
  'us-east-2': 'America/New_York',
  'us-west-1': 'America/Los_Angeles',
  'us-west-2': 'America/Los_Angeles',
}

/** The IANA time zone for the region's schedules; UTC for a region not in the table. */
export function regionTimezone(region: string): string {
  return REGION_TIMEZONES[region] ?? 'UTC'
}

const schema = () => platformSchema()

/** Regions the schema accepts. */
export function knownRegions(): string[] {
  return (schema().properties?.region?.enum as string[] | undefined) ?? []
}

/** True, or why `value` is not a valid project name (the schema's rule, in words). */
export function checkProject(value: string): true | string {
  const rule = schema().properties!.project
  if (!new RegExp(rule.pattern!).test(value)) return 'Use lowercase letters, digits and hyphens, starting with a letter (e.g. bookmark-manager).'
  if (value.length > (rule.maxLength ?? 20)) return `At most ${rule.maxLength} characters: every AWS name starts with it.`
  return true
}

export function checkRegion(value: string): true | string {
  return knownRegions().includes(value) ? true : `Unknown region "${value}". Known: ${knownRegions().join(', ')}.`
}

/** An empty domain means none. */
export function checkDomain(value: string): true | string {
  if (value === '') return true
  const pattern = schema().definitions!.environment.properties!.domain.pattern!
  return new RegExp(pattern).test(value) ? true : 'Use a lowercase domain name like example.com (no scheme, no trailing dot), or leave it empty.'
}

/** Comma-separated service names; at least one. */
export function parseServices(value: string): string[] {
  return [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))]
}

export function checkServices(value: string): true | string {
  const names = parseServices(value)
  if (names.length === 0) return 'Name at least one service, e.g. web.'
  const pattern = new RegExp(schema().definitions!.environment.properties!.services.propertyNames!.pattern!)
  const bad = names.filter((n) => !pattern.test(n) || /--|-$/.test(n))
  return bad.length === 0 ? true : `Not valid service names: ${bad.join(', ')}. Use lowercase letters, digits and single hyphens (e.g. web, api, worker-2).`
}

/** The schema's address rule; empty is not allowed (alarms must reach someone). */
export function checkAlarmEmail(value: string): true | string {
  const pattern = schema().definitions!.environment.properties!.monitoring.properties!.alarmEmail.pattern!
  return new RegExp(pattern).test(value) ? true : 'Use an e-mail address such as ops@yourcompany.com: CloudWatch alarms are sent there.'
}
