/**
 * What a user sees at the end of the CLI's main flows, through the BUILT CLI against the local AWS
 * (patched moto): `diff --fail` as a CI gate, what `deploy` ends with, `--stack` typo help, and a
 * stable stack order. One moto for the file; each step starts from what the previous one left.
 */
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type JsonRun, rootConfigWithoutAssets, spawnCli} from '../helpers/built-cli.js'
import {buildPrivateCli} from '../deploy/built-cli.js'
import {type LocalAws, startLocalAws} from '../helpers/local-aws.js'

const config = rootConfigWithoutAssets()
let local: LocalAws
let lockDir: string

function cli(args: string[]): Promise<JsonRun> {
  return spawnCli([...args, '--config', config], {env: {...local.env, PLATFORM_LOCK_DIR: lockDir}})
}

beforeAll(async () => {
  await buildPrivateCli()
  lockDir = mkdtempSync(join(tmpdir(), 'platform-locks-'))
  local = await startLocalAws()
}, 180_000)

afterAll(async () => {
  await local?.stop()
})

describe('platform diff --fail (built CLI, patched moto)', () => {
  it('exits 5 after printing the diff when stacks would change, and 0 without --fail', async () => {
    await local.reset()
    const failing = await cli(['diff', 'staging', '--fail', '--json'])
    expect(failing.code, failing.stderr).toBe(5)
    // The diff is still the output (CI keeps it as an artifact); only the exit code says "changes".
    const diff = JSON.parse(failing.stdout)
    expect(diff.summary.stacksChanging).toBeGreaterThan(0)
    expect(diff.code).toBeUndefined()
    expect(failing.stderr).toMatch(/^warning: --fail: \d+ stack\(s\) would change \(bootstrap, network, storage, .*\); exit 5\.$/m)

    const text = await cli(['diff', 'staging', '--fail'])
    expect(text.code).toBe(5)
    expect(text.stdout).toMatch(/stack\(s\) to change/)

    const plain = await cli(['diff', 'staging'])
    expect(plain.code, plain.stderr).toBe(0)
    expect(plain.stderr).not.toMatch(/--fail/)
  }, 60_000)
})
