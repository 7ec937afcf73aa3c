import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {buildCli, repoRoot, runCli} from '../helpers/built-cli.js'

const ERROR_KEYS = ['code', 'exitCode', 'message', 'suggestions']

describe('errors: one shape, right exit codes (the base command)', () => {
  beforeAll(() => {
    buildCli()
  }, 180_000)

  it('a mistyped flag exits 2, names the nearest flag and prints the usage line, not the whole help', () => {
    const run = runCli(['render', 'prod', '--ot', 'x'])
    expect(run.status).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe('error: Nonexistent flag: --ot\nhint: Did you mean --out?\nhint: Usage: platform render ENV [FLAGS]  (all flags: platform render --help)\n')
  })

  it('a flag parse error under --json is the small error object on stdout, exit 2', () => {
    const run = runCli(['cost', 'estimate', 'prod', '--regoin', 'us-east-1', '--json'])
    expect(run.status).toBe(2)
    const error = JSON.parse(run.stdout)
    expect(Object.keys(error).sort()).toEqual(ERROR_KEYS)
    expect(error).toMatchObject({code: 'USAGE', exitCode: 2, message: 'Nonexistent flag: --regoin', suggestions: ['Did you mean --region?', expect.stringContaining('Usage: platform cost estimate [ENV] [FLAGS]')]})
    expect(run.stdout.length).toBeLessThan(1000)
  })

  it('an unknown environment under --json is the same shape, exit 3; without --json two plain lines and no class name', () => {
    const json = runCli(['render', 'prdo', '--json'])
    expect(json.status).toBe(3)
    expect(JSON.parse(json.stdout)).toEqual({code: 'UNKNOWN_ENVIRONMENT', message: 'Unknown environment "prdo" in platform.yaml.', suggestions: ['Did you mean "prod"?', 'Environments: prod, staging.'], exitCode: 3})
    const plain = runCli(['render', 'prdo'])
    expect(plain.status).toBe(3)
    expect(plain.stderr).toBe('error: Unknown environment "prdo" in platform.yaml.\nhint: Did you mean "prod"?\nhint: Environments: prod, staging.\n')
    expect(plain.stderr).not.toMatch(/PlatformError|CLIError|^\s+at /m)
  })

  it('a mistyped command under --json is the same error object on stdout, pretty-printed like the others, exit 2', () => {
    const run = runCli(['deplyo', 'prod', '--json'])
    expect(run.status).toBe(2)
    expect(run.stdout).toBe(
      `${JSON.stringify({code: 'UNKNOWN_COMMAND', message: '"deplyo" is not a platform command.', suggestions: ['Did you mean `platform deploy prod --json`?', 'Run `platform help` for the list of commands.'], exitCode: 2}, null, 2)}\n`,
    )
  })

  it('bad YAML under --json is an error object with its issues, exit 3', () => {
    const dir = mkdtempSync(join(tmpdir(), 'errors-'))
    writeFileSync(join(dir, 'platform.yaml'), 'version: 1\nproject: [unclosed\n')
    const run = runCli(['render', 'prod', '--json'], {cwd: dir})
    expect(run.status).toBe(3)
    const error = JSON.parse(run.stdout)
    expect(error).toMatchObject({code: 'INVALID_CONFIG', exitCode: 3, suggestions: []})
    expect(error.issues.length).toBeGreaterThan(0)
  })

  it('deploy --json ends with one {"type":"error"} line of the same shape, also for errors before the deploy starts', () => {
    const run = runCli(['deploy', 'prdo', '--json', '--yes'])
    expect(run.status).toBe(3)
    const lines = run.stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0])).toMatchObject({type: 'error', code: 'UNKNOWN_ENVIRONMENT', exitCode: 3, suggestions: ['Did you mean "prod"?', 'Environments: prod, staging.']})
  })

  it('--local without a running local AWS is a usage error (2), not a bug (1)', () => {
    const home = mkdtempSync(join(tmpdir(), 'errors-home-'))
    const run = runCli(['diff', 'staging', '--local', '--json'], {env: {PLATFORM_HOME: home}})
    expect(run.status).toBe(2)
    expect(JSON.parse(run.stdout)).toMatchObject({code: 'LOCAL_NOT_RUNNING', exitCode: 2})
  })

  it('a mistyped command suggests the real one with spaces, and exits 2', () => {
    const run = runCli(['deplyo', 'staging'])
    expect(run.status).toBe(2)
    expect(run.stderr).toBe('error: "deplyo" is not a platform command.\nhint: Did you mean `platform deploy staging`?\nhint: Run `platform help` for the list of commands.\n')
    const topic = runCli(['cost', 'estimat', 'prod'])
    expect(topic.status).toBe(2)
    expect(topic.stderr).toContain('Did you mean `platform cost estimate prod`?')
  })

  it('DEBUG=platform* prints the debug log and the stack trace of an error', () => {
    const quiet = runCli(['render', 'prdo'])
    expect(quiet.stderr).not.toContain('platform:')
    const run = runCli(['render', 'prdo'], {env: {DEBUG: 'platform*'}})
    expect(run.status).toBe(3)
    expect(run.stderr).toMatch(/^platform:command platform render, node v\d+/m)
    expect(run.stderr).toMatch(/^platform:error .*Unknown environment/m)
    expect(run.stderr).toMatch(/^\s+at getEnvironment /m)
  })

  it('a repeatable flag takes one value: `diff --stack data ENV` keeps ENV as the environment', () => {
    // A greedy --stack would take "prdo" as a second stack and then miss the ENV argument (a usage error, 2).
    const run = runCli(['diff', '--stack', 'data', 'prdo', '--json'])
    expect(run.status).toBe(3)
    expect(JSON.parse(run.stdout)).toMatchObject({code: 'UNKNOWN_ENVIRONMENT'})
    const deploy = runCli(['deploy', '--image', 'web=nginx', '--stack', 'data', 'prdo', '--json'])
    expect(deploy.status).toBe(3)
    expect(JSON.parse(deploy.stdout.trim().split('\n').at(-1)!)).toMatchObject({type: 'error', code: 'UNKNOWN_ENVIRONMENT'})
  })

  it('finds platform.yaml in a parent folder; without one, CONFIG_NOT_FOUND names every folder searched', () => {
    const project = mkdtempSync(join(tmpdir(), 'discover-'))
    writeFileSync(join(project, 'platform.yaml'), readFileSync(join(repoRoot, 'platform.yaml')))
    const deep = join(project, 'services', 'web')
    mkdirSync(deep, {recursive: true})
    const found = runCli(['validate', 'prod', '--json'], {cwd: deep})
    expect(found.status, found.stderr).toBe(0)
    expect(JSON.parse(found.stdout)).toMatchObject({valid: true, file: join(project, 'platform.yaml')})
    const empty = mkdtempSync(join(tmpdir(), 'discover-none-'))
    const missing = runCli(['render', 'prod', '--json'], {cwd: empty})
    expect(missing.status).toBe(3)
    const error = JSON.parse(missing.stdout)
    expect(error.code).toBe('CONFIG_NOT_FOUND')
    expect(error.message).toBe(`No platform.yaml in ${[empty, tmpdir(), '/'].join(', ')}.`)
  })

  it('-h shows the help', () => {
    const run = runCli(['validate', '-h'])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('USAGE\n  $ platform validate')
    expect(run.stdout).toContain('EXIT CODES\n  0  success')
  })
})
