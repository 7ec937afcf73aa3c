/** src/lib/deploy/preflight.ts: the Aurora engine-version check fails closed. */
import {describe, expect, it} from 'vitest'
import {type PreflightEnvironment, runPreflight} from '../../src/lib/deploy/preflight.js'
import type {DeployAws} from '../../src/lib/deploy/types.js'
import {AwsAuthError} from '../../src/lib/errors.js'

const env = {
  project: 'app',
  name: 'prod',
  region: 'ap-northeast-1',
  database: {engine: 'aurora-postgresql', version: '17.9'},
  services: {},
} as unknown as PreflightEnvironment

function aws(engineVersions: DeployAws['engineVersions']): DeployAws {
  return {engineVersions, callerAccount: async () => '123456789012', missingParameters: async () => []} as unknown as DeployAws
}

const check = (a: DeployAws) => runPreflight(env, a, {account: false, database: true, services: false})

describe('preflight: Aurora engine version', () => {
  it('passes when RDS offers the version', async () => {
    await expect(check(aws(async () => ['17.9']))).resolves.toBeUndefined()
  })

  it('fails (exit 5, nothing changed) when DescribeDBEngineVersions still fails after the retries, naming the call', async () => {
    const serverError = Object.assign(new Error('Internal Server Error'), {name: 'InternalFailure', $metadata: {httpStatusCode: 500}})
    const error = await check(aws(async () => Promise.reject(serverError))).catch((e) => e)
    expect(error).toMatchObject({exitCode: 5, code: 'PREFLIGHT_FAILED'})
    expect(error.message).toMatch(/could not check that Aurora aurora-postgresql 17\.9 is offered in ap-northeast-1: DescribeDBEngineVersions failed: Internal Server Error\. Nothing was changed/)
  })

  it('keeps exit 4 for credentials or permissions', async () => {
    const denied = new AwsAuthError('not authorized to perform rds:DescribeDBEngineVersions')
    await expect(check(aws(async () => Promise.reject(denied)))).rejects.toBe(denied)
  })

  it('names an engine RDS offers no version of in the region', async () => {
    const error = await check(aws(async () => [])).catch((e) => e)
    expect(error).toMatchObject({exitCode: 5, code: 'PREFLIGHT_FAILED'})
    expect(error.message).toMatch(/17\.9 is not offered in ap-northeast-1\. RDS offers no aurora-postgresql versions there\./)
  })
})
