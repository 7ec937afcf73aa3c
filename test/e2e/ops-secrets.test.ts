/**
 * `platform secrets` end to end: the built CLI against the patched moto. The value must reach SSM
 * as a SecureString and appear nowhere else: not in stdout or stderr (with debug logging on), not
 * in any file the CLI could write (its working directory, HOME, TMPDIR, PLATFORM_HOME).
 */
import {copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {GetParameterCommand, SSMClient} from '@aws-sdk/client-ssm'
import {beforeAll, describe, expect, it} from 'vitest'
import {repoRoot, runCli} from '../helpers/built-cli.js'
import {useLocalAws} from '../helpers/e2e-setup.js'

const local = useLocalAws()
let work: string
let home: string
let tmp: string
const outputs: string[] = []

/** A value no other text contains, so a hit anywhere is a leak. */
const SECRET = `s3cr3t-${Math.random().toString(36).slice(2)}-value`

function platform(args: string[], input = '') {
  const run = runCli([...args, '--config', join(work, 'platform.yaml')], {
    cwd: work,
    input,
    env: {...local.env, HOME: home, TMPDIR: tmp, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), DEBUG: '*'},
  })
  outputs.push(run.stdout, run.stderr)
  return run
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, {recursive: true, encoding: 'utf8'})
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'platform-secrets-work-'))
  home = mkdtempSync(join(tmpdir(), 'platform-secrets-home-'))
  tmp = mkdtempSync(join(tmpdir(), 'platform-secrets-tmp-'))
  copyFileSync(join(repoRoot, 'platform.yaml'), join(work, 'platform.yaml'))
})

describe('platform secrets (built CLI, patched moto)', () => {
  it('set stores a SecureString from stdin, list shows it without its value, unset deletes it; the value leaks nowhere', async () => {
    // GIVEN nothing set: every declared secret is listed as missing.
    const before = platform(['secrets', 'list', 'prod', '--json'])
    expect(before.status, before.stderr).toBe(0)
    const empty = JSON.parse(before.stdout)
    expect(empty.missing).toEqual(['DATABASE_URL', 'DATADOG_API_KEY', 'DATADOG_APP_KEY', 'JWT_SECRET', 'MONGODB_URI', 'SENTRY_DSN'])
    expect(empty.secrets.find((s: any) => s.name === 'DATADOG_API_KEY')).toMatchObject({set: false, declared: true, services: ['api']})

    // WHEN setting JWT_SECRET from a pipe (echo adds a newline, which is dropped)
    const set = platform(['secrets', 'set', 'prod', 'JWT_SECRET', '--json'], `${SECRET}\n`)
    expect(set.status, set.stderr).toBe(0)
    expect(JSON.parse(set.stdout)).toEqual({environment: 'prod', name: 'JWT_SECRET', parameter: '/bookmark-manager/prod/JWT_SECRET', version: 1, services: ['api', 'web']})

    // THEN SSM holds exactly the value, encrypted
    const ssm = new SSMClient({region: local.region, endpoint: local.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}})
    const stored = await ssm.send(new GetParameterCommand({Name: '/bookmark-manager/prod/JWT_SECRET', WithDecryption: true}))
    expect(stored.Parameter).toMatchObject({Type: 'SecureString', Value: SECRET})

    // a second set makes version 2
    const again = platform(['secrets', 'set', 'prod', 'JWT_SECRET', '--json'], `${SECRET}-2`)
    expect(JSON.parse(again.stdout).version).toBe(2)

    const listed = platform(['secrets', 'list', 'prod', '--json'])
    const listing = JSON.parse(listed.stdout)
    expect(listing.secrets.find((s: any) => s.name === 'JWT_SECRET')).toMatchObject({set: true, declared: true, version: 2, type: 'SecureString', services: ['api', 'web']})
    expect(listing.missing).not.toContain('JWT_SECRET')
    const table = platform(['secrets', 'list', 'prod'])
    expect(table.stdout).toMatch(/JWT_SECRET\s+set\s+2\s/)
    expect(table.stdout).toMatch(/DATABASE_URL\s+MISSING/)

    // unset needs --yes without a terminal, then deletes
    const refused = platform(['secrets', 'unset', 'prod', 'JWT_SECRET'])
    expect(refused.status).toBe(2)
    expect(refused.stderr).toMatch(/--yes/)
    const unset = platform(['secrets', 'unset', 'prod', 'JWT_SECRET', '--yes', '--json'])
    expect(unset.status, unset.stderr).toBe(0)
    expect(JSON.parse(unset.stdout)).toMatchObject({deleted: true, parameter: '/bookmark-manager/prod/JWT_SECRET'})
    await expect(ssm.send(new GetParameterCommand({Name: '/bookmark-manager/prod/JWT_SECRET'}))).rejects.toMatchObject({name: 'ParameterNotFound'})
    const twice = platform(['secrets', 'unset', 'prod', 'JWT_SECRET', '--yes'])
    expect(twice.status).toBe(2)
    expect(twice.stderr).toMatch(/not set/)

    // AND the value appears in no output and no file the CLI could have written.
    for (const text of outputs) {
      expect(text).not.toContain(SECRET)
    }
    const files = [work, home, tmp, local.home].flatMap(filesUnder)
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) expect(readFileSync(file, 'latin1'), file).not.toContain(SECRET)
  }, 120_000)

  it('refuses an undeclared name before reading a value, and an empty value', () => {
    const unknown = platform(['secrets', 'set', 'prod', 'JWT_SECRT'], 'x')
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toMatch(/not declared/)
    expect(unknown.stderr).toMatch(/JWT_SECRET/)
    const empty = platform(['secrets', 'set', 'prod', 'JWT_SECRET'], '')
    expect(empty.status).toBe(2)
    expect(empty.stderr).toMatch(/No value for JWT_SECRET on stdin/)
  }, 60_000)
})
