import type {IssueCollector} from './issues.js'
import {editDistance, nearest} from './issues.js'
import type {YamlPath} from './positions.js'
import type {SchemaError} from './schema-check.js'
import {platformSchema, schemaAt, type JsonSchema} from './schema.js'

/** What a pattern means, in words, keyed by the property it applies to. */
const PATTERN_MEANING: Record<string, string> = {
  project: 'lowercase letters and digits with single hyphens between them, starting with a letter, at most 20 characters, e.g. `bookmark-manager`',
  environments: 'lowercase letters and digits with single hyphens between them, starting with a letter, at most 16 characters, e.g. `prod`',
  services: 'lowercase letters and digits with single hyphens between them, starting with a letter, at most 28 characters, e.g. `web-api`',
  cidr: 'an IPv4 CIDR like 10.0.0.0/16',
  publicSubnets: 'an IPv4 CIDR like 10.0.1.0/24',
  privateSubnets: 'an IPv4 CIDR like 10.0.11.0/24',
  allowIps: 'a CIDR like 203.0.113.0/24 or 2001:db8::/32',
  blockIps: 'a CIDR like 203.0.113.0/24 or 2001:db8::/32',
  account: 'a 12-digit AWS account id in quotes, e.g. "123456789012"',
  domain: 'a lowercase domain name like example.com (no scheme, no trailing dot)',
  alarmEmail: 'an e-mail address like ops@example.com',
  blockCountries: 'an ISO 3166 alpha-2 country code in capitals, e.g. KP',
  secrets: 'a secret name: letters, digits and underscores, starting with a letter or underscore, e.g. DATABASE_URL',
  environment: 'an environment variable name: letters, digits and underscores, not starting with a digit',
  args: 'a build argument name: letters, digits and underscores, not starting with a digit',
  path: 'a path starting with /, e.g. / or /api/*',
  healthCheck: 'a path starting with /, e.g. /api/health',
  healthCheckPath: 'a path starting with /, e.g. /api/health',
  staticPaths: 'a path pattern starting with /, e.g. /static/*',
  'assets.path': 'an absolute directory inside the image, e.g. /app/.next/static',
  'assets.prefix': 'a URL path starting with /, without a trailing slash or wildcard, e.g. /_next/static',
  records: 'a record name like www, or "" for the apex',
  matcher: 'HTTP codes like 200, 200,204 or 200-299',
  version: 'a version in quotes, e.g. "17.9"',
  backupWindow: 'hh:mm-hh:mm in UTC, e.g. 18:00-19:00',
  maintenanceWindow: 'ddd:hh:mm-ddd:hh:mm in UTC, e.g. sun:19:00-sun:20:00',
  githubRepository: 'owner/repo, e.g. example/bookmark-manager',
  zoneId: 'a hosted zone id like Z0123456789ABCDEFGHIJ',
  projectId: 'a 24-character hexadecimal Atlas project id',
  tier: 'an Atlas tier like M10',
  sslPolicy: 'an ELB security policy name like ELBSecurityPolicy-TLS13-1-2-2021-06',
  timezone: 'an IANA time zone like Asia/Tokyo, or UTC',
  name: 'letters, digits and hyphens or underscores, starting with a letter',
  image: 'an image reference like public.ecr.aws/nginx/nginx:1.27',
  branch: 'a git branch name',
  tags: 'a tag key (not starting with aws:)',
}

function pathOf(instancePath: string): YamlPath {
  if (!instancePath) return []
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
}

function describeType(value: unknown): string {
  if (value === null) return 'null (an empty value)'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
  return `${typeof value} ${String(value)}`
}

function typeWords(type: string | string[]): string {
  const words: Record<string, string> = {object: 'a mapping', array: 'a list', string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true or false', null: 'empty (null)'}
  // `null` is accepted only to remove an inherited value; naming it would confuse.
  return (Array.isArray(type) ? type : [type]).filter((t) => t !== 'null').map((t) => words[t] ?? t).join(' or ')
}

function lastName(path: YamlPath): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return path[i] as string
  return ''
}

function valueAt(data: unknown, path: YamlPath): unknown {
  let current = data
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string | number, unknown>)[segment]
  }
  return current
}

function allowedKeys(schema: JsonSchema | undefined): string[] {
  return Object.keys(schema?.properties ?? {}).filter((k) => k !== '$schema')
}

/**
 * Turn the schema's errors into issues a person can act on: the offending node's position, the YAML path,
 * what is wrong in words, and a hint (the nearest key, the allowed values, the expected shape).
 */
