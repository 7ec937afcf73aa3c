import type {DeployedStack} from '../aws/cloudformation.js'
import {AbortedError, DeployFailedError, NonInteractiveError, PlatformError} from '../errors.js'
import {isServicePart} from '../stacks/parts.js'
import type {StackDefinition} from '../stacks/types.js'
import type {ChangeSetContext} from './change-sets.js'
import {describeOrphan, findOrphanedStacks, type OrphanedStack} from './orphans.js'
import {lookUpPrefixLists} from './prefix-lists.js'
import {decidePlans, deletePlannedChangeSets, neededStacks, type PlannedStack, readStacks, reviewChangeSets, selectStacks, topologicalOrder} from './planner.js'
import {type PreflightEnvironment, runPreflight} from './preflight.js'
import {allowedReplacements, findGuardViolations, type GuardViolation, replacementRefusal} from './replacement.js'
import {type BeforeExecute, clientRequestToken, deployStack, type StackDeploymentContext, type StackDeploymentResult} from './stack-deployment.js'
import type {DeployAws, EventSink, StackOutcome, StackPlan, StackResult} from './types.js'
import {runWorkGraph, type WorkNode} from './work-graph.js'

export interface DeployEngineOptions {
  env: PreflightEnvironment
  stacks: StackDefinition[]
  aws: DeployAws
  emit: EventSink
  /** `diff` plans and cleans up; `deploy` plans, confirms, executes. */
  mode: 'deploy' | 'diff'
  /** Parts or stack names to deploy; the others' outputs are only read. @default all */
  select?: string[]
  /** service → image URI (`--image service=URI`). */
  images?: Record<string, string>
  /** Stop after the stacks; a service stack with no image yet is deferred instead of failing. */
  infraOnly?: boolean
  /** Never skip a stack because it looks unchanged. */
  force?: boolean
  /** Logical ids (or `stack.LogicalId`) the replacement guard lets through. */
  allowReplace?: string[]
  /** Logical ids (or `stack.LogicalId`) continue-update-rollback may skip. */
  skipResources?: string[]
  /** Stacks deployed at once. @default 4 */
  concurrency?: number
  /** Between polls of change sets and events. Tests pass 0. @default 2000 */
  pollIntervalMs?: number
  /** Asks the user; `undefined` when the terminal cannot prompt. */
  confirm?: (plans: StackPlan[], violations: GuardViolation[]) => Promise<boolean>
  /** `--yes`: no review prompt. */
  yes?: boolean
  /** Ctrl-C: stop starting work; cancel running updates; leave creates to CloudFormation. */
  signal?: AbortSignal
  /**
   * Called once a change set is reviewed and guarded, just before it is executed, with the changes it
   * makes (e.g. to snapshot a database the change set modifies). Throwing stops that stack: its change set
   * is deleted and nothing is executed.
   */
  beforeExecute?: BeforeExecute
  /**
   * Run the preflight checks (deploy only): the account at once, the rest for what changes.
   * False when the caller already ran them for every selected stack. @default true
   */
  preflight?: boolean
  /**
   * DescribeStacks of one stack, shared with the caller's own reads of this run (the lease's
   * bootstrap stack, the delegation check), so that no stack is read twice. @default a DescribeStacks
   */
  readStack?: (stack: StackDefinition) => Promise<DeployedStack | undefined>
  now?: () => number
}

export interface DeployResult {
  environment: string
  stacks: StackResult[]
  plans: StackPlan[]
  /** Deployed stacks of the environment that are no longer rendered: shown and left alone. */
  orphaned: OrphanedStack[]
  changeSetsCreated: number
  retries: number
  elapsedMs: number
  /**
   * Each stack as last read or deployed in this run (stack name → state; absent when it does not
   * exist): what the caller says at the end is taken from here, not read again. Not part of the
   * commands' `--json` output.
   */
  deployedStacks: ReadonlyMap<string, DeployedStack>
}

/** Plans the run does nothing for, and what their result says. */
const NO_WORK: Partial<Record<StackPlan['action'], StackOutcome>> = {'read-only': 'read-only', deferred: 'deferred'}

