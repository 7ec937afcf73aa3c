import type {ResolvedEnvironment} from '../config/types.js'
import {AwsAuthError, DeployFailedError} from '../errors.js'
import type {StackDefinition} from '../stacks/types.js'
import {secretParameter} from '../naming.js'
import {checkThirdPartyTypes} from './third-party-types.js'
import type {DeployAws} from './types.js'

/** The parts of an environment preflight reads. */
export type PreflightEnvironment = Pick<ResolvedEnvironment, 'project' | 'name' | 'region' | 'account' | 'database' | 'services' | 'monitoring'>

/** SSM parameter names of the secrets the services use. */
export function secretParameterNames(env: PreflightEnvironment): string[] {
  const names = new Set<string>()
  for (const service of Object.values(env.services)) for (const secret of service.secrets ?? []) names.add(secretParameter(env, secret))
  return [...names].sort()
}

export interface PreflightChecks {
  /** The credentials' account (STS). @default true */
  account?: boolean
  /** The Aurora engine version is offered in the region. */
  database: boolean
  /** The services' secrets exist. */
  services: boolean
  /** Stacks whose templates will be sent: the third-party types they use must be activated and configured. @default none */
  types?: StackDefinition[]
}

/**
 * Checks that need no change and catch what would otherwise fail half-way through a deploy:
 * the third-party types activated, the credentials' account, the Aurora engine version in the
 * region, the secrets' parameters. All run at once; a type not activated or configured is reported
 * first (its own code, TYPES_NOT_ACTIVATED or TYPES_NOT_CONFIGURED), then every other problem together; nothing has been applied.
 */
export async function runPreflight(env: PreflightEnvironment, aws: DeployAws, options: PreflightChecks): Promise<void> {
  const problems: string[] = []
  // One DescribeType per type and region (and BatchDescribeTypeConfigurations for one with a
  // configuration), and none when no stack that changes uses one.
  const types = checkThirdPartyTypes(options.types ?? [], aws, env)
  types.catch(() => undefined)
  const answers = Promise.all([
    options.account === false ? Promise.resolve(env.account) : aws.callerAccount(),
    options.database && env.database ? aws.engineVersions(env.region, env.database.engine, env.database.version).catch((error) => uncheckedVersion(error, env)) : Promise.resolve(undefined),
    options.services ? aws.missingParameters(env.region, secretParameterNames(env)) : Promise.resolve([]),
  ])
  answers.catch(() => undefined)
  await types
  const [account, versions, missing] = await answers
  if (env.account && account !== undefined && account !== env.account) {
    throw new AwsAuthError(`These credentials are for account ${account}, but environment ${env.name} deploys to ${env.account}.`, {
      suggestions: ['Use the profile of the right account (--profile or AWS_PROFILE).', `Or change environments.${env.name}.account in platform.yaml.`],
    })
  }
  if (versions !== undefined && env.database && !versions.includes(env.database.version)) {
    const {engine, version: wanted} = env.database
    const major = wanted.split('.')[0]
    const sameMajor = versions.filter((v) => v.split('.')[0] === major)
    const offered = versions.length === 0 ? `RDS offers no ${engine} versions there.` : sameMajor.length > 0 ? `Offered ${major}.x: ${sameMajor.join(', ')}.` : `Offered: ${versions.slice(-8).join(', ')}.`
    problems.push(`Aurora ${engine} ${wanted} is not offered in ${env.region}. ${offered} Set database.version in platform.yaml.`)
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
 * DescribeDBEngineVersions failed after the SDK's retries. Going on would create the database
 * stack with a version nobody checked, so this fails the deploy (nothing changed yet); credential
 * and permission errors keep their own exit code.
 */
function uncheckedVersion(error: unknown, env: PreflightEnvironment): never {
  if (error instanceof AwsAuthError) throw error
  const detail = error instanceof Error ? error.message : String(error)
  throw new DeployFailedError(`Preflight could not check that Aurora ${env.database?.engine} ${env.database?.version} is offered in ${env.region}: DescribeDBEngineVersions failed: ${detail}. Nothing was changed; run the deploy again.`, [], {code: 'PREFLIGHT_FAILED'})
}
