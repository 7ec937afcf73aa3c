/**
 * Generate docs/platform-yaml.md from schema/platform.schema.json: every key with its type,
 * default and description, so the reference cannot drift from what `platform validate` accepts.
 * Run `npm run docs` after editing the schema; a test fails when the file is out of date.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import type {JsonSchema as Schema} from '../src/lib/config/schema.js'

export const DOCS_PATH = fileURLToPath(new URL('../docs/platform-yaml.md', import.meta.url))
const SCHEMA_PATH = fileURLToPath(new URL('../schema/platform.schema.json', import.meta.url))

/** Checks `platform validate` runs beyond the schema (src/lib/config/checks.ts). */
const SEMANTIC_CHECKS = [
  'Fargate CPU/memory pairs: 256 → 512, 1024, 2048; 512 → 1024-4096; 1024 → 2048-8192; 2048 → 4096-16384 (1024 steps); 4096 → 8192-30720 (1024 steps); 8192 → 16384-61440 (4096 steps); 16384 → 32768-122880 (8192 steps).',
  'Aurora capacity in 0.5 ACU steps, `minCapacity` ≤ `maxCapacity`; `minCapacity: 0` (auto-pause) only on versions that support it.',
  'Aurora engine version: one RDS still offers for new clusters in the region (17.2 is retired in ap-northeast-1: use 17.9); the backup and maintenance windows must not overlap.',
  'Autoscaling `min` ≤ `desiredCount` ≤ `max`; schedules are `cron(...)` with six fields and `?` in day-of-month or day-of-week, `rate(...)` or `at(...)`, with unique names.',
  'Network: the VPC CIDR is /16 to /28 and a network address; explicit subnets are one per AZ, inside the VPC CIDR, at least /28 and not overlapping; carved subnets fit; AZ count within the region\'s; NAT gateways at most one per AZ; with no NAT, the VPC endpoints the tasks need (ECR, S3, logs, SSM for secrets) and no image from outside ECR.',
  'ALB: no two services on the same path, port or listener rule priority.',
  'Secrets a service uses are declared in the environment\'s `secrets`.',
  'Names: environment and service names that are valid in ECR repository names (`<project>/<env>/<service>`); no S3-reserved project prefix. ALB and target group names are shortened with a stable hash, so they always fit 32 characters.',
  'WAF rate limit 0 or at least 10; Datadog warning below critical; `dns.zoneId` when `createZone` is false; MongoDB Atlas `projectId` when enabled.',
]

function deref(schema: Schema | undefined, root: Schema): Schema | undefined {
  if (!schema?.$ref) return schema
  return {...root.definitions![schema.$ref.replace('#/definitions/', '')], ...(schema.description ? {description: schema.description} : {})}
}

