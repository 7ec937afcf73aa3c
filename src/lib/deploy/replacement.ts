import type {Change, PolicyAction} from '@aws-sdk/client-cloudformation'
import {DeployFailedError} from '../errors.js'
import type {CfnResource, CfnTemplate} from '../stacks/types.js'
import {isDeepStrictEqual} from 'node:util'

export type ResourceAction = 'Add' | 'Modify' | 'Remove' | 'Import' | 'Dynamic'
export type Replacement = 'True' | 'Conditional' | 'False'

/** One resource's planned change, as `diff` prints it and the guard checks it. */
export interface ResourceChange {
  logicalId: string
  type: string
  action: ResourceAction
  replacement: Replacement
  /** Create-only properties whose value changes (from the template comparison). */
  replacedBy?: string[]
  description?: string
  /**
   * What CloudFormation does with the old physical resource when this change replaces or removes
   * it: the change set's `PolicyAction` (from the resource's UpdateReplacePolicy or DeletionPolicy),
   * or the same predicted from the templates.
   */
  policyAction?: PolicyAction
}

/**
 * Types whose replacement or removal loses data or takes the environment down. The VPC is in the
 * list although it holds no data itself: replacing it replaces every subnet, the ALB, NAT gateways
 * and the database's subnet group with it, and in practice fails half-way because the old VPC
 * still has dependents - never something to do without saying so.
 */
export const STATEFUL_TYPES: Record<string, string> = {
  'AWS::RDS::DBCluster': 'the Aurora cluster holds the database',
  'AWS::RDS::DBInstance': 'a database instance',
  'AWS::S3::Bucket': 'the bucket holds objects',
  'AWS::Logs::LogGroup': 'the log group holds logs',
  'AWS::Route53::HostedZone': 'a new hosted zone gets new name servers; the domain stops resolving until the registrar is updated',
  'AWS::ECR::Repository': 'the repository holds the images',
  'AWS::EC2::VPC': 'everything in the VPC (subnets, ALB, NAT, the database subnets) is replaced with it',
}

/**
 * What deleting a guarded resource destroys, for the types that hold data themselves (the VPC holds
 * none). An Aurora instance has none of its own either, but a change set does not say whether an
 * instance belongs to a cluster, so the words cover both.
 */
const DATA_HELD: Record<string, string> = {
  'AWS::RDS::DBCluster': 'the database',
  'AWS::RDS::DBInstance': 'its data (an Aurora instance has none: its cluster holds it)',
  'AWS::S3::Bucket': 'the objects',
  'AWS::Logs::LogGroup': 'the logs',
  'AWS::Route53::HostedZone': 'its records',
  'AWS::ECR::Repository': 'the images',
}

/**
 * Create-only properties (changing one replaces the resource) of the guarded types: the top-level
 * properties CloudFormation's resource schemas list as `createOnlyProperties` (a nested one, such
 * as ECR's EncryptionConfiguration/KmsKey, as its top-level property), exactly, so the prediction
 * raises a replacement where AWS replaces and nowhere else. test/deploy/replacement-create-only.test.ts
 * checks every entry against the schemas cfn-lint ships, for every type the root platform.yaml
 * renders. `@aws-cdk/cloudformation-diff` gets these from `@aws-cdk/aws-service-spec`, whose
 * database is a 2.6 MB gzip of every type (tens of MB parsed) loaded into memory: seconds of
 * start-up for a no-op deploy whose budget is 2 s. The guard only needs the stateful types, so the
 * table lives here.
 */
