import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {ConfigError, PlatformError} from '../../src/lib/errors.js'
import {getEnvironment, loadConfig, parseConfig} from '../../src/lib/config/load.js'
import {manyServicesYaml} from '../../scripts/gen-many-services.js'

const root = new URL('../../', import.meta.url).pathname
const fixture = (name: string) => join(root, 'test/fixtures/valid', name)

describe('the root platform.yaml', () => {
  it('is valid and holds the design for prod', async () => {
    const config = await loadConfig(join(root, 'platform.yaml'))
    expect(config.project).toBe('bookmark-manager')
    expect(config.region).toBe('ap-northeast-1')
    const prod = getEnvironment(config, 'prod')
    expect(prod.network).toMatchObject({cidr: '10.0.0.0/16', availabilityZones: 2, natGateways: 1, vpcEndpoints: ['s3', 'ecr', 'logs'], publicSubnets: ['10.0.1.0/24', '10.0.2.0/24'], privateSubnets: ['10.0.11.0/24', '10.0.12.0/24']})
    expect(prod.services.web).toMatchObject({port: 3000, path: '/', cpu: 512, memory: 1024, desiredCount: 2, autoscaling: {min: 2, max: 10, cpuTarget: 70}, stickiness: {enabled: true}})
    expect(prod.services.web.assets).toEqual([{path: '/app/.next/static', prefix: '/_next/static'}])
    expect(prod.services.api.assets).toEqual([])
    expect(prod.services.web.deployment).toEqual({strategy: 'rolling', bakeMinutes: 5, minimumHealthyPercent: 100, maximumPercent: 200, deregistrationDelaySeconds: 30, circuitBreaker: true})
    expect(prod.services.api).toMatchObject({port: 3001, path: '/api/*', cpu: 512, memory: 1024, desiredCount: 2})
    expect(prod.services.api.healthCheck).toEqual({path: '/api/health', healthyThreshold: 2, unhealthyThreshold: 3, timeoutSeconds: 5, intervalSeconds: 30, matcher: '200'})
    expect(prod.database).toMatchObject({engine: 'aurora-postgresql', version: '17.9', name: 'bookmarkdb', masterUsername: 'dbadmin', minCapacity: 0.5, maxCapacity: 16, instances: 2, backupRetentionDays: 7, deletionProtection: true})
    expect(prod.secrets).toEqual(['DATABASE_URL', 'MONGODB_URI', 'JWT_SECRET', 'DATADOG_API_KEY', 'DATADOG_APP_KEY', 'SENTRY_DSN'])
    expect(prod.monitoring).toMatchObject({logRetentionDays: 30, alarmEmail: 'ops@example.com', alarms: {cpu: 80, memory: 80, http5xxPercent: 5}})
    expect(prod.waf.managedRules).toEqual(['common', 'sqli', 'known-bad-inputs'])
    expect(prod.protect).toBe(true)
    expect(prod.alb.deletionProtection).toBe(true)
  })

  it('has a small, unprotected staging built from the shared defaults', async () => {
    const staging = getEnvironment(await loadConfig(join(root, 'platform.yaml')), 'staging')
    expect(staging.services.web).toMatchObject({cpu: 256, memory: 512, desiredCount: 1, build: {dockerfile: 'examples/app/web/Containerfile'}})
    expect(staging.services.web.autoscaling).toBeUndefined()
    expect(staging.database).toMatchObject({minCapacity: 0.5, maxCapacity: 2, instances: 1, deletionProtection: false})
    expect(staging.protect).toBe(false)
    expect(staging.alb.deletionProtection).toBe(false)
    expect(staging.domain).toBeUndefined()
    expect(staging.region).toBe('ap-northeast-1')
  })
})

