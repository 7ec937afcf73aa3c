import type {StackEvent} from '@aws-sdk/client-cloudformation'
import type {CloudFormationApi} from '../aws/cloudformation.js'
import type {FailedResource} from '../errors.js'
import {stopsAtFirstFailure} from './stack-status.js'

/**
 * Reads a stack's new events. Seen event ids are remembered; paging stops at the first page
 * that holds a seen event (events come newest first), so a long-lived stack with thousands of
 * old events costs one call per poll, not a walk through its whole history. Events are returned
 * oldest first. The poller never prints: the engine turns its events into UI events.
 */
export class StackEventPoller {
  private readonly seen = new Set<string>()
  /** Every event read after `prime()`, oldest first: the operation's history, which a failure report is made from. */
  readonly history: StackEvent[] = []
  private primed = false

  constructor(
    private readonly cfn: CloudFormationApi,
    /** The stack id (ARN): a recreated stack with the same name has a new id and a new history. */
    private readonly stackId: string,
  ) {}

  /** Mark everything that exists now as seen, so a following operation reports only its own events. */
  async prime(): Promise<void> {
    await this.poll()
    this.history.length = 0
    this.primed = true
  }

  /** The events not seen before, oldest first. */
  async poll(): Promise<StackEvent[]> {
    const fresh: StackEvent[] = []
    let nextToken: string | undefined
    do {
      const page = await this.cfn.describeStackEvents(this.stackId, nextToken)
      let reachedSeen = false
      for (const event of page.events) {
        const id = event.EventId ?? `${event.LogicalResourceId}-${event.ResourceStatus}-${event.Timestamp?.toISOString()}`
        if (this.seen.has(id)) {
          reachedSeen = true
          break
        }
        this.seen.add(id)
        fresh.push(event)
      }
      nextToken = reachedSeen ? undefined : page.nextToken
    } while (nextToken)
    fresh.reverse()
    if (this.primed) this.history.push(...fresh)
    return fresh
  }
}

/** Whether a stack event is about the stack itself rather than one of its resources. */
export function isStackEvent(event: StackEvent): boolean {
  return event.ResourceType === 'AWS::CloudFormation::Stack' && (event.PhysicalResourceId === event.StackId || event.LogicalResourceId === event.StackName)
}

/**
 * The phase a stack-level `*_IN_PROGRESS` event starts: `forward` (create, update, import) or
 * `continuing` (rollbacks, deletes, cleanups: they go on past a failing resource).
 */
function startsPhase(event: StackEvent): 'forward' | 'continuing' | undefined {
  // A string: the SDK's ResourceStatus type lacks the stack-only statuses (REVIEW_IN_PROGRESS).
  const status: string = event.ResourceStatus ?? ''
  if (!isStackEvent(event) || !status.endsWith('_IN_PROGRESS') || status === 'REVIEW_IN_PROGRESS') return undefined
  return stopsAtFirstFailure(status) ? 'forward' : 'continuing'
}

/**
 * The resources that caused an operation to fail, from its events (oldest first), chosen by event
 * type and status, never by the wording of a reason.
 *
 * The events are cut into phases at the stack's own `*_IN_PROGRESS` events. In a forward phase
 * (create, update, import) CloudFormation stops at the first resource that fails and cancels the
 * resources still in flight; those then fail too ("Resource creation cancelled"), always after the
 * failure that caused them. So the first `*_FAILED` resource event of a forward phase is its root
 * cause and the later ones are its cascade. A rollback, delete or cleanup phase cancels nothing: it
 * goes on through every resource, so each of its failures is a resource that could not be rolled back (what
 * `--skip-resources` may name), and all are reported. Without any resource failure, the stack's own
 * status reason is the report.
 */
export function rootCauses(stack: string, events: StackEvent[], stackReason?: string): FailedResource[] {
  const out: FailedResource[] = []
  let phase: 'forward' | 'continuing' = 'forward'
  let rootFound = false
  for (const event of events) {
    const next = startsPhase(event)
    if (next) {
      phase = next
      rootFound = false
      continue
    }
    if (isStackEvent(event) || !event.ResourceStatus?.endsWith('_FAILED')) continue
    if (phase === 'forward' && rootFound) continue
    rootFound = true
    out.push({stack, logicalId: event.LogicalResourceId ?? '?', type: event.ResourceType, status: event.ResourceStatus, reason: event.ResourceStatusReason})
  }
  if (out.length === 0) out.push({stack, logicalId: stack, type: 'AWS::CloudFormation::Stack', status: 'FAILED', reason: stackReason})
  return out
}
