import {PlatformError} from '../errors.js'
import type {StackDefinition} from './types.js'
import {findLimitViolations} from './limits.js'
import {isServicePart, PART_ORDER, SERVICE_PART_PREFIX} from './parts.js'

/** Deploy order of parts when the dependency graph leaves a choice (services sort by name among themselves). */
function rankOf(part: string): number {
  const kind = isServicePart(part) ? SERVICE_PART_PREFIX : part
  const rank = (PART_ORDER as readonly string[]).indexOf(kind)
  return rank >= 0 ? rank : PART_ORDER.length
}

/** A broken contract between renderers: a bug in platform, not in the user's config. */
export class StackContractError extends PlatformError {
  readonly problems: string[]

  constructor(problems: string[]) {
    super(`Rendered stacks do not fit together:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {code: 'STACK_CONTRACT'})
    this.problems = problems
  }
}

/**
 * Check that the stacks of one environment fit together, then return them in a stable
 * topological order (every stack after the stacks it depends on).
 *
 * Checked: unique names; every `{from: 'output'}` parameter names an existing stack and an
 * output that stack's template declares, and a parameter the reading template declares; every
 * template parameter without a default has a source; `dependsOn` names existing stacks; no
 * cycles; CloudFormation's quotas. This is what catches drift between renderers written apart.
 *
 * @param options.services service names, to check `{from: 'image'}` parameters against
 */
export function assembleStacks(stacks: StackDefinition[], options: {services?: string[]} = {}): StackDefinition[] {
  const problems: string[] = []
  const byName = new Map<string, StackDefinition>()
  for (const stack of stacks) {
    if (byName.has(stack.name)) problems.push(`two stacks are named ${stack.name}`)
    byName.set(stack.name, stack)
  }

  for (const stack of stacks) {
    const declared = stack.template.Parameters ?? {}
    for (const [param, source] of Object.entries(stack.parameters)) {
      if (!(param in declared)) problems.push(`${stack.name} passes parameter ${param}, which its template does not declare`)
      if (source.from === 'output') {
        const producer = byName.get(source.stack)
        if (!producer) problems.push(`${stack.name} parameter ${param} reads ${source.stack}.${source.output}, but no stack ${source.stack} is rendered`)
        else if (!(source.output in (producer.template.Outputs ?? {}))) {
          problems.push(`${stack.name} parameter ${param} reads output ${source.output} of ${source.stack}, which declares only: ${Object.keys(producer.template.Outputs ?? {}).join(', ') || 'no outputs'}`)
        }
      } else if (source.from === 'image' && options.services && !options.services.includes(source.service)) {
        problems.push(`${stack.name} parameter ${param} wants the image of ${source.service}, which is not a service`)
      }
    }
    for (const [param, definition] of Object.entries(declared)) {
      if (definition.Default === undefined && !(param in stack.parameters)) problems.push(`${stack.name} template parameter ${param} has no default and no source`)
    }
    for (const dependency of stack.dependsOn) {
      if (!byName.has(dependency)) problems.push(`${stack.name} depends on ${dependency}, which is not rendered`)
    }
    problems.push(...findLimitViolations(stack))
  }
  if (problems.length > 0) throw new StackContractError(problems)
  return orderStacks(stacks)
}

/** Kahn's algorithm, always taking the ready stack that ranks first: the same input gives the same order. */
function orderStacks(stacks: StackDefinition[]): StackDefinition[] {
  const compare = (a: StackDefinition, b: StackDefinition): number => rankOf(a.part) - rankOf(b.part) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  const remaining = [...stacks].sort(compare)
  const placed = new Set<string>()
  const ordered: StackDefinition[] = []
  while (remaining.length > 0) {
    const index = remaining.findIndex((s) => s.dependsOn.every((d) => placed.has(d)))
    if (index < 0) throw new StackContractError([`dependency cycle among: ${remaining.map((s) => s.name).join(', ')}`])
    const [next] = remaining.splice(index, 1)
    placed.add(next.name)
    ordered.push(next)
  }
  return ordered
}
