import type {CfnTemplate} from './types.js'

/** Serialize a template the one way render, diff and deploy all use. */
export function serializeTemplate(template: CfnTemplate): string {
  return `${JSON.stringify(template, null, 2)}\n`
}
