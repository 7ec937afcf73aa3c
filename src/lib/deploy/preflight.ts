import type {ResolvedEnvironment} from '../config/types.js'
import {AwsAuthError, DeployFailedError} from '../errors.js'
import type {DeployAws, EventSink} from './types.js'

/** The parts of an environment preflight reads. */
export type PreflightEnvironment = Pick<ResolvedEnvironment, 'project' | 'name' | 'region' | 'account' | 'database' | 'services'>

/** SSM parameter names of the secrets the services use. */
export function secretParameterNames(env: PreflightEnvironment): string[] {
  const names = new Set<string>()
  for (const service of Object.values(env.services)) for (const secret of service.secrets ?? []) names.add(`/${env.project}/${env.name}/${secret}`)
  return [...names].sort()
}

/**
 * Checks that need no change and catch what would otherwise fail half-way through a deploy:
 * the credentials' account, the Aurora engine version in the region, the secrets' parameters.
 * All three run at once; every problem is reported together, and nothing has been applied.
 */
export async function runPreflight(env: PreflightEnvironment, aws: DeployAws, emit: EventSink, options: {account?: boolean; database: boolean; services: boolean}): Promise<void> {
  const problems: string[] = []
  const [account, versions, missing] = await Promise.all([
    options.account === false ? Promise.resolve(env.account) : aws.callerAccount(),
    options.database && env.database ? aws.engineVersions(env.region, env.database.engine, env.database.version).catch((error) => unverifiable(error, emit, env)) : Promise.resolve(undefined),
    options.services ? aws.missingParameters(env.region, secretParameterNames(env)) : Promise.resolve([]),
  ])
  if (env.account && account !== undefined && account !== env.account) {
    throw new AwsAuthError(`These credentials are for account ${account}, but environment ${env.name} deploys to ${env.account}.`, {
      suggestions: ['Use the profile of the right account (--profile or AWS_PROFILE).', `Or change environments.${env.name}.account in platform.yaml.`],
    })
  }
  if (versions !== undefined && env.database) {
    const wanted = env.database.version
    if (versions.length === 0) {
      // An emulator (or a partition) that lists no versions at all cannot confirm or deny.
      emit({type: 'warning', message: `RDS lists no ${env.database.engine} versions in ${env.region}; engine version ${wanted} not checked.`})
    } else if (!versions.includes(wanted)) {
      const major = wanted.split('.')[0]
      const sameMajor = versions.filter((v) => v.split('.')[0] === major)
      problems.push(
        `Aurora ${env.database.engine} ${wanted} is not offered in ${env.region}. ${sameMajor.length > 0 ? `Offered ${major}.x: ${sameMajor.join(', ')}.` : `Offered: ${versions.slice(-8).join(', ')}.`} Set database.version in platform.yaml.`,
      )
    }
  }
  if (missing.length > 0) {
    // The platform command, not an aws one: run in the same shell with this deploy's flags it
    // reaches the same account, region and endpoint (a pasted aws command would not, on the local AWS).
    const secrets = missing.map((parameter) => parameter.slice(parameter.lastIndexOf('/') + 1))
    problems.push(
      `Missing secrets (SSM parameters the services read at start): ${missing.join(', ')}. Set ${secrets.length === 1 ? 'it' : 'each'} with ${secrets.map((name) => `\`platform secrets set ${env.name} ${name}\``).join(', ')} (with the --local, --profile or --region flags this deploy used).`,
    )
  }
  if (problems.length > 0) throw new DeployFailedError(`Preflight failed; nothing was changed.\n  ${problems.join('\n  ')}`, [], {code: 'PREFLIGHT_FAILED'})
}

/**
 * moto 5.2.1 does not implement DescribeDBEngineVersions (HTTP 500, NotImplementedError): a
 * server error means "cannot check", which is a warning, not a failed deploy. Auth errors still fail.
 */
function unverifiable(error: unknown, emit: EventSink, env: PreflightEnvironment): undefined {
  const e = error as {name?: string; $metadata?: {httpStatusCode?: number}}
  const status = e.$metadata?.httpStatusCode ?? 0
  const timedOut = e.name === 'AbortError' || e.name === 'TimeoutError'
  if (status < 500 && !timedOut && e.name !== 'NotImplementedByEndpoint') throw error
  emit({type: 'warning', message: `Could not check that Aurora ${env.database?.engine} ${env.database?.version} is offered in ${env.region}: DescribeDBEngineVersions ${timedOut ? 'did not answer in time' : `answered HTTP ${status || 500} (not implemented by this endpoint)`}.`})
  return undefined
}
