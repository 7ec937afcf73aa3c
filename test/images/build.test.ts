/** Image planning and pushing with a fake ECR and a fake builder (the real ones run in test/e2e/release.test.ts). */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {loadConfig} from '../../src/lib/config/load.js'
import type {ResolvedEnvironment} from '../../src/lib/config/types.js'
import {BUILD_CONCURRENCY, type ImageEvent, planImages, pushImages} from '../../src/lib/images/build.js'
import {type Builder, createBuilder, isLoopbackRegistry, type RunCommand} from '../../src/lib/images/builder.js'
import type {EcrApi} from '../../src/lib/images/ecr.js'

let dir: string
let env: ResolvedEnvironment
const SERVICES = ['a', 'b', 'c', 'd', 'e']
const digest = (n: number) => `sha256:${String(n).repeat(64)}`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'build-test-'))
  const services = SERVICES.map((s, i) => `  ${s}: {build: {context: ${s}, dockerfile: ${s}/Containerfile}, port: ${3000 + i}, path: ${i === 0 ? '/' : `/${s}/*`}}`).join('\n')
  writeFileSync(join(dir, 'platform.yaml'), `version: 1\nproject: shop\nregion: ap-northeast-1\ndefaults:\n  services:\n${services.replace(/^ {2}/gm, '    ')}\nenvironments:\n  prod: {}\n`)
  for (const s of SERVICES) {
    mkdirSync(join(dir, s))
    writeFileSync(join(dir, s, 'Containerfile'), 'FROM scratch\n')
  }
  env = (await loadConfig(join(dir, 'platform.yaml'))).environments.prod
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function fakeEcr(existing: Record<string, string>, missingRepositories: string[] = []): EcrApi {
  return {
    login: async () => ({host: '123456789012.dkr.ecr.ap-northeast-1.amazonaws.com', username: 'AWS', password: 'secret'}),
    findImage: async (repository) => (missingRepositories.includes(repository) ? 'no-repository' : existing[repository] ? {digest: existing[repository]} : undefined),
  }
}

function fakeBuilder(failing?: string) {
  let running = 0
  let peak = 0
  const built: string[] = []
  const builder: Builder = {
    name: 'buildah',
    async build(spec) {
      running++
      peak = Math.max(peak, running)
      await new Promise((r) => setTimeout(r, 5))
      running--
      built.push(spec.ref)
      return spec.ref.includes(`/${failing}:`) ? {code: 1, output: 'STEP 1/2: FROM scratch\nError: COPY failed: no such file app.js\n'} : {code: 0, output: 'ok'}
    },
    async push(ref) {
      return {code: 0, output: '', digest: digest(SERVICES.indexOf(ref.split('/').at(-1)!.split(':')[0]) + 1)}
    },
  }
  return {builder, built, peak: () => peak}
}

describe('planImages / pushImages', () => {
  it('builds only tags ECR does not hold, at most BUILD_CONCURRENCY at once, and pins every image by digest', async () => {
    const ecr = fakeEcr({'shop/prod/a': digest(9)})
    const plan = await planImages({env, configDir: dir, services: SERVICES, ecr})
    expect(plan.images.map((i) => i.action)).toEqual(['existing', 'pending', 'pending', 'pending', 'pending'])
    const fake = fakeBuilder()
    const events: ImageEvent[] = []
    const images = await pushImages({plan, env, configDir: dir, builder: async () => fake.builder, login: ecr.login, emit: (e) => events.push(e)})
    expect(fake.built).toHaveLength(4)
    expect(fake.peak()).toBeLessThanOrEqual(BUILD_CONCURRENCY)
    expect(images[0]).toMatchObject({service: 'a', action: 'existing', uri: `123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/shop/prod/a@${digest(9)}`})
    expect(images[1]).toMatchObject({service: 'b', action: 'built', uri: `123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/shop/prod/b@${digest(2)}`})
    expect(events.filter((e) => e.phase === 'pushed')).toHaveLength(4)
  })

  it('nothing new: no builder is even looked for', async () => {
    const ecr = fakeEcr(Object.fromEntries(SERVICES.map((s, i) => [`shop/prod/${s}`, digest(i + 1)])))
    const plan = await planImages({env, configDir: dir, services: SERVICES, ecr})
    const images = await pushImages({plan, env, configDir: dir, builder: () => Promise.reject(new Error('no builder needed')), login: ecr.login})
    expect(images.every((i) => i.action === 'existing')).toBe(true)
  })

  it('a failed build fails with its whole output', async () => {
    const ecr = fakeEcr({})
    const plan = await planImages({env, configDir: dir, services: ['c'], ecr})
    await expect(pushImages({plan, env, configDir: dir, builder: async () => fakeBuilder('c').builder, login: ecr.login})).rejects.toThrow(/Build of c failed:\nSTEP 1\/2: FROM scratch\nError: COPY failed: no such file app.js/)
  })

  it('pushes to PLATFORM_REGISTRY when set, and says to deploy the registry stack when a repository is missing', async () => {
    const ecr = fakeEcr({})
    const plan = await planImages({env, configDir: dir, services: ['b'], ecr})
    const images = await pushImages({plan, env, configDir: dir, builder: async () => fakeBuilder().builder, login: ecr.login, registryHost: '127.0.0.1:5000'})
    expect(images[0].uri).toBe(`127.0.0.1:5000/shop/prod/b@${digest(2)}`)
    const missing = await planImages({env, configDir: dir, services: ['b'], ecr: fakeEcr({}, ['shop/prod/b'])})
    await expect(pushImages({plan: missing, env, configDir: dir, builder: async () => fakeBuilder().builder, login: ecr.login})).rejects.toMatchObject({
      code: 'NO_REPOSITORY',
      suggestions: ['Deploy the registry stack first: platform deploy prod --stack registry'],
    })
  })

  it('--tag latest is refused before anything is looked up', async () => {
    await expect(planImages({env, configDir: dir, services: ['a'], tag: 'latest', ecr: fakeEcr({})})).rejects.toThrow('"latest" is refused')
  })
})

describe('createBuilder', () => {
  it('buildah: chroot isolation, vfs storage unless STORAGE_DRIVER is set, no TLS only for a loopback registry', async () => {
    const calls: string[][] = []
    const run: RunCommand = async (program, args) => {
      calls.push([program, ...args])
      return {code: 0, output: ''}
    }
    const builder = createBuilder('buildah', run, {})
    await builder.build({contextDir: '/src/web', dockerfile: '/src/web/Containerfile', ref: 'r/web:t', args: {B: '2', A: '1'}})
    expect(calls[0]).toEqual(['buildah', '--storage-driver', 'vfs', 'build', '--isolation', 'chroot', '--format', 'docker', '-f', '/src/web/Containerfile', '-t', 'r/web:t', '--build-arg', 'A=1', '--build-arg', 'B=2', '/src/web'])
    await builder.push('127.0.0.1:5000/web:t', {host: '127.0.0.1:5000', username: 'AWS', password: 'p'})
    expect(calls[1]).toContain('--tls-verify=false')
    await builder.push('1.dkr.ecr.ap-northeast-1.amazonaws.com/web:t', {host: '1.dkr.ecr.ap-northeast-1.amazonaws.com', username: 'AWS', password: 'p'})
    expect(calls[2]).not.toContain('--tls-verify=false')
    await createBuilder('buildah', run, {STORAGE_DRIVER: 'overlay'}).build({contextDir: '.', dockerfile: 'f', ref: 'r', args: {}})
    expect(calls[3]).not.toContain('vfs')
    expect([isLoopbackRegistry('localhost:5000'), isLoopbackRegistry('127.0.0.1:5000'), isLoopbackRegistry('registry.example.com')]).toEqual([true, true, false])
  })
})
