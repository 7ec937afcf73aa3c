import type {ResolvedEnvironment} from '../config/types.js'
import {DeployFailedError} from '../errors.js'
import {atlasProfileSecret, datadogTypeConfigurationSecret} from '../naming.js'
import type {StackDefinition} from '../stacks/types.js'
import {ATLAS_EXTENSION_ROLE_OUTPUT} from '../../templates/bootstrap.js'
import {DATADOG_API_KEY_SECRET} from '../../templates/service.js'
import type {DeployAws} from './types.js'

/** The secret holding the Datadog application key that Datadog's resource types call its API with (the Agent needs only the API key). */
export const DATADOG_APP_KEY_SECRET = 'DATADOG_APP_KEY'

/** The parts of an environment a type configuration is built from. */
export type TypeConfigurationEnvironment = Pick<ResolvedEnvironment, 'project' | 'name' | 'monitoring'>

/**
 * A type's account-level configuration (SetTypeConfiguration) for one environment: JSON whose
 * keys are dynamic references to the environment's secrets, never their values, which
 * CloudFormation resolves each time the type's handlers run (so a rotated key needs no new
 * configuration).
 */
export interface TypeConfiguration {
  /** The configuration as sent, with `{{resolve:secretsmanager:...}}` references. */
  json: string
  /** The environment's secrets it is made from (SSM SecureStrings `/<project>/<env>/<NAME>`). */
  secrets: string[]
  /** The Secrets Manager secret it references, in the type's region, and the environment secret each of its JSON keys holds. */
  secret: ConfigurationSecret
}

/** A Secrets Manager secret `platform activate` keeps as a copy of some of the environment's secrets. */
export interface ConfigurationSecret {
  name: string
  /** JSON key in the secret → the environment's secret (SSM) it is copied from. */
  keys: Record<string, string>
}

export interface ThirdPartyPublisher {
  publisherId: string
  /** What SetTypeConfiguration needs; undefined when the type has no required account-level configuration. */
  configuration?: (env: TypeConfigurationEnvironment) => TypeConfiguration
  /**
   * The Secrets Manager secret the type's handlers read their credentials from themselves, in the
   * type's region: such a type is activated with an execution role that may read it (ActivateType's
   * ExecutionRoleArn), and the secret must exist before a stack uses the type.
   */
  credentialsSecret?: string
}

/**
 * `{{resolve:secretsmanager:<name>:SecretString:<key>}}`: the form AWS's extension-configuration
 * documentation and Datadog's CloudFormation guide show for a type configuration (`ssm-secure` is
 * documented for listed template properties only).
 */
function secretReference(secretName: string, key: string): string {
  return `{{resolve:secretsmanager:${secretName}:SecretString:${key}}}`
}

/**
 * Resource types from CloudFormation's public registry that the templates may use, with their
 * publisher and configuration. CloudFormation refuses a template naming any of them
 * ("Unrecognized resource types") until it is activated in that account and region, and
 * Datadog's handlers fail without their credentials configured.
 */
export const THIRD_PARTY_PUBLISHERS: Record<string, ThirdPartyPublisher> = {
  'Datadog::': {
    publisherId: '7171b96e5d207b947eb72ca9ce05247c246de623',
    // DatadogCredentials (Datadog's CloudFormation guide); ApiURL only outside US1 (datadoghq.com).
    configuration: (env) => {
      const site = env.monitoring.datadog.site
      const secret = {name: datadogTypeConfigurationSecret(env), keys: {ApiKey: DATADOG_API_KEY_SECRET, ApplicationKey: DATADOG_APP_KEY_SECRET}}
      const credentials: Record<string, string> = {ApiKey: secretReference(secret.name, 'ApiKey'), ApplicationKey: secretReference(secret.name, 'ApplicationKey')}
      if (site !== 'datadoghq.com') credentials.ApiURL = `https://api.${site}`
      return {json: JSON.stringify({DatadogCredentials: credentials}), secrets: Object.values(secret.keys), secret}
    },
  },
  // The Atlas types have no configuration: their handlers read the organisation's API keys from the
  // Secrets Manager secret cfn/atlas/profile/<Profile> (each resource's Profile property) with the
  // execution role they were activated with (MongoDB's CloudFormation resources README).
  'MongoDB::Atlas::': {publisherId: 'bb989456c78c398a858fef18f2ca1bfc1fbba082', credentialsSecret: atlasProfileSecret()},
}

/** Types CloudFormation itself provides: never activated. */
function isProvidedByAws(type: string): boolean {
  return type.startsWith('AWS::') || type.startsWith('Custom::') || type.startsWith('Alexa::')
}

