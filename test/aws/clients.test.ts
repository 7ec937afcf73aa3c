/**
 * The AWS client factory (src/lib/aws/clients.ts): region and profile precedence, the local
 * endpoint, auth error mapping, and that no SDK package loads until a client is asked for.
 */
import {execFile} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {promisify} from 'node:util'
import {ListStacksCommand} from '@aws-sdk/client-cloudformation'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {createAwsClients, DEFAULT_REQUEST_TIMEOUT_MS, profileRegion, toAwsAuthError} from '../../src/lib/aws/clients.js'
import {AwsAuthError, ExitCode, PlatformError} from '../../src/lib/errors.js'
import {type LocalAws, startLocalAws} from '../helpers/local-aws.js'

const execFileAsync = promisify(execFile)

let dir: string
let configFile: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clients-test-'))
  configFile = join(dir, 'config')
  await writeFile(configFile, ['[default]', 'region = eu-west-1', '', '[profile work]', 'region = us-west-2', '[profile  noregion]', 'output = json', ''].join('\n'))
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

/** An environment with nothing from the machine running the tests. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {AWS_CONFIG_FILE: configFile, HOME: dir, PLATFORM_HOME: join(dir, 'home'), ...extra}
}

describe('region precedence', () => {
  it('takes the flag over AWS_REGION, AWS_DEFAULT_REGION, the profile and platform.yaml', () => {
    const env = cleanEnv({AWS_REGION: 'eu-central-1', AWS_DEFAULT_REGION: 'sa-east-1', AWS_PROFILE: 'work'})
    expect(createAwsClients({region: 'ap-south-1', configRegion: 'ca-central-1', env}).region).toBe('ap-south-1')
    expect(createAwsClients({configRegion: 'ca-central-1', env}).region).toBe('eu-central-1')
    expect(createAwsClients({configRegion: 'ca-central-1', env: cleanEnv({AWS_DEFAULT_REGION: 'sa-east-1', AWS_PROFILE: 'work'})}).region).toBe('sa-east-1')
    expect(createAwsClients({configRegion: 'ca-central-1', env: cleanEnv({AWS_PROFILE: 'work'})}).region).toBe('us-west-2')
    expect(createAwsClients({configRegion: 'ca-central-1', env: cleanEnv({AWS_PROFILE: 'noregion'})}).region).toBe('ca-central-1')
  })

  it('reads the default profile when none is named, and the --profile flag before AWS_PROFILE', () => {
    expect(createAwsClients({env: cleanEnv()}).describeEndpoint()).toMatchObject({region: 'eu-west-1', regionSource: 'profile'})
    const clients = createAwsClients({profile: 'work', env: cleanEnv({AWS_PROFILE: 'default'})})
    expect(clients.describeEndpoint()).toMatchObject({profile: 'work', region: 'us-west-2', regionSource: 'profile', local: false})
  })

  it('parses profile sections of the AWS config file', () => {
    expect(profileRegion('work', cleanEnv())).toBe('us-west-2')
    expect(profileRegion('default', cleanEnv())).toBe('eu-west-1')
    expect(profileRegion('missing', cleanEnv())).toBeUndefined()
  })

  it('fails with a hint when no region is known, and a per-call region wins', async () => {
    const clients = createAwsClients({env: {HOME: dir, AWS_CONFIG_FILE: join(dir, 'none')}})
    expect(() => clients.region).toThrow(PlatformError)
    expect(() => clients.region).toThrow('No AWS region')
    const edge = await clients.cloudFormation('us-east-1')
    expect(await edge.config.region()).toBe('us-east-1')
    expect(await (await clients.pricing()).config.region()).toBe('us-east-1')
    clients.destroy()
  })

  it('builds one client per service and region, with the retry policy and the profile', async () => {
    const clients = createAwsClients({profile: 'work', env: cleanEnv()})
    const a = await clients.s3('ap-northeast-1')
    expect(await clients.s3('ap-northeast-1')).toBe(a)
    expect(await clients.s3('us-east-1')).not.toBe(a)
    expect(await a.config.maxAttempts()).toBe(8)
    expect(a.config.profile).toBe('work')
    clients.destroy()
  })
})

describe('endpoints', () => {
  it('shows AWS_ENDPOINT_URL without overriding the SDK', () => {
    const clients = createAwsClients({env: cleanEnv({AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_REGION: 'ap-northeast-1'})})
    expect(clients.describeEndpoint()).toMatchObject({endpoint: 'http://127.0.0.1:9', endpointSource: 'AWS_ENDPOINT_URL', local: false})
  })

  it('refuses --local and PLATFORM_LOCAL=1 when nothing runs, naming `platform local start`', () => {
    for (const options of [{local: true, env: cleanEnv()}, {env: cleanEnv({PLATFORM_LOCAL: '1'})}]) {
      let caught: unknown
      try {
        createAwsClients(options)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(PlatformError)
      expect((caught as PlatformError).code).toBe('LOCAL_NOT_RUNNING')
      expect((caught as PlatformError).suggestions?.join(' ')).toContain('platform local start')
    }
  })
})

describe('against the local AWS', () => {
  let aws: LocalAws
  beforeAll(async () => {
    aws = await startLocalAws()
  })
  afterAll(async () => {
    await aws?.stop()
  })

  it('--local points every client at the recorded endpoint with test credentials, whatever the environment says', async () => {
    // Credentials and endpoint in the environment that would fail: --local must not use them.
    const env = cleanEnv({PLATFORM_HOME: aws.home, AWS_ACCESS_KEY_ID: 'AKIDBROKEN', AWS_SECRET_ACCESS_KEY: 'x', AWS_ENDPOINT_URL: 'http://127.0.0.1:9'})
    const clients = createAwsClients({local: true, region: 'ap-northeast-1', env})
    expect(clients.describeEndpoint()).toMatchObject({local: true, endpoint: aws.endpoint, endpointSource: 'local'})
    const cfn = await clients.cloudFormation()
    const out = await cfn.send(new ListStacksCommand({}))
    expect(out.StackSummaries).toEqual([])
    expect(await clients.getCallerAccount()).toBe('123456789012')
    const loaded = await clients.load('cloudFormation', 'sts')
    expect(loaded.cloudFormation()).toBe(cfn)
    expect(loaded.endpoint).toBe(aws.endpoint)
    clients.destroy()
  })
})

describe('auth errors', () => {
  it('maps credential and permission errors to AwsAuthError (exit 4) and leaves others alone', () => {
    for (const name of ['ExpiredToken', 'InvalidClientTokenId', 'UnrecognizedClientException', 'CredentialsProviderError', 'AccessDenied']) {
      const mapped = toAwsAuthError(Object.assign(new Error(`boom ${name}`), {name}))
      expect(mapped).toBeInstanceOf(AwsAuthError)
      expect((mapped as AwsAuthError).exitCode).toBe(ExitCode.awsAuth)
      expect((mapped as AwsAuthError).suggestions?.join(' ')).toContain('aws sso login')
    }
    const throttled = Object.assign(new Error('slow down'), {name: 'ThrottlingException'})
    expect(toAwsAuthError(throttled)).toBe(throttled)
  })

  it('turns "no credentials anywhere" into AwsAuthError from getCallerAccount', async () => {
    const clients = createAwsClients({region: 'us-east-1', env: cleanEnv({AWS_EC2_METADATA_DISABLED: 'true'})})
    // No keys in the environment, no credentials file, no SSO: the SDK's chain has nothing.
    const saved = {...process.env}
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE']) delete process.env[key]
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'no-credentials')
    process.env.AWS_CONFIG_FILE = join(dir, 'no-config')
    process.env.AWS_EC2_METADATA_DISABLED = 'true'
    try {
      await expect(clients.getCallerAccount()).rejects.toBeInstanceOf(AwsAuthError)
    } finally {
      process.env = saved
      clients.destroy()
    }
  })
})

describe('lazy loading', () => {
  it('loads no SDK package until a client is asked for', async () => {
    // A fresh process: the test runner itself has the SDK loaded already.
    const script = `
      import {createRequire} from 'node:module'
      const require = createRequire(import.meta.url)
      const sdk = () => Object.keys(require.cache).filter((k) => k.includes('@aws-sdk/client-')).length
      const {createAwsClients} = await import(${JSON.stringify(resolve('src/lib/aws/clients.ts'))})
      const clients = createAwsClients({region: 'ap-northeast-1'})
      clients.describeEndpoint()
      const before = sdk()
      await clients.sts()
      const loaded = Object.keys(require.cache).filter((k) => k.includes('@aws-sdk/client-')).map((k) => k.split('@aws-sdk/')[1].split('/')[0])
      console.log(JSON.stringify({before, after: [...new Set(loaded)]}))
    `
    const {stdout} = await execFileAsync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {cwd: resolve('.'), env: {...process.env, AWS_REGION: 'ap-northeast-1'}})
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({before: 0, after: ['client-sts']})
  })
})

describe('timeouts', () => {
  it('makes the request timeout an error (retried, then reported), not the SDK\'s default warning', async () => {
    const clients = createAwsClients({endpoint: 'http://127.0.0.1:9', region: 'ap-northeast-1', env: cleanEnv()})
    try {
      const cfn = await clients.cloudFormation()
      const handler = cfn.config.requestHandler as unknown as {configProvider: Promise<Record<string, unknown>>}
      expect(await handler.configProvider).toMatchObject({requestTimeout: DEFAULT_REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true})
    } finally {
      clients.destroy()
    }
  })
})
