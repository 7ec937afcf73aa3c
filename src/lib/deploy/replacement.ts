import type {Change} from '@aws-sdk/client-cloudformation'
import {DeployFailedError} from '../errors.js'
import type {CfnTemplate} from '../stacks/types.js'
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
 * Create-only properties (changing one replaces the resource) of the guarded types, from the
 * CloudFormation resource schemas (`createOnlyProperties`). `@aws-cdk/cloudformation-diff` gets
 * these from `@aws-cdk/aws-service-spec`, whose database is a 2.6 MB gzip of every type
 * (tens of MB parsed) loaded into memory: seconds of start-up for a no-op deploy whose budget
 * is 2 s. The guard only needs the stateful types, so the table lives here.
 */
export const CREATE_ONLY_PROPERTIES: Record<string, string[]> = {
  'AWS::RDS::DBCluster': [
    'DBClusterIdentifier',
    'DatabaseName',
    'DBSubnetGroupName',
    'Engine',
    'EngineMode',
    'KmsKeyId',
    'MasterUsername',
    'RestoreType',
    'SnapshotIdentifier',
    'SourceDBClusterIdentifier',
    'SourceRegion',
    'StorageEncrypted',
  ],
  'AWS::RDS::DBInstance': [
    'DBInstanceIdentifier',
    'DBClusterIdentifier',
    'DBName',
    'DBSubnetGroupName',
    'CharacterSetName',
    'KmsKeyId',
    'MasterUsername',
    'SourceRegion',
    'StorageEncrypted',
    'Timezone',
  ],
  'AWS::S3::Bucket': ['BucketName', 'ObjectLockEnabled'],
  'AWS::Logs::LogGroup': ['LogGroupName', 'LogGroupClass'],
  'AWS::Route53::HostedZone': ['Name'],
  'AWS::ECR::Repository': ['RepositoryName', 'EncryptionConfiguration'],
  'AWS::EC2::VPC': ['CidrBlock', 'Ipv4IpamPoolId', 'Ipv4NetmaskLength'],
}

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
    })
  }
  return out
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
    const description = (resource.Metadata?.['platform:description'] as string | undefined) ?? undefined
    const before = oldResources[logicalId]
    if (!before) {
      out.push({logicalId, type: resource.Type, action: 'Add', replacement: 'False', description})
      continue
    }
    if (before.Type !== resource.Type) {
      out.push({logicalId, type: resource.Type, action: 'Modify', replacement: 'True', replacedBy: ['Type'], description})
      continue
    }
    const oldResolved = resolveRefs(before, deployedParameters)
    const newResolved = resolveRefs(resource, nextParameters)
    if (isDeepStrictEqual(oldResolved, newResolved)) continue
    const replacedBy: string[] = []
    let replacement = 'False' as Replacement
    for (const prop of CREATE_ONLY_PROPERTIES[resource.Type] ?? []) {
      const a = (oldResolved.Properties as Record<string, unknown> | undefined)?.[prop]
      const b = (newResolved.Properties as Record<string, unknown> | undefined)?.[prop]
      if (isDeepStrictEqual(a, b)) continue
      replacedBy.push(prop)
      const certain = !containsIntrinsic(a) && !containsIntrinsic(b)
      replacement = certain || replacement === 'True' ? 'True' : 'Conditional'
    }
    out.push({logicalId, type: resource.Type, action: 'Modify', replacement, replacedBy: replacedBy.length > 0 ? replacedBy : undefined, description})
  }
  for (const [logicalId, resource] of Object.entries(oldResources)) {
    if (!newResources[logicalId]) out.push({logicalId, type: resource.Type, action: 'Remove', replacement: 'False'})
  }
  return out
}

/** Change-set changes, with replacement raised where the template comparison predicts it. */
export function mergeChanges(fromChangeSet: ResourceChange[], predicted: ResourceChange[]): ResourceChange[] {
  const byId = new Map(predicted.map((c) => [c.logicalId, c]))
  return fromChangeSet.map((c) => {
    const p = byId.get(c.logicalId)
    if (!p) return c
    const rank = {False: 0, Conditional: 1, True: 2}
    const replacement = rank[p.replacement] > rank[c.replacement] ? p.replacement : c.replacement
    return {...c, replacement, replacedBy: p.replacedBy, description: c.description ?? p.description}
  })
}

function resolveRefs(value: unknown, parameters: Values): any {
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, parameters))
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>
    const keys = Object.keys(obj)
    if (keys.length === 1 && keys[0] === 'Ref' && typeof obj.Ref === 'string' && parameters[obj.Ref] !== undefined) return parameters[obj.Ref]
    return Object.fromEntries(keys.filter((k) => k !== 'Metadata').map((k) => [k, resolveRefs(obj[k], parameters)]))
  }
  return value
}

function containsIntrinsic(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsIntrinsic)
  if (value && typeof value === 'object') return Object.keys(value).some((k) => k === 'Ref' || k.startsWith('Fn::') || containsIntrinsic((value as Record<string, unknown>)[k]))
  return false
}

/** A stateful resource the deploy would replace or remove. */
export interface GuardViolation {
  stack: string
  logicalId: string
  type: string
  action: ResourceAction
  replacement: Replacement
  why: string
}

/** The changes that must not happen unless `--allow-replace <LogicalId>` names them. */
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
    if (!holds) continue
    if (change.action === 'Remove') {
      out.push({...pick(change), stack, why: `it would be deleted from the stack: ${holds}`})
    } else if (change.action === 'Modify' && change.replacement !== 'False') {
      const props = change.replacedBy?.length ? ` (${change.replacedBy.join(', ')} cannot change in place)` : ''
      const may = change.replacement === 'Conditional' ? 'may be' : 'would be'
      out.push({...pick(change), stack, why: `it ${may} replaced${props}: ${holds}`})
    }
  }
  return out
}

function pick(c: ResourceChange) {
  return {logicalId: c.logicalId, type: c.type, action: c.action, replacement: c.replacement}
}
