/**
 * Render environments to temporary directories and lint every template with the real cfn-lint
 * (batched: one process per region for all of them). A missing cfn-lint rejects, failing the test.
 */
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {ResolvedEnvironment} from '../../src/lib/config/types.js'
import {type CfnLintFinding, runCfnLint} from '../../src/lib/render/cfn-lint.js'
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
