/** CloudFront only accepts certificates and CLOUDFRONT-scope web ACLs from this region, whatever the environment's. */
export const EDGE_REGION = 'us-east-1'

/** A CloudFormation template as a plain object; renderers build these and nothing else. */
export interface CfnTemplate {
  AWSTemplateFormatVersion: '2010-09-09'
  Description: string
  Metadata?: Record<string, unknown>
  Parameters?: Record<string, CfnParameter>
  Conditions?: Record<string, unknown>
  Resources: Record<string, CfnResource>
  Outputs?: Record<string, CfnOutput>
}

export interface CfnParameter {
  Type: string
  Description?: string
  Default?: string
  AllowedPattern?: string
  NoEcho?: boolean
}

export interface CfnResource {
  Type: string
  Properties?: Record<string, unknown>
  DependsOn?: string | string[]
  Condition?: string
  DeletionPolicy?: 'Delete' | 'Retain' | 'Snapshot' | 'RetainExceptOnCreate'
  UpdateReplacePolicy?: 'Delete' | 'Retain' | 'Snapshot'
  /** `platform:description` here is shown in deploy progress instead of the logical id. */
  Metadata?: Record<string, unknown>
}

export interface CfnOutput {
  Description?: string
  Value: unknown
  Export?: {Name: unknown}
}

/**
 * Where a stack parameter's value comes from at deploy time. Exports cannot cross regions, so
 * every cross-stack value is an explicit edge: the deploy reads `output` of `stack` (in that
 * stack's own region) and passes it as the parameter. Reading it also orders the deploy.
 */
export type ParameterSource =
  | {from: 'output'; stack: string; output: string}
  /** The image digest/tag of a service, filled in by the image pipeline (or the deployed value). */
  | {from: 'image'; service: string}
  | {from: 'value'; value: string}
  /**
   * The id of the AWS-managed prefix list `name` in the stack's region (ids differ per region, so a
   * template cannot name it). Looked up with EC2 when the stack has no value for it yet; a deployed
   * value is kept, since AWS never changes a managed list's id.
   */
  | {from: 'prefix-list'; name: string}

/** One stack of an environment, as render produces it and deploy consumes it. */
export interface StackDefinition {
  /** Short part name, e.g. `network`; the stack name is `<project>-<env>-<part>`. */
  part: string
  /** Full CloudFormation stack name. */
  name: string
  region: string
  template: CfnTemplate
  /** Full names of stacks that must be deployed first (every stack a parameter reads from, plus any other order). */
  dependsOn: string[]
  /** Template parameter name → where its value comes from. */
  parameters: Record<string, ParameterSource>
  /** Stack-level tags. */
  tags: Record<string, string>
  /** Enable termination protection. */
  terminationProtection: boolean
}

/** `manifest.json` written next to the templates. */
export interface RenderManifest {
  project: string
  environment: string
  stacks: Array<{
    name: string
    part: string
    region: string
    template: string
    dependsOn: string[]
    parameters: Record<string, ParameterSource>
    tags: Record<string, string>
    terminationProtection: boolean
  }>
}
