import type {CloudFormationApi} from '../aws/cloudformation.js'
import type {ResolvedEnvironment} from '../config/types.js'
import {DeployFailedError} from '../errors.js'
import type {StackDefinition} from '../stacks/types.js'
import type {DestroyPlan, OngoingCost, RetainedResource} from './plan.js'

export interface DestroyedStack {
  stack: string
  region: string
  /** deleted, or absent (nothing to delete). */
  outcome: 'deleted' | 'absent'
  /** Termination protection was on and was lifted for the delete. */
  protectionLifted: boolean
}

export interface DestroyResult {
  environment: string
  /** false for --dry-run: the plan only. */
  executed: boolean
  stacks: DestroyedStack[]
  /** Deleted in this order (waves joined). */
  order: string[]
  kept: Array<{stack: string; region: string; why: string}>
  retained: RetainedResource[]
  ongoingCosts: OngoingCost[]
  /** USD per month the kept stacks and retained resources go on costing. */
  ongoingMonthlyUsd: number
  seconds: number
}

export interface DestroyOptions {
  env: Pick<ResolvedEnvironment, 'name'>
  plan: DestroyPlan
  costs: OngoingCost[]
  cloudFormation: (region: string) => CloudFormationApi
  dryRun: boolean
  /** @default 2000 */
  pollMs?: number
  progress: (message: string) => void
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

const DELETE_TIMEOUT_MS = 60 * 60_000

async function deleteOne(stack: StackDefinition, options: DestroyOptions): Promise<DestroyedStack> {
  const cfn = options.cloudFormation(stack.region)
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)))
  const now = options.now ?? Date.now
  const found = await cfn.describeStack(stack.name)
  if (!found) return {stack: stack.name, region: stack.region, outcome: 'absent', protectionLifted: false}
  const lifted = Boolean(found.terminationProtection)
  if (lifted) {
    options.progress(`${stack.name}: lifting termination protection for the delete`)
    await cfn.updateTerminationProtection(stack.name, false)
  }
  try {
    options.progress(`${stack.name}: deleting`)
    await cfn.deleteStack(found.stackId)
    const started = now()
    for (;;) {
      // By id: a deleted stack is still described (DELETE_COMPLETE), by name it is gone.
      const current = await cfn.describeStack(found.stackId)
      if (!current) break
      if (current.status === 'DELETE_FAILED') {
        throw new DeployFailedError(`Deleting ${stack.name} failed; the stacks after it were not touched.`, [{stack: stack.name, logicalId: stack.name, status: 'DELETE_FAILED', reason: current.statusReason}], {code: 'DESTROY_FAILED'})
      }
      if (now() - started > DELETE_TIMEOUT_MS) throw new DeployFailedError(`${stack.name} is still ${current.status} after an hour.`, [], {code: 'DESTROY_TIMEOUT'})
      await sleep(options.pollMs ?? 2000)
    }
    options.progress(`${stack.name}: deleted`)
    return {stack: stack.name, region: stack.region, outcome: 'deleted', protectionLifted: lifted}
  } catch (error) {
    // Lifted only for the duration: a stack that is still there gets its protection back.
    if (lifted && (await cfn.describeStack(stack.name).catch(() => undefined))) await cfn.updateTerminationProtection(stack.name, true).catch(() => undefined)
    throw error
  }
}

/**
 * Delete the plan's stacks wave by wave (a wave's stacks at once). The first failure stops the
 * destroy: later waves are not started, and a failed stack keeps (gets back) its protection.
 */
export async function destroyEnvironment(options: DestroyOptions): Promise<DestroyResult> {
  const now = options.now ?? Date.now
  const started = now()
  const stacks: DestroyedStack[] = []
  if (!options.dryRun) {
    for (const wave of options.plan.waves) {
      const results = await Promise.allSettled(wave.map((stack) => deleteOne(stack, options)))
      for (const r of results) if (r.status === 'fulfilled') stacks.push(r.value)
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (failed) throw failed.reason
    }
  }
  return {
    environment: options.env.name,
    executed: !options.dryRun,
    stacks,
    order: options.plan.waves.flat().map((s) => s.name),
    kept: options.plan.kept.map((k) => ({stack: k.stack.name, region: k.stack.region, why: k.why})),
    retained: options.plan.retained,
    ongoingCosts: options.costs,
    ongoingMonthlyUsd: Math.round(options.costs.reduce((sum, c) => sum + c.monthlyUsd, 0) * 100) / 100,
    seconds: (now() - started) / 1000,
  }
}

/** The plan or outcome as text. */
export function formatDestroy(result: DestroyResult): string {
  const lines: string[] = []
  lines.push(result.executed ? `Destroyed ${result.environment} in ${result.seconds.toFixed(1)} s:` : `Would delete, in this order (${result.environment}):`)
  const outcome = new Map(result.stacks.map((s) => [s.stack, s]))
  for (const name of result.order) {
    const s = outcome.get(name)
    lines.push(`  ${name}${s ? `  ${s.outcome}${s.protectionLifted ? ' (termination protection lifted for the delete)' : ''}` : ''}`)
  }
  lines.push('', 'Kept (not deleted):')
  for (const k of result.kept) lines.push(`  ${k.stack}  ${k.why}`)
  lines.push('', 'Left behind by their stacks (DeletionPolicy):')
  for (const r of result.retained) lines.push(`  ${r.stack} ${r.logicalId} ${r.type}`)
  lines.push('', `Still costing about $${result.ongoingMonthlyUsd.toFixed(2)} a month:`)
  for (const c of result.ongoingCosts) lines.push(`  $${c.monthlyUsd.toFixed(2).padStart(8)}  ${c.what}`)
  return lines.join('\n')
}
