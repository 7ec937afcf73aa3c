/**
 * What the release e2e tests share: a private local AWS with the registry, a private buildah store
 * (vfs), and a project folder in a git repository of its own (image tags come from its commits),
 * run by the BUILT CLI. By default the project is a copy of the example application and the root
 * platform.yaml; `init` leaves the folder empty for a test that starts with `platform init`.
 *
 *   const release = await startReleaseProject({secrets: ['staging']})   // in beforeAll
 *   const run = await release.cli(['deploy', 'staging', '--yes', '--json'])
 *   afterAll(() => release.stop())
 */
import {type ChildProcess, execFileSync} from 'node:child_process'
import {cpSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli, type JsonRun, repoRoot, spawnCli} from './built-cli.js'
import {putExampleSecrets} from './e2e-setup.js'
import {type LocalAws, startLocalAws} from './local-aws.js'

export interface ReleaseProject {
  local: LocalAws
  /** The project folder (platform.yaml, examples/). */
  dir: string
  /**
   * The built CLI in `dir`, against this local AWS, its registry and the private buildah store;
   * `env` adds to its environment, `started` gets the process (to kill it midway).
   */
  cli(args: string[], options?: {env?: Record<string, string>; started?: (child: ChildProcess) => void}): Promise<JsonRun>
  /** git in `dir`, as a fixed author; returns stdout trimmed. */
  git(...args: string[]): string
  /** Put the example's secrets for an environment in SSM (`/bookmark-manager/<env>/...`). */
  putSecrets(env: string): Promise<void>
  stop(): Promise<void>
}

export async function startReleaseProject(options: {init?: boolean; secrets?: string[]} = {}): Promise<ReleaseProject> {
  buildCli()
  const local = await startLocalAws({registry: true})
  const lockDir = mkdtempSync(join(tmpdir(), 'platform-locks-'))
  const storage = mkdtempSync(join(tmpdir(), 'platform-e2e-storage-'))
  writeFileSync(join(storage, 'storage.conf'), `[storage]\ndriver = "vfs"\ngraphroot = "${join(storage, 'root')}"\nrunroot = "${join(storage, 'run')}"\n`)
  const dir = mkdtempSync(join(tmpdir(), 'platform-e2e-app-'))
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', ...args], {cwd: dir, encoding: 'utf8'}).trim()
  const project: ReleaseProject = {
    local,
    dir,
    git,
    cli: (args, options = {}) =>
      spawnCli(args, {
        cwd: dir,
        env: {...local.env, PLATFORM_REGISTRY: local.registry!.host, CONTAINERS_STORAGE_CONF: join(storage, 'storage.conf'), PLATFORM_LOCK_DIR: lockDir, ...options.env},
        started: options.started,
      }),
    putSecrets: (env) => putExampleSecrets(local, env),
    async stop() {
      await local.stop()
      for (const path of [dir, storage, lockDir]) rmSync(path, {recursive: true, force: true})
    },
  }
  git('init', '-q')
  if (!options.init) {
    cpSync(join(repoRoot, 'examples'), join(dir, 'examples'), {recursive: true})
    cpSync(join(repoRoot, 'platform.yaml'), join(dir, 'platform.yaml'))
    git('add', '.')
    git('commit', '-qm', 'example app')
  }
  for (const env of options.secrets ?? []) await project.putSecrets(env)
  return project
}
