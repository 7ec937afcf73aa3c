/**
 * The built CLI for e2e tests, in a private directory: `tsc -p tsconfig.build.json` into a temp
 * dir with bin/, package.json and a node_modules link beside it. Other engineers' tests rebuild
 * the shared dist/ (`rm -rf dist`) while these run; a private build cannot disappear mid-test.
 */
import {execFile} from 'node:child_process'
import {cpSync, existsSync, mkdtempSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {promisify} from 'node:util'

export const repoRoot = resolve(import.meta.dirname, '../..')

/** Build once per test file; returns the path of bin/run.js to spawn with node. */
export async function buildPrivateCli(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'platform-cli-'))
  const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc')
  // tsc exits non-zero when any file has a type error but still emits; a missing command file is the real failure.
  await promisify(execFile)(process.execPath, [tsc, '-p', join(repoRoot, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], {cwd: repoRoot}).catch(() => undefined)
  for (const file of ['dist/commands/deploy.js', 'dist/commands/diff.js']) {
    if (!existsSync(join(dir, file))) throw new Error(`the build produced no ${file}`)
  }
  cpSync(join(repoRoot, 'bin'), join(dir, 'bin'), {recursive: true})
  cpSync(join(repoRoot, 'package.json'), join(dir, 'package.json'))
  for (const extra of ['schema', 'prices']) if (existsSync(join(repoRoot, extra))) cpSync(join(repoRoot, extra), join(dir, extra), {recursive: true})
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'))
  return join(dir, 'bin/run.js')
}
