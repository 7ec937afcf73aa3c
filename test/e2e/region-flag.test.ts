/**
 * `--region` means one thing in every command that reads an environment: the environment in that
 * region instead of platform.yaml's, checked as the same value written in the file (built CLI;
 * the check fails before any AWS call, so no local AWS is needed).
 */
import {beforeAll, describe, expect, it} from 'vitest'
import {buildCli, runCli} from '../helpers/built-cli.js'

describe('--region', () => {
  beforeAll(() => {
    buildCli()
  }, 180_000)

  it.each([['deploy', 'prod', '--yes'], ['diff', 'prod'], ['status', 'prod']])('%s: an unknown region is invalid config (exit 3), named as the flag\'s', (...args) => {
    const run = runCli([...args, '--region', 'mars-north-1', '--json'], {env: {AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x'}})
    expect(run.status, run.stderr).toBe(3)
    // deploy prints JSON lines (the error last); the read commands one JSON document.
    const text = run.stdout.trim()
    const error = JSON.parse(args[0] === 'deploy' ? text.split('\n').at(-1)! : text)
    expect(error).toMatchObject({code: 'INVALID_CONFIG', exitCode: 3})
    expect(JSON.stringify(error)).toMatch(/--region mars-north-1: /)
  })
})
