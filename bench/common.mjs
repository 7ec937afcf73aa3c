// What the deploy and release benchmarks share: the repository's paths, the check that the CLI is
// built, and the environment's secrets that the preflight asks for.
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {promisify} from 'node:util'

export const run = promisify(execFile)
export const root = resolve(import.meta.dirname, '..')
export const runJs = join(root, 'bin/run.js')

/** Exits when dist/ has no deploy command: the benchmarks run the built CLI. */
export function requireBuild() {
  if (!existsSync(join(root, 'dist/commands/deploy.js'))) {
    console.error('dist/ has no deploy command: run `npm run build` first.')
    process.exit(1)
  }
}

const SECRETS = ['DATABASE_URL', 'MONGODB_URI', 'JWT_SECRET', 'DATADOG_API_KEY', 'SENTRY_DSN']

/** Writes the root platform.yaml's secrets of one environment into the local AWS (awscli, as a user would). */
export async function putSecrets(local, environment, env) {
  for (const name of SECRETS) {
    await run('aws', ['ssm', 'put-parameter', '--name', `/bookmark-manager/${environment}/${name}`, '--type', 'SecureString', '--value', 'x', '--overwrite', '--region', local.region, '--endpoint-url', local.endpoint], {env})
  }
}
