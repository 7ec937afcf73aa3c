import type {DeployedStack} from '../aws/cloudformation.js'
import {DeployFailedError} from '../errors.js'
import type {StackDefinition} from '../stacks/types.js'
import {hasNoDeployedTemplate} from './stack-status.js'
import type {DeployAws} from './types.js'

/** Managed prefix list ids, by {@link prefixListKey}. */
export type PrefixListIds = ReadonlyMap<string, string>

export function prefixListKey(region: string, name: string): string {
  return `${region} ${name}`
}

/**
 * The value a deployed stack already has for a prefix-list parameter. AWS never changes an
 * AWS-managed list's id in a region, so it is kept: EC2 is asked only for a stack that has no
 * value yet (and its SDK, slow to load, stays out of every other deploy).
 */
export function deployedPrefixListId(state: {deployed?: DeployedStack}, parameter: string): string | undefined {
  const {deployed} = state
  if (!deployed || hasNoDeployedTemplate(deployed.status)) return undefined
  return deployed.parameters[parameter] || undefined
}

/**
 * Look up, once per region and name, the prefix lists the selected stacks read and do not have yet.
 * A list missing from a region (a partition without it) stops the deploy before anything changes.
 */
export async function lookUpPrefixLists(states: Iterable<{def: StackDefinition; selected: boolean; deployed?: DeployedStack}>, aws: Pick<DeployAws, 'managedPrefixListId'>): Promise<PrefixListIds> {
  const wanted = new Map<string, {region: string; name: string; stacks: string[]}>()
  for (const state of states) {
    if (!state.selected) continue
    for (const [parameter, source] of Object.entries(state.def.parameters)) {
      if (source.from !== 'prefix-list' || deployedPrefixListId(state, parameter)) continue
      const key = prefixListKey(state.def.region, source.name)
      const entry = wanted.get(key) ?? {region: state.def.region, name: source.name, stacks: []}
      entry.stacks.push(state.def.name)
      wanted.set(key, entry)
    }
  }
  const found = await Promise.all([...wanted].map(async ([key, {region, name}]) => [key, await aws.managedPrefixListId(region, name)] as const))
  const missing = found.filter(([, id]) => !id).map(([key]) => wanted.get(key)!)
  if (missing.length > 0) {
    throw new DeployFailedError(missing.map((m) => `The AWS-managed prefix list ${m.name} does not exist in ${m.region}; ${m.stacks.join(', ')} read${m.stacks.length === 1 ? 's' : ''} its id.`).join('\n'), [], {
      code: 'PREFIX_LIST_MISSING',
      suggestions: ['See the managed prefix lists of the region: `aws ec2 describe-managed-prefix-lists --region <region>`.'],
    })
  }
  return new Map(found.map(([key, id]) => [key, id!]))
}

/** The id a prefix-list parameter resolves to: looked up in this run, else the stack's deployed value. */
export function prefixListId(def: StackDefinition, parameter: string, name: string, looked: PrefixListIds, state: {deployed?: DeployedStack}): string | undefined {
  return looked.get(prefixListKey(def.region, name)) ?? deployedPrefixListId(state, parameter)
}
