import type {Change, PolicyAction, StackEvent} from '@aws-sdk/client-cloudformation'
import {createHash} from 'node:crypto'
import {isDeepStrictEqual} from 'node:util'
import type {ChangeSetDescription, ChangeSetInput, ChangeSetSummary, CloudFormationApi, DeployedStack} from '../../src/lib/aws/cloudformation.js'
import type {LeaseStore} from '../../src/lib/deploy/lease.js'
import type {DeployAws} from '../../src/lib/deploy/types.js'

/**
 * An in-process CloudFormation that behaves like the real service where moto cannot (see
 * fake-cloudformation.md for the behaviour it imitates, and LOCAL_AWS.md for what moto lacks):
 * asynchronous execution with per-resource events, rollbacks (ROLLBACK_COMPLETE,
 * UPDATE_ROLLBACK_COMPLETE, UPDATE_ROLLBACK_FAILED), continue-update-rollback, cancel-update,
 * other runners' in-progress operations, termination protection and event paging.
 *
 * Time is steps, not clocks: every DescribeStacks or DescribeStackEvents of a stack with an
 * operation running applies that operation's next step. Tests are deterministic and need no timers.
 */

interface FakeStack {
  stackId: string
  name: string
  status: string
  statusReason?: string
  templateBody: string
  parameters: Record<string, string>
  tags: Record<string, string>
  outputs: Record<string, string>
  terminationProtection: boolean
  /** LastUpdatedTime (CreationTime until the first update), as DescribeStacks reports it: set when an update starts. */
  lastUpdated: Date
  /** Oldest first. */
  events: StackEvent[]
  /** Steps of the running operation; each poll applies one. */
  pending: Array<() => void>
  previous?: {templateBody: string; parameters: Record<string, string>}
}

interface FakeChangeSet {
  id: string
  name: string
  stackId: string
  type: 'CREATE' | 'UPDATE'
  status: string
  statusReason?: string
  executionStatus: string
  templateBody: string
  parameters: Record<string, string>
  tags: Record<string, string>
  changes: Change[]
  creationTime: Date
  /** describeChangeSet calls left before the status settles (CREATE_IN_PROGRESS → final). */
  settleAfter: number
  finalStatus: string
  finalReason?: string
}

/** A failure to inject: the resource fails on the next create/update of the stack. */
export interface InjectedFailure {
  logicalId: string
  reason: string
  /** The rollback of an update fails too, leaving UPDATE_ROLLBACK_FAILED. */
  rollbackFails?: boolean
  /** Continue-update-rollback keeps failing unless this resource is skipped. */
  rollbackFailsUntilSkipped?: boolean
  /** Resources in flight that CloudFormation cancels when the failure stops the operation ("Resource creation cancelled"). */
  cancelled?: string[]
}

export class AwsError extends Error {
  $metadata: {httpStatusCode: number}
  constructor(name: string, message: string, status = 400) {
    super(message)
    this.name = name
    this.$metadata = {httpStatusCode: status}
  }
}

let counter = 0

export class FakeCloudFormation implements CloudFormationApi {
  readonly calls: Array<{op: string; arg?: unknown; token?: string}> = []
  private readonly stacks = new Map<string, FakeStack>()
  private readonly byId = new Map<string, FakeStack>()
  private readonly changeSets = new Map<string, FakeChangeSet>()
  /** Idempotency tokens already answered: a repeat gets the first answer and changes nothing. */
  private readonly createTokens = new Map<string, {id: string; stackId: string}>()
  private readonly executeTokens = new Set<string>()
  readonly failures = new Map<string, InjectedFailure>()
  /**
   * Logical ids whose modification AWS would report as `Replacement: True` (it knows each type's
   * create-only properties; the fake does not, and otherwise says `False`, as moto does).
   */
  readonly replacedOnModify = new Set<string>()
  /**
   * Errors the next calls of an operation answer with, as the SDK hands them over once its retries
   * are exhausted (e.g. `ExecuteChangeSet`, `DeleteChangeSet`); the call changes nothing.
   */
  readonly callErrors = new Map<string, Error[]>()
  private clock = Date.parse('2026-01-01T00:00:00Z')

