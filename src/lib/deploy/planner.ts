import {isDeepStrictEqual} from 'node:util'
import type {CloudFormationApi, DeployedStack} from '../aws/cloudformation.js'
import {nearest} from '../config/issues.js'
import {AbortedError, DeployFailedError, PlatformError} from '../errors.js'
import {servicePart} from '../stacks/parts.js'
import type {CfnTemplate, StackDefinition} from '../stacks/types.js'
import {type ChangeSetContext, createChangeSet, discardChangeSet, type ReviewedChangeSet, withPredicted} from './change-sets.js'
import {type PrefixListIds, prefixListId} from './prefix-lists.js'
import {predictChanges} from './replacement.js'
import {decideSkip, effectiveParameters, type ResolvedParameters, type SkipDecision, sameParameterValue} from './skip.js'
import {asStackFailure} from './stack-failure.js'
import {hasNoDeployedTemplate, isBlocked, isBusy, ROLLBACK_STUCK, ROLLED_BACK_CREATE} from './stack-status.js'
import type {DeployAws, ParameterChange, StackAction, StackPlan} from './types.js'

/** A stack as read before planning: its definition and what CloudFormation has. */
export interface StackState {
  readonly def: StackDefinition
  readonly cfn: CloudFormationApi
  /** Chosen with --stack (or no --stack): deployed; else only its outputs are read. */
  readonly selected: boolean
  readonly deployed?: DeployedStack
  /** The deployed template, read only for selected stacks that have one. */
  readonly deployedTemplate?: CfnTemplate
}

/**
 * What deploying a stack would do, decided once from the state read before the run. The run
 * phase follows it; only a stack whose inputs changed during the run (an upstream stack created or
 * updated) or whose state it had to wait for (attach, recreate, recover) is decided again there.
 */
export interface PlannedStack extends StackState {
  readonly plan: Readonly<StackPlan>
  /** Its parameters, resolved once against the outputs deployed before the run. */
  readonly parameters: Readonly<ResolvedParameters>
  /** `stack.Output` inputs not deployed yet: the run resolves them once those stacks ran. */
  readonly unresolved: readonly string[]
  /** Only termination protection differs: one API call, no change set. */
  readonly protectionOnly: boolean
  /** The reviewed change set the run executes when nothing it was made from moved. */
  readonly changeSet?: Readonly<ReviewedChangeSet>
  /** The review change set was empty: a skip that reports "no change". */
  readonly noChange?: boolean
}

/** What the run does with a decision: nothing, one termination-protection call, or a change set. */
export type Work = 'skip' | 'protection-only' | 'change-set'

/** The one place skip and protection-only are decided (at plan time, and again at run time only when the inputs changed). */
export function decideWork(def: StackDefinition, deployed: DeployedStack | undefined, deployedTemplate: CfnTemplate | undefined, parameters: ResolvedParameters, force?: boolean): {work: Work; skip: SkipDecision} {
  const skip = decideSkip(def, deployed, deployedTemplate, parameters, force)
  return {work: skip.skip ? 'skip' : skip.reason === 'termination protection differs' ? 'protection-only' : 'change-set', skip}
}

/**
 * `--stack web`: a service's stack is `svc-web`, so the service name is the likeliest slip; else
 * the part nearest by edit distance (`--stack netwrok`). Every part is listed either way.
 */
function unknownStack(wanted: string, stacks: StackDefinition[]): PlatformError {
  const parts = stacks.map((s) => s.part)
  const guess = parts.includes(servicePart(wanted)) ? servicePart(wanted) : nearest(wanted, parts)
  return new PlatformError(`No stack "${wanted}" in this environment.`, {
    code: 'UNKNOWN_STACK',
    exit: 2,
    suggestions: [...(guess ? [`Did you mean --stack ${guess}?`] : []), `Stacks: ${parts.join(', ')}.`],
  })
}

/** Stacks chosen with --stack (part or full name); all when none given. */
export function selectStacks(stacks: StackDefinition[], select: string[] | undefined): Set<string> {
  if (!select || select.length === 0) return new Set(stacks.map((s) => s.name))
  const out = new Set<string>()
  for (const wanted of select) {
    const match = stacks.find((s) => s.part === wanted || s.name === wanted)
    if (!match) throw unknownStack(wanted, stacks)
    out.add(match.name)
  }
  return out
}

