/**
 * What the e2e files share before their first test (as release-project.ts is for releases): the
 * private build of the CLI, one local AWS for the file with a private lock folder, and, when asked,
 * the example's secrets put and a first deploy of the root platform.yaml.
 *
 *   const local = useLocalAws({secrets: ['prod'], deploy: {env: 'prod'}})   // at the top of the file
 *   it('...', async () => { await spawnCli(['status', 'prod'], {env: local.cliEnv}) })
 *
 * The local AWS starts in a beforeAll registered by the call and stops in its afterAll; the returned
 * object reads the started one, so it is used inside tests and later hooks only.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {PutParameterCommand, SSMClient} from '@aws-sdk/client-ssm'
import {afterAll, beforeAll} from 'vitest'
import {buildCli, rootConfigWithoutAssets, spawnCli} from './built-cli.js'
import {type LocalAws, type LocalAwsOptions, startLocalAws} from './local-aws.js'

/** The SSM parameters the root platform.yaml's services read. */
export const EXAMPLE_SECRETS = ['DATABASE_URL', 'MONGODB_URI', 'JWT_SECRET', 'DATADOG_API_KEY', 'SENTRY_DSN']

/** Put the example's secrets for an environment in SSM (`/bookmark-manager/<env>/...`): the preflight checks them before a service stack deploys. */
export async function putExampleSecrets(local: LocalAws, env: string): Promise<void> {
  const ssm = new SSMClient(local.sdkConfig)
  try {
    for (const name of EXAMPLE_SECRETS) await ssm.send(new PutParameterCommand({Name: `/bookmark-manager/${env}/${name}`, Type: 'SecureString', Value: 'x', Overwrite: true}))
  } finally {
    ssm.destroy()
  }
}

/** `--image` flags naming the example's services' images in the environment's ECR repositories: made up, so the CLI builds nothing. */
export function exampleImages(env: string, tag = 'v1'): string[] {
  return ['web', 'api'].flatMap((service) => ['--image', `${service}=123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/bookmark-manager/${env}/${service}:${tag}`])
}

export interface E2eLocalAwsOptions extends LocalAwsOptions {
  /** Environments whose example secrets are put after start. */
  secrets?: string[]
  /**
   * Deploy an environment of the root platform.yaml (without assets) before the file's tests:
   * `deploy ENV --yes --json --config FILE` then `args` (default: the example's images, every stack).
   * A failed deploy fails the file with the CLI's stderr.
   */
  deploy?: {env: string; args?: string[]}
}

export type E2eLocalAws = LocalAws & {
  /** The environment for the built CLI: this local AWS and the file's private lock folder. */
  readonly cliEnv: Record<string, string>
}

/** One local AWS for the test file, started before its tests (after the CLI is built) and stopped after them. */
export function useLocalAws(options: E2eLocalAwsOptions = {}): E2eLocalAws {
  let started: LocalAws | undefined
  let lockDir: string | undefined
  beforeAll(async () => {
    buildCli()
    lockDir = mkdtempSync(join(tmpdir(), 'platform-locks-'))
    started = await startLocalAws(options)
    for (const env of options.secrets ?? []) await putExampleSecrets(started, env)
    if (options.deploy) {
      const {env, args = exampleImages(options.deploy.env)} = options.deploy
      const run = await spawnCli(['deploy', env, '--yes', '--json', '--config', rootConfigWithoutAssets(), ...args], {env: {...started.env, PLATFORM_LOCK_DIR: lockDir}})
      if (run.code !== 0) throw new Error(`the first deploy of ${env} failed (exit ${run.code}): ${run.stderr}`)
    }
  }, 300_000)
  afterAll(async () => {
    await started?.stop()
    if (lockDir) rmSync(lockDir, {recursive: true, force: true})
  })
  return new Proxy({} as E2eLocalAws, {
    get(_target, key) {
      if (!started || !lockDir) throw new Error(`the file's local AWS is read (${String(key)}) outside its tests: it starts in beforeAll`)
      if (key === 'cliEnv') return {...started.env, PLATFORM_LOCK_DIR: lockDir}
      return Reflect.get(started, key)
    },
  })
}
