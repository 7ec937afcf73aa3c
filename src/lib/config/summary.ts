import type {ConfigIssue} from '../errors.js'
import type {PlatformConfig, ResolvedEnvironment} from './types.js'

/**
 * The stack parts an environment deploys, following the stack cut (notes/stacks.md): computed here
 * from the config alone so that `validate` stays fast (no renderer import).
 */
export function stackParts(env: ResolvedEnvironment): string[] {
  const parts = ['bootstrap', 'network', 'storage']
  if (Object.values(env.services).some((s) => s.build)) parts.push('registry')
  if (env.database) parts.push('data')
  if (env.domain && env.dns.createZone) parts.push('zone')
  if (env.domain || env.waf.enabled) parts.push('edge')
  parts.push('cluster', ...Object.keys(env.services).map((name) => `svc-${name}`), 'cdn')
  if (env.domain) parts.push('dns')
  parts.push('monitoring')
  return parts
}

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
