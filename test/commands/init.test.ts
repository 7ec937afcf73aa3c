import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import {parseConfig} from '../../src/lib/config/load.js'
import {NonInteractiveError, PlatformError} from '../../src/lib/errors.js'
import {DESIGN_ANSWERS, REGION_TIMEZONES, knownRegions} from '../../src/lib/init/answers.js'
import {initPlatformYaml, schemaReference} from '../../src/lib/init/init.js'
import {setPromptImplementation, type PromptImplementation} from '../../src/lib/ui/prompt.js'
import {buildCli, repoRoot, runCli} from '../helpers/built-cli.js'

const emptyDir = () => mkdtempSync(join(tmpdir(), 'platform-init-'))

/** Answers prompts from a script, recording the questions and their defaults. */
function scriptedPrompts(answers: Record<string, unknown>): {asked: Array<{message: string; default?: unknown}>; impl: PromptImplementation} {
  const asked: Array<{message: string; default?: unknown}> = []
  const answer = (message: string, fallback: unknown) => {
    const key = Object.keys(answers).find((k) => message.includes(k))
    return key === undefined ? fallback : answers[key]
  }
  const impl: PromptImplementation = {
    confirm: async ({message, default: d}) => (asked.push({message, default: d}), answer(message, d) as boolean),
    input: async ({message, default: d, validate}) => {
      asked.push({message, default: d})
      const value = answer(message, d) as string
      expect(validate?.(value) ?? true).toBe(true)
      return value
    },
    select: async ({message, default: d}) => (asked.push({message, default: d}), answer(message, d) as never),
    checkbox: async ({message}) => (asked.push({message}), [] as never[]),
  }
  return {asked, impl}
}

describe('initPlatformYaml (prompts stubbed)', () => {
  afterEach(() => setPromptImplementation(undefined))

  it('offers the design\'s values as defaults, and Enter on every prompt writes the design', async () => {
    const {asked, impl} = scriptedPrompts({})
    setPromptImplementation(impl)
    const dir = emptyDir()
    const result = await initPlatformYaml({dir, yes: false, force: false, given: {}, canPrompt: true})
    expect(asked.map((q) => q.default)).toEqual(['bookmark-manager', 'ap-northeast-1', 'example.com', 'web,api', true, 'ops@example.com'])
    expect(result.answers).toEqual(DESIGN_ANSWERS)
    const text = readFileSync(join(dir, 'platform.yaml'), 'utf8')
    const {config, issues} = await parseConfig(text, 'platform.yaml')
    expect(issues).toEqual([])
    const prod = config!.environments.prod
    expect(prod.services.web).toMatchObject({port: 3000, path: '/', cpu: 512, memory: 1024, desiredCount: 2, autoscaling: {min: 2, max: 10, cpuTarget: 70}})
    expect(prod.services.api).toMatchObject({port: 3001, path: '/api/*'})
    expect(prod.database).toMatchObject({version: '17.9', minCapacity: 0.5, maxCapacity: 16, instances: 2, backupRetentionDays: 7})
    expect(prod.domain).toBe('example.com')
    expect(config!.environments.staging.services.web).toMatchObject({cpu: 256, memory: 512, desiredCount: 1})
  })

  it('uses the answers typed at the prompts and asks only what no flag gave', async () => {
    const {asked, impl} = scriptedPrompts({'Project name': 'shop', 'Custom domain': '', Services: 'web,worker', database: false, 'E-mail for alarms': 'alerts@shop.io'})
    setPromptImplementation(impl)
    const dir = emptyDir()
    const result = await initPlatformYaml({dir, yes: false, force: false, given: {region: 'us-east-1'}, canPrompt: true})
    expect(asked.map((q) => q.message)).not.toContain('AWS region')
    expect(result.answers).toEqual({project: 'shop', region: 'us-east-1', domain: undefined, services: ['web', 'worker'], database: false, alarmEmail: 'alerts@shop.io'})
    const {config} = await parseConfig(readFileSync(result.file, 'utf8'), 'platform.yaml')
    expect(config!.environments.prod.database).toBeUndefined()
    expect(config!.environments.prod.domain).toBeUndefined()
    expect(config!.environments.prod.services.worker).toMatchObject({port: 3002, path: '/worker/*', healthCheck: {path: '/worker/health'}})
    expect(config!.environments.prod.monitoring.alarmEmail).toBe('alerts@shop.io')
    expect(config!.environments.prod.services.web.autoscaling?.schedules?.map((s) => s.timezone)).toEqual(['America/New_York', 'America/New_York'])
    expect(config!.environments.prod.secrets).not.toContain('DATABASE_URL')
  })

  it('without a terminal and without --yes fails naming --yes', async () => {
    const error = await initPlatformYaml({dir: emptyDir(), yes: false, force: false, given: {}, canPrompt: false}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NonInteractiveError)
    expect((error as PlatformError).suggestions?.join(' ')).toContain('--yes')
  })

  it('never overwrites without force', async () => {
    const dir = emptyDir()
    writeFileSync(join(dir, 'platform.yaml'), 'mine\n')
    const error = await initPlatformYaml({dir, yes: true, force: false, given: {}, canPrompt: false}).catch((e: unknown) => e)
    expect((error as PlatformError).message).toContain('already exists')
    expect((error as PlatformError).suggestions).toContain('Pass --force to overwrite it.')
    expect(readFileSync(join(dir, 'platform.yaml'), 'utf8')).toBe('mine\n')
  })

  it('points each service at <service>/Containerfile and writes a FROM scratch starter only where none exists', async () => {
    const dir = emptyDir()
    mkdirSync(join(dir, 'api'))
    writeFileSync(join(dir, 'api/Containerfile'), 'FROM mine\n')
    const result = await initPlatformYaml({dir, yes: true, force: false, given: {}, canPrompt: false})
    expect(result.containerfiles).toEqual(['web/Containerfile'])
    expect(readFileSync(join(dir, 'api/Containerfile'), 'utf8')).toBe('FROM mine\n')
    expect(readFileSync(join(dir, 'web/Containerfile'), 'utf8')).toMatch(/^FROM scratch\nCOPY public\/ \/app\/public\/$/m)
    expect(readFileSync(join(dir, 'web/public/index.html'), 'utf8')).toContain('<!doctype html>')
    const text = readFileSync(result.file, 'utf8')
    expect((await parseConfig(text, result.file)).config).toBeDefined()
    expect(text).toContain('build: {context: web, dockerfile: web/Containerfile}')
    expect(text).toContain('build: {context: api, dockerfile: api/Containerfile}')
  })
})