/** Region → third-party types the stacks' templates use, sorted. */
export function thirdPartyTypes(stacks: StackDefinition[]): Map<string, string[]> {
  const byRegion = new Map<string, Set<string>>()
  for (const stack of stacks) {
    for (const resource of Object.values(stack.template.Resources)) {
      if (isProvidedByAws(resource.Type)) continue
      const set = byRegion.get(stack.region) ?? new Set<string>()
      set.add(resource.Type)
      byRegion.set(stack.region, set)
    }
  }
  return new Map([...byRegion].map(([region, types]) => [region, [...types].sort()]))
}

/** The publisher of a third-party type and its configuration, when this tool knows it. */
export function publisherOf(typeName: string): ThirdPartyPublisher | undefined {
  return Object.entries(THIRD_PARTY_PUBLISHERS).find(([prefix]) => typeName.startsWith(prefix))?.[1]
}

/**
 * The aws commands that do what `platform activate` does for one type in a region (for those who
 * activate by hand): the configuration holds references to the environment's secrets, never keys.
 */
export function activationSteps(env: TypeConfigurationEnvironment, region: string, typeName: string): string {
  const publisher = publisherOf(typeName)
  const role = publisher?.credentialsSecret ? ` --execution-role-arn <the ${ATLAS_EXTENSION_ROLE_OUTPUT} output of the bootstrap stack>` : ''
  const activate = `aws cloudformation activate-type --region ${region} --type RESOURCE --type-name ${typeName} --publisher-id ${publisher?.publisherId ?? '<publisher id from the registry>'} --auto-update${role}`
  const configuration = publisher?.configuration?.(env)
  // The secret the configuration references, created from a file so the keys stay off the command line.
  const secret = configuration
    ? `\n      aws secretsmanager create-secret --region ${region} --name ${configuration.secret.name} --secret-string file://keys.json   # keys.json: {${Object.entries(configuration.secret.keys)
        .map(([key, source]) => `"${key}": "<${source}>"`)
        .join(', ')}}, then delete it`
    : ''
  const configure = configuration ? `${secret}\n      aws cloudformation set-type-configuration --region ${region} --type RESOURCE --type-name ${typeName} --configuration-alias default --configuration '${configuration.json}'` : ''
  return `${typeName} in ${region}:\n      ${activate}${configure}`
}

/** Whether deploy's preflight must find the type's configuration set (it has a required one). */
export function needsConfiguration(typeName: string): boolean {
  return publisherOf(typeName)?.configuration !== undefined
}

/**
 * Preflight: every third-party type the stacks being deployed use must be activated in their
 * region (DescribeType) and, when it needs one, have its configuration set
 * (BatchDescribeTypeConfigurations); else the deploy is refused before any change, pointing at
 * `platform activate ENV`.
 */
export async function checkThirdPartyTypes(stacks: StackDefinition[], aws: Pick<DeployAws, 'typeActivated' | 'typeConfigured'>, env: TypeConfigurationEnvironment): Promise<void> {
  const wanted = [...thirdPartyTypes(stacks)].flatMap(([region, types]) => types.map((type) => ({region, type})))
  const activated = await Promise.all(wanted.map(({region, type}) => aws.typeActivated(region, type)))
  const inactive = wanted.filter((_, i) => !activated[i])
  const toConfigure = wanted.filter((w, i) => activated[i] && needsConfiguration(w.type))
  const configured = await Promise.all(toConfigure.map(({region, type}) => aws.typeConfigured(region, type)))
  const unconfigured = toConfigure.filter((_, i) => !configured[i])
  if (inactive.length === 0 && unconfigured.length === 0) return
  const list = (types: typeof wanted) => types.map((m) => `${m.type} (${m.region})`).join(', ')
  const problems = [
    ...(inactive.length > 0 ? [`Third-party resource types not activated: ${list(inactive)}. CloudFormation refuses templates that use them ("Unrecognized resource types").`] : []),
    ...(unconfigured.length > 0 ? [`Third-party resource types without their configuration: ${list(unconfigured)}. Their handlers would fail without credentials.`] : []),
  ]
  throw new DeployFailedError(`Preflight failed; nothing was changed. ${problems.join(' ')}`, [], {
    code: inactive.length > 0 ? 'TYPES_NOT_ACTIVATED' : 'TYPES_NOT_CONFIGURED',
    suggestions: [
      `Run \`platform activate ${env.name}\` (with the --local, --profile or --region flags this deploy used): it activates each type and sets its configuration from ${env.name}'s secrets, once per account and region.`,
      `Or by hand, once per account and region (the keys stay in SSM, resolved by CloudFormation):\n    ${[...inactive, ...unconfigured].map((m) => activationSteps(env, m.region, m.type)).join('\n    ')}`,
      'Then run the deploy again.',
    ],
  })
}
