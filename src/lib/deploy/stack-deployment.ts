import {randomBytes} from 'node:crypto'
import {hostname, userInfo} from 'node:os'
import type {StackEvent} from '@aws-sdk/client-cloudformation'
import type {DeployedStack} from '../aws/cloudformation.js'
import {AbortedError, DeployFailedError} from '../errors.js'
import {shortHash} from '../naming.js'
import type {CfnTemplate, StackDefinition} from '../stacks/types.js'
import {type ChangeSetContext, createChangeSet, discardChangeSet, type ReviewedChangeSet, sleep, withPredicted} from './change-sets.js'
import type {PrefixListIds} from './prefix-lists.js'
import {decideWork, parseTemplate, type PlannedStack, resolveParameters, sameParameters, type Work} from './planner.js'
import {findGuardViolations, predictChanges, replacementRefusal, type ResourceChange} from './replacement.js'
import {effectiveParameters, type ResolvedParameters} from './skip.js'
import {isStackEvent, rootCauses, StackEventPoller} from './stack-events.js'
import {asStackFailure} from './stack-failure.js'
import {hasNoDeployedTemplate, isBlocked, isBusy, isFailedOutcome, isTerminal, REVIEW, ROLLBACK_STUCK, ROLLED_BACK_CREATE, ROLLED_BACK_UPDATE} from './stack-status.js'
import type {StackOutcome, StackPhase} from './types.js'

/** Runs once a change set is reviewed and guarded, just before it is executed; throwing stops that stack (its change set is deleted). */
export type BeforeExecute = (stack: {name: string; part: string; region: string; changes: ResourceChange[]}) => Promise<void>

/** What deploying one stack needs from the run around it. */
export interface StackDeploymentContext extends ChangeSetContext {
  /** This run's ClientRequestToken prefix (see clientRequestToken). */
  runToken: string
  signal?: AbortSignal
  images: Record<string, string>
  force?: boolean
  allowReplace: string[]
  /** `--skip-resources` as given: `LogicalId`, `part.LogicalId` or `stack-name.LogicalId`. */
  skipResources: string[]
  beforeExecute?: BeforeExecute
  /** The outputs of a stack as deployed now (stacks that finished in this run included). */
  outputsOf(stack: string): Record<string, string> | undefined
  /** Whether a stack was created or updated in this run, so its outputs may differ from the plan's. */
  changedInRun(stack: string): boolean
  /** The managed prefix lists looked up before planning. */
  prefixLists?: PrefixListIds
}

/** How one stack's deployment ended. Failures are results too: the orchestrator decides what stops. */
export interface StackDeploymentResult {
  outcome: StackOutcome
  changeSetId?: string
  /** The stack as it ended, when it exists: its outputs feed the stacks that read them. */
  deployed?: DeployedStack
  elapsedMs: number
  error?: unknown
}

/** The token our executions carry: CloudFormation puts it on every event, which is how a second runner learns who holds a stack. */
export function clientRequestToken(): string {
  let user = 'unknown'
  try {
    user = userInfo().username
  } catch {
    // No passwd entry (containers).
  }
  // Room for the per-stack suffix operationToken adds (tokens are at most 128 characters).
  return `platform-${user}-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`.replace(/[^a-zA-Z0-9-]/g, '-').slice(0, 100)
}

/** The ClientRequestToken of one operation on one stack: unique per request, and the same on the SDK's retries of it. */
export function operationToken(runToken: string, stackName: string, operation: 'execute' | 'delete' | 'recover' | 'cancel'): string {
  return `${runToken}-${shortHash(stackName)}-${operation}`.slice(0, 128)
}

type Operation = 'create' | 'update' | 'delete' | 'recover' | 'attach'

/** The stack as the unit currently knows it. */
interface Current {
  deployed?: DeployedStack
  deployedTemplate?: CfnTemplate
}

function plannedWork(planned: PlannedStack): Work {
  return planned.plan.action === 'skip' ? 'skip' : planned.protectionOnly ? 'protection-only' : 'change-set'
}

function resolveAtRunTime(def: StackDefinition, deployed: DeployedStack | undefined, ctx: StackDeploymentContext): ResolvedParameters {
  const resolved = resolveParameters(def, deployed, ctx.images, (stack) => ctx.outputsOf(stack), ctx.prefixLists)
  if (resolved.unresolved.length > 0) throw new DeployFailedError(`${def.name}: outputs not available: ${resolved.unresolved.join(', ')}.`)
  if (resolved.imageMissing.length > 0) throw new DeployFailedError(`${def.name} has no deployed image for ${resolved.imageMissing.join(', ')} any more; pass ${resolved.imageMissing.map((s) => `--image ${s}=URI`).join(' ')}.`, [], {code: 'IMAGE_REQUIRED'})
  return resolved.parameters
}

