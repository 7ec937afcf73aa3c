import type {SecretWrite} from '../aws/configuration-secret.js'
import type {TypeRegistry} from '../aws/type-registry.js'
import type {ResolvedEnvironment} from '../config/types.js'
import {type ConfigurationSecret, publisherOf, thirdPartyTypes, type TypeConfigurationEnvironment} from '../deploy/third-party-types.js'
import {ATLAS_EXTENSION_ROLE_OUTPUT} from '../../templates/bootstrap.js'
import {AbortedError, ExitCode, NonInteractiveError, PlatformError} from '../errors.js'
import type {StackDefinition} from '../stacks/types.js'

/** The parts of an environment `platform activate` reads. */
export type ActivateEnvironment = TypeConfigurationEnvironment & Pick<ResolvedEnvironment, 'region' | 'secrets'>

/**
 * One third-party type in one region, as found in the account and what activate does about it.
 * `configuration` is what this environment gives the type: references to its secrets, never a key.
 */
export interface TypeActivation {
  region: string
  typeName: string
  publisherId: string
  /** `activate`: ActivateType is needed; `active`: already activated in the region (left as it is). */
  activation: 'activate' | 'active'
  /**
   * `set`: SetTypeConfiguration is needed (never set); `current`: already this configuration;
   * `other`: already set to another one (by hand, or by another environment sharing the account
   * and region), left alone; `none`: the type has no required configuration.
   */
  configurationState: 'set' | 'current' | 'other' | 'none'
  configuration?: string
  /** The Secrets Manager secret that configuration references, which activate keeps (`set` and `current` only). */
  configurationSecret?: ConfigurationSecret
  /**
   * The Secrets Manager secret the type's handlers read themselves (MongoDB Atlas's profile), which
   * needs an execution role; undefined for a type without one.
   */
  credentialsSecret?: string
  /** The execution role: the one it will be activated with (`activate`), or the one it has (`active`). */
  executionRoleArn?: string
}

export interface ActivationPlan {
  environment: string
  types: TypeActivation[]
  /** Types whose publisher platform does not know: neither activated nor configured by it. */
  unknown: Array<{region: string; typeName: string}>
}

/** Whether applying the plan changes anything. */
export function hasChanges(plan: ActivationPlan): boolean {
  return plan.types.some((t) => t.activation === 'activate' || t.configurationState === 'set')
}

/**
 * What the environment's rendered stacks need from the registry, read from it: DescribeType and,
 * for a type with a configuration, BatchDescribeTypeConfigurations, per type and region.
 * Changes nothing.
 */
export async function planActivation(
  env: ActivateEnvironment,
  stacks: StackDefinition[],
  registry: Pick<TypeRegistry, 'activation' | 'configuration'>,
  options: {executionRoleArn?: string} = {},
): Promise<ActivationPlan> {
  const unknown: ActivationPlan['unknown'] = []
  const reads: Array<Promise<TypeActivation>> = []
  for (const [region, typeNames] of thirdPartyTypes(stacks)) {
    for (const typeName of typeNames) {
      const publisher = publisherOf(typeName)
      if (!publisher) {
        unknown.push({region, typeName})
        continue
      }
      reads.push(
        (async () => {
          const {activated, executionRoleArn: currentRole} = await registry.activation(region, typeName)
          const configuration = publisher.configuration?.(env)
          const wanted = configuration?.json
          const current = wanted && activated ? await registry.configuration(region, typeName) : undefined
          const configurationState = !wanted ? 'none' : current === undefined ? 'set' : sameConfiguration(current, wanted) ? 'current' : 'other'
          const type: TypeActivation = {region, typeName, publisherId: publisher.publisherId, activation: activated ? 'active' : 'activate', configurationState, configuration: wanted}
          if (configuration && (configurationState === 'set' || configurationState === 'current')) type.configurationSecret = configuration.secret
          if (publisher.credentialsSecret) {
            type.credentialsSecret = publisher.credentialsSecret
            const role = activated ? currentRole : options.executionRoleArn
            if (role) type.executionRoleArn = role
          }
          return type
        })(),
      )
    }
  }
  return {environment: env.name, types: await Promise.all(reads), unknown}
}

