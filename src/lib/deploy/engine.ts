import {createHash, randomBytes} from 'node:crypto'
import {hostname, userInfo} from 'node:os'
import type {StackEvent} from '@aws-sdk/client-cloudformation'
import type {CloudFormationApi, DeployedStack} from '../aws/cloudformation.js'
import {AbortedError, DeployFailedError, NonInteractiveError, PlatformError} from '../errors.js'
import {shortHash} from '../naming.js'
import {serializeTemplate} from '../stacks/serialize.js'
import type {CfnTemplate, StackDefinition} from '../stacks/types.js'
import {describeOrphan, findOrphanedStacks, type OrphanedStack} from './orphans.js'
import {type PreflightEnvironment, runPreflight} from './preflight.js'
import {allowedReplacements, changesFromChangeSet, findGuardViolations, type GuardViolation, mergeChanges, predictChanges, type ResourceChange} from './replacement.js'
import {decideSkip, effectiveParameters, listItems, type ResolvedParameters} from './skip.js'
import {isStackEvent, rootCauses, StackEventPoller} from './stack-events.js'
import {hasNoDeployedTemplate, isBlocked, isBusy, isFailedOutcome, isTerminal, REVIEW, ROLLBACK_STUCK, ROLLED_BACK_CREATE, ROLLED_BACK_UPDATE} from './stack-status.js'
import type {DeployAws, DeployEvent, EventSink, ParameterChange, StackAction, StackPhase, StackPlan} from './types.js'
import {runWorkGraph, type WorkNode} from './work-graph.js'

/** CloudFormation's limit for TemplateBody; larger templates go through S3 (TemplateURL). */
export const TEMPLATE_BODY_LIMIT = 51_200

/** The prefix of every change set this tool creates (stale ones with it are cleaned up). */
export const CHANGE_SET_PREFIX = 'platform-'

/** A platform change set older than this, never executed, is left over from an interrupted run. */
export const STALE_CHANGE_SET_MS = 15 * 60 * 1000

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
  beforeExecute?: (stack: {name: string; part: string; region: string; changes: ResourceChange[]}) => Promise<void>
  /** Run the preflight checks (deploy only). @default true */
  preflight?: boolean
  now?: () => number
}

export type StackOutcome = 'created' | 'updated' | 'skipped' | 'no-change' | 'failed' | 'not-started' | 'deferred' | 'read-only' | 'cancelled' | 'planned'

export interface StackResult {
  stack: string
  part: string
  region: string
  action: StackAction
  outcome: StackOutcome
  changeSetId?: string
  elapsedMs: number
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
}

interface Prepared {
  def: StackDefinition
  cfn: CloudFormationApi
  selected: boolean
  deployed?: DeployedStack
  deployedTemplate?: CfnTemplate
  plan: StackPlan
  planned?: {changeSetId: string; parameters: ResolvedParameters; stackId: string}
  /** Only termination protection differs: no change set, one API call. */
  protectionOnly?: boolean
  result: StackResult
}


/**
 * The AWS messages for "nothing to change": a change set FAILS with the first, an UpdateStack
 * errors with the second. Matched on exact text, as the CDK toolkit does.
 */
export function changeSetHasNoChanges(reason: string | undefined): boolean {
  return (
    (reason ?? '').includes("The submitted information didn't contain changes. Submit different information to create a change set.") ||
    (reason ?? '').includes('No updates are to be performed.')
  )
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

/**
 * An AWS call that still failed after the SDK's retries, as a deploy failure of the stack it was
 * for (exit 5, naming the stack and the call) instead of a raw SDK error. Errors the CLI already
 * explains (auth, refusals, Ctrl-C) pass through unchanged.
 */
export function asStackFailure(error: unknown, stack: string): unknown {
  if (error instanceof PlatformError || !(error instanceof Error)) return error
  const call = (error as {awsCall?: string}).awsCall
  const status = (error as {$metadata?: {httpStatusCode?: number}}).$metadata?.httpStatusCode
  const what = `${error.name && error.name !== 'Error' ? `${error.name}: ` : ''}${error.message}${status ? ` (HTTP ${status})` : ''}`
  return new DeployFailedError(`${stack}: ${call ?? 'an AWS call'} failed${call ? ' after retries' : ''}.`, [{stack, logicalId: stack, type: 'AWS::CloudFormation::Stack', status: 'AWS_CALL_FAILED', reason: call ? `${call}: ${what}` : what}], {
    code: 'AWS_CALL_FAILED',
    suggestions: ['Run the deploy again: it continues from what CloudFormation has.'],
    cause: error,
  })
}

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve())

/**
 * Deploy (or diff) an environment's stacks.
 *
 * 1. Read every stack once (DescribeStacks + GetTemplate, in its own region, all at once) and
 *    decide per stack: skip, create, update, recreate (ROLLBACK_COMPLETE), recover
 *    (UPDATE_ROLLBACK_FAILED) or attach (another operation is running).
 * 2. For updates whose parameters are known, create the change set now; with the template
 *    comparison this is the review and the replacement guard, before anything runs.
 * 3. Confirm (or `--yes`), then run the stacks as a work graph: each starts as soon as the stacks
 *    it reads outputs from are done, up to `concurrency` at once.
 */
