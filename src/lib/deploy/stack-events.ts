import type {StackEvent} from '@aws-sdk/client-cloudformation'
import type {CloudFormationApi} from '../aws/cloudformation.js'

/**
 * Reads a stack's new events. Seen event ids are remembered; paging stops at the first page
 * that holds a seen event (events come newest first), so a long-lived stack with thousands of
 * old events costs one call per poll, not a walk through its whole history. Events are returned
 * oldest first. The poller never prints: the engine turns its events into UI events.
 */
export class StackEventPoller {
  private readonly seen = new Set<string>()
  /** Resource events with a *_FAILED status, oldest first: the report of a failed deploy. */
  readonly failures: StackEvent[] = []

  constructor(
    private readonly cfn: CloudFormationApi,
    /** The stack id (ARN): a recreated stack with the same name has a new id and a new history. */
    private readonly stackId: string,
  ) {}

  /** Mark everything that exists now as seen, so a following operation reports only its own events. */
  async prime(): Promise<void> {
    await this.poll()
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
    for (const event of fresh) if (event.ResourceStatus?.endsWith('_FAILED') && !isStackEvent(event)) this.failures.push(event)
    return fresh
  }
}

/** Whether a stack event is about the stack itself rather than one of its resources. */
export function isStackEvent(event: StackEvent): boolean {
  return event.ResourceType === 'AWS::CloudFormation::Stack' && (event.PhysicalResourceId === event.StackId || event.LogicalResourceId === event.StackName)
}