  constructor(
    readonly region: string,
    private readonly options: {pageSize?: number; account?: string} = {},
  ) {}

  // ---- test set-up -------------------------------------------------------------------------

  /** A stack that already exists (deployed by an earlier run, or left in some state). */
  seedStack(seed: {name: string; status: string; statusReason?: string; template: unknown; parameters?: Record<string, string>; tags?: Record<string, string>; outputs?: Record<string, string>; terminationProtection?: boolean; oldEvents?: number}): string {
    const stack = this.newStack(seed.name, seed.status)
    stack.statusReason = seed.statusReason
    stack.templateBody = typeof seed.template === 'string' ? seed.template : JSON.stringify(seed.template)
    stack.parameters = seed.parameters ?? {}
    stack.tags = seed.tags ?? {}
    stack.outputs = seed.outputs ?? computeOutputs(stack)
    stack.terminationProtection = seed.terminationProtection ?? false
    for (let i = 0; i < (seed.oldEvents ?? 1); i++) this.addEvent(stack, stack.name, 'AWS::CloudFormation::Stack', i === 0 ? seed.status : 'UPDATE_COMPLETE')
    return stack.stackId
  }

  /**
   * Another runner started an operation: the stack is `running` (UPDATE_IN_PROGRESS) for `steps`
   * polls, then `final` (UPDATE_COMPLETE), holding `template` when given (the other runner's template).
   */
  startForeignUpdate(name: string, token: string, steps = 3, outcome: {running?: string; final?: string; template?: unknown} = {}): void {
    const stack = this.mustGet(name)
    const running = outcome.running ?? 'UPDATE_IN_PROGRESS'
    stack.status = running
    stack.lastUpdated = new Date(this.clock)
    this.addEvent(stack, stack.name, 'AWS::CloudFormation::Stack', running, 'User Initiated', token)
    for (let i = 0; i < steps - 1; i++) stack.pending.push(() => this.addEvent(stack, 'Other', 'AWS::SNS::Topic', running, undefined, token))
    stack.pending.push(() => {
      stack.status = outcome.final ?? 'UPDATE_COMPLETE'
      if (outcome.template !== undefined) stack.templateBody = JSON.stringify(outcome.template)
      this.addEvent(stack, stack.name, 'AWS::CloudFormation::Stack', stack.status, undefined, token)
    })
  }

  stack(name: string): (DeployedStack & {templateBody: string; events: StackEvent[]}) | undefined {
    const s = this.stacks.get(name)
    return s ? {...this.toDeployed(s), templateBody: s.templateBody, events: s.events} : undefined
  }

  count(op: string): number {
    return this.calls.filter((c) => c.op === op).length
  }

  // ---- CloudFormationApi ---------------------------------------------------------------------

  async describeStack(stackName: string): Promise<DeployedStack | undefined> {
    this.calls.push({op: 'DescribeStacks', arg: stackName})
    const stack = this.find(stackName)
    if (!stack) return undefined
    this.step(stack)
    if (stack.status === 'DELETE_COMPLETE') return undefined
    return this.toDeployed(stack)
  }

  /** DescribeStacks without a name: every stack not deleted; it moves no stack's time. */
  async listStacks(): Promise<DeployedStack[]> {
    this.calls.push({op: 'DescribeStacks(all)'})
    return [...this.stacks.values()].filter((s) => s.status !== 'DELETE_COMPLETE').map((s) => this.toDeployed(s))
  }

  async getTemplate(stackName: string): Promise<string> {
    this.calls.push({op: 'GetTemplate', arg: stackName})
    const stack = this.find(stackName)
    if (!stack) throw new AwsError('ValidationError', `Stack with id ${stackName} does not exist`)
    return stack.templateBody
  }