export function reportSchemaErrors(errors: SchemaError[], data: unknown, sink: IssueCollector): void {
  const root = platformSchema()
  for (const error of mostSpecific(errors)) {
    // propertyNames reports its inner failure too; the outer error carries the name.
    if (error.propertyName !== undefined) continue
    const path = pathOf(error.instancePath)
    const value = valueAt(data, path)
    const params = error.params
    switch (error.keyword) {
      case 'additionalProperties': {
        const key = String(params.additionalProperty)
        const keys = allowedKeys(schemaAt(path, root))
        const guess = nearest(key, keys)
        const where = path.length > 0 ? `in ${lastName(path) || 'this list item'}` : 'at the top level'
        sink.add({
          path: [...path, key],
          target: 'key',
          message: `unknown key "${key}" ${where}`,
          hint: guess ? `did you mean "${guess}"? (allowed: ${keys.join(', ')})` : `allowed keys: ${keys.join(', ')}`,
        })
        break
      }
      case 'propertyNames': {
        const name = String(params.propertyName)
        const container = lastName(path)
        sink.add({
          path: [...path, name],
          target: 'key',
          message: `"${name}" is not a valid ${container === 'environments' ? 'environment' : container === 'services' ? 'service' : 'key'} name`,
          hint: `use ${PATTERN_MEANING[container] ?? 'letters, digits and hyphens'}`,
        })
        break
      }
      case 'required': {
        const key = String(params.missingProperty)
        const property = schemaAt([...path, key], root)
        const example = property?.default === undefined ? '' : ` e.g. \`${key}: ${JSON.stringify(property.default)}\``
        sink.add({path: [...path, key], at: path, target: 'key', message: `missing required key "${key}"`, hint: `add ${key}${example}${path.length === 0 ? ' at the top level' : ''}`})
        break
      }
      case 'type': {
        const expected = params.type as string | string[]
        const expectedTypes = (Array.isArray(expected) ? expected : [expected]).filter((t) => t !== 'null')
        const expectsString = expectedTypes.length === 1 && expectedTypes[0] === 'string'
        if (expectsString && (typeof value === 'number' || typeof value === 'boolean')) {
          sink.add({path, message: `must be a string in quotes: YAML reads ${String(value)} as a ${typeof value}`, hint: `write "${String(value)}" (in quotes; unquoted 17.10 would even become 17.1)`})
          break
        }
        const hint = value === null ? 'give a value after the colon, or remove the key' : `write ${typeWords(expected)} here`
        sink.add({path, message: `must be ${typeWords(expected)}, not ${describeType(value)}`, hint})
        break
      }
      case 'enum': {
        const allowed = (params.allowedValues as unknown[]).map((v) => String(v))
        const guess = nearest(String(value), allowed)
        // Long lists (regions) are cut to the closest few.
        const shown = allowed.length > 12 ? [...allowed].sort((a, b) => editDistance(String(value), a) - editDistance(String(value), b)).slice(0, 5).sort() : allowed
        sink.add({path, message: `${JSON.stringify(value)} is not an allowed ${lastName(path) || 'value'}`, hint: `${guess ? `did you mean ${JSON.stringify(guess)}? ` : ''}${allowed.length > 12 ? `closest of ${allowed.length} allowed: ${shown.join(', ')}` : `allowed: ${allowed.join(', ')}`}`})
        break
      }
      case 'const':
        sink.add({path, message: `must be ${JSON.stringify(params.allowedValue)}, not ${describeType(value)}`, hint: `write ${lastName(path)}: ${JSON.stringify(params.allowedValue)}`})
        break
      case 'pattern': {
        const name = lastName(path)
        const meaning = PATTERN_MEANING[`${lastName(path.slice(0, path.lastIndexOf(name)))}.${name}`] ?? PATTERN_MEANING[name]
        const what = typeof path.at(-1) === 'number' ? `${name} item` : name
        sink.add({path, message: `${JSON.stringify(value)} is not a valid ${what}`, hint: meaning ? `use ${meaning}` : `must match ${String(params.pattern)}`})
        break
      }
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const property = schemaAt(path, root)
        const range = `${property?.minimum ?? property?.exclusiveMinimum ?? '…'} to ${property?.maximum ?? '…'}`
        const comparison = {minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'more than', exclusiveMaximum: 'less than'}[error.keyword]
        sink.add({path, message: `${String(value)} is out of range: ${lastName(path)} must be ${comparison} ${String(params.limit)}`, hint: `use a value from ${range}`})
        break
      }
      case 'minLength':
      case 'maxLength':
        sink.add({path, message: `${JSON.stringify(value)} is too ${error.keyword === 'minLength' ? 'short' : 'long'}: ${lastName(path)} must have ${error.keyword === 'minLength' ? 'at least' : 'at most'} ${String(params.limit)} characters`, hint: error.keyword === 'maxLength' ? 'shorten it' : 'give a longer value'})
        break
      case 'minProperties':
        sink.add({path, target: 'key', message: `${lastName(path) || 'this mapping'} is empty`, hint: lastName(path) === 'environments' ? 'add an environment, e.g. `prod: {services: {web: {port: 3000, image: ...}}}`' : `add at least ${String(params.limit)} entry`})
        break
      case 'uniqueItems':
      {
        const later = Math.max(Number(params.i), Number(params.j))
        sink.add({path: [...path, later], message: `duplicate item ${JSON.stringify(valueAt(value, [later]))} in ${lastName(path)}`, hint: 'remove the repeated item'})
      }
        break
      case 'multipleOf':
        sink.add({path, message: `${String(value)} must be a multiple of ${String(params.multipleOf)}`})
        break
      default:
        sink.add({path, message: error.message})
    }
  }
}

/** Keep one error per value: a wrong type hides the rest, a failed pattern hides a failed length. */
function mostSpecific(errors: SchemaError[]): SchemaError[] {
  const rank: Record<string, number> = {type: 0, const: 1, enum: 1, pattern: 2}
  const best = new Map<string, SchemaError>()
  const keep: SchemaError[] = []
  for (const error of errors) {
    // Errors about a child key (unknown, missing) stand on their own.
    if (['additionalProperties', 'required', 'propertyNames', 'uniqueItems'].includes(error.keyword) || error.propertyName !== undefined) {
      keep.push(error)
      continue
    }
    const current = best.get(error.instancePath)
    if (!current || (rank[error.keyword] ?? 3) < (rank[current.keyword] ?? 3)) best.set(error.instancePath, error)
  }
  return [...keep, ...best.values()]
}
