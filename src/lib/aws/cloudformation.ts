import {
  CancelUpdateStackCommand,
  type Change,
  type CloudFormationClient,
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  type DescribeChangeSetCommandOutput,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  ListChangeSetsCommand,
  type Parameter,
  type StackEvent,
  type Tag,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation'

/** What deploy needs to know about a deployed stack (one DescribeStacks call). */
export interface DeployedStack {
  stackId: string
  stackName: string
  status: string
  statusReason?: string
  parameters: Record<string, string>
  tags: Record<string, string>
  outputs: Record<string, string>
  terminationProtection?: boolean
  lastUpdated?: Date
}

export interface ChangeSetInput {
  stackName: string
  changeSetName: string
  changeSetType: 'CREATE' | 'UPDATE'
  templateBody?: string
  templateUrl?: string
  /** `usePrevious: true` keeps the deployed value (UsePreviousValue). */
  parameters: Array<{key: string; value?: string; usePrevious?: boolean}>
  tags: Record<string, string>
  description?: string
}

export interface ChangeSetDescription {
  id: string
  name: string
  stackId: string
  status: string
  statusReason?: string
  executionStatus?: string
  changes: Change[]
}

export interface ChangeSetSummary {
  id: string
  name: string
  stackId: string
  status?: string
  executionStatus?: string
  creationTime?: Date
}

/**
 * The CloudFormation calls deploy and diff make, and nothing else: small enough to fake
 * faithfully in tests (test/helpers/fake-cloudformation.ts) and paginators already unrolled.
 */
export interface CloudFormationApi {
  readonly region: string
  /** `undefined` when the stack does not exist (AWS answers ValidationError "does not exist"). */
  describeStack(stackName: string): Promise<DeployedStack | undefined>
  /** The deployed template body, as submitted. */
  getTemplate(stackName: string): Promise<string>
  createChangeSet(input: ChangeSetInput): Promise<{id: string; stackId: string}>
  /** All pages of the change set's changes. */
  describeChangeSet(changeSetId: string): Promise<ChangeSetDescription>
  deleteChangeSet(changeSetId: string): Promise<void>
  /** Change sets of this stack only (moto lists the whole region's; this filters by stack id). */
  listChangeSets(stackName: string, stackId: string): Promise<ChangeSetSummary[]>
  executeChangeSet(changeSetId: string, clientRequestToken: string): Promise<void>
  /** One page of events, newest first. */
  describeStackEvents(stackId: string, nextToken?: string): Promise<{events: StackEvent[]; nextToken?: string}>
  deleteStack(stackId: string, clientRequestToken?: string): Promise<void>
  continueUpdateRollback(stackName: string, resourcesToSkip: string[], clientRequestToken?: string): Promise<void>
  cancelUpdateStack(stackName: string): Promise<void>
  updateTerminationProtection(stackName: string, enable: boolean): Promise<void>
}

/** Thrown by the adapter when a retried attempt finds its first attempt already took effect. */
export class AlreadyAppliedError extends Error {
  constructor(
    readonly operation: string,
    readonly id?: string,
  ) {
    super(`${operation} already took effect on an earlier attempt`)
    this.name = 'AlreadyAppliedError'
  }
}

function toRecord<T>(items: T[] | undefined, key: (t: T) => string | undefined, value: (t: T) => string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of items ?? []) {
    const k = key(item)
    if (k !== undefined) out[k] = value(item) ?? ''
  }
  return out
}

function isDoesNotExist(error: unknown): boolean {
  const e = error as {name?: string; message?: string}
  return e?.name === 'ValidationError' && /does not exist/.test(e.message ?? '')
}

/**
 * Adapt an SDK CloudFormation client (from the client factory) to {@link CloudFormationApi}.
 * The SDK's own retry strategy retries throttling, 5xx and dropped connections; two calls are not
 * idempotent against every server (moto re-applies a re-sent ExecuteChangeSet), so
 * `installIdempotencyGuard` checks before a retried attempt is sent again.
 */
