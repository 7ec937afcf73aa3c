import {createHash, randomBytes} from 'node:crypto'
import type {CloudFormationApi, DeployedStack} from '../aws/cloudformation.js'
import {DeployFailedError} from '../errors.js'
import {shortHash} from '../naming.js'
import {serializeTemplate} from '../stacks/serialize.js'
import type {StackDefinition} from '../stacks/types.js'
import {changesFromChangeSet, mergeChanges, type ResourceChange} from './replacement.js'
import type {ResolvedParameters} from './skip.js'
import {REVIEW} from './stack-status.js'
import type {DeployAws, EventSink} from './types.js'

/** CloudFormation's limit for TemplateBody; larger templates go through S3 (TemplateURL). */
export const TEMPLATE_BODY_LIMIT = 51_200

/** The prefix of every change set this tool creates (stale ones with it are cleaned up). */
export const CHANGE_SET_PREFIX = 'platform-'

/** A platform change set older than this, never executed, is left over from an interrupted run. */
export const STALE_CHANGE_SET_MS = 15 * 60 * 1000

/** What making, reviewing and deleting change sets needs from the run around it. */
export interface ChangeSetContext {
  environment: string
  emit: EventSink
  now: () => number
  elapsed: () => number
  pollMs: number
  putTemplate: DeployAws['putTemplate']
  /** The bootstrap stack's artifact bucket, once deployed (large templates go there). */
  templateBucket: () => {region: string; bucket: string} | undefined
  /**
   * Delete the stack's stale change sets before making one. Only a deploy does (it holds the
   * lease): a diff holds nothing, and a deploy waiting at its review prompt may own a change set
   * older than the stale age.
   */
  deleteStale: boolean
}

/** A change set made and described: ready to review, guard and execute. */
export interface ReviewedChangeSet {
  id: string
  stackId: string
  changes: ResourceChange[]
}

/** The stack a change set is made for, as deployed now (undefined: not yet). */
export interface ChangeSetTarget {
  def: StackDefinition
  cfn: CloudFormationApi
  deployed?: DeployedStack
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

export const sleep = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve())

/**
 * Create a change set and wait until it is described. `undefined` when it holds no change (it is
 * deleted). Stale platform change sets of the stack are deleted first.
 */
export async function createChangeSet(ctx: ChangeSetContext, target: ChangeSetTarget, parameters: ResolvedParameters): Promise<ReviewedChangeSet | undefined> {
  const {def, cfn, deployed} = target
  const exists = deployed && deployed.status !== REVIEW
  if (deployed && ctx.deleteStale) await deleteStaleChangeSets(ctx, target)
  const body = serializeTemplate(def.template)
  const templateUrl = Buffer.byteLength(body) > TEMPLATE_BODY_LIMIT ? await uploadTemplate(ctx, def, body) : undefined
  const name = `${CHANGE_SET_PREFIX}${shortHash(def.name)}-${ctx.now().toString(36)}-${randomBytes(3).toString('hex')}`
  ctx.emit({type: 'stack', stack: def.name, region: def.region, phase: 'planning', message: 'creating change set', elapsedMs: ctx.elapsed()})
  const created = await cfn.createChangeSet({
    stackName: def.name,
    changeSetName: name,
    changeSetType: exists ? 'UPDATE' : 'CREATE',
    templateBody: templateUrl ? undefined : body,
    templateUrl,
    parameters: Object.entries(parameters).map(([key, v]) => ({key, value: v.value, usePrevious: v.usePrevious})),
    tags: def.tags,
    description: `platform deploy ${ctx.environment}`,
    // The name is new on every call, so it doubles as this request's idempotency token.
    clientToken: name,
  })
  ctx.emit({type: 'change-set', stack: def.name, changeSetId: created.id, action: 'created'})
  let described = await cfn.describeChangeSet(created.id)
  while (described.status.endsWith('_PENDING') || described.status.endsWith('_IN_PROGRESS')) {
    await sleep(ctx.pollMs)
    described = await cfn.describeChangeSet(created.id)
  }
  if (described.status === 'FAILED') {
    if (changeSetHasNoChanges(described.statusReason)) {
      await cfn.deleteChangeSet(created.id)
      ctx.emit({type: 'change-set', stack: def.name, changeSetId: created.id, action: 'empty'})
      return undefined
    }
    await cfn.deleteChangeSet(created.id).catch(() => undefined)
    throw new DeployFailedError(`The change set for ${def.name} failed.`, [{stack: def.name, logicalId: def.name, status: 'FAILED', reason: described.statusReason}])
  }
  return {id: created.id, stackId: created.stackId, changes: changesFromChangeSet(described.changes)}
}

/** Delete a change set this run made and will not execute. A failure only leaves clutter (stale ones are cleaned up later). */
export async function discardChangeSet(ctx: ChangeSetContext, target: ChangeSetTarget, changeSetId: string): Promise<void> {
  await target.cfn.deleteChangeSet(changeSetId).catch(() => undefined)
  ctx.emit({type: 'change-set', stack: target.def.name, changeSetId, action: 'deleted'})
}

/** The change set's changes, plus the replacements and removals only the template comparison predicts. */
export function withPredicted(fromChangeSet: ResourceChange[], predicted: ResourceChange[]): ResourceChange[] {
  const merged = mergeChanges(fromChangeSet, predicted)
  const ids = new Set(merged.map((c) => c.logicalId))
  return [...merged, ...predicted.filter((c) => !ids.has(c.logicalId) && (c.replacement !== 'False' || c.action === 'Remove'))]
}

async function deleteStaleChangeSets(ctx: ChangeSetContext, {def, cfn, deployed}: ChangeSetTarget): Promise<void> {
  if (!deployed) return
  const stale = await cfn.listChangeSets(deployed.stackId)
  await Promise.all(
    stale
      // Young ones may belong to a `diff` or review running right now elsewhere (this run's own
      // review change sets among them): leave those.
      .filter((c) => c.name.startsWith(CHANGE_SET_PREFIX) && c.executionStatus !== 'EXECUTE_IN_PROGRESS')
      .filter((c) => !c.creationTime || ctx.now() - c.creationTime.getTime() > STALE_CHANGE_SET_MS)
      .map(async (c) => {
        try {
          await cfn.deleteChangeSet(c.id)
          ctx.emit({type: 'change-set', stack: def.name, changeSetId: c.id, action: 'deleted'})
        } catch (error) {
          // Leftovers only cost clutter; the deploy does not depend on their removal.
          ctx.emit({type: 'warning', message: `${def.name}: could not delete the stale change set ${c.name}: ${(error as Error).message}`})
        }
      }),
  )
}

async function uploadTemplate(ctx: ChangeSetContext, def: StackDefinition, body: string): Promise<string> {
  const target = ctx.templateBucket()
  if (!target) {
    throw new DeployFailedError(`The template of ${def.name} is over ${TEMPLATE_BODY_LIMIT} bytes and must go through the bootstrap stack's artifact bucket, which is not deployed yet.`, [], {
      suggestions: ['Deploy the bootstrap stack first: --stack bootstrap.'],
    })
  }
  const key = `templates/${def.name}/${createHash('sha256').update(body).digest('hex').slice(0, 16)}.json`
  return ctx.putTemplate(target.region, target.bucket, key, body)
}