  async createChangeSet(input: ChangeSetInput): Promise<{id: string; stackId: string}> {
    this.calls.push({op: 'CreateChangeSet', arg: input})
    const answered = this.createTokens.get(input.clientToken)
    if (answered) return answered
    if ([...this.changeSets.values()].some((c) => c.name === input.changeSetName && this.byId.get(c.stackId)?.name === input.stackName)) {
      throw new AwsError('AlreadyExistsException', `ChangeSet ${input.changeSetName} already exists`)
    }
    let stack = this.stacks.get(input.stackName)
    if (input.changeSetType === 'CREATE') {
      if (stack && stack.status !== 'REVIEW_IN_PROGRESS') throw new AwsError('AlreadyExistsException', `Stack [${input.stackName}] already exists and cannot be created again with the changeSet [${input.changeSetName}].`)
      if (!stack) {
        stack = this.newStack(input.stackName, 'REVIEW_IN_PROGRESS')
        this.addEvent(stack, stack.name, 'AWS::CloudFormation::Stack', 'REVIEW_IN_PROGRESS', 'User Initiated')
      }
    } else {
      if (!stack) throw new AwsError('ValidationError', `Stack [${input.stackName}] does not exist`)
      if (stack.status.endsWith('_IN_PROGRESS') || stack.status === 'ROLLBACK_COMPLETE' || stack.status.endsWith('_FAILED')) {
        throw new AwsError('ValidationError', `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`)
      }
    }
    const parameters: Record<string, string> = {}
    for (const p of input.parameters) parameters[p.key] = p.usePrevious ? (stack.parameters[p.key] ?? '') : (p.value ?? '')
    const templateBody = input.templateBody ?? `{"fromUrl": "${input.templateUrl}"}`
    const changes = diffTemplates(input.changeSetType === 'CREATE' ? undefined : stack.templateBody, templateBody, this.replacedOnModify)
    const sameTemplate = isDeepStrictEqual(JSON.parse(templateBody), JSON.parse(stack.templateBody))
    const empty = input.changeSetType === 'UPDATE' && sameTemplate && isDeepStrictEqual(parameters, stack.parameters) && isDeepStrictEqual(input.tags, stack.tags)
    const id = `arn:aws:cloudformation:${this.region}:123456789012:changeSet/${input.changeSetName}/${++counter}`
    this.changeSets.set(id, {
      id,
      name: input.changeSetName,
      stackId: stack.stackId,
      type: input.changeSetType,
      status: 'CREATE_IN_PROGRESS',
      executionStatus: 'UNAVAILABLE',
      templateBody,
      parameters,
      tags: input.tags,
      changes,
      creationTime: new Date(),
      settleAfter: 1,
      finalStatus: empty ? 'FAILED' : 'CREATE_COMPLETE',
      finalReason: empty ? "The submitted information didn't contain changes. Submit different information to create a change set." : undefined,
    })
    this.createTokens.set(input.clientToken, {id, stackId: stack.stackId})
    return {id, stackId: stack.stackId}
  }

  async describeChangeSet(changeSetId: string): Promise<ChangeSetDescription> {
    this.calls.push({op: 'DescribeChangeSet', arg: changeSetId})
    const cs = this.changeSets.get(changeSetId)
    if (!cs) throw new AwsError('ChangeSetNotFoundException', `ChangeSet [${changeSetId}] does not exist`)
    if (cs.settleAfter-- <= 0 && cs.status === 'CREATE_IN_PROGRESS') {
      cs.status = cs.finalStatus
      cs.statusReason = cs.finalReason
      cs.executionStatus = cs.status === 'CREATE_COMPLETE' ? 'AVAILABLE' : 'UNAVAILABLE'
    }
    return {id: cs.id, name: cs.name, stackId: cs.stackId, status: cs.status, statusReason: cs.statusReason, executionStatus: cs.executionStatus, changes: cs.changes}
  }

  async deleteChangeSet(changeSetId: string): Promise<void> {
    this.calls.push({op: 'DeleteChangeSet', arg: changeSetId})
    this.throwInjected('DeleteChangeSet')
    // Gone already (a retried delete, or AWS removed it after an execution): done, as the adapter reports it.
    this.changeSets.delete(changeSetId)
  }