export function createCloudFormationApi(client: CloudFormationClient, region: string): CloudFormationApi {
  return {
    region,
    async describeStack(stackName) {
      try {
        const out = await client.send(new DescribeStacksCommand({StackName: stackName}))
        const stack = out.Stacks?.[0]
        if (!stack || stack.StackStatus === 'DELETE_COMPLETE') return undefined
        return {
          stackId: stack.StackId ?? stackName,
          stackName: stack.StackName ?? stackName,
          status: stack.StackStatus ?? 'UNKNOWN',
          statusReason: stack.StackStatusReason,
          parameters: toRecord<Parameter>(stack.Parameters, (p) => p.ParameterKey, (p) => p.ResolvedValue ?? p.ParameterValue),
          tags: toRecord<Tag>(stack.Tags, (t) => t.Key, (t) => t.Value),
          outputs: toRecord(stack.Outputs, (o) => o.OutputKey, (o) => o.OutputValue),
          terminationProtection: stack.EnableTerminationProtection,
          lastUpdated: stack.LastUpdatedTime ?? stack.CreationTime,
        }
      } catch (error) {
        if (isDoesNotExist(error)) return undefined
        throw error
      }
    },
    async getTemplate(stackName) {
      const out = await client.send(new GetTemplateCommand({StackName: stackName, TemplateStage: 'Original'}))
      return out.TemplateBody ?? ''
    },
    async createChangeSet(input) {
      try {
        const out = await client.send(
          new CreateChangeSetCommand({
            StackName: input.stackName,
            ChangeSetName: input.changeSetName,
            ChangeSetType: input.changeSetType,
            TemplateBody: input.templateBody,
            TemplateURL: input.templateUrl,
            Description: input.description,
            Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
            Parameters: input.parameters.map((p) => (p.usePrevious ? {ParameterKey: p.key, UsePreviousValue: true} : {ParameterKey: p.key, ParameterValue: p.value})),
            Tags: Object.entries(input.tags).map(([Key, Value]) => ({Key, Value})),
          }),
        )
        return {id: out.Id ?? input.changeSetName, stackId: out.StackId ?? input.stackName}
      } catch (error) {
        if (error instanceof AlreadyAppliedError && error.id) {
          const described = await this.describeChangeSet(error.id)
          return {id: described.id, stackId: described.stackId}
        }
        throw error
      }
    },
    async describeChangeSet(changeSetId) {
      const changes: Change[] = []
      let nextToken: string | undefined
      let first: DescribeChangeSetCommandOutput | undefined
      do {
        const out = await client.send(new DescribeChangeSetCommand({ChangeSetName: changeSetId, NextToken: nextToken}))
        first ??= out
        changes.push(...(out.Changes ?? []))
        nextToken = out.NextToken
      } while (nextToken)
      if (!first) throw new Error(`DescribeChangeSet ${changeSetId} returned nothing`)
      return {
        id: first.ChangeSetId ?? changeSetId,
        name: first.ChangeSetName ?? changeSetId,
        stackId: first.StackId ?? '',
        status: first.Status ?? 'UNKNOWN',
        statusReason: first.StatusReason,
        executionStatus: first.ExecutionStatus,
        changes,
      }
    },
    async deleteChangeSet(changeSetId) {
      await client.send(new DeleteChangeSetCommand({ChangeSetName: changeSetId}))
    },
    async listChangeSets(stackName, stackId) {
      const out: ChangeSetSummary[] = []
      let nextToken: string | undefined
      do {
        const page = await client.send(new ListChangeSetsCommand({StackName: stackName, NextToken: nextToken}))
        for (const s of page.Summaries ?? []) {
          if (s.StackId === stackId) out.push({id: s.ChangeSetId ?? '', name: s.ChangeSetName ?? '', stackId: s.StackId ?? '', status: s.Status, executionStatus: s.ExecutionStatus, creationTime: s.CreationTime})
        }
        nextToken = page.NextToken
      } while (nextToken)
      return out
    },
    async executeChangeSet(changeSetId, clientRequestToken) {
      try {
        await client.send(new ExecuteChangeSetCommand({ChangeSetName: changeSetId, ClientRequestToken: clientRequestToken}))
      } catch (error) {
        if (error instanceof AlreadyAppliedError) return
        throw error
      }
    },
    async describeStackEvents(stackId, nextToken) {
      const out = await client.send(new DescribeStackEventsCommand({StackName: stackId, NextToken: nextToken}))
      return {events: out.StackEvents ?? [], nextToken: out.NextToken}
    },
    async deleteStack(stackId, clientRequestToken) {
      await client.send(new DeleteStackCommand({StackName: stackId, ClientRequestToken: clientRequestToken}))
    },
    async continueUpdateRollback(stackName, resourcesToSkip, clientRequestToken) {
      await client.send(
        new ContinueUpdateRollbackCommand({StackName: stackName, ResourcesToSkip: resourcesToSkip.length > 0 ? resourcesToSkip : undefined, ClientRequestToken: clientRequestToken}),
      )
    },
    async cancelUpdateStack(stackName) {
      await client.send(new CancelUpdateStackCommand({StackName: stackName}))
    },
    async updateTerminationProtection(stackName, enable) {
      await client.send(new UpdateTerminationProtectionCommand({StackName: stackName, EnableTerminationProtection: enable}))
    },
  }
}