describe('parseConfig', () => {
  it('accepts every valid fixture and fills every default', async () => {
    for (const name of ['minimal.yaml', 'staging-prod.yaml', 'many-services.yaml']) {
      const result = await parseConfig(readFileSync(fixture(name), 'utf8'), name)
      expect(result.issues, name).toEqual([])
      for (const env of Object.values(result.config!.environments)) {
        expect(env.network.cidr).toMatch(/^10\.\d+\.0\.0\/16$/)
        for (const service of Object.values(env.services)) {
          expect(service.healthCheck.path).toMatch(/^\//)
          expect(typeof service.memory).toBe('number')
          expect(service.stickiness).toBeDefined()
        }
      }
    }
  })

  it('derives memory from cpu, desiredCount from autoscaling.min and the dockerfile from the context', async () => {
    const {config} = await parseConfig(readFileSync(fixture('staging-prod.yaml'), 'utf8'), 'x.yaml')
    const prod = config!.environments.prod
    expect(prod.services.api.cpu).toBe(512)
    expect(prod.services.web.desiredCount).toBe(2)
    expect(prod.services.web.build?.dockerfile).toBe('apps/web/Dockerfile')
    expect(config!.environments.staging.services.api.memory).toBe(1024)
  })

  it('the committed many-services fixture is what the generator writes, with 60 services', async () => {
    expect(readFileSync(fixture('many-services.yaml'), 'utf8')).toBe(manyServicesYaml())
    const {config} = await parseConfig(manyServicesYaml(), 'many.yaml')
    expect(Object.keys(config!.environments.prod.services)).toHaveLength(60)
  })

  it('points an error inherited from defaults at the line in defaults and names the environments', async () => {
    const text = ['version: 1', 'project: p', 'region: us-east-1', 'defaults:', '  services:', '    web:', '      image: nginx', '      port: 80', '      cpu: 512', '      memory: 512', 'environments:', '  a: {}', '  b: {}', ''].join('\n')
    const {issues} = await parseConfig(text, 'p.yaml')
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({line: 10, column: 15, path: 'defaults.services.web.memory'})
    expect(issues[0].message).toContain('(environments a, b)')
    expect(issues[0].hint).toContain('1024')
  })

  it('lets an environment remove an inherited value with null', async () => {
    const text = 'version: 1\nproject: p\nregion: us-east-1\ndefaults:\n  domain: example.com\n  services: {web: {image: nginx, port: 80}}\nenvironments:\n  dev: {domain: null}\n  prod: {}\n'
    const {config, issues} = await parseConfig(text, 'p.yaml')
    expect(issues).toEqual([])
    expect(config!.environments.dev.domain).toBeUndefined()
    expect(config!.environments.prod.domain).toBe('example.com')
  })

  it('finds aliases by the anchors before them, as yaml resolves them, and reports complex keys only when every alias resolves', async () => {
    const head = 'version: 1\nproject: p\nregion: us-east-1\n'
    const env = (services: string) => `${head}environments:\n  prod:\n    services:\n${services}`
    // An anchor defined after its alias does not count; a later anchor of the same name does not hide the first.
    const late = await parseConfig(env('      web: *svc\n      api: &svc {image: nginx, port: 80}\n'), 'p.yaml')
    expect(late.issues.map((i) => [i.line, i.column, i.message])).toEqual([[7, 12, 'YAML syntax: alias *svc has no anchor &svc before it']])
    // A later anchor of the same name, anchors in flow mappings and on scalars: nothing to report.
    const reused = await parseConfig(`x-a: &v {port: 80}\nx-b: *v\nx-c: &v {image: &img nginx, port: &port 81}\n${env('      web: {<<: *v, image: *img, path: /, healthCheck: /}\n      api: {image: *img, port: 82, path: /api/*}\n')}`, 'p.yaml')
    expect(reused.issues).toEqual([])
    expect(reused.config!.environments.prod.services.web).toMatchObject({image: 'nginx', port: 81})
    // A complex key is reported when the aliases are fine, and not besides an alias error.
    const complex = env('      ? [web, api]\n      : {image: nginx, port: 80}\n')
    expect((await parseConfig(complex, 'p.yaml')).issues.map((i) => [i.line, i.column, i.message])).toEqual([[7, 9, 'YAML syntax: a key must be a plain name, not a list or mapping']])
    const both = await parseConfig(`${complex}      admin: *nowhere\n`, 'p.yaml')
    expect(both.issues.map((i) => i.message)).toEqual(['YAML syntax: alias *nowhere has no anchor &nowhere before it'])
  })
})

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'platform-load-'))

  it('a missing file is exit 3 and suggests platform init', async () => {
    const error = await loadConfig(join(dir, 'nope.yaml')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PlatformError)
    expect((error as PlatformError).exitCode).toBe(3)
    expect((error as PlatformError).suggestions?.join(' ')).toContain('platform init')
  })

  it('an invalid file is a ConfigError carrying every issue', async () => {
    const file = join(dir, 'bad.yaml')
    writeFileSync(file, 'version: 2\nproject: Pp\nregion: mars-1\nenvironments: {}\n')
    const error = await loadConfig(file).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).exitCode).toBe(3)
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(['version', 'project', 'region', 'environments'])
  })

  it('a file over the size limit is rejected without being parsed', async () => {
    const file = join(dir, 'huge.yaml')
    writeFileSync(file, `# ${'x'.repeat(5 * 1024 * 1024)}\n`)
    const started = performance.now()
    const error = (await loadConfig(file).catch((e: unknown) => e)) as ConfigError
    expect(performance.now() - started).toBeLessThan(200)
    expect(error.issues[0].message).toContain('at most 1.0 MB')
  })
})

describe('getEnvironment', () => {
  it('an unknown name is exit 3 listing the environments and the nearest one', async () => {
    const config = await loadConfig(join(root, 'platform.yaml'))
    const error = (() => {
      try {
        getEnvironment(config, 'prd')
      } catch (e) {
        return e as PlatformError
      }
    })()
    expect(error?.exitCode).toBe(3)
    expect(error?.suggestions).toEqual(['Did you mean "prod"?', 'Environments: prod, staging.'])
  })
})