function emitResource(def: StackDefinition, event: StackEvent, ctx: StackDeploymentContext): void {
  const description = def.template.Resources[event.LogicalResourceId ?? '']?.Metadata?.['platform:description'] as string | undefined
  ctx.emit({
    type: 'resource',
    stack: def.name,
    logicalId: event.LogicalResourceId ?? '?',
    resourceType: event.ResourceType ?? '?',
    status: event.ResourceStatus ?? '?',
    reason: event.ResourceStatusReason,
    description,
    elapsedMs: ctx.elapsed(),
  })
}

async function describeHolder(poller: StackEventPoller): Promise<string | undefined> {
  const events = await poller.poll()
  const latest = [...events].reverse().find((e) => e.ClientRequestToken)
  return latest?.ClientRequestToken
}

/**
 * Poll events until the stack reaches a terminal status. A stack-level event with a terminal
 * status ends the wait early (one DescribeStacks to confirm and read outputs); otherwise the
 * status is checked every fifth poll, in case events are late. Ctrl-C cancels an update (it rolls
 * back) and leaves anything else to CloudFormation.
 */
async function waitForStack(planned: PlannedStack, poller: StackEventPoller, stackId: string, operation: Operation, ctx: StackDeploymentContext): Promise<DeployedStack | undefined> {
  const {def, cfn} = planned
  let cancelled = false
  for (let i = 0; ; i++) {
    const events = await poller.poll()
    let terminalSeen = false
    for (const event of events) {
      if (isStackEvent(event)) {
        if (event.ResourceStatus && isTerminal(event.ResourceStatus)) terminalSeen = true
        continue
      }
      emitResource(def, event, ctx)
    }
    if (terminalSeen || i % 5 === 4) {
      const state = await cfn.describeStack(stackId)
      if (!state) return undefined
      if (isTerminal(state.status)) {
        // Events written between the last poll and the terminal status (the last failure
        // reasons among them) are read before returning, so none is lost from the report.
        for (const event of await poller.poll()) if (!isStackEvent(event)) emitResource(def, event, ctx)
        return state
      }
    }
    if (ctx.signal?.aborted && !cancelled) {
      cancelled = true
      const stackEvent = (message: string) => ctx.emit({type: 'stack', stack: def.name, region: def.region, phase: 'cancelled', message, elapsedMs: ctx.elapsed()})
      if (operation === 'update') {
        await cfn.cancelUpdateStack(def.name, operationToken(ctx.runToken, def.name, 'cancel')).catch(() => undefined)
        stackEvent('Ctrl-C: update cancelled; CloudFormation rolls it back. The next deploy waits for the rollback and continues.')
      } else {
        stackEvent(`Ctrl-C: left ${operation === 'create' ? 'the create' : 'the operation'} to CloudFormation; the next deploy attaches to it.`)
      }
      throw new AbortedError(`Interrupted while ${def.name} was ${operation === 'update' ? 'updating (cancelled)' : 'in progress'}.`)
    }
    await sleep(ctx.pollMs)
  }
}

async function setTerminationProtection(planned: PlannedStack, deployed: DeployedStack | undefined): Promise<void> {
  if (!deployed || (deployed.terminationProtection ?? false) === planned.def.terminationProtection) return
  await planned.cfn.updateTerminationProtection(planned.def.name, planned.def.terminationProtection)
}

/** Another operation holds the stack: show its events and wait for it; the state it leaves is what the unit decides on. */
async function attach(planned: PlannedStack, deployed: DeployedStack, ctx: StackDeploymentContext, stackEvent: (phase: StackPhase, message?: string) => void): Promise<Current> {
  const {def, cfn} = planned
  const poller = new StackEventPoller(cfn, deployed.stackId)
  const holder = await describeHolder(poller)
  stackEvent('attaching', `${deployed.status}${holder ? ` started by ${holder}` : ''}: waiting for it to finish`)
  const after = await waitForStack(planned, poller, deployed.stackId, 'attach', ctx)
  if (after && isBlocked(after.status)) throw new DeployFailedError(`${def.name} ended in ${after.status}.`, [], {code: 'STACK_BLOCKED'})
  // The other runner may have deployed another template: compare against that one, not the one read before waiting.
  return {deployed: after, deployedTemplate: after && !hasNoDeployedTemplate(after.status) ? parseTemplate(await cfn.getTemplate(def.name)) : undefined}
}