/** A retried call, reported to the user (the SDK retries silently otherwise). */
export interface RetryNotice {
  operation: string
  attempt: number
  /** Error name or HTTP status of the attempt before. */
  previousError: string
}

/**
 * Middleware inside the SDK's retry loop (the `deserialize` step runs once per attempt):
 * reports every retried attempt with what failed before it, and stops a retried
 * CreateChangeSet/ExecuteChangeSet whose first attempt already took effect (the response was
 * lost, e.g. a dropped connection) from being applied a second time.
 */
export function installRetryObserver(client: CloudFormationClient, onRetry: (notice: RetryNotice) => void): void {
  const lastErrors = new Map<string, {label: string; notAws: boolean}>()
  client.middlewareStack.add(
    (next, context) => async (args: any) => {
      const headers = args.request?.headers ?? {}
      const attempt = Number(/attempt=(\d+)/.exec(headers['amz-sdk-request'] ?? '')?.[1] ?? '1')
      const invocation = headers['amz-sdk-invocation-id'] ?? ''
      const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '')
      if (attempt > 1) {
        const previous = lastErrors.get(invocation)
        if (previous?.notAws) {
          // An HTTP 500 that is not an AWS error body (moto's "action has not been implemented"
          // HTML page): retrying cannot help, so stop instead of backing off 7 times.
          const error = new Error(`${operation} is not implemented by this endpoint (HTTP 500 without an AWS error).`)
          // No $metadata status on purpose: the SDK would classify a 500 as transient and retry it.
          error.name = 'NotImplementedByEndpoint'
          throw error
        }
        onRetry({operation, attempt, previousError: previous?.label ?? 'unknown'})
        if (operation === 'ExecuteChangeSet' || operation === 'CreateChangeSet') await guardRetry(client, operation, args.input)
      }
      try {
        const result = await next(args)
        lastErrors.delete(invocation)
        return result
      } catch (error) {
        const e = error as {name?: string; code?: string; message?: string; $metadata?: {httpStatusCode?: number}}
        const awsName = e.name && e.name !== 'Error' ? e.name : undefined
        const notAws = e.$metadata?.httpStatusCode === 500 && (!awsName || /Deserialization error|XML parse error|Unexpected token/.test(e.message ?? ''))
        lastErrors.set(invocation, {label: awsName ?? e.code ?? `HTTP ${e.$metadata?.httpStatusCode ?? '?'}`, notAws})
        throw error
      }
    },
    {step: 'deserialize', priority: 'high', name: 'platformRetryObserver', override: true},
  )
}

async function guardRetry(client: CloudFormationClient, operation: string, input: any): Promise<void> {
  try {
    const described = await client.send(new DescribeChangeSetCommand({ChangeSetName: input.ChangeSetName, StackName: input.ChangeSetName?.startsWith('arn:') ? undefined : input.StackName}))
    if (operation === 'CreateChangeSet') throw new AlreadyAppliedError(operation, described.ChangeSetId)
    if (described.ExecutionStatus && described.ExecutionStatus !== 'AVAILABLE') throw new AlreadyAppliedError(operation, described.ChangeSetId)
  } catch (error) {
    if (error instanceof AlreadyAppliedError) throw error
    // The change set does not exist (or cannot be read): the first attempt did not take effect.
  }
}
