/**
 * Render environments to temporary directories and lint every template with the real cfn-lint
 * (batched: one process per region for all of them). A missing cfn-lint rejects, failing the test.
 * Test-only: the CLI itself never runs cfn-lint.
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {ResolvedEnvironment} from '../../src/lib/config/types.js'
import {serializeTemplate} from '../../src/lib/stacks/serialize.js'
import type {StackDefinition} from '../../src/lib/stacks/types.js'
import {renderToDirectory, type RenderResult} from '../../src/lib/render/write.js'

/** One cfn-lint finding (its `--format json` shape, trimmed to what we use). */
export interface CfnLintFinding {
  file: string
  /** E…, W… or I… rule id. */
  rule: string
  level: 'Error' | 'Warning' | 'Informational'
  message: string
  /** JSON path inside the template, e.g. `Resources/Vpc/Properties/CidrBlock`. */
  path: string
  line: number
}

interface RawFinding {
  Filename: string | null
  Level: CfnLintFinding['level']
  Message: string
  Rule: {Id: string}
  Location: {Path?: Array<string | number> | null; Start: {LineNumber: number}}
}

/**
 * Lint templates with the `cfn-lint` program, batched: each region's files go to one process,
 * or to `concurrency` processes splitting them when there are many (cfn-lint takes about two
 * seconds to start, then a fraction of a second per template). Resolves with every finding;
 * rejects when cfn-lint is missing or crashes, so a missing tool fails loudly instead of passing.
 *
 * @param templates file → region the template is deployed to
 */
export async function runCfnLint(
  templates: Array<{file: string; region: string}>,
  options: {binary?: string; includeInformational?: boolean; /** @default 2 */ concurrency?: number} = {},
): Promise<CfnLintFinding[]> {
  const byRegion = new Map<string, string[]>()
  for (const {file, region} of templates) byRegion.set(region, [...(byRegion.get(region) ?? []), file])
  const concurrency = Math.max(1, options.concurrency ?? 2)
  // Below this many files a second process costs more start-up than it saves.
  const minFilesPerProcess = 8
  const batches: Array<{region: string; files: string[]}> = []
  for (const [region, files] of [...byRegion].sort(([a], [b]) => a.localeCompare(b))) {
    const parts = Math.min(concurrency, Math.max(1, Math.floor(files.length / minFilesPerProcess)))
    const size = Math.ceil(files.length / parts)
    for (let i = 0; i < files.length; i += size) batches.push({region, files: files.slice(i, i + size)})
  }
  const findings: CfnLintFinding[] = []
  for (let i = 0; i < batches.length; i += concurrency) {
    const running = batches.slice(i, i + concurrency).map((b) => lintBatch(options.binary ?? 'cfn-lint', b.region, b.files, options.includeInformational ?? false))
    for (const result of await Promise.all(running)) findings.push(...result)
  }
  return findings
}

function lintBatch(binary: string, region: string, files: string[], informational: boolean): Promise<CfnLintFinding[]> {
  const args = ['--format', 'json', '--regions', region, ...(informational ? ['--include-checks', 'I'] : []), '--template', ...files]
  return new Promise((resolve, reject) => {
    execFile(binary, args, {maxBuffer: 64 * 1024 * 1024}, (error, stdout, stderr) => {
      // Exit status is a bit mask: 2 errors, 4 warnings, 8 informational; 1 (or a signal) means cfn-lint itself failed.
      const code = error ? (error as NodeJS.ErrnoException & {code?: unknown}).code : 0
      if (error && (typeof code !== 'number' || (code & 1) === 1)) {
        reject(new Error(`cfn-lint failed (${String(code)}): ${stderr || error.message}`))
        return
      }
      try {
        const raw = JSON.parse(stdout || '[]') as RawFinding[]
        resolve(raw.map((f) => ({
          file: f.Filename ?? '(cfn-lint)',
          rule: f.Rule.Id,
          level: f.Level,
          message: f.Message,
          path: (f.Location.Path ?? []).join('/'),
          line: f.Location.Start.LineNumber,
        })))
      } catch (parseError) {
        reject(new Error(`cfn-lint printed something other than JSON: ${String(parseError)}\n${stdout.slice(0, 500)}`))
      }
    })
  })
}

/** `file:line rule message` lines, for assertion messages and CI logs. */
export function formatFindings(findings: CfnLintFinding[]): string {
  return findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.message} (${f.path})`).join('\n')
}

export interface LintRun {
  renders: Array<{label: string; result: RenderResult}>
  findings: CfnLintFinding[]
}

export async function renderAndLint(environments: Array<{label: string; env: ResolvedEnvironment}>): Promise<LintRun> {
  const root = mkdtempSync(join(tmpdir(), 'platform-cfn-lint-'))
  const renders: LintRun['renders'] = []
  for (const {label, env} of environments) {
    renders.push({label, result: await renderToDirectory(env, join(root, label))})
  }
  const templates = renders.flatMap(({result}) => result.stacks.map((s) => ({file: s.file, region: s.region})))
  return {renders, findings: await runCfnLint(templates)}
}

/** Lint already-rendered stacks, each in its own region; returns the formatted findings ('' when clean). */
export async function lintStacks(stacks: StackDefinition[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'platform-lint-'))
  const templates = stacks.map((stack, index) => {
    const file = join(dir, `${index}-${stack.name}.template.json`)
    writeFileSync(file, serializeTemplate(stack.template))
    return {file, region: stack.region}
  })
  return formatFindings(await runCfnLint(templates))
}