/** The selected stacks and every stack they read outputs from, in the given (rendered) order. */
export function neededStacks(stacks: StackDefinition[], selected: Set<string>): StackDefinition[] {
  const byName = new Map(stacks.map((s) => [s.name, s]))
  const needed = new Set<string>()
  // A name outside the given stacks adds nothing; a stack already added ends the walk (a cycle too:
  // topologicalOrder names it).
  const add = (def: StackDefinition | undefined) => {
    if (!def || needed.has(def.name)) return
    needed.add(def.name)
    for (const dep of def.dependsOn) add(byName.get(dep))
  }
  for (const name of selected) add(byName.get(name))
  return stacks.filter((s) => needed.has(s.name))
}

/** Dependencies first; ties keep the given order. */
export function topologicalOrder(stacks: StackDefinition[]): string[] {
  const byName = new Map(stacks.map((s) => [s.name, s]))
  const out: string[] = []
  const seen = new Set<string>()
  // A dependency outside the given stacks is not ordered (it is not deployed in this run).
  const visit = (def: StackDefinition | undefined, path: string[]) => {
    if (!def || seen.has(def.name)) return
    if (path.includes(def.name)) throw new PlatformError(`Stack dependency cycle: ${[...path, def.name].join(' -> ')}`)
    for (const dep of def.dependsOn) visit(byName.get(dep), [...path, def.name])
    seen.add(def.name)
    out.push(def.name)
  }
  for (const s of stacks) visit(s, [])
  return out
}

export function parseTemplate(body: string): CfnTemplate | undefined {
  try {
    return JSON.parse(body) as CfnTemplate
  } catch {
    // A YAML body (deployed by another tool) never equals ours: unknown (undefined).
  }
}

/** Read every stack at once, each in its own region: DescribeStacks (through `readStack`, which may share a read already made), and GetTemplate for selected stacks that have one. */
export async function readStacks(
  stacks: StackDefinition[],
  selected: Set<string>,
  aws: Pick<DeployAws, 'cloudFormation'>,
  readStack: (def: StackDefinition) => Promise<DeployedStack | undefined> = (def) => aws.cloudFormation(def.region).describeStack(def.name),
): Promise<Map<string, StackState>> {
  const states = await Promise.all(
    stacks.map(async (def): Promise<StackState> => {
      const cfn = aws.cloudFormation(def.region)
      const isSelected = selected.has(def.name)
      try {
        const deployed = await readStack(def)
        const readTemplate = isSelected && deployed && !hasNoDeployedTemplate(deployed.status)
        const deployedTemplate = readTemplate ? parseTemplate(await cfn.getTemplate(def.name)) : undefined
        return {def, cfn, selected: isSelected, deployed, deployedTemplate}
      } catch (error) {
        throw asStackFailure(error, def.name)
      }
    }),
  )
  return new Map(states.map((s) => [s.def.name, s]))
}

export interface ResolvedInputs {
  parameters: ResolvedParameters
  /** `stack.Output` sources not available. */
  unresolved: string[]
  /** Services with no `--image` and no deployed image. */
  imageMissing: string[]
}

/**
 * Parameter values from their sources. `output`: the source stack's output (read in its own
 * region). `image`: `--image`, else the deployed value kept with UsePreviousValue, else missing.
 * `prefix-list`: the id looked up in this run, else the deployed value (see prefix-lists.ts).
 */
export function resolveParameters(def: StackDefinition, deployed: DeployedStack | undefined, images: Record<string, string>, outputsOf: (stack: string) => Record<string, string> | undefined, prefixLists: PrefixListIds = new Map()): ResolvedInputs {
  const parameters: ResolvedParameters = {}
  const unresolved: string[] = []
  const imageMissing: string[] = []
  for (const [name, source] of Object.entries(def.parameters)) {
    if (source.from === 'value') parameters[name] = {value: source.value}
    else if (source.from === 'output') {
      const value = outputsOf(source.stack)?.[source.output]
      if (value === undefined) unresolved.push(`${source.stack}.${source.output}`)
      else parameters[name] = {value}
    } else if (source.from === 'prefix-list') {
      const value = prefixListId(def, name, source.name, prefixLists, {deployed})
      if (value === undefined) unresolved.push(`prefix list ${source.name}`)
      else parameters[name] = {value}
    } else if (images[source.service]) parameters[name] = {value: images[source.service]}
    else if (deployed?.parameters[name] !== undefined && !hasNoDeployedTemplate(deployed.status)) {
      parameters[name] = {usePrevious: true}
    } else imageMissing.push(source.service)
  }
  return {parameters, unresolved, imageMissing}
}