export async function runDeploy(options: DeployEngineOptions): Promise<DeployResult> {
  const now = options.now ?? Date.now
  const started = now()
  const pollMs = options.pollIntervalMs ?? 2000
  let retries = 0
  let changeSetsCreated = 0
  const emit: EventSink = (event) => {
    if (event.type === 'retry') retries++
    if (event.type === 'change-set' && event.action === 'created') changeSetsCreated++
    options.emit(event)
  }
  options.aws.setRetryListener?.((region, notice) => emit({type: 'retry', region, ...notice}))
  const token = clientRequestToken()
  const elapsed = () => now() - started

  const byName = new Map(options.stacks.map((s) => [s.name, s]))
  const selectedNames = selectStacks(options.stacks, options.select)
  const needed = new Set<string>()
  const addNeeded = (name: string) => {
    if (needed.has(name)) return
    needed.add(name)
    for (const dep of byName.get(name)?.dependsOn ?? []) if (byName.has(dep)) addNeeded(dep)
  }
  for (const name of selectedNames) addNeeded(name)

  // The account is checked while the stacks are read (reads change nothing); the other checks
  // run only for what will change, so a no-op deploy costs one STS call on top of the reads.
  const preflight = options.mode === 'deploy' && options.preflight !== false
  const accountCheck = preflight ? runPreflight(options.env, options.aws, emit, {database: false, services: false}) : Promise.resolve()
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

  // 1. Read every needed stack, all regions at once.
  const prepared = new Map<string, Prepared>()
  await Promise.all(
    [...needed].map(async (name) => {
      const def = byName.get(name)!
      const cfn = options.aws.cloudFormation(def.region)
      let deployed: DeployedStack | undefined
      let deployedTemplate: CfnTemplate | undefined
      const selected = selectedNames.has(name)
      try {
        deployed = await cfn.describeStack(name)
        const readTemplate = selected && deployed && !hasNoDeployedTemplate(deployed.status)
        deployedTemplate = readTemplate ? parseTemplate(await cfn.getTemplate(name)) : undefined
      } catch (error) {
        throw asStackFailure(error, name)
      }
      prepared.set(name, {
        def,
        cfn,
        selected,
        deployed,
        deployedTemplate,
        plan: {stack: name, part: def.part, region: def.region, action: 'skip', status: deployed?.status, changes: [], parameterChanges: [], source: 'none'},
        result: {stack: name, part: def.part, region: def.region, action: 'skip', outcome: 'not-started', elapsedMs: 0},
      })
    }),
  )
  await accountCheck
  const orphaned = await orphanSearch
  for (const orphan of orphaned) emit({type: 'warning', message: describeOrphan(orphan, options.env.name)})
  const outputs = new Map<string, Record<string, string>>()
  for (const p of prepared.values()) if (p.deployed) outputs.set(p.def.name, p.deployed.outputs)
  // Engine version and secrets are checked while the change sets are made (making one changes
  // nothing); the result is awaited before the review, the guard and any execution.
  let checks: Promise<void> = Promise.resolve()
  if (preflight) {
    const changing = [...prepared.values()].filter((p) => p.selected && wouldChange(p)).map((p) => p.def.part)
    if (changing.includes('data') || changing.some((part) => part.startsWith('svc-'))) {
      checks = runPreflight(options.env, options.aws, emit, {account: false, database: changing.includes('data'), services: changing.some((part) => part.startsWith('svc-'))})
      checks.catch(() => undefined)
    }
  }

  function wouldChange(p: Prepared): boolean {
    const resolved = resolveParameters(p, options.images ?? {}, outputs)
    // With --infra-only a stack without an image is deferred, so its secrets are not needed yet.
    if (resolved.imageMissing.length > 0) return !options.infraOnly
    if (resolved.unresolved.length > 0) return true
    return !decideSkip(p.def, p.deployed, p.deployedTemplate, resolved.parameters, options.force).skip
  }

  // 2. Plan in dependency order (a stack's plan reads its dependencies' plans).
  // From the rendered order, not the order the reads finished in: plans and reports are deterministic.
  const order = topologicalOrder(options.stacks.filter((s) => prepared.has(s.name)))
  // Refusals that need no AWS call come first, each naming everything missing at once, before any change set exists.
  refuseMissingInputs(order.map((name) => prepared.get(name)!))
  const deferred = new Set<string>()
  for (const name of order) {
    // Ctrl-C while planning: the change sets made so far are only a review; delete them and stop.
    if (options.signal?.aborted) {
      await cleanUpPlanned()
      throw new AbortedError('Interrupted while planning; nothing was changed and the review change sets were deleted.')
    }
    const p = prepared.get(name)!
    if (!p.selected) {
      p.plan.action = 'read-only'
      p.result.action = 'read-only'
      p.result.outcome = 'read-only'
      continue
    }
    if (p.def.dependsOn.some((d) => deferred.has(d))) {
      deferred.add(name)
      setAction(p, 'deferred', 'a stack it reads from is deferred')
      continue
    }
    const resolved = resolveParameters(p, options.images ?? {}, outputs)
    if (resolved.imageMissing.length > 0) {
      deferred.add(name)
      setAction(p, 'deferred', `no image yet for ${resolved.imageMissing.join(', ')}; created by the first deploy with an image`)
      continue
    }
    try {
      await planStack(p, resolved.parameters, resolved.unresolved)
    } catch (error) {
      throw asStackFailure(error, name)
    }
  }

  /**
   * Stacks --stack leaves out must be deployed (their outputs are read); service stacks created for
   * the first time need an image unless --infra-only defers them. One error names every case.
   */
  function refuseMissingInputs(ordered: Prepared[]): void {
    const undeployed = ordered.filter((p) => !p.selected && !p.deployed)
    if (undeployed.length > 0) {
      const lines = undeployed.map((p) => {
        const users = ordered.filter((q) => q.selected && q.def.dependsOn.includes(p.def.name)).map((q) => q.def.part)
        return `${p.def.name} is not deployed, and ${users.join(', ')} read${users.length === 1 ? 's' : ''} its outputs.`
      })
      throw new PlatformError(lines.join('\n'), {
        code: 'MISSING_DEPENDENCY',
        exit: 5,
        suggestions: [`Deploy ${undeployed.length === 1 ? 'it' : 'them'} too: add ${undeployed.map((p) => `--stack ${p.def.part}`).join(' ')}, or deploy without --stack.`],
      })
    }
    if (options.infraOnly) return
    const needImages = ordered.filter((p) => p.selected).map((p) => ({p, services: resolveParameters(p, options.images ?? {}, outputs).imageMissing})).filter((m) => m.services.length > 0)
    if (needImages.length === 0) return
    const services = [...new Set(needImages.flatMap((m) => m.services))]
    throw new PlatformError(needImages.map((m) => `${m.p.def.name} is created for the first time and needs an image for ${m.services.join(', ')}.`).join('\n'), {
      code: 'IMAGE_REQUIRED',
      exit: 2,
      suggestions: [`Pass ${services.map((s) => `--image ${s}=URI`).join(' ')}.`, 'Or pass --infra-only to deploy everything else first.'],
    })
  }

  async function planStack(p: Prepared, parameters: ResolvedParameters, unresolved: string[]): Promise<void> {
    const {def, deployed} = p
    const status = deployed?.status
    if (status && isBusy(status)) {
      setAction(p, 'attach', `${status}: another operation is running; the deploy waits for it`)
      p.plan.changes = predictChanges(p.deployedTemplate, def.template)
      p.plan.source = 'template'
      return
    }
    if (status && isBlocked(status)) {
      throw new DeployFailedError(`${def.name} is in ${status}${deployed?.statusReason ? ` (${deployed.statusReason})` : ''} and cannot be deployed.`, [], {
        code: 'STACK_BLOCKED',
        suggestions: [status === 'DELETE_FAILED' ? 'Finish the deletion (retain the failing resources) in the console or with `aws cloudformation delete-stack --retain-resources`.' : 'Look at its events: `aws cloudformation describe-stack-events --stack-name ' + def.name + '`.'],
      })
    }
    const effective = effectiveParameters(def.template, parameters, deployed)
    p.plan.parameterChanges = parameterChanges(deployed?.parameters ?? {}, effective, def.template)
    if (!deployed || hasNoDeployedTemplate(status) || status === ROLLBACK_STUCK) {
      const action: StackAction = status === ROLLED_BACK_CREATE ? 'recreate' : status === ROLLBACK_STUCK ? 'recover' : 'create'
      const why =
        action === 'recreate'
          ? 'ROLLBACK_COMPLETE after a failed first create: it holds nothing; it is deleted and created again'
          : action === 'recover'
            ? 'UPDATE_ROLLBACK_FAILED: continue-update-rollback first, then update'
            : undefined
      setAction(p, action, why)
      p.plan.changes = predictChanges(action === 'recover' ? p.deployedTemplate : undefined, def.template, deployed?.parameters, effective)
      p.plan.source = 'template'
      return
    }
    const skip = decideSkip(def, deployed, p.deployedTemplate, parameters, options.force)
    if (skip.skip) {
      setAction(p, 'skip')
      return
    }
    setAction(p, 'update', skip.reason)
    p.plan.changes = predictChanges(p.deployedTemplate, def.template, deployed.parameters, effective)
    p.plan.source = 'template'
    if (skip.reason === 'termination protection differs') {
      p.protectionOnly = true
      return
    }
    if (unresolved.length > 0) return
    // The change set is the review: create it now; the run phase executes it if nothing moved.
    const changeSet = await createChangeSet(p, parameters)
    if (!changeSet) {
      setAction(p, 'skip', 'the change set was empty')
      p.result.outcome = 'no-change'
      p.plan.changes = []
      return
    }
    p.planned = {changeSetId: changeSet.id, parameters, stackId: changeSet.stackId}
    p.plan.changes = withPredicted(changeSet.changes, p.plan.changes)
    p.plan.source = 'change-set'
  }

  function setAction(p: Prepared, action: StackAction, reason?: string) {
    p.plan.action = action
    p.plan.reason = reason
    p.result.action = action
    if (action === 'skip') p.result.outcome = 'skipped'
    if (action === 'deferred') p.result.outcome = 'deferred'
  }

  async function createChangeSet(p: Prepared, parameters: ResolvedParameters): Promise<{id: string; stackId: string; changes: ResourceChange[]} | undefined> {
    const {def, cfn} = p
    const exists = p.deployed && p.deployed.status !== REVIEW
    if (p.deployed) await deleteStaleChangeSets(p)
    const body = serializeTemplate(def.template)
    let templateUrl: string | undefined
    if (Buffer.byteLength(body) > TEMPLATE_BODY_LIMIT) templateUrl = await uploadTemplate(def, body)
    const name = `${CHANGE_SET_PREFIX}${shortHash(def.name)}-${now().toString(36)}-${randomBytes(3).toString('hex')}`
    emit({type: 'stack', stack: def.name, region: def.region, phase: 'planning', message: 'creating change set', elapsedMs: elapsed()})
    const created = await cfn.createChangeSet({
      stackName: def.name,
      changeSetName: name,
      changeSetType: exists ? 'UPDATE' : 'CREATE',
      templateBody: templateUrl ? undefined : body,
      templateUrl,
      parameters: Object.entries(parameters).map(([key, v]) => ({key, value: v.value, usePrevious: v.usePrevious})),
      tags: def.tags,
      description: `platform deploy ${options.env.name}`,
      // The name is new on every call, so it doubles as this request's idempotency token.
      clientToken: name,
    })
    emit({type: 'change-set', stack: def.name, changeSetId: created.id, action: 'created'})
    let described = await cfn.describeChangeSet(created.id)
    while (described.status.endsWith('_PENDING') || described.status.endsWith('_IN_PROGRESS')) {
      await sleep(pollMs)
      described = await cfn.describeChangeSet(created.id)
    }
    if (described.status === 'FAILED') {
      if (changeSetHasNoChanges(described.statusReason)) {
        await cfn.deleteChangeSet(created.id)
        emit({type: 'change-set', stack: def.name, changeSetId: created.id, action: 'empty'})
        return undefined
      }
      await cfn.deleteChangeSet(created.id).catch(() => undefined)
      throw new DeployFailedError(`The change set for ${def.name} failed.`, [{stack: def.name, logicalId: def.name, status: 'FAILED', reason: described.statusReason}])
    }
    return {id: created.id, stackId: created.stackId, changes: changesFromChangeSet(described.changes)}
  }

  async function deleteStaleChangeSets(p: Prepared): Promise<void> {
    if (!p.deployed) return
    const stale = await p.cfn.listChangeSets(p.deployed.stackId)
    await Promise.all(
      stale
        // Young ones may belong to a `diff` or review running right now elsewhere: leave those.
        .filter((c) => c.name.startsWith(CHANGE_SET_PREFIX) && c.executionStatus !== 'EXECUTE_IN_PROGRESS' && c.id !== p.planned?.changeSetId)
        .filter((c) => !c.creationTime || now() - c.creationTime.getTime() > STALE_CHANGE_SET_MS)
        .map(async (c) => {
          try {
            await p.cfn.deleteChangeSet(c.id)
            emit({type: 'change-set', stack: p.def.name, changeSetId: c.id, action: 'deleted'})
          } catch (error) {
            // Leftovers only cost clutter; the deploy does not depend on their removal.
            emit({type: 'warning', message: `${p.def.name}: could not delete the stale change set ${c.name}: ${(error as Error).message}`})
          }
        }),
    )
  }

  async function uploadTemplate(def: StackDefinition, body: string): Promise<string> {
    const bootstrap = options.stacks.find((s) => s.part === 'bootstrap')
    const bucket = bootstrap ? outputs.get(bootstrap.name)?.ArtifactBucketName : undefined
    if (!bootstrap || !bucket) {
      throw new DeployFailedError(`The template of ${def.name} is over ${TEMPLATE_BODY_LIMIT} bytes and must go through the bootstrap stack's artifact bucket, which is not deployed yet.`, [], {
        suggestions: ['Deploy the bootstrap stack first: --stack bootstrap.'],
      })
    }
    const key = `templates/${def.name}/${createHash('sha256').update(body).digest('hex').slice(0, 16)}.json`
    return options.aws.putTemplate(bootstrap.region, bucket, key, body)
  }

  const plans = order.map((n) => prepared.get(n)!.plan)
  emit({type: 'plan', stacks: plans})

  async function cleanUpPlanned(): Promise<void> {
    await Promise.all(
      [...prepared.values()].filter((p) => p.planned).map(async (p) => {
        await p.cfn.deleteChangeSet(p.planned!.changeSetId).catch(() => undefined)
        emit({type: 'change-set', stack: p.def.name, changeSetId: p.planned!.changeSetId, action: 'deleted'})
        p.planned = undefined
      }),
    )
  }
  const result = (): DeployResult => ({
    environment: options.env.name,
    stacks: order.map((n) => prepared.get(n)!.result),
    plans,
    orphaned,
    changeSetsCreated,
    retries,
    elapsedMs: elapsed(),
  })

  try {
    await checks
  } catch (error) {
    await cleanUpPlanned()
    throw error
  }
  const allowReplace = options.allowReplace ?? []
  const violations = [...prepared.values()].flatMap((p) => findGuardViolations(p.def.name, p.plan.changes, allowReplace, p.def.part))
  const allowed = [...prepared.values()].flatMap((p) => allowedReplacements(p.def.name, p.plan.changes, allowReplace, p.def.part).map((v) => ({...v, part: p.def.part})))
  for (const id of new Set(allowReplace.filter((entry) => !entry.includes('.')))) {
    const matches = allowed.filter((v) => v.logicalId === id)
    if (new Set(matches.map((v) => v.stack)).size > 1) {
      await cleanUpPlanned()
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
  if (options.mode === 'diff') {
    await cleanUpPlanned()
    for (const p of prepared.values()) if (p.result.outcome === 'not-started') p.result.outcome = 'planned'
    return result()
  }
  if (violations.length > 0) {
    await cleanUpPlanned()
    throw new DeployFailedError(
      'Refused: this deploy would replace or delete stateful resources. Nothing was changed.',
      violations.map((v) => ({stack: v.stack, logicalId: v.logicalId, type: v.type, status: v.action === 'Remove' ? 'WOULD_DELETE' : 'WOULD_REPLACE', reason: v.why})),
      {code: 'REPLACEMENT_REFUSED', suggestions: [`If that is intended, pass ${[...new Set(violations.map((v) => `--allow-replace ${v.logicalId}`))].join(' ')}.`]},
    )
  }

  const work = [...prepared.values()].filter((p) => p.selected && !['skip', 'deferred', 'read-only'].includes(p.plan.action))
  if (work.length === 0) return result()
  if (!options.yes) {
    if (!options.confirm) {
      await cleanUpPlanned()
      throw new NonInteractiveError('--yes', `Deploying ${work.length} stack${work.length === 1 ? '' : 's'} of ${options.env.name}`)
    }
    if (!(await options.confirm(plans, violations))) {
      await cleanUpPlanned()
      throw new AbortedError('Deploy cancelled; nothing was changed.')
    }
  }

  // 3. Run: every stack that does something, in a ready pool.
  const nodes: WorkNode[] = []
  for (const p of prepared.values()) {
    if (!p.selected || p.plan.action === 'deferred') continue
    nodes.push({
      id: p.def.name,
      pool: 'stacks',
      dependencies: p.def.dependsOn.filter((d) => prepared.get(d)?.selected && prepared.get(d)?.plan.action !== 'deferred'),
      run: () => deployStack(p),
    })
  }
  const graph = await runWorkGraph(nodes, {concurrency: {stacks: options.concurrency ?? 4}, signal: options.signal})
  for (const p of prepared.values()) {
    if (graph.status[p.def.name] === 'not-started' && p.result.outcome === 'not-started') emit(stackEvent(p, 'not-started'))
  }
  await cleanUpPlanned()
  const errors = Object.values(graph.errors)
  if (errors.length > 0) {
    const failures = errors.flatMap((e) => (e instanceof DeployFailedError ? e.failures : []))
    const other = errors.find((e) => !(e instanceof DeployFailedError) && !(e instanceof AbortedError))
    if (other) throw other
    const aborted = errors.find((e) => e instanceof AbortedError)
    if (aborted && failures.length === 0) throw aborted
    const failedStacks = Object.entries(graph.status).filter(([, s]) => s === 'failed').map(([n]) => n)
    const notStarted = Object.entries(graph.status).filter(([, s]) => s === 'not-started').map(([n]) => n)
    throw new DeployFailedError(
      `Deploy of ${options.env.name} failed: ${failedStacks.join(', ')}${notStarted.length > 0 ? `; not started: ${notStarted.join(', ')}` : ''}.`,
      failures,
      {suggestions: errors.flatMap((e) => (e instanceof DeployFailedError ? ((e as {suggestions?: string[]}).suggestions ?? []) : []))},
    )
  }
  if (options.signal?.aborted) throw new AbortedError('Deploy interrupted; running operations were cancelled or left to finish. Run the deploy again to continue.')
  return result()

  function stackEvent(p: Prepared, phase: StackPhase, message?: string): DeployEvent {
    return {type: 'stack', stack: p.def.name, region: p.def.region, phase, message, elapsedMs: elapsed()}
  }

  async function deployStack(p: Prepared): Promise<void> {
    const stackStarted = now()
    const finish = (outcome: StackOutcome, message?: string) => {
      p.result.outcome = outcome
      p.result.elapsedMs = now() - stackStarted
      const phase: StackPhase = outcome === 'failed' ? 'failed' : outcome === 'no-change' ? 'no-change' : outcome === 'skipped' ? 'skipped' : outcome === 'cancelled' ? 'cancelled' : 'complete'
      emit(stackEvent(p, phase, message))
    }
    try {
      await deployStackSteps(p, finish)
    } catch (caught) {
      const error = asStackFailure(caught, p.def.name)
      finish(error instanceof AbortedError ? 'cancelled' : 'failed', error instanceof Error ? error.message.split('\n')[0] : String(error))
      throw error
    }
  }

  async function deployStackSteps(p: Prepared, finish: (outcome: StackOutcome, message?: string) => void): Promise<void> {
    const {def, cfn} = p
    emit(stackEvent(p, 'waiting'))
    let deployed = p.deployed
    // Another operation holds the stack: show its events and wait for it, then decide again.
    if (deployed && isBusy(deployed.status)) {
      const poller = new StackEventPoller(cfn, deployed.stackId)
      const holder = await describeHolder(poller)
      emit(stackEvent(p, 'attaching', `${deployed.status}${holder ? ` started by ${holder}` : ''}: waiting for it to finish`))
      deployed = await waitForStack(p, poller, deployed.stackId, 'attach')
      p.deployed = deployed
      if (deployed && isBlocked(deployed.status)) throw new DeployFailedError(`${def.name} ended in ${deployed.status}.`, [], {code: 'STACK_BLOCKED'})
      p.deployedTemplate = deployed && !hasNoDeployedTemplate(deployed.status) ? parseTemplate(await cfn.getTemplate(def.name)) : undefined
    }
    if (deployed?.status === ROLLED_BACK_CREATE) {
      emit(stackEvent(p, 'deleting', 'ROLLBACK_COMPLETE after a failed create: deleting it to create it again'))
      const poller = new StackEventPoller(cfn, deployed.stackId)
      await poller.prime()
      // It holds nothing (the create rolled back), so protection, if someone set it, only blocks the cleanup.
      if (deployed.terminationProtection) await cfn.updateTerminationProtection(def.name, false)
      await cfn.deleteStack(deployed.stackId, operationToken(token, def.name, 'delete'))
      const after = await waitForStack(p, poller, deployed.stackId, 'delete')
      if (after) throw new DeployFailedError(`Deleting ${def.name} (ROLLBACK_COMPLETE) ended in ${after.status}.`, [], {code: 'STACK_BLOCKED'})
      deployed = undefined
      p.deployed = undefined
      p.deployedTemplate = undefined
    }
    if (deployed?.status === ROLLBACK_STUCK) {
      const skip = (options.skipResources ?? []).flatMap((r) => (r.includes('.') ? (r.startsWith(`${def.name}.`) || r.startsWith(`${def.part}.`) ? [r.slice(r.indexOf('.') + 1)] : []) : [r]))
      emit(stackEvent(p, 'recovering', `UPDATE_ROLLBACK_FAILED: continuing the rollback${skip.length > 0 ? ` skipping ${skip.join(', ')}` : ''}`))
      const poller = new StackEventPoller(cfn, deployed.stackId)
      await poller.prime()
      await cfn.continueUpdateRollback(def.name, skip, operationToken(token, def.name, 'recover'))
      deployed = await waitForStack(p, poller, deployed.stackId, 'recover')
      if (deployed?.status !== ROLLED_BACK_UPDATE) {
        const failures = rootCauses(def.name, poller.history, deployed?.statusReason)
        throw new DeployFailedError(`${def.name}: continue-update-rollback ended in ${deployed?.status}.`, failures, {
          code: 'ROLLBACK_FAILED',
          suggestions: [`Skip the resources that cannot roll back: --skip-resources ${failures.map((f) => `${def.part}.${f.logicalId}`).join(' --skip-resources ')}`],
        })
      }
      p.deployed = deployed
      p.deployedTemplate = parseTemplate(await cfn.getTemplate(def.name))
    }

    const resolved = resolveParameters(p, options.images ?? {}, outputs)
    if (resolved.unresolved.length > 0) throw new DeployFailedError(`${def.name}: outputs not available: ${resolved.unresolved.join(', ')}.`)
    const parameters = resolved.parameters
    if (p.protectionOnly) {
      await setTerminationProtection(p)
      finish('updated', 'termination protection')
      return
    }
    if (p.deployed && p.plan.action !== 'recover') {
      const skip = decideSkip(def, p.deployed, p.deployedTemplate, parameters, options.force)
      if (skip.skip) {
        finish('skipped')
        return
      }
    }

    let changeSet: {id: string; stackId: string} | undefined
    let changes = p.plan.changes
    if (p.planned && isDeepEqualParameters(p.planned.parameters, parameters) && p.deployed === deployed) {
      changeSet = {id: p.planned.changeSetId, stackId: p.planned.stackId}
    } else {
      if (p.planned) {
        await cfn.deleteChangeSet(p.planned.changeSetId).catch(() => undefined)
        p.planned = undefined
      }
      const created = await createChangeSet(p, parameters)
      if (!created) {
        await setTerminationProtection(p)
        finish('no-change')
        return
      }
      const predicted = predictChanges(p.deployedTemplate, def.template, p.deployed?.parameters, effectiveParameters(def.template, parameters, p.deployed))
      changes = withPredicted(created.changes, predicted)
      const late = findGuardViolations(def.name, changes, options.allowReplace ?? [], def.part)
      if (late.length > 0) {
        await cfn.deleteChangeSet(created.id).catch(() => undefined)
        throw new DeployFailedError(
          `Refused: ${def.name} would replace or delete stateful resources once its inputs changed.`,
          late.map((v) => ({stack: v.stack, logicalId: v.logicalId, type: v.type, status: 'WOULD_REPLACE', reason: v.why})),
          {code: 'REPLACEMENT_REFUSED', suggestions: [`If that is intended, pass ${late.map((v) => `--allow-replace ${v.logicalId}`).join(' ')}.`]},
        )
      }
      changeSet = created
    }
    p.planned = undefined
    p.result.changeSetId = changeSet.id

    if (options.signal?.aborted) {
      await cfn.deleteChangeSet(changeSet.id).catch(() => undefined)
      throw new AbortedError('Interrupted before execution.')
    }
    if (options.beforeExecute) {
      try {
        await options.beforeExecute({name: def.name, part: def.part, region: def.region, changes})
      } catch (error) {
        await cfn.deleteChangeSet(changeSet.id).catch(() => undefined)
        throw error
      }
    }
    // A stack in REVIEW_IN_PROGRESS exists only as a never-executed change set: executing it creates it.
    const creating = !p.deployed || p.deployed.status === REVIEW
    const poller = new StackEventPoller(cfn, changeSet.stackId)
    await poller.prime()
    emit(stackEvent(p, 'executing', creating ? 'creating' : 'updating'))
    try {
      await cfn.executeChangeSet(changeSet.id, operationToken(token, def.name, 'execute'))
    } catch (error) {
      const e = error as {name?: string; message?: string}
      if (/being updated|_IN_PROGRESS state/.test(e.message ?? '')) {
        throw new DeployFailedError(`${def.name} is being changed by someone else; its change set was not executed.`, [], {code: 'STACK_BUSY', suggestions: ['Run the deploy again: it waits for the other operation.']})
      }
      throw error
    }
    emit({type: 'change-set', stack: def.name, changeSetId: changeSet.id, action: 'executed'})
    const final = await waitForStack(p, poller, changeSet.stackId, creating ? 'create' : 'update')
    if (!final || isFailedOutcome(final.status)) {
      throw new DeployFailedError(`${def.name} ${creating ? 'create' : 'update'} failed and was rolled back (${final?.status ?? 'deleted'}).`, rootCauses(def.name, poller.history, final?.statusReason))
    }
    if (options.signal?.aborted && !isTerminal(final.status)) throw new AbortedError(`Interrupted; ${def.name} is ${final.status}.`)
    p.deployed = final
    outputs.set(def.name, final.outputs)
    await setTerminationProtection(p)
    finish(creating ? 'created' : 'updated')
  }

  async function setTerminationProtection(p: Prepared): Promise<void> {
    const current = p.deployed?.terminationProtection ?? false
    if (!p.deployed || current === p.def.terminationProtection) return
    await p.cfn.updateTerminationProtection(p.def.name, p.def.terminationProtection)
    p.deployed.terminationProtection = p.def.terminationProtection
  }

  async function describeHolder(poller: StackEventPoller): Promise<string | undefined> {
    const events = await poller.poll()
    const latest = [...events].reverse().find((e) => e.ClientRequestToken)
    return latest?.ClientRequestToken
  }

  /**
   * Poll events until the stack reaches a terminal status. A stack-level event with a terminal
   * status ends the wait early (one DescribeStacks to confirm and read outputs); otherwise the
   * status is checked every fifth poll, in case events are late.
   */
  async function waitForStack(p: Prepared, poller: StackEventPoller, stackId: string, operation: 'create' | 'update' | 'delete' | 'recover' | 'attach'): Promise<DeployedStack | undefined> {
    let cancelled = false
    for (let i = 0; ; i++) {
      const events = await poller.poll()
      let terminalSeen = false
      for (const event of events) {
        if (isStackEvent(event)) {
          if (event.ResourceStatus && isTerminal(event.ResourceStatus)) terminalSeen = true
          continue
        }
        emitResource(p, event)
      }
      if (terminalSeen || i % 5 === 4) {
        const state = await p.cfn.describeStack(stackId)
        if (!state) return undefined
        if (isTerminal(state.status)) {
          // Events written between the last poll and the terminal status (the last failure
          // reasons among them) are read before returning, so none is lost from the report.
          for (const event of await poller.poll()) if (!isStackEvent(event)) emitResource(p, event)
          return state
        }
      }
      if (options.signal?.aborted && !cancelled) {
        cancelled = true
        if (operation === 'update') {
          await p.cfn.cancelUpdateStack(p.def.name, operationToken(token, p.def.name, 'cancel')).catch(() => undefined)
          emit(stackEvent(p, 'cancelled', 'Ctrl-C: update cancelled; CloudFormation rolls it back. The next deploy waits for the rollback and continues.'))
        } else {
          emit(stackEvent(p, 'cancelled', `Ctrl-C: left ${operation === 'create' ? 'the create' : 'the operation'} to CloudFormation; the next deploy attaches to it.`))
        }
        throw new AbortedError(`Interrupted while ${p.def.name} was ${operation === 'update' ? 'updating (cancelled)' : 'in progress'}.`)
      }
      await sleep(pollMs)
    }
  }

  function emitResource(p: Prepared, event: StackEvent) {
    const description = p.def.template.Resources[event.LogicalResourceId ?? '']?.Metadata?.['platform:description'] as string | undefined
    emit({
      type: 'resource',
      stack: p.def.name,
      logicalId: event.LogicalResourceId ?? '?',
      resourceType: event.ResourceType ?? '?',
      status: event.ResourceStatus ?? '?',
      reason: event.ResourceStatusReason,
      description,
      elapsedMs: elapsed(),
    })
  }
}

function withPredicted(fromChangeSet: ResourceChange[], predicted: ResourceChange[]): ResourceChange[] {
  const merged = mergeChanges(fromChangeSet, predicted)
  const ids = new Set(merged.map((c) => c.logicalId))
  return [...merged, ...predicted.filter((c) => !ids.has(c.logicalId) && (c.replacement !== 'False' || c.action === 'Remove'))]
}

function isDeepEqualParameters(a: ResolvedParameters, b: ResolvedParameters): boolean {
  return JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort())
}

function parameterChanges(before: Record<string, string>, after: Record<string, string | undefined>, template: CfnTemplate): ParameterChange[] {
  const out: ParameterChange[] = []
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const isList = /^List<|^CommaDelimitedList$/.test(template.Parameters?.[name]?.Type ?? '')
    const same = isList && before[name] !== undefined && after[name] !== undefined ? listItems(before[name]).join(',') === listItems(after[name]).join(',') : before[name] === after[name]
    if (!same) out.push({name, old: before[name], new: after[name]})
  }
  return out.sort((a, b) => a.name.localeCompare(b.name))
}

