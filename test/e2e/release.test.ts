/**
 * Releases end to end: the BUILT CLI against the local AWS (patched moto), buildah (vfs, chroot)
 * and the registry standing in for ECR, on a copy of the example application in its own git
 * repository (tags come from its commits).
 */
import {execFile} from 'node:child_process'
import {createHash} from 'node:crypto'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {CreateRepositoryCommand, ECRClient} from '@aws-sdk/client-ecr'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type ReleaseProject, startReleaseProject} from '../helpers/release-project.js'

const execFileAsync = promisify(execFile)

let app: ReleaseProject
let project: string
const cli = (args: string[]) => app.cli(args)
const git = (...args: string[]) => app.git(...args)

async function registryDigest(reference: string): Promise<string> {
  const {username, password} = app.local.registry!
  const {stdout} = await execFileAsync('skopeo', ['inspect', '--raw', '--tls-verify=false', '--creds', `${username}:${password}`, `docker://${reference}`])
  return `sha256:${createHash('sha256').update(stdout).digest('hex')}`
}

beforeAll(async () => {
  app = await startReleaseProject()
  project = app.dir
}, 180_000)

afterAll(async () => {
  await app?.stop()
})

describe('platform build (built CLI, buildah, local registry)', () => {
  it('builds and pushes every service, tagged with its commit, and prints digests the registry serves', async () => {
    // GIVEN the repositories exist (the registry stack makes them on a real deploy)
    const ecr = new ECRClient(app.local.sdkConfig)
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
      expect(image.uri).toBe(`${app.local.registry!.host}/bookmark-manager/prod/${image.service}@${image.digest}`)
      expect(await registryDigest(`${app.local.registry!.host}/${image.repository}:${commit}`)).toBe(image.digest)
    }
  }, 120_000)

  it('one service by name, with a dirty tree: only that one, tagged commit-dirty-hash', async () => {
    writeFileSync(join(project, 'examples/app/api/public/health.json'), '{"status": "ok", "version": 2}\n')
    const run = await cli(['build', 'prod', 'api'])
    expect(run.code, run.stderr).toBe(0)
    const commit = git('rev-parse', 'HEAD').slice(0, 12)
    expect(run.stdout.trim()).toMatch(new RegExp(`^api=${app.local.registry!.host.replace(/\./g, '\\.')}/bookmark-manager/prod/api@sha256:[0-9a-f]{64}$`))
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