  async listChangeSets(stackId: string): Promise<ChangeSetSummary[]> {
    this.calls.push({op: 'ListChangeSets', arg: stackId})
    return [...this.changeSets.values()].filter((c) => c.stackId === stackId).map((c) => ({id: c.id, name: c.name, stackId: c.stackId, status: c.status, executionStatus: c.executionStatus, creationTime: c.creationTime}))
  }

  /** Seed a change set left behind by an interrupted run (`ageMs` ago), or one another runner is executing. */
  seedChangeSet(stackName: string, name: string, ageMs = 60 * 60 * 1000, executionStatus = 'AVAILABLE'): string {
    const stack = this.mustGet(stackName)
    const id = `arn:aws:cloudformation:${this.region}:123456789012:changeSet/${name}/${++counter}`
    this.changeSets.set(id, {id, name, stackId: stack.stackId, type: 'UPDATE', status: 'CREATE_COMPLETE', executionStatus, templateBody: stack.templateBody, parameters: stack.parameters, tags: stack.tags, changes: [], creationTime: new Date(Date.now() - ageMs), settleAfter: 0, finalStatus: 'CREATE_COMPLETE'})
    return id
  }

  async executeChangeSet(changeSetId: string, clientRequestToken: string): Promise<void> {
    this.calls.push({op: 'ExecuteChangeSet', arg: changeSetId, token: clientRequestToken})
    this.throwInjected('ExecuteChangeSet')
    if (this.executeTokens.has(`${changeSetId} ${clientRequestToken}`)) return
    const cs = this.changeSets.get(changeSetId)
    if (!cs) throw new AwsError('ChangeSetNotFoundException', `ChangeSet [${changeSetId}] does not exist`)
    const stack = this.byId.get(cs.stackId)!
    if (stack.status.endsWith('_IN_PROGRESS') && stack.status !== 'REVIEW_IN_PROGRESS') throw new AwsError('ValidationError', `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`)
    if (cs.executionStatus !== 'AVAILABLE') throw new AwsError('InvalidChangeSetStatusException', `ChangeSet [${cs.id}] cannot be executed in its current status of [${cs.status}]`)
    cs.executionStatus = 'EXECUTE_IN_PROGRESS'
    this.executeTokens.add(`${changeSetId} ${clientRequestToken}`)
    const creating = cs.type === 'CREATE'
    const verb = creating ? 'CREATE' : 'UPDATE'
    stack.previous = {templateBody: stack.templateBody, parameters: stack.parameters}
    stack.status = `${verb}_IN_PROGRESS`
    if (!creating) stack.lastUpdated = new Date(this.clock)
    this.addEvent(stack, stack.name, 'AWS::CloudFormation::Stack', stack.status, 'User Initiated', clientRequestToken)
    const failure = this.failures.get(stack.name)
    const resources = cs.changes.map((c) => c.ResourceChange!).filter((r) => r.Action !== 'Remove')
    for (const r of resources) {
      const status = r.Action === 'Add' ? 'CREATE' : 'UPDATE'
      stack.pending.push(() => this.addEvent(stack, r.LogicalResourceId!, r.ResourceType!, `${status}_IN_PROGRESS`, undefined, clientRequestToken))
      if (failure && failure.logicalId === r.LogicalResourceId) {
        stack.pending.push(() => this.addEvent(stack, r.LogicalResourceId!, r.ResourceType!, `${status}_FAILED`, failure.reason, clientRequestToken))
        for (const other of failure.cancelled ?? []) {
          stack.pending.push(() => this.addEvent(stack, other, 'AWS::SNS::Topic', `${status}_FAILED`, `Resource ${creating ? 'creation' : 'update'} cancelled`, clientRequestToken))
        }
        stack.pending.push(() => this.rollback(stack, cs, failure, clientRequestToken))
        return
      }
      stack.pending.push(() => this.addEvent(stack, r.LogicalResourceId!, r.ResourceType!, `${status}_COMPLETE`, undefined, clientRequestToken))
    }
    stack.pending.push(() => {
      stack.templateBody = cs.templateBody
      stack.parameters = cs.parameters
      stack.tags = cs.tags
      stack.outputs = computeOutputs(stack)
      stack.status = `${verb}_COMPLETE`
      cs.executionStatus = 'EXECUTE_COMPLETE'
      // AWS removes every change set of a stack once one of them has been executed.
      for (const [id, other] of this.changeSets) if (other.stackId === stack.stackId) this.changeSets.delete(id)
      this.addEvent(stack, stack.name, 'AWS::CloudFormation::Stack', stack.status, undefined, clientRequestToken)
    })
  }