function plannedOutcome(p: PlannedStack): StackOutcome {
  if (p.plan.action === 'skip') return p.noChange ? 'no-change' : 'skipped'
  return NO_WORK[p.plan.action] ?? 'not-started'
}

/**
 * The selected stacks this run may send a template for: those planned to change, and a skipped
 * one that reads outputs of a stack that may change (the run decides it again once that ran).
 * `plans` are in dependency order.
 */
function mayChange(plans: PlannedStack[]): PlannedStack[] {
  const changing = new Set<string>()
  for (const p of plans) {
    if (!p.selected || p.plan.action === 'deferred' || p.plan.action === 'read-only') continue
    if (p.plan.action !== 'skip' || p.def.dependsOn.some((d) => changing.has(d))) changing.add(p.def.name)
  }
  return plans.filter((p) => changing.has(p.def.name))
}

/**
 * The preflight checks beyond the account (third-party types, engine version, secrets) cost
 * calls, so they run only for what changes: the stacks whose templates are sent (their types),
 * the data stack, a service stack. A no-op deploy makes none of them.
 */
function startChangeChecks(options: DeployEngineOptions, plans: PlannedStack[]): Promise<void> {
  const changing = mayChange(plans).map((p) => p.def)
  if (changing.length === 0) return Promise.resolve()
  const database = changing.some((def) => def.part === 'data')
  const services = changing.some((def) => isServicePart(def.part))
  const checks = runPreflight(options.env, options.aws, {account: false, database, services, types: changing})
  checks.catch(() => undefined)
  return checks
}

/**
 * Refuse, before anything runs, a deploy whose plans replace or delete stateful resources, or
 * whose bare `--allow-replace` id matches in several stacks; warn about each allowed one.
 */
function guard(options: DeployEngineOptions, plans: PlannedStack[], emit: EventSink): GuardViolation[] {
  const allowReplace = options.allowReplace ?? []
  const allowed = plans.flatMap((p) => allowedReplacements(p.def.name, p.plan.changes, allowReplace, p.def.part).map((v) => ({...v, part: p.def.part})))
  for (const id of new Set(allowReplace.filter((entry) => !entry.includes('.')))) {
    const matches = allowed.filter((v) => v.logicalId === id)
    if (new Set(matches.map((v) => v.stack)).size > 1) {
      throw new PlatformError(`--allow-replace ${id} matches a resource in several stacks: ${matches.map((v) => v.stack).join(', ')}.`, {
        code: 'AMBIGUOUS_ALLOW_REPLACE',
        exit: 2,
        suggestions: [`Name the one meant: ${matches.map((v) => `--allow-replace ${v.part}.${id}`).join(' or ')}.`],
      })
    }
  }
  if (options.mode === 'deploy') {
    for (const v of allowed) emit({type: 'warning', message: `${v.stack}: ${v.logicalId} (${v.type}) ${v.why.replace(/^it /, '')}; allowed by --allow-replace.`})
  }
  return plans.flatMap((p) => findGuardViolations(p.def.name, p.plan.changes, allowReplace, p.def.part))
}

/** The error a run with failed stacks ends with: every failure, and what never started. */
function runFailure(environment: string, status: Record<string, string>, errors: unknown[]): unknown {
  const failures = errors.flatMap((e) => (e instanceof DeployFailedError ? e.failures : []))
  const other = errors.find((e) => !(e instanceof DeployFailedError) && !(e instanceof AbortedError))
  if (other) return other
  const aborted = errors.find((e) => e instanceof AbortedError)
  if (aborted && failures.length === 0) return aborted
  const failedStacks = Object.entries(status).filter(([, s]) => s === 'failed').map(([n]) => n)
  const notStarted = Object.entries(status).filter(([, s]) => s === 'not-started').map(([n]) => n)
  return new DeployFailedError(`Deploy of ${environment} failed: ${failedStacks.join(', ')}${notStarted.length > 0 ? `; not started: ${notStarted.join(', ')}` : ''}.`, failures, {
    suggestions: errors.flatMap((e) => (e instanceof DeployFailedError ? (e.suggestions ?? []) : [])),
  })
}

