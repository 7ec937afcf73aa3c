import {DeployFailedError} from '../errors.js'
import type {StackDefinition} from '../stacks/types.js'
import type {DeployAws} from './types.js'

/**
 * Resource types from CloudFormation's public registry that the templates may use, with their
 * publisher and what `set-type-configuration` needs. CloudFormation refuses a template naming any of
 * them ("Unrecognized resource types") until it is activated in that account and region.
 */
export const THIRD_PARTY_PUBLISHERS: Record<string, {publisherId: string; configuration: string}> = {
  'Datadog::': {
    publisherId: '7171b96e5d207b947eb72ca9ce05247c246de623',
    configuration:
      '\'{"DatadogCredentials": {"ApiKey": "{{resolve:secretsmanager:datadog/cloudformation:SecretString:ApiKey}}", "ApplicationKey": "{{resolve:secretsmanager:datadog/cloudformation:SecretString:ApplicationKey}}"}}\' (keys in the Secrets Manager secret datadog/cloudformation; add "ApiURL" outside US1)',
  },
  'MongoDB::Atlas::': {
    publisherId: 'bb989456c78c398a858fef18f2ca1bfc1fbba082',
    configuration: '\'{"ProfileName": "default"}\' (the Atlas API keys in the Secrets Manager secret cfn/atlas/profile/default as {"PublicKey", "PrivateKey"})',
  },
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
export function publisherOf(typeName: string): {publisherId: string; configuration: string} | undefined {
  return Object.entries(THIRD_PARTY_PUBLISHERS).find(([prefix]) => typeName.startsWith(prefix))?.[1]
}

/** The exact commands that activate a type in a region and configure it (keys never on the command line). */
export function activationSteps(region: string, typeName: string): string {
  const publisher = publisherOf(typeName)
  const activate = `aws cloudformation activate-type --region ${region} --type RESOURCE --type-name ${typeName} --publisher-id ${publisher?.publisherId ?? '<publisher id from the registry>'} --execution-role-arn <role the type assumes> --auto-update`
  const configure = `aws cloudformation set-type-configuration --region ${region} --type RESOURCE --type-name ${typeName} --configuration ${publisher?.configuration ?? '<the configuration its schema asks for>'}`
  return `${typeName} in ${region}:\n      ${activate}\n      ${configure}`
}

/**
 * Preflight: every third-party type the stacks being deployed use must be activated in their region
 * (DescribeType), else the deploy is refused before any change, with the commands that activate each.
 */
export async function checkThirdPartyTypes(stacks: StackDefinition[], aws: Pick<DeployAws, 'typeActivated'>): Promise<void> {
  const wanted = [...thirdPartyTypes(stacks)].flatMap(([region, types]) => types.map((type) => ({region, type})))
  const activated = await Promise.all(wanted.map(({region, type}) => aws.typeActivated(region, type)))
  const missing = wanted.filter((_, i) => !activated[i])
  if (missing.length === 0) return
  throw new DeployFailedError(
    `Preflight failed; nothing was changed. Third-party resource types not activated: ${missing.map((m) => `${m.type} (${m.region})`).join(', ')}. CloudFormation refuses templates that use them ("Unrecognized resource types").`,
    [],
    {
      code: 'TYPES_NOT_ACTIVATED',
      suggestions: [`Activate and configure each once per account and region (the keys stay in Secrets Manager, resolved by CloudFormation):\n    ${missing.map((m) => activationSteps(m.region, m.type)).join('\n    ')}`, 'Then run the deploy again.'],
    },
  )
}

/**
 * Activates each third-party type the stacks use, in its region, with its known publisher: the
 * one-time `activate-type` step of an account (`platform local start` does it for the local AWS,
 * a fresh sandbox account). Types of unknown publishers are returned as skipped.
 */
export async function activateThirdPartyTypes(
  stacks: StackDefinition[],
  activate: (region: string, typeName: string, publisherId: string) => Promise<void>,
): Promise<{activated: Array<{region: string; typeName: string}>; skipped: Array<{region: string; typeName: string}>}> {
  const activated: Array<{region: string; typeName: string}> = []
  const skipped: Array<{region: string; typeName: string}> = []
  for (const [region, types] of thirdPartyTypes(stacks)) {
    for (const typeName of types) {
      const publisherId = publisherOf(typeName)?.publisherId
      if (!publisherId) {
        skipped.push({region, typeName})
        continue
      }
      await activate(region, typeName, publisherId)
      activated.push({region, typeName})
    }
  }
  return {activated, skipped}
}
