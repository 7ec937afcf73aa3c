/**
 * Releases end to end: the BUILT CLI against the local AWS (patched moto), buildah (vfs, chroot)
 * and the registry standing in for ECR, on a copy of the example application in its own git
 * repository (tags come from its commits).
 */
import {execFile, execFileSync} from 'node:child_process'
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {CreateRepositoryCommand, ECRClient} from '@aws-sdk/client-ecr'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {buildPrivateCli, repoRoot} from '../deploy/built-cli.js'
import {type JsonRun, spawnCli} from '../helpers/built-cli.js'
import {type LocalAws, startLocalAws} from '../helpers/local-aws.js'

const execFileAsync = promisify(execFile)
const TOKYO = 'ap-northeast-1'

let local: LocalAws
let project: string
let storage: string

/** The built CLI in the project dir, against this local AWS and its registry, with a private buildah store. */
function cli(args: string[]): Promise<JsonRun> {
  return spawnCli(args, {cwd: project, env: {...local.env, PLATFORM_REGISTRY: local.registry!.host, CONTAINERS_STORAGE_CONF: join(storage, 'storage.conf')}})
}

const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', ...args], {cwd: project, encoding: 'utf8'}).trim()

async function registryDigest(reference: string): Promise<string> {
  const {username, password} = local.registry!
  const {stdout} = await execFileAsync('skopeo', ['inspect', '--raw', '--tls-verify=false', '--creds', `${username}:${password}`, `docker://${reference}`])
  const {createHash} = await import('node:crypto')
  return `sha256:${createHash('sha256').update(stdout).digest('hex')}`
}

beforeAll(async () => {
  await buildPrivateCli()
  local = await startLocalAws({registry: true})
  storage = mkdtempSync(join(tmpdir(), 'platform-e2e-storage-'))
  writeFileSync(join(storage, 'storage.conf'), `[storage]\ndriver = "vfs"\ngraphroot = "${join(storage, 'root')}"\nrunroot = "${join(storage, 'run')}"\n`)
  // The example application and the root platform.yaml, in a repository of their own.
  project = mkdtempSync(join(tmpdir(), 'platform-e2e-app-'))
  cpSync(join(repoRoot, 'examples'), join(project, 'examples'), {recursive: true})
  cpSync(join(repoRoot, 'platform.yaml'), join(project, 'platform.yaml'))
  git('init', '-q')
  git('add', '.')
  git('commit', '-qm', 'example app')
}, 180_000)

afterAll(async () => {
  await local?.stop()
  for (const dir of [project, storage]) if (dir) rmSync(dir, {recursive: true, force: true})
})

describe('platform build (built CLI, buildah, local registry)', () => {
  it('builds and pushes every service, tagged with its commit, and prints digests the registry serves', async () => {
    // GIVEN the repositories exist (the registry stack makes them on a real deploy)
    const ecr = new ECRClient({region: TOKYO, endpoint: local.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}})
    for (const service of ['web', 'api']) await ecr.send(new CreateRepositoryCommand({repositoryName: `bookmark-manager/prod/${service}`, imageTagMutability: 'IMMUTABLE'}))
    // WHEN building
    const run = await cli(['build', 'prod', '--json'])
    // THEN both are built, pushed and pinned by the digest the registry holds
    expect(run.code, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout)
    const commit = git('rev-parse', 'HEAD').slice(0, 12)
    expect(result.pushes).toBe(2)
    for (const image of result.images) {
      expect(image).toMatchObject({action: 'built', tag: commit, dirty: false})
      expect(image.uri).toBe(`${local.registry!.host}/bookmark-manager/prod/${image.service}@${image.digest}`)
      expect(await registryDigest(`${local.registry!.host}/${image.repository}:${commit}`)).toBe(image.digest)
    }
  }, 120_000)

  it('one service by name, with a dirty tree: only that one, tagged commit-dirty-hash', async () => {
    writeFileSync(join(project, 'examples/app/api/public/health.json'), '{"status": "ok", "version": 2}\n')
    const run = await cli(['build', 'prod', 'api'])
    expect(run.code, run.stderr).toBe(0)
    const commit = git('rev-parse', 'HEAD').slice(0, 12)
    expect(run.stdout.trim()).toMatch(new RegExp(`^api=${local.registry!.host.replace(/\./g, '\\.')}/bookmark-manager/prod/api@sha256:[0-9a-f]{64}$`))
    expect(run.stderr).toMatch(new RegExp(`api:${commit}-dirty-[0-9a-f]{12} pushed`))
    git('checkout', '--', '.')
  }, 120_000)

  it('refuses the tag latest with a clear error (exit 2), building nothing', async () => {
    const run = await cli(['build', 'prod', '--tag', 'latest'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('The image tag "latest" is refused')
  }, 60_000)

  it('names an unknown service', async () => {
    const run = await cli(['build', 'prod', 'worker'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('No service "worker" in prod.')
  }, 60_000)

  it('shows a failing build in full and exits 5', async () => {
    const file = join(project, 'examples/app/web/Containerfile')
    const original = readFileSync(file, 'utf8')
    writeFileSync(file, `${original}COPY missing-file.js /app/\n`)
    try {
      const run = await cli(['build', 'prod', 'web', '--tag', 'broken-1'])
      expect(run.code).toBe(5)
      expect(run.stderr).toContain('Build of web failed:')
      expect(run.stderr).toContain('missing-file.js')
    } finally {
      writeFileSync(file, original)
    }
  }, 120_000)
})