export const CREATE_ONLY_PROPERTIES: Record<string, string[]> = {
  'AWS::RDS::DBCluster': [
    'AvailabilityZones',
    'ClusterScalabilityType',
    'DBClusterIdentifier',
    'DBSubnetGroupName',
    'DBSystemId',
    'DatabaseName',
    'EngineMode',
    'KmsKeyId',
    'PubliclyAccessible',
    'RestoreToTime',
    'RestoreType',
    'SnapshotIdentifier',
    'SourceDBClusterIdentifier',
    'SourceDbClusterResourceId',
    'SourceRegion',
    'StorageEncrypted',
    'UseLatestRestorableTime',
  ],
  'AWS::RDS::DBInstance': [
    'BackupTarget',
    'CharacterSetName',
    'CustomIAMInstanceProfile',
    'DBClusterIdentifier',
    'DBInstanceIdentifier',
    'DBName',
    'DBSubnetGroupName',
    'DBSystemId',
    'KmsKeyId',
    'MasterUsername',
    'NcharCharacterSetName',
    'SourceRegion',
    'StorageEncrypted',
    'Timezone',
  ],
  'AWS::S3::Bucket': ['BucketName', 'BucketNamePrefix', 'BucketNamespace'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::Route53::HostedZone': ['Name'],
  'AWS::ECR::Repository': ['EncryptionConfiguration', 'RepositoryName'],
  'AWS::EC2::VPC': ['CidrBlock', 'Ipv4IpamPoolId', 'Ipv4NetmaskLength'],
}

/**
 * Types for which CloudFormation can take a snapshot before deleting (the DeletionPolicy and
 * UpdateReplacePolicy `Snapshot` option). For any other type `Snapshot` behaves as `Delete`.
 */
const SNAPSHOT_TYPES = new Set([
  'AWS::EC2::Volume',
  'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::Neptune::DBCluster',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::Redshift::Cluster',
])

/** Resource changes as a change set describes them. */
export function changesFromChangeSet(changes: Change[]): ResourceChange[] {
  const out: ResourceChange[] = []
  for (const change of changes) {
    const rc = change.ResourceChange
    if (!rc?.LogicalResourceId) continue
    out.push({
      logicalId: rc.LogicalResourceId,
      type: rc.ResourceType ?? 'unknown',
      action: (rc.Action ?? 'Modify') as ResourceAction,
      replacement: rc.Replacement === 'True' || rc.Replacement === 'Conditional' ? rc.Replacement : 'False',
      ...(rc.PolicyAction ? {policyAction: rc.PolicyAction} : {}),
    })
  }
  return out
}

/**
 * The PolicyAction CloudFormation applies when it replaces `resource`: the UpdateReplacePolicy of
 * the template being deployed (the update applies the submitted attributes), `Delete` by default.
 */
function replacePolicyAction(resource: CfnResource): PolicyAction {
  return `ReplaceAnd${resource.UpdateReplacePolicy ?? 'Delete'}`
}

/**
 * The PolicyAction CloudFormation applies when an update removes `resource`: the DeletionPolicy of
 * the deployed template (the only one that still has it). Without one, CloudFormation deletes,
 * except that an RDS cluster, and an RDS instance outside a cluster, get a final snapshot.
 */
function deletionPolicyAction(resource: CfnResource): PolicyAction {
  const policy = resource.DeletionPolicy
  if (policy === 'RetainExceptOnCreate') return 'Retain'
  if (policy) return policy
  const snapshotByDefault = resource.Type === 'AWS::RDS::DBCluster' || (resource.Type === 'AWS::RDS::DBInstance' && resource.Properties?.DBClusterIdentifier === undefined)
  return snapshotByDefault ? 'Snapshot' : 'Delete'
}

type Values = Record<string, string | undefined>

/**
 * Predict resource changes by comparing the deployed template with the new one, resolving `Ref`s
 * to parameters with their deployed and new values. A create-only property that changes makes
 * the replacement `True`; one that depends on something unresolved makes it `Conditional`.
 */
export function predictChanges(
  deployed: CfnTemplate | undefined,
  next: CfnTemplate,
  deployedParameters: Values = {},
  nextParameters: Values = {},
): ResourceChange[] {
  const oldResources = deployed?.Resources ?? {}
  const newResources = next.Resources ?? {}
  const out: ResourceChange[] = []
  for (const [logicalId, resource] of Object.entries(newResources)) {
    const description = resource.Metadata?.['platform:description'] as string | undefined
    const before = oldResources[logicalId]
    if (!before) {
      out.push({logicalId, type: resource.Type, action: 'Add', replacement: 'False', description})
      continue
    }
    if (before.Type !== resource.Type) {
      out.push({logicalId, type: resource.Type, action: 'Modify', replacement: 'True', replacedBy: ['Type'], description, policyAction: replacePolicyAction(resource)})
      continue
    }
    const oldResolved = resolveRefs(before, deployedParameters)
    const newResolved = resolveRefs(resource, nextParameters)
    if (isDeepStrictEqual(oldResolved, newResolved)) continue
    const replacedBy: string[] = []
    let replacement = 'False' as Replacement
    // Stryker disable next-line ArrayDeclaration: a made-up property name is absent from both templates, so it never differs
    for (const prop of CREATE_ONLY_PROPERTIES[resource.Type] ?? []) {
      const a = (oldResolved.Properties as Record<string, unknown> | undefined)?.[prop]
      const b = (newResolved.Properties as Record<string, unknown> | undefined)?.[prop]
      if (isDeepStrictEqual(a, b)) continue
      replacedBy.push(prop)
      const certain = !containsIntrinsic(a) && !containsIntrinsic(b)
      replacement = certain || replacement === 'True' ? 'True' : 'Conditional'
    }
    const replaced = replacedBy.length > 0
    out.push({logicalId, type: resource.Type, action: 'Modify', replacement, ...(replaced ? {replacedBy, policyAction: replacePolicyAction(resource)} : {}), description})
  }
  for (const [logicalId, resource] of Object.entries(oldResources)) {
    if (!newResources[logicalId]) out.push({logicalId, type: resource.Type, action: 'Remove', replacement: 'False', policyAction: deletionPolicyAction(resource)})
  }
  return out
}

/** Replacement values from the least to the most certain. */
const REPLACEMENT_BY_RANK: Replacement[] = ['False', 'Conditional', 'True']

/** Change-set changes, with replacement raised where the template comparison predicts it. */
export function mergeChanges(fromChangeSet: ResourceChange[], predicted: ResourceChange[]): ResourceChange[] {
  const byId = new Map(predicted.map((c) => [c.logicalId, c]))
  return fromChangeSet.map((c) => {
    const p = byId.get(c.logicalId)
    if (!p) return c
    const replacement = REPLACEMENT_BY_RANK[Math.max(REPLACEMENT_BY_RANK.indexOf(p.replacement), REPLACEMENT_BY_RANK.indexOf(c.replacement))]
    // The change set's PolicyAction is AWS's word; the prediction's fills in when the change set has
    // none (a replacement only the template comparison found).
    return {...c, replacement, replacedBy: p.replacedBy, description: c.description ?? p.description, policyAction: c.policyAction ?? p.policyAction}
  })
}

function resolveRefs(value: unknown, parameters: Values): any {
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, parameters))
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>
    const keys = Object.keys(obj)
    // Only a one-key object is an intrinsic: `{Ref: P}` beside other keys is plain data.
    const ref = keys.length === 1 ? obj.Ref : undefined
    if (typeof ref === 'string' && parameters[ref] !== undefined) return parameters[ref]
    return Object.fromEntries(keys.filter((k) => k !== 'Metadata').map((k) => [k, resolveRefs(obj[k], parameters)]))
  }
  return value
}

