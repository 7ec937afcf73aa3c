import type {CostLine} from '../cost/types.js'
import type {StackDefinition} from '../stacks/types.js'

/** Stacks whose resources hold data that a delete would lose: kept, with every stack they need. */
const STATEFUL_PARTS = ['data']

/** Cost lines that go on after a destroy, by what keeps them going. */
const KEPT_STACK_COSTS: Record<string, string[]> = {
  data: ['aurora.capacity', 'aurora.storage', 'aurora.io', 'aurora.backup', 'secretsmanager.master'],
  network: ['nat.hours', 'ipv4.nat', 'vpce.hours'],
}
const RETAINED_TYPE_COSTS: Record<string, string[]> = {
  'AWS::S3::Bucket': ['s3.storage'],
  'AWS::ECR::Repository': ['ecr.storage'],
  'AWS::Route53::HostedZone': ['route53.zone'],
  'AWS::Logs::LogGroup': ['logs.storage'],
}

export interface RetainedResource {
  stack: string
  logicalId: string
  type: string
  /** Why it outlives the destroy. */
  why: string
}

export interface DestroyPlan {
  /** Deleted stacks in waves: every stack of a wave can go at once, each wave after the previous one. */
  waves: StackDefinition[][]
  /** Stacks left in place, and why. */
  kept: Array<{stack: StackDefinition; why: string}>
  /** Resources of deleted stacks that CloudFormation leaves behind (DeletionPolicy Retain). */
  retained: RetainedResource[]
}

/**
 * What a destroy deletes, in which order, and what it leaves. Stateful stacks (the Aurora cluster)
 * are kept with every stack they depend on (its VPC); the rest is deleted in reverse dependency
 * order: a stack goes only once every stack reading from it is gone.
 */
export function planDestroy(stacks: StackDefinition[]): DestroyPlan {
  const byName = new Map(stacks.map((s) => [s.name, s]))
  const kept = new Map<string, string>()
  const keep = (stack: StackDefinition, why: string) => {
    if (kept.has(stack.name)) return
    kept.set(stack.name, why)
    for (const dep of stack.dependsOn) {
      const needed = byName.get(dep)
      if (needed) keep(needed, `${stack.part} needs it`)
    }
  }
  for (const stack of stacks) if (STATEFUL_PARTS.includes(stack.part)) keep(stack, 'holds the Aurora database')

  const remaining = stacks.filter((s) => !kept.has(s.name))
  const waves: StackDefinition[][] = []
  const gone = new Set<string>()
  while (gone.size < remaining.length) {
    const wave = remaining.filter((s) => !gone.has(s.name) && remaining.every((other) => gone.has(other.name) || other === s || !other.dependsOn.includes(s.name)))
    if (wave.length === 0) throw new Error(`dependency cycle among ${remaining.filter((s) => !gone.has(s.name)).map((s) => s.name).join(', ')}`)
    wave.sort((a, b) => a.name.localeCompare(b.name))
    waves.push(wave)
    for (const s of wave) gone.add(s.name)
  }

  const retained: RetainedResource[] = []
  for (const stack of remaining) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
      if (resource.DeletionPolicy === 'Retain' || resource.DeletionPolicy === 'RetainExceptOnCreate') retained.push({stack: stack.name, logicalId, type: resource.Type, why: 'DeletionPolicy Retain'})
      else if (resource.DeletionPolicy === 'Snapshot') retained.push({stack: stack.name, logicalId, type: `${resource.Type} (final snapshot)`, why: 'DeletionPolicy Snapshot'})
    }
  }
  return {waves, kept: stacks.filter((s) => kept.has(s.name)).map((s) => ({stack: s, why: kept.get(s.name)!})), retained}
}

export interface OngoingCost {
  what: string
  monthlyUsd: number
  lines: string[]
}

/** What the kept stacks and retained resources go on costing each month, from the environment's estimate. */
export function ongoingCosts(plan: DestroyPlan, lines: CostLine[]): OngoingCost[] {
  const byId = new Map(lines.map((l) => [l.id, l]))
  const out: OngoingCost[] = []
  const add = (what: string, ids: string[]) => {
    const found = ids.map((id) => byId.get(id)).filter((l): l is CostLine => l !== undefined)
    if (found.length > 0) out.push({what, monthlyUsd: Math.round(found.reduce((sum, l) => sum + l.monthly, 0) * 100) / 100, lines: found.map((l) => l.id)})
  }
  for (const {stack} of plan.kept) add(`stack ${stack.name}`, KEPT_STACK_COSTS[stack.part] ?? [])
  const types = [...new Set(plan.retained.map((r) => r.type))].sort()
  for (const type of types) add(`retained ${type} (${plan.retained.filter((r) => r.type === type).length})`, RETAINED_TYPE_COSTS[type] ?? [])
  return out
}