/** The registry returns the JSON it was given, perhaps re-serialised: compared as values. */
function sameConfiguration(current: string, wanted: string): boolean {
  try {
    return JSON.stringify(JSON.parse(current)) === JSON.stringify(JSON.parse(wanted))
  } catch {
    return current === wanted
  }
}

/**
 * Refuses a plan that would set a configuration CloudFormation could not resolve: every secret it
 * references must be declared in platform.yaml (exit 3) and set in SSM (exit 5), and live in the
 * type's region (a dynamic reference resolves in the region of the stack operation).
 * `storedSecrets` lists the names set under the environment's SSM path (metadata, no value).
 */
export function checkConfigurationSecrets(env: ActivateEnvironment, plan: ActivationPlan, storedSecrets: string[]): void {
  const toSet = plan.types.filter((t) => t.configurationState === 'set')
  if (toSet.length === 0) return
  const needed = [...new Set(toSet.flatMap((t) => publisherOf(t.typeName)?.configuration?.(env).secrets ?? []))].sort()
  const undeclared = needed.filter((name) => !env.secrets.includes(name))
  if (undeclared.length > 0) {
    throw new PlatformError(`The configuration of ${toSet.map((t) => t.typeName).join(', ')} references ${undeclared.join(', ')}, which environment ${env.name} does not declare; nothing was changed.`, {
      code: 'SECRET_NOT_DECLARED',
      exit: ExitCode.invalidConfig,
      suggestions: [`Add ${undeclared.join(', ')} to \`secrets\` in platform.yaml (defaults or environments.${env.name}), then set ${undeclared.length === 1 ? 'it' : 'each'} with ${undeclared.map((name) => `\`platform secrets set ${env.name} ${name}\``).join(', ')}.`],
    })
  }
  const unset = needed.filter((name) => !storedSecrets.includes(name))
  if (unset.length > 0) {
    throw new PlatformError(`The configuration of ${toSet.map((t) => t.typeName).join(', ')} references secrets of ${env.name} that are not set: ${unset.join(', ')}; nothing was changed.`, {
      code: 'SECRETS_NOT_SET',
      exit: ExitCode.deployFailed,
      suggestions: [`Set ${unset.length === 1 ? 'it' : 'each'} with ${unset.map((name) => `\`platform secrets set ${env.name} ${name}\``).join(', ')} (with the same --local, --profile or --region flags), then run activate again.`],
    })
  }
  const elsewhere = toSet.filter((t) => t.region !== env.region)
  if (elsewhere.length > 0) {
    throw new PlatformError(`${elsewhere.map((t) => `${t.typeName} (${t.region})`).join(', ')} would read ${env.name}'s secrets from ${elsewhere[0].region}, but they are in ${env.region}; nothing was changed.`, {
      code: 'SECRETS_IN_OTHER_REGION',
      exit: ExitCode.deployFailed,
      suggestions: ['Configure the type in that region by hand (aws cloudformation set-type-configuration), with secrets stored there.'],
    })
  }
}

/** What `platform activate` is told about the execution role types with a credentials secret need. */
export interface ExecutionRoleSource {
  env: Pick<ActivateEnvironment, 'name' | 'project'>
  /** The role's name as the bootstrap stack renders it, for the message. */
  roleName: string
}

/**
 * Refuses a plan that would activate a type whose handlers read their own credentials (MongoDB
 * Atlas) without an execution role: such a type activates, but every resource using it then fails
 * (or hangs) reading its secret. Exit 5, nothing changed, with the two ways to give one.
 */
