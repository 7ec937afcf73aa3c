import {isDeepStrictEqual} from 'node:util'
import type {DeployedStack} from '../aws/cloudformation.js'
import type {CfnTemplate, StackDefinition} from '../stacks/types.js'
import {isSettled} from './stack-status.js'

/** A parameter as submitted: a value, or "keep the deployed one" (UsePreviousValue). */
export interface ResolvedParameter {
  value?: string
  usePrevious?: boolean
}

export type ResolvedParameters = Record<string, ResolvedParameter>

/** The parameters the stack would run with: submitted values, else template defaults. */
export function effectiveParameters(template: CfnTemplate, resolved: ResolvedParameters, deployed?: DeployedStack): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const [name, declaration] of Object.entries(template.Parameters ?? {})) {
    const p = resolved[name]
    out[name] = p?.usePrevious ? deployed?.parameters[name] : (p?.value ?? declaration.Default)
  }
  return out
}

export interface SkipDecision {
  skip: boolean
  /** Why it cannot be skipped (the first difference found), for --debug and tests. */
  reason: string
}

/**
 * Whether deploying would change nothing, decided from one DescribeStacks and one GetTemplate:
 * the deployed template (as parsed JSON), parameters, tags and termination protection equal the
 * new ones and the stack is in a healthy state. `force` never skips.
 */
export function decideSkip(def: StackDefinition, deployed: DeployedStack | undefined, deployedTemplate: unknown, resolved: ResolvedParameters, force = false): SkipDecision {
  if (force) return {skip: false, reason: '--force'}
  if (!deployed) return {skip: false, reason: 'stack does not exist'}
  if (!isSettled(deployed.status)) return {skip: false, reason: `status ${deployed.status}`}
  if (!isDeepStrictEqual(deployedTemplate, JSON.parse(JSON.stringify(def.template)))) return {skip: false, reason: 'template differs'}
  const wanted = effectiveParameters(def.template, resolved, deployed)
  for (const [name, value] of Object.entries(wanted)) {
    if (!sameParameterValue(def.template.Parameters![name].Type, deployed.parameters[name], value)) return {skip: false, reason: `parameter ${name} differs`}
  }
  for (const name of Object.keys(deployed.parameters)) if (!(name in wanted)) return {skip: false, reason: `parameter ${name} removed`}
  if (!isDeepStrictEqual(sortedEntries(deployed.tags), sortedEntries(def.tags))) return {skip: false, reason: 'tags differ'}
  if ((deployed.terminationProtection ?? false) !== def.terminationProtection) return {skip: false, reason: 'termination protection differs'}
  return {skip: true, reason: 'unchanged'}
}

function sortedEntries(record: Record<string, string>): Array<[string, string]> {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b))
}

/**
 * Whether CloudFormation reads two values of a parameter of this type (undefined: a parameter the
 * template no longer declares) as the same: a `List<...>` or `CommaDelimitedList` by its items, any
 * other by its text. The skip decision and the plan's parameter changes both ask this.
 */
export function sameParameterValue(type: string | undefined, a: string | undefined, b: string | undefined): boolean {
  const isList = type !== undefined && (type.startsWith('List<') || type === 'CommaDelimitedList')
  return isList ? listItems(a).join(',') === listItems(b).join(',') : a === b
}

/**
 * The items of a `List<...>`/`CommaDelimitedList` parameter value as CloudFormation reads it: split
 * at commas, each item space-trimmed. So `a, b` deployed and `a,b` rendered are the same list.
 */
export function listItems(value: string | undefined): string[] {
  if (value === undefined) return []
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}
