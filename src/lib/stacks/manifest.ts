import type {RenderManifest, StackDefinition} from './types.js'

/** File name of a stack's template inside the render directory. */
export function templateFileName(stack: Pick<StackDefinition, 'name'>): string {
  return `${stack.name}.template.json`
}

/** `manifest.json`: the stacks in deploy order, where their templates are, and how parameters are fed. */
export function renderManifest(project: string, environment: string, stacks: StackDefinition[]): RenderManifest {
  return {
    project,
    environment,
    stacks: stacks.map((stack) => ({
      name: stack.name,
      part: stack.part,
      region: stack.region,
      template: templateFileName(stack),
      dependsOn: stack.dependsOn,
      parameters: stack.parameters,
      tags: stack.tags,
      terminationProtection: stack.terminationProtection,
    })),
  }
}