/** Whether two parameter sets submit the same values (in any key order). */
export function sameParameters(a: ResolvedParameters, b: ResolvedParameters): boolean {
  return isDeepStrictEqual(a, b)
}

export interface PlanOptions {
  images: Record<string, string>
  /** The managed prefix lists looked up before planning (lookUpPrefixLists). */
  prefixLists?: PrefixListIds
  infraOnly?: boolean
  force?: boolean
}

function refuseMissingInputs(ordered: StackState[], options: PlanOptions, outputsOf: (stack: string) => Record<string, string> | undefined): void {
  const undeployed = ordered.filter((s) => !s.selected && !s.deployed)
  if (undeployed.length > 0) {
    const lines = undeployed.map((s) => {
      const users = ordered.filter((q) => q.selected && q.def.dependsOn.includes(s.def.name)).map((q) => q.def.part)
      return `${s.def.name} is not deployed, and ${users.join(', ')} read${users.length === 1 ? 's' : ''} its outputs.`
    })
    throw new PlatformError(lines.join('\n'), {
      code: 'MISSING_DEPENDENCY',
      exit: 5,
      suggestions: [`Deploy ${undeployed.length === 1 ? 'it' : 'them'} too: add ${undeployed.map((s) => `--stack ${s.def.part}`).join(' ')}, or deploy without --stack.`],
    })
  }
  if (options.infraOnly) return
  const needImages = ordered
    .filter((s) => s.selected)
    .map((s) => ({def: s.def, services: resolveParameters(s.def, s.deployed, options.images, outputsOf, options.prefixLists).imageMissing}))
    .filter((m) => m.services.length > 0)
  if (needImages.length === 0) return
  const services = [...new Set(needImages.flatMap((m) => m.services))]
  throw new PlatformError(needImages.map((m) => `${m.def.name} is created for the first time and needs an image for ${m.services.join(', ')}.`).join('\n'), {
    code: 'IMAGE_REQUIRED',
    exit: 2,
    suggestions: [`Pass ${services.map((s) => `--image ${s}=URI`).join(' ')}.`, 'Or pass --infra-only to deploy everything else first.'],
  })
}

function refuseBlocked(ordered: StackState[]): void {
  const blocked = ordered.filter((s) => s.selected && s.deployed && isBlocked(s.deployed.status))
  if (blocked.length === 0) return
  throw new DeployFailedError(blocked.map(({def, deployed}) => `${def.name} is in ${deployed!.status}${deployed!.statusReason ? ` (${deployed!.statusReason})` : ''} and cannot be deployed.`).join('\n'), [], {
    code: 'STACK_BLOCKED',
    suggestions: blocked.map(({def, deployed}) =>
      deployed!.status === 'DELETE_FAILED'
        ? `${def.name}: finish the deletion (retain the failing resources) in the console or with \`aws cloudformation delete-stack --retain-resources\`.`
        : `${def.name}: look at its events: \`aws cloudformation describe-stack-events --stack-name ${def.name}\`.`,
    ),
  })
}

function changedParameters(before: Record<string, string>, after: Record<string, string | undefined>, template: CfnTemplate): ParameterChange[] {
  const out: ParameterChange[] = []
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!sameParameterValue(template.Parameters?.[name]?.Type, before[name], after[name])) out.push({name, old: before[name], new: after[name]})
  }
  return out.sort((a, b) => a.name.localeCompare(b.name))
}

/**
 * Decide every stack, in dependency order, from the state read: no AWS call. Refusals come first,
 * each naming every stack it concerns at once, before any change set exists: stacks --stack reads
 * from that were never deployed, service stacks created without an image (unless --infra-only
 * defers them), stacks in a state a deploy cannot move them out of.
 */