/**
 * Deploy (or diff) an environment's stacks: read → plan → guard → confirm → run.
 *
 * 1. Read every needed stack once (DescribeStacks + GetTemplate, each in its own region, all at
 *    once); the account is checked meanwhile, and stacks no longer rendered are looked for.
 * 2. Plan (planner.ts): decide each stack once - skip, create, update, recreate, recover, attach,
 *    deferred, read-only - then make the review change set of each update whose inputs are known.
 * 3. Guard the planned changes, review, confirm (or `--yes`).
 * 4. Run the stacks as a work graph: each (stack-deployment.ts) starts when the stacks it reads
 *    outputs from are done, up to `concurrency` at once; on a failure nothing new starts.
 */
export async function runDeploy(options: DeployEngineOptions): Promise<DeployResult> {
  const now = options.now ?? Date.now
  const started = now()
  const elapsed = () => now() - started
  let retries = 0
  let changeSetsCreated = 0
  const emit: EventSink = (event) => {
    if (event.type === 'retry') retries++
    if (event.type === 'change-set' && event.action === 'created') changeSetsCreated++
    options.emit(event)
  }
  options.aws.setRetryListener?.((region, notice) => emit({type: 'retry', region, ...notice}))

  // Stacks as deployed now: read before the run, updated as stacks finish in it (their outputs
  // feed the stacks that read them).
  const deployedStacks = new Map<string, DeployedStack>()
  const changedInRun = new Set<string>()
  const bootstrap = options.stacks.find((s) => s.part === 'bootstrap')
  const changeSets: ChangeSetContext = {
    environment: options.env.name,
    emit,
    now,
    elapsed,
    pollMs: options.pollIntervalMs ?? 2000,
    deleteStale: options.mode === 'deploy',
    putTemplate: (region, bucket, key, body) => options.aws.putTemplate(region, bucket, key, body),
    templateBucket: () => {
      const bucket = bootstrap ? deployedStacks.get(bootstrap.name)?.outputs.ArtifactBucketName : undefined
      return bootstrap && bucket ? {region: bootstrap.region, bucket} : undefined
    },
  }

  // 1. Read. The account is checked meanwhile (reads change nothing); the other checks run only
  // for what will change, so a no-op deploy costs one STS call on top of the reads.
  const selected = selectStacks(options.stacks, options.select)
  const needed = neededStacks(options.stacks, selected)
  const preflight = options.mode === 'deploy' && options.preflight !== false
  const accountCheck = preflight ? runPreflight(options.env, options.aws, {database: false, services: false}) : Promise.resolve()
  accountCheck.catch(() => undefined)
  const orphanSearch = findOrphanedStacks({
    project: options.env.project,
    environment: options.env.name,
    region: options.env.region,
    stacks: options.stacks,
    cloudFormation: (region) => options.aws.cloudFormation(region),
    emit,
  })
  orphanSearch.catch(() => undefined)
  const states = await readStacks(needed, selected, options.aws, options.readStack)
  // Only a stack without a value yet asks EC2 (a first deploy); every later deploy keeps its id.
  const prefixLists = await lookUpPrefixLists(states.values(), options.aws)
  await accountCheck
  const orphaned = await orphanSearch
  for (const orphan of orphaned) emit({type: 'warning', message: describeOrphan(orphan, options.env.name)})
  for (const state of states.values()) if (state.deployed) deployedStacks.set(state.def.name, state.deployed)

  // 2. Plan. Engine version and secrets are checked while the review change sets are made (making
  // one changes nothing); they are awaited before the guard and any execution.
  const order = topologicalOrder(needed)
  const decided = decidePlans(states, order, {images: options.images ?? {}, prefixLists, infraOnly: options.infraOnly, force: options.force})
  const checks = preflight ? startChangeChecks(options, decided) : Promise.resolve()
  // A change set CloudFormation refuses (a type not activated) is explained better by the
  // preflight's refusal, when there is one.
  const planned = await reviewChangeSets(decided, changeSets, options.signal).catch(async (error: unknown) => {
    await checks
    throw error
  })
  const plans = planned.map((p) => p.plan)
  emit({type: 'plan', stacks: plans})
  const results = new Map<string, StackResult>(planned.map((p) => [p.def.name, {stack: p.def.name, part: p.def.part, region: p.def.region, action: p.plan.action, outcome: plannedOutcome(p), elapsedMs: 0}]))
  const result = (): DeployResult => ({environment: options.env.name, stacks: order.map((n) => results.get(n)!), plans, orphaned, changeSetsCreated, retries, elapsedMs: elapsed(), deployedStacks})

  // 3. Guard, review, confirm. Anything that stops here deletes the review change sets.
  const work = planned.filter((p) => p.selected && !['skip', 'deferred', 'read-only'].includes(p.plan.action))
  try {
    await checks
    const violations = guard(options, planned, emit)
    if (options.mode === 'diff') {
      await deletePlannedChangeSets(planned, changeSets)
      for (const r of results.values()) if (r.outcome === 'not-started') r.outcome = 'planned'
      return result()
    }
    const refusal = replacementRefusal(violations, 'Refused: this deploy would replace or delete stateful resources. Nothing was changed.')
    if (refusal) throw refusal
    if (work.length === 0) return result()
    if (!options.yes) {
      if (!options.confirm) throw new NonInteractiveError('--yes', `Deploying ${work.length} stack${work.length === 1 ? '' : 's'} of ${options.env.name}`)
      if (!(await options.confirm(plans, violations))) throw new AbortedError('Deploy cancelled; nothing was changed.')
    }
  } catch (error) {
    await deletePlannedChangeSets(planned, changeSets)
    throw error
  }

  // 4. Run every selected stack that is not deferred (skipped ones too: an upstream stack that
  // changes in this run may change their inputs), each as soon as its dependencies are done.
  const ctx: StackDeploymentContext = {
    ...changeSets,
    runToken: clientRequestToken(),
    signal: options.signal,
    images: options.images ?? {},
    force: options.force,
    allowReplace: options.allowReplace ?? [],
    skipResources: options.skipResources ?? [],
    beforeExecute: options.beforeExecute,
    outputsOf: (stack) => deployedStacks.get(stack)?.outputs,
    changedInRun: (stack) => changedInRun.has(stack),
    prefixLists,
  }
  const runnable = planned.filter((p) => p.selected && p.plan.action !== 'deferred')
  const runs = new Set(runnable.map((p) => p.def.name))
  const nodes: WorkNode[] = runnable.map((p) => ({
    id: p.def.name,
    pool: 'stacks',
    dependencies: p.def.dependsOn.filter((d) => runs.has(d)),
    run: async () => {
      const ran: StackDeploymentResult = await deployStack(p, ctx)
      results.set(p.def.name, {...results.get(p.def.name)!, outcome: ran.outcome, changeSetId: ran.changeSetId, elapsedMs: ran.elapsedMs})
      if (ran.error) throw ran.error
      // Termination protection was set after the state was read: it is the definition's now.
      if (ran.deployed) deployedStacks.set(p.def.name, {...ran.deployed, terminationProtection: p.def.terminationProtection})
      if (ran.outcome === 'created' || ran.outcome === 'updated') changedInRun.add(p.def.name)
    },
  }))
  const graph = await runWorkGraph(nodes, {concurrency: {stacks: options.concurrency ?? 4}, signal: options.signal})
  const notStarted = planned.filter((p) => graph.status[p.def.name] === 'not-started')
  for (const p of notStarted.filter((q) => results.get(q.def.name)!.outcome === 'not-started')) emit({type: 'stack', stack: p.def.name, region: p.def.region, phase: 'not-started', elapsedMs: elapsed()})
  await deletePlannedChangeSets(notStarted, changeSets)
  const errors = Object.values(graph.errors)
  if (errors.length > 0) throw runFailure(options.env.name, graph.status, errors)
  if (options.signal?.aborted) throw new AbortedError('Deploy interrupted; running operations were cancelled or left to finish. Run the deploy again to continue.')
  return result()
}
