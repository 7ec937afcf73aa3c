/**
 * A private build of the CLI for tests that run it as users do (`node bin/run.js ...`).
 * Built into a temporary package (package.json, bin/, schema/, dist/, node_modules symlink), so
 * that other tests running `npm run build` (which empties the shared dist/) cannot break it.
 */
import {spawnSync, type SpawnSyncReturns} from 'node:child_process'
import {cpSync, existsSync, mkdtempSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export const repoRoot = new URL('../../', import.meta.url).pathname

let built: string | undefined

/** Build once per test file; returns the package directory. */
export function buildCli(): string {
  if (built) return built
  const dir = mkdtempSync(join(tmpdir(), 'platform-cli-build-'))
  for (const entry of ['package.json', 'bin', 'schema']) cpSync(join(repoRoot, entry), join(dir, entry), {recursive: true})
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir')
  // tsc emits even when files other engineers are editing have type errors; ours are checked by `npm run typecheck`.
  spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', join(repoRoot, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], {cwd: repoRoot, stdio: 'ignore'})
  if (!existsSync(join(dir, 'dist/commands/validate.js'))) throw new Error(`the CLI did not build into ${dir}`)
  // As `npm pack` does: without a manifest oclif imports every command (and the AWS SDK) on each run.
  spawnSync(process.execPath, [join(repoRoot, 'node_modules/oclif/bin/run.js'), 'manifest'], {cwd: dir, stdio: 'ignore'})
  if (!existsSync(join(dir, 'oclif.manifest.json'))) throw new Error(`oclif manifest failed in ${dir}`)
  built = dir
  return dir
}

/** Run the built CLI with `args`; colour off, CI set (no prompts), in `cwd`. */
export function runCli(args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv; input?: string} = {}): SpawnSyncReturns<string> {
  const dir = buildCli()
  return spawnSync(process.execPath, [join(dir, 'bin/run.js'), ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
    input: options.input ?? '',
    env: {...process.env, NO_COLOR: '1', CI: '1', ...options.env},
    timeout: 60_000,
  })
}
