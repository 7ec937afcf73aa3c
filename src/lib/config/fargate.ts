/**
 * The CPU/memory pairs Fargate accepts (Linux, platform 1.4), from the ECS developer guide's
 * "Task CPU and memory" table. Anything else fails at RegisterTaskDefinition, minutes into a deploy.
 */

interface MemoryRange {
  min: number
  max: number
  step: number
}

const FARGATE_MEMORY: Record<number, MemoryRange | number[]> = {
  256: [512, 1024, 2048],
  512: {min: 1024, max: 4096, step: 1024},
  1024: {min: 2048, max: 8192, step: 1024},
  2048: {min: 4096, max: 16_384, step: 1024},
  4096: {min: 8192, max: 30_720, step: 1024},
  8192: {min: 16_384, max: 61_440, step: 4096},
  16_384: {min: 32_768, max: 122_880, step: 8192},
}

/** CPU units Fargate accepts. */
export const FARGATE_CPUS: readonly number[] = Object.keys(FARGATE_MEMORY).map(Number)

/** Memory values (MiB) Fargate accepts for `cpu`; empty for a CPU value Fargate does not offer. */
export function fargateMemoryFor(cpu: number): number[] {
  const entry = FARGATE_MEMORY[cpu]
  if (!entry) return []
  if (Array.isArray(entry)) return [...entry]
  const values: number[] = []
  for (let m = entry.min; m <= entry.max; m += entry.step) values.push(m)
  return values
}

/** True when Fargate runs a task of `cpu` units with `memory` MiB. */
export function isFargatePair(cpu: number, memory: number): boolean {
  return fargateMemoryFor(cpu).includes(memory)
}

/** CPU values whose memory list contains `memory`: the fix when the memory is what the user meant. */
export function fargateCpusFor(memory: number): number[] {
  return FARGATE_CPUS.filter((cpu) => isFargatePair(cpu, memory))
}

/** `512, 1024, 2048` or `1024-4096 in steps of 1024`: short enough for a hint. */
export function describeFargateMemory(cpu: number): string {
  const entry = FARGATE_MEMORY[cpu]
  if (!entry) return ''
  if (Array.isArray(entry)) return entry.join(', ')
  return `${entry.min} to ${entry.max} in steps of ${entry.step}`
}