/** ROLLBACK_COMPLETE after a failed first create holds nothing: delete it so it can be created again. */
async function deleteRolledBackCreate(planned: PlannedStack, deployed: DeployedStack, ctx: StackDeploymentContext, stackEvent: (phase: StackPhase, message?: string) => void): Promise<Current> {
  const {def, cfn} = planned
  stackEvent('deleting', 'ROLLBACK_COMPLETE after a failed create: deleting it to create it again')
  const poller = new StackEventPoller(cfn, deployed.stackId)
  await poller.prime()
  // It holds nothing (the create rolled back), so protection, if someone set it, only blocks the cleanup.
  if (deployed.terminationProtection) await cfn.updateTerminationProtection(def.name, false)
  await cfn.deleteStack(deployed.stackId, operationToken(ctx.runToken, def.name, 'delete'))
  const after = await waitForStack(planned, poller, deployed.stackId, 'delete', ctx)
  if (after) throw new DeployFailedError(`Deleting ${def.name} (ROLLBACK_COMPLETE) ended in ${after.status}.`, [], {code: 'STACK_BLOCKED'})
  return {}
}

/** UPDATE_ROLLBACK_FAILED: continue the rollback (skipping the resources --skip-resources names for this stack). */
async function recover(planned: PlannedStack, deployed: DeployedStack, ctx: StackDeploymentContext, stackEvent: (phase: StackPhase, message?: string) => void): Promise<Current> {
  const {def, cfn} = planned
  const skip = ctx.skipResources.flatMap((r) => (r.includes('.') ? (r.startsWith(`${def.name}.`) || r.startsWith(`${def.part}.`) ? [r.slice(r.indexOf('.') + 1)] : []) : [r]))
  stackEvent('recovering', `UPDATE_ROLLBACK_FAILED: continuing the rollback${skip.length > 0 ? ` skipping ${skip.join(', ')}` : ''}`)
  const poller = new StackEventPoller(cfn, deployed.stackId)
  await poller.prime()
  await cfn.continueUpdateRollback(def.name, skip, operationToken(ctx.runToken, def.name, 'recover'))
  const after = await waitForStack(planned, poller, deployed.stackId, 'recover', ctx)
  if (after?.status !== ROLLED_BACK_UPDATE) {
    const failures = rootCauses(def.name, poller.history, after?.statusReason)
    throw new DeployFailedError(`${def.name}: continue-update-rollback ended in ${after?.status}.`, failures, {
      code: 'ROLLBACK_FAILED',
      suggestions: [`Skip the resources that cannot roll back: --skip-resources ${failures.map((f) => `${def.part}.${f.logicalId}`).join(' --skip-resources ')}`],
    })
  }
  return {deployed: after, deployedTemplate: parseTemplate(await cfn.getTemplate(def.name))}
}

/** Execute the change set and watch the stack to its end; a failed or rolled-back operation throws with its root causes. */
async function execute(planned: PlannedStack, changeSet: Readonly<ReviewedChangeSet>, creating: boolean, ctx: StackDeploymentContext, stackEvent: (phase: StackPhase, message?: string) => void): Promise<DeployedStack> {
  const {def, cfn} = planned
  const poller = new StackEventPoller(cfn, changeSet.stackId)
  await poller.prime()
  stackEvent('executing', creating ? 'creating' : 'updating')
  try {
    await cfn.executeChangeSet(changeSet.id, operationToken(ctx.runToken, def.name, 'execute'))
  } catch (error) {
    const e = error as {name?: string; message?: string}
    if (/being updated|_IN_PROGRESS state/.test(e.message ?? '')) {
      throw new DeployFailedError(`${def.name} is being changed by someone else; its change set was not executed.`, [], {code: 'STACK_BUSY', suggestions: ['Run the deploy again: it waits for the other operation.']})
    }
    throw error
  }
  ctx.emit({type: 'change-set', stack: def.name, changeSetId: changeSet.id, action: 'executed'})
  const final = await waitForStack(planned, poller, changeSet.stackId, creating ? 'create' : 'update', ctx)
  if (!final || isFailedOutcome(final.status)) {
    throw new DeployFailedError(`${def.name} ${creating ? 'create' : 'update'} failed and was rolled back (${final?.status ?? 'deleted'}).`, rootCauses(def.name, poller.history, final?.statusReason))
  }
  if (ctx.signal?.aborted && !isTerminal(final.status)) throw new AbortedError(`Interrupted; ${def.name} is ${final.status}.`)
  return final
}

/**
 * One stack's deployment: wait for another runner's operation (attach), delete a failed first
 * create (recreate), continue a stuck rollback (recover), then follow the plan: skip, set
 * termination protection, or execute the reviewed change set and watch it to the end.
 *
 * The plan is followed as made unless what it was made from moved: a stack it reads outputs from
 * was created or updated in this run, or the stack had to be waited for, deleted or recovered. Then
 * the parameters are resolved again, the decision is made again and, when a change set is needed,
 * a new one is made and guarded again (the planned one is deleted). Every change set this unit
 * holds and does not execute is deleted before it returns.
 */
