import type {StackDefinition} from '../stacks/types.js'
import type {StackPlan} from './types.js'

/** Counts over every stack: what the review and `diff` print last, and `summary` in their --json. */
export interface PlanSummary {
  add: number
  modify: number
  remove: number
  replace: number
  stacksChanging: number
}

/** Actions under which a stack is left as deployed. A deferred stack is not: it is still to be created. */
const UNCHANGED: ReadonlySet<StackPlan['action']> = new Set(['skip', 'read-only'])

export function summarizePlans(plans: StackPlan[]): PlanSummary {
  const changes = plans.flatMap((p) => p.changes)
  return {
    add: changes.filter((c) => c.action === 'Add').length,
    modify: changes.filter((c) => c.action === 'Modify').length,
    remove: changes.filter((c) => c.action === 'Remove').length,
    replace: changes.filter((c) => c.replacement !== 'False').length,
    stacksChanging: plans.filter((p) => !UNCHANGED.has(p.action) && p.action !== 'deferred').length,
  }
}

/**
 * The stacks whose deployed state differs from platform.yaml: what `diff --fail` fails on. A
 * deferred service stack counts: the environment does not have it yet.
 */
export function stacksThatDiffer(plans: StackPlan[]): StackPlan[] {
  return plans.filter((p) => !UNCHANGED.has(p.action))
}

/**
 * `items` (plans, results) in the order of `stacks`, which renderEnvironment gives in deploy
 * order: the engine finishes stacks in whatever order AWS answers, the user reads the same order every run.
 */
export function inDeployOrder<T extends {stack: string}>(items: readonly T[], stacks: readonly StackDefinition[]): T[] {
  const rank = new Map(stacks.map((s, i) => [s.name, i]))
  const at = (item: T) => rank.get(item.stack) ?? stacks.length
  return [...items].sort((a, b) => at(a) - at(b) || a.stack.localeCompare(b.stack))
}