export function checkExecutionRoles(plan: ActivationPlan, source: ExecutionRoleSource): void {
  const roleless = plan.types.filter((t) => t.credentialsSecret && t.activation === 'activate' && !t.executionRoleArn)
  if (roleless.length === 0) return
  const {env, roleName} = source
  throw new PlatformError(`${roleless.map((t) => `${t.typeName} (${t.region})`).join(', ')} must be activated with an execution role that may read ${roleless[0].credentialsSecret}, and none was found: the bootstrap stack of ${env.name} has no ${ATLAS_EXTENSION_ROLE_OUTPUT} output yet; nothing was changed.`, {
    code: 'EXECUTION_ROLE_MISSING',
    exit: ExitCode.deployFailed,
    suggestions: [
      `Deploy the bootstrap stack first, which creates the role ${roleName}: \`platform deploy ${env.name} --stack bootstrap\` (with the same --local, --profile or --region flags), then run \`platform activate ${env.name}\` again.`,
      'Or pass a role of your own with --execution-role-arn ARN: trusted by resources.cloudformation.amazonaws.com, allowed secretsmanager:GetSecretValue on that secret.',
    ],
  })
}

/**
 * Refuses when a credentials secret the environment's types read (MongoDB Atlas's profile) does not
 * exist in the type's region: the handlers would fail on every resource. Only its existence is
 * asked (DescribeSecret); its value is never read. The suggestion creates it from a file, so the
 * keys never appear on a command line, in shell history or in this output.
 */
export async function checkCredentialsSecrets(env: Pick<ActivateEnvironment, 'name'>, plan: ActivationPlan, secretExists: (region: string, name: string) => Promise<boolean>): Promise<void> {
  const wanted = new Map<string, {region: string; name: string; types: string[]}>()
  for (const type of plan.types) {
    if (!type.credentialsSecret) continue
    const key = `${type.region}/${type.credentialsSecret}`
    const entry = wanted.get(key) ?? {region: type.region, name: type.credentialsSecret, types: []}
    entry.types.push(type.typeName)
    wanted.set(key, entry)
  }
  const entries = [...wanted.values()]
  const found = await Promise.all(entries.map((e) => secretExists(e.region, e.name)))
  const missing = entries.filter((_, i) => !found[i])
  if (missing.length === 0) return
  throw new PlatformError(`${missing.map((m) => `${m.types.join(', ')} read their API keys from the Secrets Manager secret ${m.name} in ${m.region}, which does not exist`).join('; ')}; nothing was changed.`, {
    code: 'CREDENTIALS_SECRET_MISSING',
    exit: ExitCode.deployFailed,
    suggestions: [
      ...missing.map(
        (m) =>
          `Create it from a file holding an Atlas organisation API key, {"PublicKey": "<public key>", "PrivateKey": "<private key>"} (a key with the Organization Project Creator role, whose access list lets AWS in), then delete the file:\n    aws secretsmanager create-secret --region ${m.region} --name ${m.name} --secret-string file://atlas-profile.json`,
      ),
      `Then run \`platform activate ${env.name}\` again.`,
    ],
  })
}

/** What happened to one type. */
export interface TypeActivationResult {
  region: string
  typeName: string
  publisherId: string
  /** `activated` now, `already-active`, or (dry run) `would-activate`. */
  activation: 'activated' | 'already-active' | 'would-activate'
  /** `set` now, `already-set`, `left-alone` (set to another configuration), `not-needed`, or (dry run) `would-set`. */
  configuration: 'set' | 'already-set' | 'left-alone' | 'not-needed' | 'would-set'
}

/** What happened to one Secrets Manager secret a configuration references (values never shown). */
export interface ConfigurationSecretResult {
  region: string
  name: string
  /** `created`, `updated` (the environment's keys changed), `unchanged`, or (dry run) `would-keep`. */
  write: SecretWrite | 'would-keep'
}

export interface ActivationResult {
  environment: string
  dryRun: boolean
  types: TypeActivationResult[]
  secrets: ConfigurationSecretResult[]
  unknown: ActivationPlan['unknown']
}

/** What a configuration that is not set now is reported as. */
const UNCHANGED_CONFIGURATION = {current: 'already-set', other: 'left-alone', none: 'not-needed'} as const

