import type {ResolvedEnvironment} from '../lib/config/types.js'
import {envPrefix, stackName} from '../lib/naming.js'
import type {CfnTemplate, ParameterSource, StackDefinition} from '../lib/stacks/types.js'
import {hasPermissionsBoundary, permissionsBoundaryArn} from './iam.js'

/** Tags on every stack and every taggable resource. Sorted so output is byte-stable. */
export function standardTags(env: ResolvedEnvironment): Record<string, string> {
  return sortObject({...env.tags, project: env.project, environment: env.name, 'managed-by': 'platform'})
}

/** The `Tags: [{Key, Value}]` list most resource types take. */
export function tagList(env: ResolvedEnvironment, extra: Record<string, string> = {}): Array<{Key: string; Value: string}> {
  return Object.entries(sortObject({...standardTags(env), ...extra})).map(([Key, Value]) => ({Key, Value}))
}

/**
 * Every IAM role of the environment carries its permissions boundary: the CI deploy role may create
 * a role only with that boundary attached, so a role it creates can never be more than it is.
 * Decided here, once, for every stack; a role that sets its own boundary keeps it.
 */
function withPermissionsBoundary(env: ResolvedEnvironment, resources: CfnTemplate['Resources']): CfnTemplate['Resources'] {
  if (!hasPermissionsBoundary(env)) return resources
  return Object.fromEntries(
    Object.entries(resources).map(([id, resource]) => {
      if (resource.Type !== 'AWS::IAM::Role' || resource.Properties?.PermissionsBoundary) return [id, resource]
      return [id, {...resource, Properties: {...resource.Properties, PermissionsBoundary: permissionsBoundaryArn(env)}}]
    }),
  )
}

/** `<project>-<env>` for resource names. */
export function prefix(env: ResolvedEnvironment): string {
  return envPrefix(env.project, env.name)
}

/** A template with the format version line (moto's GetTemplateSummary needs it). */
export function newTemplate(description: string): CfnTemplate {
  return {AWSTemplateFormatVersion: '2010-09-09', Description: description, Parameters: {}, Resources: {}, Outputs: {}}
}

/** Read `output` of another part's stack as a parameter (adds the dependency edge too). */
export function fromOutput(env: ResolvedEnvironment, part: string, output: string): ParameterSource {
  return {from: 'output', stack: stackName(env.project, env.name, part), output}
}

/**
 * Assemble a stack definition: drops empty sections, derives `dependsOn` from the parameter
 * sources (plus `extraDependsOn`), and sorts keys so the same config renders the same bytes.
 */
export function defineStack(
  env: ResolvedEnvironment,
  part: string,
  template: CfnTemplate,
  options: {region?: string; parameters?: Record<string, ParameterSource>; extraDependsOn?: string[]} = {},
): StackDefinition {
  const parameters = options.parameters ?? {}
  const deps = new Set<string>(options.extraDependsOn ?? [])
  for (const source of Object.values(parameters)) if (source.from === 'output') deps.add(source.stack)
  const cleaned: CfnTemplate = {...template, Resources: withPermissionsBoundary(env, template.Resources)}
  for (const key of ['Parameters', 'Outputs', 'Conditions', 'Metadata'] as const) {
    const section = cleaned[key]
    if (section && Object.keys(section).length === 0) delete cleaned[key]
  }
  return {
    part,
    name: stackName(env.project, env.name, part),
    region: options.region ?? env.region,
    template: sortTemplate(cleaned),
    dependsOn: [...deps].sort(),
    parameters: sortObject(parameters),
    tags: standardTags(env),
    terminationProtection: env.protect,
  }
}

/** Sort object keys recursively (arrays keep their order: it can be meaningful). */
export function sortObject<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => sortObject(v)) as T
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value as Record<string, unknown>).sort()) out[key] = sortObject((value as Record<string, unknown>)[key])
    return out as T
  }
  return value
}

/** Template keys in the conventional order, everything below sorted. */
function sortTemplate(template: CfnTemplate): CfnTemplate {
  const order = ['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Conditions', 'Resources', 'Outputs'] as const
  const out: Record<string, unknown> = {}
  for (const key of order) if (template[key] !== undefined) out[key] = sortObject(template[key])
  return out as unknown as CfnTemplate
}
