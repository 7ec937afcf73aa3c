import {platformSchema} from '../config/schema.js'

/** What `platform init` asks; every answer also has a flag. */
export interface InitAnswers {
  project: string
  region: string
  /** Custom domain for prod; none = CloudFront's own domain. */
  domain?: string
  services: string[]
  database: boolean
}

/** The design's values (shared/seed/README.md): what Enter accepts at every prompt. */
export const DESIGN_ANSWERS: InitAnswers = {
  project: 'bookmark-manager',
  region: 'ap-northeast-1',
  domain: 'example.com',
  services: ['web', 'api'],
  database: true,
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