/** ActivateType then SetTypeConfiguration where the plan says so, one type after another; with `dryRun`, nothing. */
export async function applyActivation(plan: ActivationPlan, registry: Pick<TypeRegistry, 'activate' | 'configure'>, options: {dryRun: boolean; onDone?: (type: TypeActivationResult) => void}): Promise<Omit<ActivationResult, 'secrets'>> {
  const types: TypeActivationResult[] = []
  for (const type of plan.types) {
    const willActivate = type.activation === 'activate'
    const willConfigure = type.configurationState === 'set'
    if (!options.dryRun && willActivate) await registry.activate(type.region, type.typeName, type.publisherId, type.executionRoleArn)
    if (!options.dryRun && willConfigure) await registry.configure(type.region, type.typeName, type.configuration!)
    const done: TypeActivationResult = {
      region: type.region,
      typeName: type.typeName,
      publisherId: type.publisherId,
      activation: willActivate ? (options.dryRun ? 'would-activate' : 'activated') : 'already-active',
      configuration: willConfigure ? (options.dryRun ? 'would-set' : 'set') : UNCHANGED_CONFIGURATION[type.configurationState as Exclude<TypeActivation['configurationState'], 'set'>],
    }
    types.push(done)
    options.onDone?.(done)
  }
  return {environment: plan.environment, dryRun: options.dryRun, types, unknown: plan.unknown}
}

const ACTIVATION_TEXT: Record<TypeActivationResult['activation'], string> = {
  activated: 'activated (minor versions update automatically)',
  'already-active': 'already activated',
  'would-activate': 'would activate (ActivateType, minor versions updating automatically)',
}

const CONFIGURATION_TEXT: Record<TypeActivationResult['configuration'], string> = {
  set: 'configuration set from the environment\'s secrets',
  'already-set': 'already configured',
  'left-alone': 'already configured differently (by hand, or by another environment in this account and region): left alone',
  'not-needed': 'needs no configuration',
  'would-set': 'would set its configuration from the environment\'s secrets (SetTypeConfiguration)',
}

/** One line per type: what was (or would be) done. */
export function describeTypeResult(type: TypeActivationResult): string {
  return `${type.typeName} in ${type.region}: ${ACTIVATION_TEXT[type.activation]}; ${CONFIGURATION_TEXT[type.configuration]}`
}

/** The plan as the lines a person confirms: what changes, and the configuration sent (references only). */
export function describePlan(plan: ActivationPlan): string[] {
  const lines: string[] = []
  for (const type of plan.types) {
    const steps = [
      ...(type.configurationState === 'set' && type.configurationSecret ? [`keep the Secrets Manager secret ${type.configurationSecret.name} as a copy of ${Object.values(type.configurationSecret.keys).join(' and ')}`] : []),
      ...(type.activation === 'activate' ? [`ActivateType (publisher ${type.publisherId}, AutoUpdate${type.executionRoleArn ? `, execution role ${type.executionRoleArn}` : ''})`] : []),
      ...(type.configurationState === 'set' ? [`SetTypeConfiguration ${type.configuration}`] : []),
    ]
    if (steps.length > 0) lines.push(`${type.typeName} in ${type.region}: ${steps.join(', then ')}`)
  }
  return lines
}

export interface ActivateInput {
  env: ActivateEnvironment
  stacks: StackDefinition[]
  registry: TypeRegistry
  /** Names of the secrets set under the environment's SSM path (DescribeParameters: metadata, no value). */
  storedSecrets: () => Promise<string[]>
  /**
   * The execution role for types that read their own credentials (MongoDB Atlas): --execution-role-arn,
   * else the bootstrap stack's output; undefined when neither exists. Asked only when such a type is used.
   */
  executionRoleArn: () => Promise<string | undefined>
  /** The name the bootstrap stack gives that role (for the message when it is missing). */
  executionRoleName: string
  /**
   * Keeps the Secrets Manager secret a configuration references in `region` as a copy of the
   * environment's secrets (created when missing, written only when the values differ).
   */
  keepConfigurationSecret: (region: string, secret: ConfigurationSecret) => Promise<SecretWrite>
  /** Whether a Secrets Manager secret exists in a region (DescribeSecret: metadata, never the value). */
  secretExists: (region: string, name: string) => Promise<boolean>
  flags: {yes: boolean; dryRun: boolean}
  prompt: {canPrompt: () => boolean; confirm: (message: string) => Promise<boolean>}
  /** Progress lines (stderr). */
  progress: (text: string) => void
  warn: (text: string) => void
}

