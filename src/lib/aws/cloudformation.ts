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
  type Stack,
  type StackEvent,
  type Tag,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation'
import {awsErrorName, awsHttpStatus, isAwsError, isStackNotFound} from './aws-error.js'
import type {AwsClients} from './clients.js'

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
  /**
   * ClientToken: a retry of this request (its answer lost) carrying the same token is the same
   * request to CloudFormation, which answers it without making a second change set.
   */
  clientToken: string
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
  /**
   * Every live stack of the region (DescribeStacks without a name, all pages), with its tags:
   * how deploy finds an environment's stacks that platform.yaml no longer renders.
   */
  listStacks(): Promise<DeployedStack[]>
  /** The deployed template body, as submitted. */
  getTemplate(stackName: string): Promise<string>
  createChangeSet(input: ChangeSetInput): Promise<{id: string; stackId: string}>
  /** All pages of the change set's changes. */
  describeChangeSet(changeSetId: string): Promise<ChangeSetDescription>
  /** Deleting one that no longer exists (a retried delete whose answer was lost) succeeds. */
  deleteChangeSet(changeSetId: string): Promise<void>
  /** The change sets of the stack (by id, so a same-named stack deleted earlier is not asked about). */
  listChangeSets(stackId: string): Promise<ChangeSetSummary[]>
  /** A retry with the same token is de-duplicated by CloudFormation (it answers without executing again). */
  executeChangeSet(changeSetId: string, clientRequestToken: string): Promise<void>
  /** One page of events, newest first. */
  describeStackEvents(stackId: string, nextToken?: string): Promise<{events: StackEvent[]; nextToken?: string}>
  deleteStack(stackId: string, clientRequestToken?: string): Promise<void>
  continueUpdateRollback(stackName: string, resourcesToSkip: string[], clientRequestToken?: string): Promise<void>
  cancelUpdateStack(stackName: string, clientRequestToken?: string): Promise<void>
  updateTerminationProtection(stackName: string, enable: boolean): Promise<void>
}

function toRecord<T>(items: T[] | undefined, key: (t: T) => string | undefined, value: (t: T) => string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of items ?? []) {
    const k = key(item)
    if (k !== undefined) out[k] = value(item) ?? ''
  }
  return out
}

function toDeployedStack(stack: Stack, stackName: string): DeployedStack {
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
}

/** What a command reads of a deployed stack besides deploy: its outputs and parameters. */
export interface StackOutputs {
  outputs: Record<string, string>
  parameters: Record<string, string>
}

/**
 * A stack's outputs and parameters through {@link CloudFormationApi.describeStack} (one
 * DescribeStacks): undefined when the stack does not exist.
 */
export async function stackOutputs(clients: Pick<AwsClients, 'cloudFormation'>, region: string, stackName: string): Promise<StackOutputs | undefined> {
  const stack = await createCloudFormationApi(await clients.cloudFormation(region), region).describeStack(stackName)
  return stack && {outputs: stack.outputs, parameters: stack.parameters}
}

/**
 * Adapt an SDK CloudFormation client (from the client factory) to {@link CloudFormationApi}.
 * The SDK's own retry strategy retries throttling, 5xx and dropped connections. Every call that
 * changes something carries AWS's idempotency token (ClientToken, ClientRequestToken), so a
 * retry whose first attempt took effect is de-duplicated by CloudFormation, never applied twice.
 */
export function createCloudFormationApi(client: CloudFormationClient, region: string): CloudFormationApi {
  return {
    region,
    async describeStack(stackName) {
      try {
        const out = await client.send(new DescribeStacksCommand({StackName: stackName}))
        const stack = out.Stacks?.[0]
        if (!stack || stack.StackStatus === 'DELETE_COMPLETE') return undefined
        return toDeployedStack(stack, stackName)
      } catch (error) {
        if (isStackNotFound(error)) return undefined
        throw error
      }
    },
    async listStacks() {
      const out: DeployedStack[] = []
      let nextToken: string | undefined
      do {
        const page = await client.send(new DescribeStacksCommand({NextToken: nextToken}))
        for (const stack of page.Stacks ?? []) if (stack.StackName && stack.StackStatus !== 'DELETE_COMPLETE') out.push(toDeployedStack(stack, stack.StackName))
        nextToken = page.NextToken
      } while (nextToken)
      return out
    },
    async getTemplate(stackName) {
      const out = await client.send(new GetTemplateCommand({StackName: stackName, TemplateStage: 'Original'}))
      return out.TemplateBody ?? ''
    },
    async createChangeSet(input) {
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
            ClientToken: input.clientToken,
          }),
        )
      return {id: out.Id ?? input.changeSetName, stackId: out.StackId ?? input.stackName}
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
      try {
        await client.send(new DeleteChangeSetCommand({ChangeSetName: changeSetId}))
      } catch (error) {
        // DeleteChangeSet has no token; gone is what was asked for.
        if (!isAwsError(error, 'ChangeSetNotFoundException')) throw error
      }
    },
    async listChangeSets(stackId) {
      const out: ChangeSetSummary[] = []
      let nextToken: string | undefined
      do {
        const page = await client.send(new ListChangeSetsCommand({StackName: stackId, NextToken: nextToken}))
        for (const s of page.Summaries ?? []) {
          out.push({id: s.ChangeSetId ?? '', name: s.ChangeSetName ?? '', stackId: s.StackId ?? '', status: s.Status, executionStatus: s.ExecutionStatus, creationTime: s.CreationTime})
        }
        nextToken = page.NextToken
      } while (nextToken)
      return out
    },
    async executeChangeSet(changeSetId, clientRequestToken) {
      await client.send(new ExecuteChangeSetCommand({ChangeSetName: changeSetId, ClientRequestToken: clientRequestToken}))
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
    async cancelUpdateStack(stackName, clientRequestToken) {
      await client.send(new CancelUpdateStackCommand({StackName: stackName, ClientRequestToken: clientRequestToken}))
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
 * Middleware inside the SDK's retry loop (the `deserialize` step runs once per attempt): reports
 * every retried attempt with what failed before it. The retry decision stays the SDK's (standard
 * mode: throttling, 5xx whatever the body, timeouts and dropped connections); re-sending is safe
 * because every mutating call carries its idempotency token.
 */
export function installRetryObserver(client: CloudFormationClient, onRetry: (notice: RetryNotice) => void): void {
  const lastErrors = new Map<string, string>()
  client.middlewareStack.add(
    (next, context) => async (args: any) => {
      const headers = args.request?.headers ?? {}
      const attempt = Number(/attempt=(\d+)/.exec(headers['amz-sdk-request'] ?? '')?.[1] ?? '1')
      const invocation = headers['amz-sdk-invocation-id'] ?? ''
      const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '')
      if (attempt > 1) onRetry({operation, attempt, previousError: lastErrors.get(invocation) ?? 'unknown'})
      try {
        const result = await next(args)
        lastErrors.delete(invocation)
        return result
      } catch (error) {
        // A dropped connection has no AWS code but Node's (ECONNRESET).
        const nodeCode = (error as {code?: unknown}).code
        lastErrors.set(invocation, awsErrorName(error) ?? (typeof nodeCode === 'string' ? nodeCode : undefined) ?? `HTTP ${awsHttpStatus(error) ?? '?'}`)
        throw error
      }
    },
    {step: 'deserialize', priority: 'high', name: 'platformRetryObserver', override: true},
  )
}
