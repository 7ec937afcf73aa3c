import type {CloudFormationApi, RetryNotice} from '../aws/cloudformation.js'
import type {LeaseStore} from './lease.js'
import type {ResourceChange} from './replacement.js'

/** The AWS calls a deploy makes besides CloudFormation: narrow, so tests can fake them. */
export interface DeployAws {
  /** A CloudFormation client for the region (each stack uses its own region's). */
  cloudFormation(region: string): CloudFormationApi
  /** Upload a large template; returns the TemplateURL. */
  putTemplate(region: string, bucket: string, key: string, body: string): Promise<string>
  /** STS GetCallerIdentity's account. */
  callerAccount(): Promise<string>
  /** RDS DescribeDBEngineVersions: the versions of `engine` offered in the region (just `[version]` when that one is). */
  engineVersions(region: string, engine: string, version?: string): Promise<string[]>
  /** CloudFormation DescribeType (RESOURCE): whether a registry type is usable in the region (a third-party one only once activated). */
  typeActivated(region: string, typeName: string): Promise<boolean>
  /** CloudFormation BatchDescribeTypeConfigurations: whether an activated type's configuration has been set in the region. */
  typeConfigured(region: string, typeName: string): Promise<boolean>
  /** EC2 DescribeManagedPrefixLists: the id of the AWS-managed prefix list `name` in the region (ids differ per region), undefined when there is none. */
  managedPrefixListId(region: string, name: string): Promise<string | undefined>
  /** SSM GetParameters: which of `names` do not exist. */
  missingParameters(region: string, names: string[]): Promise<string[]>
  /** The deploy lease object `key` in `bucket` (S3 conditional writes), for the environment lock. */
  leaseStore(region: string, bucket: string, key: string): LeaseStore
  /** Where `--local` / AWS_ENDPOINT_URL points, if anywhere (keys the local lock). */
  endpoint?: string
  /** The DNS server (host:port) of the delegation check; undefined: the system's resolvers. */
  dnsServer?: string
  /** The engine listens here for the SDK's silent retries, to report them. */
  setRetryListener?(listener: (region: string, notice: RetryNotice) => void): void
}

/** What a stack will do, decided in the plan phase. */
export type StackAction =
  | 'create'
  | 'update'
  | 'skip'
  /** In ROLLBACK_COMPLETE after a failed first create: delete, then create again. */
  | 'recreate'
  /** UPDATE_ROLLBACK_FAILED: continue-update-rollback, then update. */
  | 'recover'
  /** Another operation is running on it: wait for it, then decide. */
  | 'attach'
  /** Not selected with --stack: only its outputs are read. */
  | 'read-only'
  /** A service stack on a first --infra-only deploy with no image yet. */
  | 'deferred'

/** How a stack's part of a run ended. */
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

export interface ParameterChange {
  name: string
  old?: string
  new?: string
}

export interface StackPlan {
  stack: string
  part: string
  region: string
  action: StackAction
  status?: string
  reason?: string
  changes: ResourceChange[]
  parameterChanges: ParameterChange[]
  /** Where `changes` came from. */
  source: 'change-set' | 'template' | 'none'
}

/** One line of progress: the UI renders these; `--json` prints them one per line. */
export type DeployEvent =
  | {type: 'plan'; stacks: StackPlan[]}
  | {type: 'stack'; stack: string; region: string; phase: StackPhase; message?: string; elapsedMs: number}
  | {
      type: 'resource'
      stack: string
      logicalId: string
      resourceType: string
      status: string
      reason?: string
      description?: string
      elapsedMs: number
    }
  | ({type: 'retry'; region: string} & RetryNotice)
  | {type: 'change-set'; stack: string; changeSetId: string; action: 'created' | 'deleted' | 'executed' | 'empty'}
  | {type: 'warning'; message: string}
  | RolloutProgress

/**
 * An ECS service deployment's progress. The engine never emits it: a release does, while a service
 * stack's change set executes (CloudFormation waits for the rollout inside the stack update) and
 * after, while it checks the rollout's end.
 */
export interface RolloutProgress {
  type: 'rollout'
  service: string
  /** The service's stack, on the events read while its change set executes. */
  stack?: string
  /** The service deployment's status (IN_PROGRESS, SUCCESSFUL, ROLLBACK_IN_PROGRESS, ...). */
  status: string
  lifecycleStage?: string
  running: number
  desired: number
  /** Tasks the circuit breaker counted as failed. */
  failureCount?: number
  /** Why tasks this rollout started have stopped (DescribeTasks), each reason once. */
  stoppedTasks?: string[]
  message?: string
  elapsedMs: number
}

export type StackPhase =
  | 'waiting'
  | 'attaching'
  | 'recovering'
  | 'deleting'
  | 'planning'
  | 'executing'
  | 'skipped'
  | 'no-change'
  | 'deferred'
  | 'complete'
  | 'failed'
  | 'cancelled'
  | 'not-started'

export type EventSink = (event: DeployEvent) => void