function parseTemplate(body: string): CfnTemplate | undefined {
  try {
    return JSON.parse(body) as CfnTemplate
  } catch {
    // A YAML body (deployed by another tool) never equals ours; treat it as unknown.
    return undefined
  }
}

/** Stacks chosen with --stack (part or full name); all when none given. */
export function selectStacks(stacks: StackDefinition[], select: string[] | undefined): Set<string> {
  if (!select || select.length === 0) return new Set(stacks.map((s) => s.name))
  const out = new Set<string>()
  for (const wanted of select) {
    const match = stacks.find((s) => s.part === wanted || s.name === wanted)
    if (!match) {
      throw new PlatformError(`No stack "${wanted}" in this environment.`, {code: 'UNKNOWN_STACK', exit: 2, suggestions: [`Stacks: ${stacks.map((s) => s.part).join(', ')}.`]})
    }
    out.add(match.name)
  }
  return out
}

/** Dependencies first; ties keep the given order. */
export function topologicalOrder(stacks: StackDefinition[]): string[] {
  const names = new Set(stacks.map((s) => s.name))
  const byName = new Map(stacks.map((s) => [s.name, s]))
  const out: string[] = []
  const seen = new Set<string>()
  const visit = (name: string, path: string[]) => {
    if (seen.has(name)) return
    if (path.includes(name)) throw new PlatformError(`Stack dependency cycle: ${[...path, name].join(' -> ')}`)
    for (const dep of byName.get(name)?.dependsOn ?? []) if (names.has(dep)) visit(dep, [...path, name])
    seen.add(name)
    out.push(name)
  }
  for (const s of stacks) visit(s.name, [])
  return out
}

/**
 * Parameter values from their sources. `output`: the source stack's output (read in its own
 * region). `image`: `--image`, else the deployed value kept with UsePreviousValue, else missing.
 */
function resolveParameters(p: Prepared, images: Record<string, string>, outputs: Map<string, Record<string, string>>) {
  const parameters: ResolvedParameters = {}
  const unresolved: string[] = []
  const imageMissing: string[] = []
  for (const [name, source] of Object.entries(p.def.parameters)) {
    if (source.from === 'value') parameters[name] = {value: source.value}
    else if (source.from === 'output') {
      const value = outputs.get(source.stack)?.[source.output]
      if (value === undefined) unresolved.push(`${source.stack}.${source.output}`)
      else parameters[name] = {value}
    } else if (images[source.service]) parameters[name] = {value: images[source.service]}
    else if (p.deployed?.parameters[name] !== undefined && !hasNoDeployedTemplate(p.deployed.status)) {
      parameters[name] = {usePrevious: true}
    } else imageMissing.push(source.service)
  }
  return {parameters, unresolved, imageMissing}
}