export async function deployStack(planned: PlannedStack, ctx: StackDeploymentContext): Promise<StackDeploymentResult> {
  const {def, cfn} = planned
  const started = ctx.now()
  const stackEvent = (phase: StackPhase, message?: string) => ctx.emit({type: 'stack', stack: def.name, region: def.region, phase, message, elapsedMs: ctx.elapsed()})
  const finish = (outcome: StackOutcome, message?: string): StackOutcome => {
    const phase: StackPhase = outcome === 'failed' ? 'failed' : outcome === 'no-change' ? 'no-change' : outcome === 'skipped' ? 'skipped' : outcome === 'cancelled' ? 'cancelled' : 'complete'
    stackEvent(phase, message)
    return outcome
  }
  // The change set this unit holds and has not executed: deleted on the way out, whatever happens.
  let unexecuted: string | undefined = planned.changeSet?.id
  let changeSetId: string | undefined
  let current: Current = {deployed: planned.deployed, deployedTemplate: planned.deployedTemplate}
  try {
    stackEvent('waiting')
    let stateMoved = false
    if (current.deployed && isBusy(current.deployed.status)) {
      current = await attach(planned, current.deployed, ctx, stackEvent)
      stateMoved = true
    }
    if (current.deployed?.status === ROLLED_BACK_CREATE) {
      current = await deleteRolledBackCreate(planned, current.deployed, ctx, stackEvent)
      stateMoved = true
    }
    const recovering = current.deployed?.status === ROLLBACK_STUCK
    if (recovering) current = await recover(planned, current.deployed!, ctx, stackEvent)
    const {deployed, deployedTemplate} = current

    const inputsMoved = stateMoved || recovering || planned.unresolved.length > 0 || def.dependsOn.some((d) => ctx.changedInRun(d))
    const parameters = inputsMoved ? resolveAtRunTime(def, deployed, ctx) : planned.parameters
    const replan = stateMoved || recovering || !sameParameters(parameters, planned.parameters)
    // After a recovery the stack is back on its old template: always a fresh update, never a skip.
    const work: Work = !replan ? plannedWork(planned) : recovering ? 'change-set' : decideWork(def, deployed, deployedTemplate, parameters, ctx.force).work
    if (work === 'skip') return {outcome: finish(planned.noChange && !replan ? 'no-change' : 'skipped'), deployed, elapsedMs: ctx.now() - started}
    if (work === 'protection-only') {
      await setTerminationProtection(planned, deployed)
      return {outcome: finish('updated', 'termination protection'), deployed, elapsedMs: ctx.now() - started}
    }

    let changeSet: Readonly<ReviewedChangeSet>
    let changes: ResourceChange[]
    if (!replan && planned.changeSet) {
      changeSet = planned.changeSet
      changes = planned.plan.changes
    } else {
      if (unexecuted) await discardChangeSet(ctx, planned, unexecuted)
      unexecuted = undefined
      const created = await createChangeSet(ctx, {def, cfn, deployed}, parameters)
      if (!created) {
        await setTerminationProtection(planned, deployed)
        return {outcome: finish('no-change'), deployed, elapsedMs: ctx.now() - started}
      }
      unexecuted = created.id
      const predicted = predictChanges(deployedTemplate, def.template, deployed?.parameters, effectiveParameters(def.template, parameters, deployed))
      changes = withPredicted(created.changes, predicted)
      // The plan's guard saw other inputs: guard this change set again.
      const refusal = replacementRefusal(findGuardViolations(def.name, changes, ctx.allowReplace, def.part), `Refused: ${def.name} would replace or delete stateful resources once its inputs changed.`)
      if (refusal) throw refusal
      changeSet = created
    }
    changeSetId = changeSet.id

    if (ctx.signal?.aborted) throw new AbortedError('Interrupted before execution.')
    await ctx.beforeExecute?.({name: def.name, part: def.part, region: def.region, changes})
    // A stack in REVIEW_IN_PROGRESS exists only as a never-executed change set: executing it creates it.
    const creating = !deployed || deployed.status === REVIEW
    const final = await execute(planned, changeSet, creating, ctx, stackEvent)
    unexecuted = undefined
    await setTerminationProtection(planned, final)
    return {outcome: finish(creating ? 'created' : 'updated'), changeSetId, deployed: final, elapsedMs: ctx.now() - started}
  } catch (caught) {
    const error = asStackFailure(caught, def.name)
    const outcome = finish(error instanceof AbortedError ? 'cancelled' : 'failed', error instanceof Error ? error.message.split('\n')[0] : String(error))
    return {outcome, changeSetId, deployed: current.deployed, elapsedMs: ctx.now() - started, error}
  } finally {
    if (unexecuted) await discardChangeSet(ctx, planned, unexecuted)
  }
}