function typeOf(s: Schema, root: Schema): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``
  if (s.enum) return `one of ${s.enum.map((v) => `\`${String(v)}\``).join(', ')}`
  const types = (Array.isArray(s.type) ? s.type : [s.type ?? 'any']).filter((t) => t !== 'null')
  let text = types
    .map((t) => {
      if (t === 'array') {
        const items = deref(s.items, root)
        return `list of ${items ? typeOf(items, root) : 'any'}`
      }
      if (t === 'object' && typeof s.additionalProperties === 'object') return 'map'
      return t
    })
    .join(' or ')
  const limits: string[] = []
  if (s.minimum !== undefined) limits.push(`≥ ${s.minimum}`)
  if (s.exclusiveMinimum !== undefined) limits.push(`> ${s.exclusiveMinimum}`)
  if (s.maximum !== undefined) limits.push(`≤ ${s.maximum}`)
  if (s.maxLength !== undefined) limits.push(`≤ ${s.maxLength} chars`)
  if (limits.length > 0) text += ` (${limits.join(', ')})`
  return text
}

function defaultOf(s: Schema): string {
  if (s.default === undefined || s.default === null) return s.examples ? `— (e.g. \`${JSON.stringify(s.examples[0])}\`)` : '—'
  return `\`${JSON.stringify(s.default).replace(/,/g, ', ')}\``
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

/** Where each `$ref`'d definition is documented, so that `defaults` and `environments.<name>` share one section. */
const documentedRefs = new Map<string, string>()

function table(schema: Schema, root: Schema, prefix: string, sections: Array<[string, Schema]>): string[] {
  const lines = ['| key | type | default | description |', '|---|---|---|---|']
  for (const [key, raw] of Object.entries(schema.properties ?? {})) {
    const s = deref(raw, root)!
    const path = `${prefix}${key}`
    const required = schema.required?.includes(key) ? ' **(required)**' : ''
    const hasChildren = s.properties && Object.keys(s.properties).length > 0
    const mapRaw = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined
    const mapOf = deref(mapRaw, root)
    const ref = raw.$ref ?? mapRaw?.$ref
    const sectionPath = hasChildren ? path : `${path}.<name>`
    let target = sectionPath
    if (hasChildren || mapOf?.properties) {
      if (ref && documentedRefs.has(ref)) target = documentedRefs.get(ref)!
      else {
        if (ref) documentedRefs.set(ref, sectionPath)
        sections.push([sectionPath, hasChildren ? s : mapOf!])
      }
    }
    const link = hasChildren || mapOf?.properties ? ` See [\`${target}\`](#${anchor(target)}).` : ''
    lines.push(`| \`${key}\`${required} | ${escape(typeOf(s, root))} | ${escape(defaultOf(s))} | ${escape(s.description ?? '')}${link} |`)
  }
  return lines
}

function anchor(path: string): string {
  return path.toLowerCase().replace(/[^a-z0-9]+/g, '')
}

/** The markdown reference for `schemaText`. */
export function generateSchemaDocs(schemaText = readFileSync(SCHEMA_PATH, 'utf8')): string {
  const root = JSON.parse(schemaText) as Schema
  const out: string[] = [
    '<!-- GENERATED by scripts/gen-schema-docs.ts from schema/platform.schema.json: run `npm run docs`. Do not edit. -->',
    '# platform.yaml reference',
    '',
    root.description ?? '',
    '',
    'Editors complete and check the file through its first line, `# yaml-language-server: $schema=...` (written by `platform init`).',
    '',
    '## How environments are built',
    '',
    '`defaults` is merged into every environment: mappings merge key by key, lists and scalars replace, and `null` removes an inherited value (`domain: null`, `database: null`, a service set to `null`). Then every default below applies, plus these computed ones: `region` from the top level; `protect` true for names starting with `prod`; `alb.deletionProtection` and `database.deletionProtection` follow `protect`; a service\'s `memory` is the smallest Fargate allows for its `cpu`, its `desiredCount` is `autoscaling.min` when autoscaling is set, its `healthCheck: /path` shorthand becomes the full object, and `build.dockerfile` defaults to `<context>/Dockerfile`. Top-level keys starting with `x-` are ignored: a place for YAML anchors.',
    '',
    'An error in a value inherited from `defaults` is reported where it is written, naming the environments it affects.',
    '',
    '## Top level',
    '',
  ]
  const sections: Array<[string, Schema]> = []
  documentedRefs.clear()
  // `defaults` is an environment too: document the definition once, under environments.<name>.
  documentedRefs.set('#/definitions/environment', 'environments.<name>')
  sections.push(['environments.<name>', root.definitions!.environment])
  out.push(...table(root, root, '', sections), '')
  // Breadth-first: each object gets its own table, in the order keys appear.
  for (let i = 0; i < sections.length; i++) {
    const [path, s] = sections[i]
    // Paths hold `<name>`: code spans keep markdown from reading it as HTML.
    out.push(`## \`${path}\``, '', `<a id="${anchor(path)}"></a>`, '')
    if (s.description) out.push(s.description, '')
    out.push(...table(s, root, `${path}.`, sections), '')
  }
  out.push('## Checks beyond the schema', '', '`platform validate` also reports what a deploy would otherwise fail on minutes later:', '', ...SEMANTIC_CHECKS.map((c) => `- ${c}`), '')
  return out.join('\n')
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(DOCS_PATH, generateSchemaDocs())
  console.error(`wrote ${DOCS_PATH}`)
}
