/**
 * What a user sees at the end of the CLI's main flows, through the BUILT CLI against the local AWS
 * (patched moto): `diff --fail` as a CI gate, what `deploy` ends with, `--stack` typo help, and a
 * stable stack order. One moto for the file; each step starts from what the previous one left.
 */
import {describe, expect, it} from 'vitest'
import {type JsonRun, rootConfigWithoutAssets, spawnCli} from '../helpers/built-cli.js'
import {putExampleSecrets, useLocalAws} from '../helpers/e2e-setup.js'

const config = rootConfigWithoutAssets()
const local = useLocalAws()

function cli(args: string[]): Promise<JsonRun> {
  return spawnCli([...args, '--config', config], {env: local.cliEnv})
}

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
  }, 180_000)
})

describe('what deploy ends with (built CLI, patched moto)', () => {
  it('--infra-only ends with the site, the internal load balancer, what was deferred and the command that finishes the job', async () => {
    await local.reset()
    const run = await cli(['deploy', 'staging', '--infra-only', '--yes'])
    expect(run.code, run.stderr).toBe(0)
    const tail = run.stderr.slice(run.stderr.indexOf('Deployed staging:'))
    expect(tail).toMatch(/^Deployed staging: \d+ created, 2 deferred in [\d.]+s\.\n/)
    expect(tail).toMatch(/^ {2}Site: +https:\/\/\S+\.cloudfront\.net$/m)
    expect(tail).toMatch(/^ {2}Load balancer: +\S+ \(internal: reached only through CloudFront, from inside the VPC\)$/m)
    expect(tail).toMatch(/^ {2}Deferred: +svc-api, svc-web \(no image yet\)$/m)
    // The next command targets the same file: pasted, it works on what this run deployed.
    expect(tail).toContain(`Next:\n  platform deploy staging --config ${config}\n    builds and pushes the images of api, web, then deploys svc-api, svc-web\n`)
  }, 120_000)

  it('--json carries the same in the result; a complete deploy has nothing left to do', async () => {
    await putExampleSecrets(local, 'staging')
    const images = ['--image', 'web=123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/bookmark-manager/staging/web:v1', '--image', 'api=123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/bookmark-manager/staging/api:v1']
    const run = await cli(['deploy', 'staging', '--infra-only', '--yes', '--json', ...images])
    expect(run.code, run.stderr).toBe(0)
    const open = run.result!.open
    expect(open.site).toEqual([`https://${open.cloudFront}`])
    expect(open.cloudFront).toMatch(/\.cloudfront\.net$/)
    expect(open.loadBalancer).toMatch(/elb\.amazonaws\.com$/)
    expect(open).toMatchObject({deferred: [], nextSteps: []})
    // Stacks in deploy order, the rendered order, in the result as in the plan event.
    const order = run.result!.stacks.map((s: any) => s.part)
    expect(run.lines.find((l) => l.type === 'plan')!.stacks.map((p: any) => p.part)).toEqual(order)
    expect(order.slice(0, 3)).toEqual(['bootstrap', 'network', 'storage'])
    expect(order.at(-1)).toBe('monitoring')
  }, 120_000)
})

describe('--stack typo help (built CLI)', () => {
  it('--stack web suggests svc-web, a misspelt part its nearest part, both exit 2 and list every part', async () => {
    for (const [given, suggested] of [
      ['web', 'svc-web'],
      ['netwrok', 'network'],
    ]) {
      const run = await cli(['diff', 'staging', '--stack', given, '--json'])
      expect(run.code, run.stderr).toBe(2)
      const error = JSON.parse(run.stdout)
      expect(error).toMatchObject({code: 'UNKNOWN_STACK', message: `No stack "${given}" in this environment.`, exitCode: 2})
      expect(error.suggestions[0]).toBe(`Did you mean --stack ${suggested}?`)
      expect(error.suggestions[1]).toMatch(/^Stacks: bootstrap, network, .*svc-web.*\.$/)
      expect(run.stderr).toContain(`hint: Did you mean --stack ${suggested}?`)
    }
  }, 60_000)
})
