import type {ConfigIssue} from '../errors.js'
import {stackParts} from '../stacks/parts.js'
import type {PlatformConfig} from './types.js'

export interface EnvironmentSummary {
  name: string
  region: string
  services: string[]
  stacks: number
  database: boolean
  domain?: string
  protect: boolean
}

/** What `platform validate` returns (and prints with --json). */
export interface ValidateResult {
  valid: boolean
  file: string
  issues: ConfigIssue[]
  warnings: ConfigIssue[]
  project?: string
  environments?: EnvironmentSummary[]
}

export function summarizeEnvironments(config: PlatformConfig, names: string[]): EnvironmentSummary[] {
  return names.map((name) => {
    const env = config.environments[name]
    return {
      name,
      region: env.region,
      services: Object.keys(env.services),
      stacks: stackParts(env).length,
      database: Boolean(env.database),
      ...(env.domain ? {domain: env.domain} : {}),
      protect: env.protect,
    }
  })
}

/** Plain columns, one environment per line: readable without colour. */
export function formatSummary(result: ValidateResult): string {
  const envs = result.environments ?? []
  const lines = [`${result.file} is valid: project ${result.project}, ${envs.length} environment${envs.length === 1 ? '' : 's'}.`]
  const width = Math.max(...envs.map((e) => e.name.length))
  for (const env of envs) {
    const services = `${env.services.length} service${env.services.length === 1 ? '' : 's'} (${shorten(env.services)})`
    const extras = [env.database ? 'database' : 'no database', env.domain ?? 'no domain', env.protect ? 'protected' : 'unprotected']
    lines.push(`  ${env.name.padEnd(width)}  ${env.region.padEnd(14)}  ${services}, ${env.stacks} stacks, ${extras.join(', ')}`)
  }
  return lines.join('\n')
}

function shorten(names: string[]): string {
  return names.length <= 4 ? names.join(', ') : `${names.slice(0, 3).join(', ')}, … ${names.at(-1)}`
}
