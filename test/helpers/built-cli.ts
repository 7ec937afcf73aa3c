/**
 * A private build of the CLI for tests that run it as users do (`node bin/run.js ...`).
 * Built into a temporary package (package.json, bin/, schema/, local/, prices/, dist/, an oclif manifest, a
 * node_modules symlink), so that other tests running `npm run build` (which empties the shared
 * dist/) cannot break it. Keyed by a hash of the sources: test files and reruns share one build.
 */
import {type ChildProcess, spawn, spawnSync, type SpawnSyncReturns} from 'node:child_process'
import {createHash} from 'node:crypto'
import {cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export const repoRoot = new URL('../../', import.meta.url).pathname

let built: string | undefined

function sourceHash(): string {
  // The checkout is part of the key: a build links its node_modules, so one made from another
  // checkout with the same sources (a removed worktree, an older clone) must not be reused.
  const hash = createHash('sha256').update(repoRoot)
  const files = ['package.json', 'scripts/bundle.mjs', ...['bin', 'schema', 'src', 'local', 'prices'].flatMap((d) => readdirSync(join(repoRoot, d), {recursive: true, encoding: 'utf8'}).map((f) => join(d, f)))].sort()
  for (const file of files) {
    const path = join(repoRoot, file)
    try {
      hash.update(file).update(readFileSync(path))
    } catch {
      // a directory
    }
  }
  return hash.digest('hex').slice(0, 16)
}

function isUsableBuild(dir: string): boolean {
  return existsSync(join(dir, 'oclif.manifest.json')) && existsSync(join(dir, 'node_modules', '@oclif', 'core', 'package.json'))
}

/** Build once per source version; returns the package directory. */
export function buildCli(): string {
  if (built) return built
  const target = join(tmpdir(), `platform-cli-build-${sourceHash()}`)
  if (!isUsableBuild(target)) {
    const dir = mkdtempSync(join(tmpdir(), 'platform-cli-building-'))
    for (const entry of ['package.json', 'bin', 'schema', 'local', 'prices']) cpSync(join(repoRoot, entry), join(dir, entry), {recursive: true})
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir')
    // As `npm run build` does (esbuild, which does not type-check: `npm run typecheck` does).
    spawnSync(process.execPath, [join(repoRoot, 'scripts/bundle.mjs'), join(dir, 'dist')], {cwd: repoRoot, stdio: 'inherit'})
    if (!existsSync(join(dir, 'dist/commands/validate.js'))) throw new Error(`the CLI did not build into ${dir}`)
    // As `npm pack` does: without a manifest oclif imports every command (and the AWS SDK) on each run.
    spawnSync(process.execPath, [join(repoRoot, 'node_modules/oclif/bin/run.js'), 'manifest'], {cwd: dir, stdio: 'ignore'})
    if (!existsSync(join(dir, 'oclif.manifest.json'))) throw new Error(`oclif manifest failed in ${dir}`)
    // A build whose node_modules link is dangling (its checkout was removed) is replaced.
    if (existsSync(target) && !isUsableBuild(target)) rmSync(target, {recursive: true, force: true})
    try {
      renameSync(dir, target)
    } catch {
      // Another test file finished the same build first: use that one.
      rmSync(dir, {recursive: true, force: true})
    }
  }
  built = target
  return target
}

/** The private build's bin/run.js, to spawn with node. */
export function builtCliBin(): string {
  return join(buildCli(), 'bin/run.js')
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

/** What a CLI run printed; with --json, stdout's JSON lines parsed, and the final result or error line. */
export interface JsonRun {
  code: number | null
  stdout: string
  stderr: string
  lines: Array<Record<string, any>>
  result?: Record<string, any>
  error?: Record<string, any>
}

/**
 * Run the built CLI without blocking the test's event loop (needed when the test itself serves
 * requests, or runs two CLIs at once). Lines of stdout that are JSON objects are parsed: deploy
 * --json prints one per line, other --json commands one pretty-printed object (parse `stdout`).
 */
export function spawnCli(args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv; started?: (child: ChildProcess) => void} = {}): Promise<JsonRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(buildCli(), 'bin/run.js'), ...args], {
      cwd: options.cwd ?? repoRoot,
      env: {...process.env, NO_COLOR: '1', CI: '1', ...options.env},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    // A test that kills the run midway (kill -9) needs the process.
    options.started?.(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c) => (stdout += c))
    child.stderr.on('data', (c) => (stderr += c))
    child.on('error', fail)
    child.on('close', (code) => {
      const lines = stdout.split('\n').flatMap((l) => {
        try {
          const parsed = JSON.parse(l) as unknown
          return parsed && typeof parsed === 'object' ? [parsed as Record<string, any>] : []
        } catch {
          return []
        }
      })
      done({code, stdout, stderr, lines, result: lines.find((l) => l.type === 'result'), error: lines.find((l) => l.type === 'error')})
    })
  })
}

/**
 * The root platform.yaml without the web service's `assets`, in a temp dir. For tests that deploy the
 * example with made-up `--image` URIs: a release copies assets out of the images it deploys, and those
 * images exist in no registry.
 */
export function rootConfigWithoutAssets(): string {
  const text = readFileSync(join(repoRoot, 'platform.yaml'), 'utf8')
  const changed = text.replace(/^ *assets: \[.*\]\n/m, '')
  if (changed === text) throw new Error('the root platform.yaml no longer declares assets on one line')
  const file = join(mkdtempSync(join(tmpdir(), 'platform-noassets-')), 'platform.yaml')
  writeFileSync(file, changed)
  return file
}