/** Whether `value` holds a Ref or Fn:: anywhere; a list is an object whose keys are its indices, never an intrinsic name. */
function containsIntrinsic(value: unknown): boolean {
  if (value && typeof value === 'object') return Object.keys(value).some((k) => k === 'Ref' || k.startsWith('Fn::') || containsIntrinsic((value as Record<string, unknown>)[k]))
  return false
}

/** What becomes of the data of a resource that a change replaces or removes. */
export type DataKept = 'resource' | 'snapshot' | 'nothing'

const KEPT_BY_POLICY: Record<PolicyAction, DataKept> = {
  Delete: 'nothing',
  ReplaceAndDelete: 'nothing',
  Retain: 'resource',
  ReplaceAndRetain: 'resource',
  Snapshot: 'snapshot',
  ReplaceAndSnapshot: 'snapshot',
}

/** The old physical resource of a change that replaces or removes one, and what survives of it. */
export interface OldResourceFate {
  policyAction: PolicyAction
  kept: DataKept
  /** A few words for the diff: `old one retained`, `deleted`, ... */
  label: string
}

/**
 * What CloudFormation does with the old resource when `change` replaces or removes it, from its
 * PolicyAction; `undefined` for a change that keeps the resource (Add, in-place Modify). Without a
 * PolicyAction, CloudFormation's default (delete) is assumed, never a kinder one; and `Snapshot`
 * on a type that cannot be snapshotted deletes, as CloudFormation does.
 */
export function oldResourceFate(change: ResourceChange): OldResourceFate | undefined {
  const replaced = change.action === 'Modify' && change.replacement !== 'False'
  if (!replaced && change.action !== 'Remove') return undefined
  const policyAction = change.policyAction ?? (replaced ? 'ReplaceAndDelete' : 'Delete')
  let kept = KEPT_BY_POLICY[policyAction] ?? 'nothing'
  if (kept === 'snapshot' && !SNAPSHOT_TYPES.has(change.type)) kept = 'nothing'
  const subject = replaced ? 'old one ' : ''
  const label = {
    resource: `${subject}retained outside the stack`,
    snapshot: `${subject}snapshotted, then deleted`,
    nothing: DATA_HELD[change.type] ? `${subject}deleted with its data` : `${subject}deleted`,
  }[kept]
  return {policyAction, kept, label}
}