/**
 * `platform activate ENV`: reads what the account has, refuses a configuration whose secrets are
 * missing, asks (or takes --yes), then activates and configures. Types already activated and
 * configured are left as they are, so running it again changes nothing.
 */
export async function activateEnvironment(input: ActivateInput): Promise<ActivationResult> {
  const {env, flags} = input
  const usesCredentialsSecret = [...thirdPartyTypes(input.stacks).values()].flat().some((typeName) => publisherOf(typeName)?.credentialsSecret)
  const plan = await planActivation(env, input.stacks, input.registry, {executionRoleArn: usesCredentialsSecret ? await input.executionRoleArn() : undefined})
  for (const {region, typeName} of plan.unknown) input.warn(`${typeName} in ${region}: its publisher is unknown to platform; activate it yourself (aws cloudformation activate-type).`)
  if (plan.types.length === 0 && plan.unknown.length === 0) input.progress(`Environment ${env.name} uses no third-party resource types: nothing to activate.`)
  // Before any change, and on every run: deploy needs the secret as much as the activation.
  await checkCredentialsSecrets(env, plan, input.secretExists)
  if (hasChanges(plan)) {
    checkConfigurationSecrets(env, plan, await input.storedSecrets())
    checkExecutionRoles(plan, {env, roleName: input.executionRoleName})
    if (!flags.dryRun && !flags.yes) {
      if (!input.prompt.canPrompt()) throw new NonInteractiveError('--yes', `Activating third-party resource types for ${env.name}`)
      input.progress(describePlan(plan).join('\n'))
      if (!(await input.prompt.confirm(`Activate and configure these types for ${env.name}?`))) throw new AbortedError('Nothing was activated.')
    }
  }
  // Before SetTypeConfiguration, and on every run (not only when the configuration is set): the
  // secret follows the environment's keys, and a secret deleted by hand is made again.
  const secrets = await keepConfigurationSecrets(plan, input, flags.dryRun)
  const result: ActivationResult = {...(await applyActivation(plan, input.registry, {dryRun: flags.dryRun, onDone: (type) => input.progress(describeTypeResult(type))})), secrets}
  for (const type of result.types) if (type.configuration === 'left-alone') input.warn(`${type.typeName} in ${type.region} keeps a configuration platform did not write; deploys use it as it is.`)
  for (const type of plan.types) {
    if (type.credentialsSecret && type.activation === 'active' && !type.executionRoleArn) {
      input.warn(`${type.typeName} in ${type.region} was activated without an execution role: its handlers cannot read ${type.credentialsSecret}. Deactivate it (aws cloudformation deactivate-type --region ${type.region} --type RESOURCE --type-name ${type.typeName}) and run activate again.`)
    }
  }
  if (flags.dryRun && hasChanges(plan)) input.progress(`Dry run: nothing was changed. The configuration sent:\n${describePlan(plan).join('\n')}`)
  return result
}

const SECRET_WRITE_TEXT: Record<ConfigurationSecretResult['write'], string> = {
  created: 'created from the environment\'s secrets',
  updated: 'updated: the environment\'s secrets changed',
  unchanged: 'already holds the environment\'s secrets',
  'would-keep': 'would be kept as a copy of the environment\'s secrets',
}

/** Each distinct secret the plan's own configurations reference, once per region; with `dryRun`, nothing is read or written. */
async function keepConfigurationSecrets(plan: ActivationPlan, input: Pick<ActivateInput, 'keepConfigurationSecret' | 'progress'>, dryRun: boolean): Promise<ConfigurationSecretResult[]> {
  const wanted = new Map<string, {region: string; secret: ConfigurationSecret}>()
  for (const type of plan.types) if (type.configurationSecret) wanted.set(`${type.region}/${type.configurationSecret.name}`, {region: type.region, secret: type.configurationSecret})
  const results: ConfigurationSecretResult[] = []
  for (const {region, secret} of wanted.values()) {
    const write = dryRun ? 'would-keep' : await input.keepConfigurationSecret(region, secret)
    results.push({region, name: secret.name, write})
    input.progress(`Secrets Manager secret ${secret.name} in ${region}: ${SECRET_WRITE_TEXT[write]}`)
  }
  return results
}