export function decidePlans(states: Map<string, StackState>, order: string[], options: PlanOptions): PlannedStack[] {
  const ordered = order.map((name) => states.get(name)!)
  // Every output a stack reads is of a stack it depends on, so neededStacks read it.
  const outputsAtPlan = (stack: string) => states.get(stack)!.deployed?.outputs
  refuseMissingInputs(ordered, options, outputsAtPlan)
  refuseBlocked(ordered)
  const deferred = new Set<string>()
  return ordered.map((state) => {
    const {def, deployed, deployedTemplate} = state
    const resolved = resolveParameters(def, deployed, options.images, outputsAtPlan, options.prefixLists)
    const base = {...state, parameters: resolved.parameters, unresolved: resolved.unresolved, protectionOnly: false}
    const plan = (action: StackAction, extra: Partial<StackPlan> = {}): StackPlan => ({stack: def.name, part: def.part, region: def.region, action, status: deployed?.status, changes: [], parameterChanges: [], source: 'none', ...extra})
    if (!state.selected) return {...base, plan: plan('read-only')}
    const deferredDependency = def.dependsOn.some((d) => deferred.has(d))
    if (deferredDependency || resolved.imageMissing.length > 0) {
      deferred.add(def.name)
      const reason = deferredDependency ? 'a stack it reads from is deferred' : `no image yet for ${resolved.imageMissing.join(', ')}; created by the first deploy with an image`
      return {...base, plan: plan('deferred', {reason})}
    }
    const status = deployed?.status
    if (status && isBusy(status)) {
      return {...base, plan: plan('attach', {reason: `${status}: another operation is running; the deploy waits for it`, changes: predictChanges(deployedTemplate, def.template), source: 'template'})}
    }
    const effective = effectiveParameters(def.template, resolved.parameters, deployed)
    const parameterChanges = changedParameters(deployed?.parameters ?? {}, effective, def.template)
    if (!deployed || hasNoDeployedTemplate(status) || status === ROLLBACK_STUCK) {
      const action: StackAction = status === ROLLED_BACK_CREATE ? 'recreate' : status === ROLLBACK_STUCK ? 'recover' : 'create'
      const reason =
        action === 'recreate'
          ? 'ROLLBACK_COMPLETE after a failed first create: it holds nothing; it is deleted and created again'
          : action === 'recover'
            ? 'UPDATE_ROLLBACK_FAILED: continue-update-rollback first, then update'
            : undefined
      // Only a recovered stack has a deployed template to compare with (readStacks reads none for the others).
      const changes = predictChanges(deployedTemplate, def.template, deployed?.parameters, effective)
      return {...base, plan: plan(action, {reason, parameterChanges, changes, source: 'template'})}
    }
    const {work, skip} = decideWork(def, deployed, deployedTemplate, resolved.parameters, options.force)
    // A skip changes no parameter: decideSkip compared them as changedParameters does.
    if (work === 'skip') return {...base, plan: plan('skip')}
    const changes = predictChanges(deployedTemplate, def.template, deployed.parameters, effective)
    return {...base, protectionOnly: work === 'protection-only', plan: plan('update', {reason: skip.reason, parameterChanges, changes, source: 'template'})}
  })
}

/** Whether the plan executes a change set (or creates one at run time): what the review is about. */
export function needsReviewChangeSet(p: PlannedStack): boolean {
  return p.plan.action === 'update' && !p.protectionOnly && p.unresolved.length === 0
}

/** Delete the review change sets of these plans (a diff, a refusal, a declined prompt, stacks that never started). */
export async function deletePlannedChangeSets(plans: PlannedStack[], ctx: ChangeSetContext): Promise<void> {
  await Promise.all(plans.filter((p) => p.changeSet).map((p) => discardChangeSet(ctx, p, p.changeSet!.id)))
}

/**
 * Make the review change set of every update whose inputs are known, in dependency order: with the
 * template comparison, it is what the review shows and the guard checks. An empty one turns the
 * plan into a skip (no change). Ctrl-C stops before the next stack and deletes what was made.
 */
export async function reviewChangeSets(plans: PlannedStack[], ctx: ChangeSetContext, signal?: AbortSignal): Promise<PlannedStack[]> {
  const out: PlannedStack[] = []
  for (const p of plans) {
    if (signal?.aborted) {
      await deletePlannedChangeSets(out, ctx)
      throw new AbortedError('Interrupted while planning; nothing was changed and the review change sets were deleted.')
    }
    if (!needsReviewChangeSet(p)) {
      out.push(p)
      continue
    }
    let changeSet: ReviewedChangeSet | undefined
    try {
      changeSet = await createChangeSet(ctx, p, p.parameters)
    } catch (error) {
      await deletePlannedChangeSets(out, ctx)
      throw asStackFailure(error, p.def.name)
    }
    out.push(
      changeSet
        ? {...p, changeSet, plan: {...p.plan, changes: withPredicted(changeSet.changes, p.plan.changes), source: 'change-set'}}
        : {...p, noChange: true, plan: {...p.plan, action: 'skip', reason: 'the change set was empty', changes: []}},
    )
  }
  return out
}