describe('schemaReference', () => {
  it('is relative inside the CLI\'s own tree', () => {
    expect(schemaReference(repoRoot).value).toBe('./schema/platform.schema.json')
  })

  it('prefers a project-local install, which works on every clone', () => {
    const dir = emptyDir()
    mkdirSync(join(dir, 'node_modules/platform-cli/schema'), {recursive: true})
    writeFileSync(join(dir, 'node_modules/platform-cli/schema/platform.schema.json'), '{}')
    expect(schemaReference(dir).value).toBe('./node_modules/platform-cli/schema/platform.schema.json')
  })

  it('falls back to the published schema of this version, never a path on this machine', () => {
    const {version} = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {version: string}
    expect(schemaReference(emptyDir()).value).toBe(`https://unpkg.com/platform-cli@${version}/schema/platform.schema.json`)
  })
})

describe('REGION_TIMEZONES', () => {
  it('names a real IANA time zone for every region the schema accepts', () => {
    for (const region of knownRegions()) {
      const zone = REGION_TIMEZONES[region]
      expect(zone, region).toBeDefined()
      expect(() => new Intl.DateTimeFormat('en', {timeZone: zone}), region).not.toThrow()
    }
  })
})

describe('platform init (built CLI)', () => {
  beforeAll(() => {
    buildCli()
  }, 180_000)

  it('--yes in an empty folder writes a file that validates and starts with the schema line', () => {
    const dir = emptyDir()
    const run = runCli(['init', '--yes'], {cwd: dir})
    expect(run.status).toBe(0)
    expect(run.stderr).toContain('Wrote')
    const text = readFileSync(join(dir, 'platform.yaml'), 'utf8')
    expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=https:\/\/unpkg\.com\/platform-cli@\d+\.\d+\.\d+[^/]*\/schema\/platform\.schema\.json$/)
    expect(text).not.toContain(tmpdir())
    expect(text).toContain('timezone: Asia/Tokyo')
    const validate = runCli(['validate'], {cwd: dir})
    expect(validate.status).toBe(0)
    expect(validate.stdout).toContain('is valid: project bookmark-manager, 2 environments.')
    // The design's placeholders are still there: validate says so before a deploy would.
    expect(validate.stderr).toMatch(/warning: .*domain example\.com is a documentation placeholder/)
    expect(validate.stderr).toMatch(/warning: .*alarmEmail ops@example\.com is a placeholder/)
  })

  it('without a database renders no database security group or rule; added services get /<name>/* and a health check there; the region sets the time zone', async () => {
    const dir = emptyDir()
    const run = runCli(['init', '--yes', '--no-database', '--services', 'api,worker,jobs', '--region', 'eu-west-1', '--domain', 'shop.io', '--alarm-email', 'ops@shop.io'], {cwd: dir})
    expect(run.status).toBe(0)
    const text = readFileSync(join(dir, 'platform.yaml'), 'utf8')
    expect(text).toContain('timezone: Europe/Dublin')
    expect(text).not.toContain('Asia/Tokyo')
    const {config} = await parseConfig(text, 'platform.yaml')
    const services = config!.environments.prod.services
    expect(services.api).toMatchObject({path: '/api/*', healthCheck: {path: '/api/health'}})
    expect(services.worker).toMatchObject({path: '/', healthCheck: {path: '/health'}})
    expect(services.jobs).toMatchObject({path: '/jobs/*', healthCheck: {path: '/jobs/health'}})

    const validate = runCli(['validate'], {cwd: dir})
    expect(validate.status).toBe(0)
    expect(validate.stderr).not.toContain('placeholder')

    const render = runCli(['render', 'prod', '--out', 'out'], {cwd: dir})
    expect(render.status).toBe(0)
    const network = JSON.parse(readFileSync(join(dir, 'out', 'bookmark-manager-prod-network.template.json'), 'utf8')) as {Resources: Record<string, {Type: string; Properties: Record<string, unknown>}>; Outputs: Record<string, unknown>}
    expect(Object.keys(network.Resources).filter((id) => /database/i.test(id))).toEqual([])
    expect(Object.keys(network.Outputs)).not.toContain('DatabaseSecurityGroupId')
    const egressPorts = Object.values(network.Resources).filter((r) => r.Type === 'AWS::EC2::SecurityGroupEgress').map((r) => r.Properties.FromPort)
    expect(egressPorts).not.toContain(5432)
  })

  it('its help says that without a terminal it refuses unless --yes', () => {
    const help = runCli(['init', '--help'])
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('Without a terminal (CI, a pipe) it does not fall back to defaults')
    expect(help.stdout).toContain('--alarm-email')
  })

  it('without a TTY and without --yes exits 2 naming --yes, and writes nothing', () => {
    const dir = emptyDir()
    const run = runCli(['init'], {cwd: dir, env: {CI: ''}})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('--yes')
    expect(run.stderr).not.toMatch(/^\s+at /m)
    expect(() => readFileSync(join(dir, 'platform.yaml'))).toThrow()
  })

  it('refuses to overwrite without --force, overwrites with it, and honours every flag', async () => {
    const dir = emptyDir()
    writeFileSync(join(dir, 'platform.yaml'), 'mine\n')
    const refused = runCli(['init', '--yes'], {cwd: dir})
    expect(refused.status).toBe(2)
    expect(refused.stderr).toContain('--force')
    expect(readFileSync(join(dir, 'platform.yaml'), 'utf8')).toBe('mine\n')

    const forced = runCli(['init', '--yes', '--force', '--project', 'shop', '--region', 'eu-west-1', '--domain', 'shop.example.org', '--services', 'web,api,worker', '--no-database', '--json'], {cwd: dir})
    expect(forced.status).toBe(0)
    expect(JSON.parse(forced.stdout)).toMatchObject({answers: {project: 'shop', region: 'eu-west-1', domain: 'shop.example.org', services: ['web', 'api', 'worker'], database: false}, environments: ['prod', 'staging']})
    const {config, issues} = await parseConfig(readFileSync(join(dir, 'platform.yaml'), 'utf8'), 'platform.yaml')
    expect(issues).toEqual([])
    expect(Object.keys(config!.environments.prod.services)).toEqual(['web', 'api', 'worker'])
  })

  it('rejects an invalid flag value with exit 2 and the rule', () => {
    const run = runCli(['init', '--yes', '--project', 'My_Shop', '--dir', emptyDir()])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('--project "My_Shop"')
  })
})
