/**
 * Render environments to temporary directories and lint every template with the real cfn-lint
 * (batched: one process per region for all of them). A missing cfn-lint rejects, failing the test.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {ResolvedEnvironment} from '../../src/lib/config/types.js'
import {type CfnLintFinding, formatFindings, runCfnLint} from '../../src/lib/render/cfn-lint.js'
import {serializeTemplate} from '../../src/lib/stacks/serialize.js'
import type {StackDefinition} from '../../src/lib/stacks/types.js'
import {renderToDirectory, type RenderResult} from '../../src/lib/render/write.js'

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