  async describeStackEvents(stackId: string, nextToken?: string): Promise<{events: StackEvent[]; nextToken?: string}> {
    this.calls.push({op: 'DescribeStackEvents', arg: nextToken})
    const stack = this.find(stackId)
    if (!stack) throw new AwsError('ValidationError', `Stack [${stackId}] does not exist`)
    if (!nextToken) this.step(stack)
    const newestFirst = [...stack.events].reverse()
    const size = this.options.pageSize ?? 100
    const offset = Number(nextToken ?? '0')
    const page = newestFirst.slice(offset, offset + size)
    return {events: page, nextToken: offset + size < newestFirst.length ? String(offset + size) : undefined}
  }

  async deleteStack(stackId: string): Promise<void> {
    this.calls.push({op: 'DeleteStack', arg: stackId})
    const stack = this.find(stackId)
    if (!stack) return
    if (stack.terminationProtection) throw new AwsError('ValidationError', `Stack [${stack.name}] cannot be deleted while TerminationProtection is enabled`)
    stack.status = 'DELETE_IN_PROGRESS'
    this.addEvent(stack, stack.name, 'AWS::CloudFormation::Stack', 'DELETE_IN_PROGRESS', 'User Initiated')
    stack.pending.push(() => {
      stack.status = 'DELETE_COMPLETE'
      this.addEvent(stack, stack.name, 'AWS::CloudFormation::Stack', 'DELETE_COMPLETE')
      this.stacks.delete(stack.name)
    })
  }

