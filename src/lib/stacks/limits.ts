import {serializeTemplate} from './serialize.js'
import type {CfnTemplate, StackDefinition} from './types.js'

/** CloudFormation quotas a rendered stack must respect. */
export const StackLimits = {
  /** `TemplateBody` passed inline; anything larger must be uploaded and passed as `TemplateURL`. */
  inlineTemplateBytes: 51_200,
  /** A template read from S3 (`TemplateURL`). */
  templateBytes: 1_000_000,
  resources: 500,
  parameters: 200,
  outputs: 200,
} as const

/** Bytes of the template exactly as render writes it and deploy sends it. */
export function templateBodySize(template: CfnTemplate): number {
  return Buffer.byteLength(serializeTemplate(template), 'utf8')
}

/** True when the template is too large for an inline `TemplateBody` and must go through the bootstrap artifact bucket. */
export function needsArtifactBucket(template: CfnTemplate): boolean {
  return templateBodySize(template) > StackLimits.inlineTemplateBytes
}

/** Every CloudFormation quota the stack exceeds, as readable sentences (empty when it fits). */
export function findLimitViolations(stack: StackDefinition): string[] {
  const problems: string[] = []
  const {template} = stack
  const count = (section?: Record<string, unknown>): number => Object.keys(section ?? {}).length
  const bytes = templateBodySize(template)
  if (count(template.Resources) > StackLimits.resources) problems.push(`${stack.name} has ${count(template.Resources)} resources (CloudFormation allows ${StackLimits.resources})`)
  if (count(template.Parameters) > StackLimits.parameters) problems.push(`${stack.name} has ${count(template.Parameters)} parameters (CloudFormation allows ${StackLimits.parameters})`)
  if (count(template.Outputs) > StackLimits.outputs) problems.push(`${stack.name} has ${count(template.Outputs)} outputs (CloudFormation allows ${StackLimits.outputs})`)
  if (bytes > StackLimits.templateBytes) problems.push(`${stack.name} template is ${bytes} bytes (CloudFormation allows ${StackLimits.templateBytes})`)
  return problems
}
