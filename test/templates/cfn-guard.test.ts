/**
 * AWS Control Tower's proactive controls, as the cfn-guard rules AWS publishes (shipped with the
 * cfn-guard binary in @cdklabs/cdk-validator-cfnguard, offline), over every rendered template of
 * the root platform.yaml and of every valid fixture. A finding passes only when docs/controls.md
 * lists it as a deliberate deviation with its reason; a listed deviation that no longer matches
 * any finding fails too, so the document stays true.
 */
import {execFile} from 'node:child_process'
import {copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {serializeTemplate} from '../../src/lib/stacks/serialize.js'
import {renderEnvironment} from '../../src/templates/index.js'
import {configEnvironments} from '../helpers/env.js'

const root = new URL('../../', import.meta.url).pathname
const guardPackage = join(root, 'node_modules/@cdklabs/cdk-validator-cfnguard')
const binary = join(guardPackage, 'bin', process.platform === 'darwin' ? 'macos' : 'ubuntu', process.arch === 'arm64' ? 'aarch64' : 'x86_64', 'cfn-guard')
const rules = join(guardPackage, 'rules/control-tower/cfn-guard')

/** Service stacks checked per environment: the many-services fixture's 60 come from the same renderer. */
const SERVICE_STACKS_PER_ENVIRONMENT = 3

/**
 * The rule files that name one of `types`: every other rule is not applicable to these templates,
 * and cfn-guard's time grows with rules times templates.
 */
function copyApplicableRules(types: Set<string>, into: string): void {
  const walk = (dir: string): string[] => readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.guard') ? [join(dir, e.name)] : []))
  for (const file of walk(rules)) {
    const text = readFileSync(file, 'utf8')
    if ([...types].some((type) => text.includes(`"${type}"`))) copyFileSync(file, join(into, basename(file)))
  }
}

/** One failed control on one resource of one rendered stack. */
interface Finding {
  /** `<config>-<env>`, e.g. `root-prod`. */
  label: string
  /** Stack part, e.g. `storage`, `svc-web`. */
  part: string
  rule: string
  control: string
  resource: string
}

/** A row of docs/controls.md: a rule and the `part/LogicalId` globs it deliberately does not meet. */
interface Deviation {
  rule: string
  patterns: string[]
}

/** The deviation table of docs/controls.md: rows whose second cell is a rule name in backticks. */
function readDeviations(): Deviation[] {
  const text = readFileSync(join(root, 'docs/controls.md'), 'utf8')
  const deviations: Deviation[] = []
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    const rule = /^`([a-z0-9_]+)`$/.exec(cells[2] ?? '')?.[1]
    if (!rule) continue
    const patterns = [...(cells[3] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1])
    deviations.push({rule, patterns})
  }
  return deviations
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`)
}

function matches(deviation: Deviation, finding: Finding): boolean {
  return deviation.rule === finding.rule && deviation.patterns.some((p) => globToRegExp(p).test(`${finding.part}/${finding.resource}`))
}

/** cfn-guard prints one JSON document per template, back to back. */
function parseDocuments(text: string): Array<{name: string; not_compliant: unknown[]}> {
  const documents: Array<{name: string; not_compliant: unknown[]}> = []
  let depth = 0
  let start = -1
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === '{' && depth++ === 0) start = i
    else if (c === '}' && --depth === 0) documents.push(JSON.parse(text.slice(start, i + 1)))
  }
  return documents
}

function resourcesIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) resourcesIn(item, found)
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'path' && typeof item === 'string' && item.startsWith('/Resources/')) found.add(item.split('/')[2])
      else resourcesIn(item, found)
    }
  }
  return found
}

function controlOf(value: unknown): string {
  return /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(JSON.stringify(value))?.[1] ?? '?'
}

describe('AWS Control Tower proactive controls (cfn-guard) over every rendered template', () => {
  let dir: string
  let findings: Finding[]
  let deviations: Deviation[]

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'platform-guard-'))
    const templates = join(dir, 'templates')
    const applicable = join(dir, 'rules')
    mkdirSync(applicable)
    const stacksByFile = new Map<string, {label: string; part: string}>()
    const types = new Set<string>()
    for (const {label, env} of await configEnvironments()) {
      mkdirSync(join(templates, label), {recursive: true})
      const stacks = renderEnvironment(env)
      const services = stacks.filter((s) => s.part.startsWith('svc-')).slice(SERVICE_STACKS_PER_ENVIRONMENT)
      for (const stack of stacks.filter((s) => !services.includes(s))) {
        const file = join(templates, label, `${stack.part}.json`)
        writeFileSync(file, serializeTemplate(stack.template))
        stacksByFile.set(file, {label, part: stack.part})
        for (const resource of Object.values(stack.template.Resources)) types.add(resource.Type)
      }
    }
    copyApplicableRules(types, applicable)
    // Exit code 19 means "some rule failed", which is what the findings below explain.
    const {stdout} = await promisify(execFile)(binary, ['validate', '--data', templates, '--rules', applicable, '--output-format', 'json', '--show-summary', 'none'], {maxBuffer: 512 * 1024 * 1024}).catch((error: {code?: number; stdout?: string}) => {
      if (error.code === 19 && error.stdout) return {stdout: error.stdout}
      throw error
    })
    findings = parseDocuments(stdout).flatMap((document) => {
      const stack = stacksByFile.get(document.name)
      if (!stack) throw new Error(`cfn-guard reported a file it was not given: ${document.name}`)
      return document.not_compliant.flatMap((entry) => {
        const rule = (entry as {Rule: {name: string}}).Rule.name
        return [...resourcesIn(entry)].map((resource) => ({...stack, rule, control: controlOf(entry), resource}))
      })
    })
    deviations = readDeviations()
  }, 900_000)

  afterAll(() => {
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('checked the templates with the Control Tower rule set', () => {
    expect(deviations.length).toBeGreaterThan(0)
    // The rule set must have run: the design's buckets and services are in scope of several controls.
    expect(findings.some((f) => f.label === 'root-prod')).toBe(true)
  })

  it('finds nothing that docs/controls.md does not list as a deliberate deviation', () => {
    const unlisted = findings.filter((f) => !deviations.some((d) => matches(d, f)))
    const lines = [...new Set(unlisted.map((f) => `${f.control} ${f.rule}: ${f.part}/${f.resource} (${f.label})`))].sort()
    expect(lines).toEqual([])
  })

  it('lists no deviation that no finding needs any more', () => {
    const stale = deviations.flatMap((d) => d.patterns.filter((p) => !findings.some((f) => f.rule === d.rule && globToRegExp(p).test(`${f.part}/${f.resource}`))).map((p) => `${d.rule} ${p}`))
    expect(stale).toEqual([])
  })
})