/** A stateful resource the deploy would replace or remove. */
export interface GuardViolation {
  stack: string
  logicalId: string
  type: string
  action: ResourceAction
  replacement: Replacement
  policyAction: PolicyAction
  /** Whether the data survives the change somewhere (the old resource retained, or a snapshot of it). */
  dataKept: boolean
  why: string
}

/**
 * The changes that must not happen unless `--allow-replace <LogicalId>` names them. A replacement
 * or removal that keeps the data (ReplaceAndRetain, ReplaceAndSnapshot, Retain, Snapshot) is
 * refused too: the stack still moves to a new, empty resource (or drops it), so the running
 * environment loses its data until someone restores the snapshot or re-imports the retained
 * resource by hand. The refusal says what is kept, so the user can judge what allowing it costs.
 */
export function findGuardViolations(stack: string, changes: ResourceChange[], allowReplace: string[], part?: string): GuardViolation[] {
  return guardedChanges(stack, changes).filter((v) => !isAllowed(v.logicalId, stack, part, allowReplace))
}

/** The refusal of a deploy (or one stack of it) whose changes hold guard violations; `undefined` when there are none. */
export function replacementRefusal(violations: GuardViolation[], message: string): DeployFailedError | undefined {
  if (violations.length === 0) return undefined
  return new DeployFailedError(
    message,
    violations.map((v) => ({stack: v.stack, logicalId: v.logicalId, type: v.type, status: v.action === 'Remove' ? 'WOULD_DELETE' : 'WOULD_REPLACE', reason: v.why})),
    {code: 'REPLACEMENT_REFUSED', suggestions: [`If that is intended, pass ${[...new Set(violations.map((v) => `--allow-replace ${v.logicalId}`))].join(' ')}.`]},
  )
}

/** The guarded replacements and deletions `--allow-replace` lets through: the deploy warns about each. */
export function allowedReplacements(stack: string, changes: ResourceChange[], allowReplace: string[], part?: string): GuardViolation[] {
  return guardedChanges(stack, changes).filter((v) => isAllowed(v.logicalId, stack, part, allowReplace))
}

/** `--allow-replace` names a resource as `LogicalId`, `stack-name.LogicalId` or `part.LogicalId` (`data.DatabaseCluster`). */
function isAllowed(logicalId: string, stack: string, part: string | undefined, allowReplace: string[]): boolean {
  return allowReplace.some((entry) => entry === logicalId || entry === `${stack}.${logicalId}` || (part !== undefined && entry === `${part}.${logicalId}`))
}

function guardedChanges(stack: string, changes: ResourceChange[]): GuardViolation[] {
  const out: GuardViolation[] = []
  for (const change of changes) {
    const holds = STATEFUL_TYPES[change.type]
    const fate = oldResourceFate(change)
    if (!holds || !fate) continue
    const what =
      change.action === 'Remove'
        ? 'it would be deleted from the stack'
        : `it ${change.replacement === 'Conditional' ? 'may be' : 'would be'} replaced${change.replacedBy?.length ? ` (${change.replacedBy.join(', ')} cannot change in place)` : ''}`
    out.push({...pick(change), stack, policyAction: fate.policyAction, dataKept: fate.kept !== 'nothing', why: `${what}: ${holds}; ${fateSentence(change, fate)}`})
  }
  return out
}

function fateSentence(change: ResourceChange, fate: OldResourceFate): string {
  const policy = `(PolicyAction ${fate.policyAction})`
  const replaced = change.action !== 'Remove'
  if (fate.kept === 'resource') return replaced ? `data kept: the old one is retained outside the stack, which moves to a new, empty one ${policy}` : `data kept: it is retained outside the stack, no longer managed by it ${policy}`
  if (fate.kept === 'snapshot') return replaced ? `data kept in a snapshot: the old one is snapshotted, then deleted, and the stack moves to a new, empty one ${policy}` : `data kept in a snapshot: a final snapshot is taken, then it is deleted ${policy}`
  const unsupported = fate.policyAction.endsWith('Snapshot') ? ` (${change.type} cannot be snapshotted, so CloudFormation deletes it)` : ''
  const subject = replaced ? 'the old one' : 'it'
  const lost = DATA_HELD[change.type]
  return lost ? `DATA LOST: ${subject} is deleted, and ${lost} with it${unsupported} ${policy}` : `nothing is kept: ${subject} is deleted${unsupported} ${policy}`
}

function pick(c: ResourceChange) {
  return {logicalId: c.logicalId, type: c.type, action: c.action, replacement: c.replacement}
}