describe('docs/platform-yaml.md', () => {
  it('is generated from the schema (run `npm run docs`)', async () => {
    const {generateSchemaDocs, DOCS_PATH} = await import('../../scripts/gen-schema-docs.js')
    expect(readFileSync(DOCS_PATH, 'utf8')).toBe(generateSchemaDocs())
  })
})

describe('resolved environments', () => {
  it('carry every field the hand-built prod environment of the renderer tests has, from a minimal file', async () => {
    const {prodEnv} = await import('../helpers/env.js')
    const {config} = await parseConfig(readFileSync(fixture('minimal.yaml'), 'utf8'), 'minimal.yaml')
    const resolved = config!.environments.dev as unknown as Record<string, unknown>
    const reference = prodEnv() as unknown as Record<string, unknown>
    // Optional in the contract: absent unless the file sets them.
    const optional = new Set(['domain', 'account', 'database', 'alarmEmail', 'githubRepository', 'zoneId', 'projectId', 'autoscaling', 'build', 'image', 'priority', 'publicSubnets', 'privateSubnets'])
    const missing: string[] = []
    const compare = (want: Record<string, unknown>, got: Record<string, unknown>, path: string) => {
      for (const [key, value] of Object.entries(want)) {
        if (optional.has(key)) continue
        if (got[key] === undefined) missing.push(`${path}${key}`)
        else if (value && typeof value === 'object' && !Array.isArray(value) && key !== 'services' && key !== 'usage' && key !== 'tags' && key !== 'environment' && key !== 'args') compare(value as Record<string, unknown>, got[key] as Record<string, unknown>, `${path}${key}.`)
      }
    }
    compare(reference, resolved, '')
    const services = reference.services as Record<string, Record<string, unknown>>
    compare(services.web, (resolved.services as Record<string, Record<string, unknown>>).app, 'services.app.')
    expect(missing).toEqual([])
  })
})

describe('healthCheck shorthand', () => {
  it('merges with an object override from an environment', async () => {
    const text = 'version: 1\nproject: p\nregion: us-east-1\ndefaults:\n  services: {web: {image: nginx, port: 80, healthCheck: /health}}\nenvironments:\n  prod:\n    services: {web: {healthCheck: {intervalSeconds: 20}}}\n  dev: {}\n'
    const {config, issues} = await parseConfig(text, 'p.yaml')
    expect(issues).toEqual([])
    expect(config!.environments.prod.services.web.healthCheck).toMatchObject({path: '/health', intervalSeconds: 20, timeoutSeconds: 5})
    expect(config!.environments.dev.services.web.healthCheck).toMatchObject({path: '/health', intervalSeconds: 10})
  })
})

describe('--region (LoadOptions.region)', () => {
  const text = readFileSync(join(root, 'platform.yaml'), 'utf8')

  it('replaces every environment\'s region', async () => {
    const {config, issues} = await parseConfig(text, 'platform.yaml', {region: 'eu-west-1'})
    expect(issues).toEqual([])
    expect(config!.region).toBe('eu-west-1')
    expect(Object.values(config!.environments).map((e) => e.region)).toEqual(Object.keys(config!.environments).map(() => 'eu-west-1'))
  })

  it('gets the check the same value gets in platform.yaml, reported as the flag\'s', async () => {
    const inFile = (await parseConfig(text.replace(/^region: .*$/m, 'region: tokyo'), 'platform.yaml')).issues
    const fromFlag = (await parseConfig(text, 'platform.yaml', {region: 'tokyo'})).issues
    expect(inFile.length).toBeGreaterThan(0)
    expect(fromFlag.map((i) => i.message)).toEqual(inFile.map((i) => `--region tokyo: ${i.message}`))
  })

  it('runs the checks that depend on the region (availability zones) with the flag\'s region', async () => {
    const threeAzs = 'version: 1\nproject: app\nregion: ap-northeast-1\nenvironments:\n  prod:\n    network:\n      availabilityZones: 3\n    services:\n      web: {port: 3000, image: public.ecr.aws/nginx/nginx:1.27}\n'
    expect((await parseConfig(threeAzs, 'platform.yaml')).issues).toEqual([])
    const {issues} = await parseConfig(threeAzs, 'platform.yaml', {region: 'us-west-1'})
    expect(issues.map((i) => i.message)).toContainEqual('us-west-1 offers 2 availability zones, not 3')
  })

  it('makes loadConfig fail with exit 3, as the file would', async () => {
    const error = await loadConfig(join(root, 'platform.yaml'), {region: 'mars-north-1'}).catch((e) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.exitCode).toBe(3)
    expect(error.message).toMatch(/--region mars-north-1: /)
  })
})