  async continueUpdateRollback(stackName: string, resourcesToSkip: string[]): Promise<void> {
    this.calls.push({op: 'ContinueUpdateRollback', arg: resourcesToSkip})
    const stack = this.mustGet(stackName)
    if (stack.status !== 'UPDATE_ROLLBACK_FAILED') throw new AwsError('ValidationError', `Stack ${stackName} is in ${stack.status} state and cannot continue rollback`)
    const failure = this.failures.get(stackName)
    stack.status = 'UPDATE_ROLLBACK_IN_PROGRESS'
    this.addEvent(stack, stack.name, 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_IN_PROGRESS', 'User Initiated')
    stack.pending.push(() => {
      if (failure?.rollbackFailsUntilSkipped && !resourcesToSkip.includes(failure.logicalId)) {
        this.addEvent(stack, failure.logicalId, 'AWS::ECS::Service', 'UPDATE_FAILED', failure.reason)
        stack.status = 'UPDATE_ROLLBACK_FAILED'
        this.addEvent(stack, stack.name, 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_FAILED', `The following resource(s) failed to update: [${failure.logicalId}].`)
        return
      }
      this.failures.delete(stackName)
      stack.status = 'UPDATE_ROLLBACK_COMPLETE'
      this.addEvent(stack, stack.name, 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_COMPLETE')
    })
  }

  async cancelUpdateStack(stackName: string): Promise<void> {
    this.calls.push({op: 'CancelUpdateStack', arg: stackName})
    const stack = this.mustGet(stackName)
    if (stack.status !== 'UPDATE_IN_PROGRESS') throw new AwsError('ValidationError', `CancelUpdateStack cannot be called from current stack status ${stack.status}`)
    stack.pending = []
    this.rollback(stack, undefined, undefined, undefined, 'Stack update cancelled')
  }

  async updateTerminationProtection(stackName: string, enable: boolean): Promise<void> {
    this.calls.push({op: 'UpdateTerminationProtection', arg: enable})
    this.mustGet(stackName).terminationProtection = enable
  }

  // ---- internals ---------------------------------------------------------------------------

  private throwInjected(op: string): void {
    const error = this.callErrors.get(op)?.shift()
    if (error) throw error
  }

  private rollback(stack: FakeStack, cs: FakeChangeSet | undefined, failure: InjectedFailure | undefined, token?: string, reason?: string) {
    const creating = stack.status.startsWith('CREATE')
    if (cs) cs.executionStatus = 'EXECUTE_FAILED'
    const why = reason ?? `The following resource(s) failed to ${creating ? 'create' : 'update'}: [${failure?.logicalId}]. Rollback requested by user.`
    stack.status = creating ? 'ROLLBACK_IN_PROGRESS' : 'UPDATE_ROLLBACK_IN_PROGRESS'
    stack.statusReason = why
    this.addEvent(stack, stack.name, 'AWS::CloudFormation::Stack', stack.status, why, token)
    // Rolling back takes a while: resources are restored (or deleted) one poll at a time.
    const restore = () => this.addEvent(stack, failure?.logicalId ?? 'Topic', 'AWS::SNS::Topic', creating ? 'DELETE_COMPLETE' : 'UPDATE_COMPLETE', undefined, token)
    stack.pending.unshift(restore, restore, () => {
      if (!creating && failure?.rollbackFails) {
        this.addEvent(stack, failure.logicalId, 'AWS::ECS::Service', 'UPDATE_FAILED', failure.reason, token)
        stack.status = 'UPDATE_ROLLBACK_FAILED'
        this.addEvent(stack, stack.name, 'AWS::CloudFormation::Stack', stack.status, `The following resource(s) failed to update: [${failure.logicalId}].`, token)
        return
      }
      if (!creating && stack.previous) {
        stack.templateBody = stack.previous.templateBody
        stack.parameters = stack.previous.parameters
      }
      stack.status = creating ? 'ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_COMPLETE'
      this.addEvent(stack, stack.name, 'AWS::CloudFormation::Stack', stack.status, undefined, token)
    })
  }

  private step(stack: FakeStack) {
    const next = stack.pending.shift()
    if (next) next()
  }

  private newStack(name: string, status: string): FakeStack {
    const stackId = `arn:aws:cloudformation:${this.region}:123456789012:stack/${name}/${++counter}`
    const stack: FakeStack = {stackId, name, status, templateBody: '{}', parameters: {}, tags: {}, outputs: {}, terminationProtection: false, lastUpdated: new Date(this.clock), events: [], pending: []}
    this.stacks.set(name, stack)
    this.byId.set(stackId, stack)
    return stack
  }

  private addEvent(stack: FakeStack, logicalId: string, type: string, status: string, reason?: string, token?: string) {
    this.clock += 1000
    stack.events.push({
      EventId: `${stack.name}-${stack.events.length + 1}`,
      StackId: stack.stackId,
      StackName: stack.name,
      LogicalResourceId: logicalId,
      PhysicalResourceId: logicalId === stack.name ? stack.stackId : `${logicalId}-physical`,
      ResourceType: type,
      ResourceStatus: status as StackEvent['ResourceStatus'],
      ResourceStatusReason: reason,
      ClientRequestToken: token,
      Timestamp: new Date(this.clock),
    })
  }

  private find(nameOrId: string): FakeStack | undefined {
    return this.stacks.get(nameOrId) ?? this.byId.get(nameOrId)
  }

  private mustGet(name: string): FakeStack {
    const stack = this.find(name)
    if (!stack) throw new AwsError('ValidationError', `Stack with id ${name} does not exist`)
    return stack
  }

  private toDeployed(s: FakeStack): DeployedStack {
    return {
      stackId: s.stackId,
      stackName: s.name,
      status: s.status,
      statusReason: s.statusReason,
      parameters: {...s.parameters},
      tags: {...s.tags},
      outputs: {...s.outputs},
      terminationProtection: s.terminationProtection,
      lastUpdated: s.lastUpdated,
    }
  }
}

/** Outputs as CloudFormation would give them: literals and parameter Refs resolve, anything else gets a stable fake value. */
function computeOutputs(stack: FakeStack): Record<string, string> {
  const template = JSON.parse(stack.templateBody) as {Outputs?: Record<string, {Value: unknown}>}
  const out: Record<string, string> = {}
  for (const [key, output] of Object.entries(template.Outputs ?? {})) {
    const v = output.Value as {Ref?: string} | string
    out[key] = typeof v === 'string' ? v : v?.Ref && stack.parameters[v.Ref] !== undefined ? stack.parameters[v.Ref] : `fake-${stack.name}-${key}`
  }
  return out
}

/**
 * Resource changes between two template bodies, as DescribeChangeSet lists them, with AWS's
 * `PolicyAction` for what happens to the old resource: on a removal the deployed resource's
 * DeletionPolicy (default Delete; Snapshot for an RDS cluster, and an RDS instance outside a
 * cluster), on a replacement the new resource's UpdateReplacePolicy (default Delete).
 */
function diffTemplates(before: string | undefined, after: string, replacedOnModify: Set<string>): Change[] {
  const a = (before ? JSON.parse(before).Resources : {}) ?? {}
  const b = JSON.parse(after).Resources ?? {}
  const changes: Change[] = []
  for (const [id, r] of Object.entries<any>(b)) {
    if (!a[id]) changes.push({Type: 'Resource', ResourceChange: {Action: 'Add', LogicalResourceId: id, ResourceType: r.Type}})
    else if (!isDeepStrictEqual(a[id], r)) {
      const replaced = replacedOnModify.has(id)
      const policy = replaced ? {PolicyAction: `ReplaceAnd${r.UpdateReplacePolicy ?? 'Delete'}` as PolicyAction} : {}
      changes.push({Type: 'Resource', ResourceChange: {Action: 'Modify', LogicalResourceId: id, ResourceType: r.Type, Replacement: replaced ? 'True' : 'False', ...policy}})
    }
  }
  for (const [id, r] of Object.entries<any>(a)) if (!b[id]) changes.push({Type: 'Resource', ResourceChange: {Action: 'Remove', LogicalResourceId: id, ResourceType: r.Type, PolicyAction: deletionPolicyAction(r)}})
  return changes
}

function deletionPolicyAction(resource: {Type: string; DeletionPolicy?: string; Properties?: Record<string, unknown>}): PolicyAction {
  if (resource.DeletionPolicy === 'RetainExceptOnCreate') return 'Retain'
  if (resource.DeletionPolicy) return resource.DeletionPolicy as PolicyAction
  const rds = resource.Type === 'AWS::RDS::DBCluster' || (resource.Type === 'AWS::RDS::DBInstance' && !resource.Properties?.DBClusterIdentifier)
  return rds ? 'Snapshot' : 'Delete'
}

/** DeployAws over fakes: one FakeCloudFormation per region, and the other calls answered from fields. */
export class FakeAws implements DeployAws {
  readonly regions = new Map<string, FakeCloudFormation>()
  account = '123456789012'
  versions: Record<string, string[]> = {'aurora-postgresql': ['16.6', '17.4', '17.9']}
  parameters = new Set<string>()
  readonly uploads: Array<{bucket: string; key: string; bytes: number}> = []
  /** Calls of the non-CloudFormation APIs, by name. */
  readonly otherCalls: string[] = []
  endpoint?: string

  constructor(private readonly options: {pageSize?: number} = {}) {}

  cloudFormation(region: string): FakeCloudFormation {
    let fake = this.regions.get(region)
    if (!fake) {
      fake = new FakeCloudFormation(region, this.options)
      this.regions.set(region, fake)
    }
    return fake
  }

  async putTemplate(region: string, bucket: string, key: string, body: string): Promise<string> {
    this.uploads.push({bucket, key, bytes: body.length})
    return `https://${bucket}.s3.${region}.amazonaws.com/${key}`
  }

  /** S3 objects written through leaseStore, by `bucket/key`. */
  readonly objects = new Map<string, StoredObject>()

  leaseStore(_region: string, bucket: string, key: string): LeaseStore {
    const store = new MemoryLeaseStore(this.objects, `${bucket}/${key}`)
    // Counted as the request-counting proxy of bench/deploy.mjs names S3's calls.
    return {
      location: store.location,
      read: () => (this.otherCalls.push('s3:GET'), store.read()),
      create: (body) => (this.otherCalls.push('s3:PUT'), store.create(body)),
      replace: (body, etag) => (this.otherCalls.push('s3:PUT'), store.replace(body, etag)),
    }
  }

  async callerAccount(): Promise<string> {
    this.otherCalls.push('GetCallerIdentity')
    return this.account
  }

  async engineVersions(_region: string, engine: string): Promise<string[]> {
    this.otherCalls.push('DescribeDBEngineVersions')
    return this.versions[engine] ?? []
  }

  /** Registry types activated, as `region/TypeName` (AWS:: types are always there). */
  readonly activatedTypes = new Set<string>()

  async typeActivated(region: string, typeName: string): Promise<boolean> {
    this.otherCalls.push('DescribeType')
    return typeName.startsWith('AWS::') || this.activatedTypes.has(`${region}/${typeName}`)
  }

  /** AWS-managed prefix lists, as `region/name` -> id; CloudFront's origin-facing list exists in every region unless deleted here. */
  readonly prefixLists = new Map<string, string | undefined>()

  async managedPrefixListId(region: string, name: string): Promise<string | undefined> {
    this.otherCalls.push('DescribeManagedPrefixLists')
    const key = `${region}/${name}`
    if (this.prefixLists.has(key)) return this.prefixLists.get(key)
    return name === 'com.amazonaws.global.cloudfront.origin-facing' ? `pl-cf${region.replaceAll('-', '')}` : undefined
  }

  /** Activated registry types whose configuration was never set, as `region/TypeName` (an activated type counts as configured otherwise). */
  readonly unconfiguredTypes = new Set<string>()

  async typeConfigured(region: string, typeName: string): Promise<boolean> {
    this.otherCalls.push('BatchDescribeTypeConfigurations')
    return !this.unconfiguredTypes.has(`${region}/${typeName}`)
  }

  async missingParameters(_region: string, names: string[]): Promise<string[]> {
    this.otherCalls.push('GetParameters')
    return names.filter((n) => !this.parameters.has(n))
  }
}

export interface StoredObject {
  body: string
  etag: string
  lastModified: Date
}

/** One S3 object with PutObject's conditional-write answers (If-None-Match: *, If-Match: etag). */
export class MemoryLeaseStore implements LeaseStore {
  readonly location: string
  private version = 0

  constructor(
    private readonly objects: Map<string, StoredObject> = new Map(),
    private readonly key = 'bucket/locks/deploy.json',
    private readonly clock: () => number = Date.now,
  ) {
    this.location = `s3://${key}`
  }

  async read(): Promise<StoredObject | undefined> {
    const object = this.objects.get(this.key)
    return object && {...object}
  }

  async create(body: string): Promise<string | undefined> {
    if (this.objects.has(this.key)) return undefined
    return this.write(body)
  }

  async replace(body: string, etag: string): Promise<string | undefined> {
    if (this.objects.get(this.key)?.etag !== etag) return undefined
    return this.write(body)
  }

  private write(body: string): string {
    const etag = `"${createHash('md5').update(`${body}${++this.version}`).digest('hex')}"`
    this.objects.set(this.key, {body, etag, lastModified: new Date(this.clock())})
    return etag
  }
}
