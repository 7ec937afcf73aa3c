import type {ResolvedEnvironment} from '../lib/config/types.js'
import {secretParameter} from '../lib/naming.js'

/** One IAM policy statement as CloudFormation takes it (values may be intrinsic functions). */
export interface PolicyStatement {
  Sid: string
  Effect: 'Allow' | 'Deny'
  Action: string | string[]
  Resource: unknown
  Condition?: Record<string, unknown>
}

/** A policy document from statements; empty statement lists are the caller's bug, so none are dropped. */
export function policyDocument(statements: PolicyStatement[]): Record<string, unknown> {
  return {Version: '2012-10-17', Statement: statements}
}

/**
 * Trust policy for a role that `service` (e.g. `ecs-tasks.amazonaws.com`) assumes. `conditions`
 * guard against the confused-deputy problem where the service supports them.
 */
export function assumeRolePolicy(service: string, conditions?: Record<string, unknown>): Record<string, unknown> {
  const statement: Record<string, unknown> = {Effect: 'Allow', Principal: {Service: service}, Action: 'sts:AssumeRole'}
  if (conditions) statement.Condition = conditions
  return {Version: '2012-10-17', Statement: [statement]}
}

/**
 * The full ARN of the SSM parameter holding secret `name` (`/<project>/<env>/<NAME>`). ECS needs
 * the ARN, not the name, for parameters it resolves by ARN across partitions and regions.
 */
export function secretParameterArn(env: ResolvedEnvironment, name: string): unknown {
  return {'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${secretParameter(env, name)}`}
}

/** The ARN of ECR repository `name` in this stack's account and region. */
export function ecrRepositoryArn(name: string): unknown {
  return {'Fn::Sub': `arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:repository/${name}`}
}

/** An ECR image reference split into what an ARN needs; `undefined` for any other registry. */
export interface EcrImage {
  account: string
  region: string
  repository: string
}

/** Recognise `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repo>[:tag|@digest]`. */
export function parseEcrImage(image: string): EcrImage | undefined {
  const match = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(image)
  if (!match) return undefined
  return {account: match[1], region: match[2], repository: match[3]}
}

/** The ARN of a prebuilt ECR image's repository (its own account and region, which may differ from ours). */
export function ecrImageRepositoryArn(image: EcrImage): unknown {
  return {'Fn::Sub': `arn:\${AWS::Partition}:ecr:${image.region}:${image.account}:repository/${image.repository}`}
}

/**
 * The name of the permissions boundary every role of an environment with a CI deploy role carries.
 * A fixed name, so roles in other stacks reference it by ARN and the boundary can name itself.
 */
export function permissionsBoundaryName(env: ResolvedEnvironment): string {
  return `${env.project}-${env.name}-permissions-boundary`
}

/** The ARN of the environment's permissions boundary (a customer managed policy, see the bootstrap stack). */
export function permissionsBoundaryArn(env: ResolvedEnvironment): unknown {
  return {'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${permissionsBoundaryName(env)}`}
}

/** The boundary exists only where a CI deploy role does: it is what stops that role escalating. */
export function hasPermissionsBoundary(env: ResolvedEnvironment): boolean {
  return env.ci.githubRepository !== undefined
}
