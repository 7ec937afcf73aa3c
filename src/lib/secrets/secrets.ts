import type {ResolvedEnvironment} from '../config/types.js'
import {renderTable} from '../ui/table.js'
import {ExitCode, PlatformError} from '../errors.js'
import {secretParameter, secretPath} from '../naming.js'
import type {SecretStore} from './store.js'

export type SecretsEnvironment = Pick<ResolvedEnvironment, 'project' | 'name' | 'region' | 'secrets' | 'services'>

/** Services of the environment that read `name`, sorted. */
export function servicesUsing(env: SecretsEnvironment, name: string): string[] {
  return Object.entries(env.services)
    .filter(([, service]) => (service.secrets ?? []).includes(name))
    .map(([service]) => service)
    .sort()
}

/** Throws a usage error naming the declared secrets unless `name` is one of them. */
export function requireDeclaredSecret(env: SecretsEnvironment, name: string): void {
  if (env.secrets.includes(name)) return
  throw new PlatformError(`Secret ${name} is not declared for environment ${env.name}.`, {
    code: 'UNKNOWN_SECRET',
    exit: ExitCode.usage,
    suggestions: [env.secrets.length > 0 ? `Declared: ${env.secrets.join(', ')}.` : 'This environment declares no secrets.', `Add it to \`secrets\` in platform.yaml (defaults or environments.${env.name}) first.`],
  })
}

export interface SetSecretResult {
  environment: string
  name: string
  parameter: string
  version: number
  /** Services that read it: they get the new value when their tasks next start (a deploy). */
  services: string[]
}

/**
 * Store `value` as the SecureString of a declared secret. The value goes to SSM and nowhere else:
 * it is not in the result, not in errors, not in any log.
 */
export async function setSecret(env: SecretsEnvironment, name: string, value: string, store: SecretStore): Promise<SetSecretResult> {
  requireDeclaredSecret(env, name)
  if (value.length === 0) throw new PlatformError(`The value of ${name} is empty; nothing was stored.`, {code: 'EMPTY_SECRET', exit: ExitCode.usage})
  // SSM's limit for a standard parameter; checked here so the error does not come back from AWS.
  if (Buffer.byteLength(value, 'utf8') > 4096) throw new PlatformError(`The value of ${name} is over 4 KB, SSM's limit for a standard parameter; nothing was stored.`, {code: 'SECRET_TOO_LARGE', exit: ExitCode.usage})
  const parameter = secretParameter(env, name)
  const version = await store.put(parameter, value)
  return {environment: env.name, name, parameter, version, services: servicesUsing(env, name)}
}

export interface SecretListing {
  name: string
  parameter: string
  /** False: the config names it but nobody set it (a deploy of a service using it is refused). */
  set: boolean
  /** False: set in SSM under the environment's path, but platform.yaml does not declare it. */
  declared: boolean
  services: string[]
  version?: number
  lastModified?: string
  lastModifiedBy?: string
  type?: string
}

export interface ListSecretsResult {
  environment: string
  path: string
  secrets: SecretListing[]
  /** Declared but not set. */
  missing: string[]
}

/** Declared and stored secrets, merged by name: names, versions, dates, users, never values. */
export async function listSecrets(env: SecretsEnvironment, store: SecretStore): Promise<ListSecretsResult> {
  const path = secretPath(env)
  const stored = new Map((await store.describe(path)).map((s) => [s.parameter.slice(path.length + 1), s]))
  const names = [...new Set([...env.secrets, ...stored.keys()])].sort()
  const secrets = names.map((name): SecretListing => {
    const found = stored.get(name)
    return {
      name,
      parameter: secretParameter(env, name),
      set: found !== undefined,
      declared: env.secrets.includes(name),
      services: servicesUsing(env, name),
      version: found?.version,
      lastModified: found?.lastModified,
      lastModifiedBy: found?.lastModifiedBy,
      type: found?.type,
    }
  })
  return {environment: env.name, path, secrets, missing: secrets.filter((s) => s.declared && !s.set).map((s) => s.name)}
}

export interface UnsetSecretResult {
  environment: string
  name: string
  parameter: string
  deleted: boolean
  /** Services that read it: their next deploy is refused until it is set again. */
  services: string[]
}

/** Delete a secret's parameter (every version). Undeclared names may be removed too: that is how strays are cleaned up. */
export async function unsetSecret(env: SecretsEnvironment, name: string, store: SecretStore): Promise<UnsetSecretResult> {
  const parameter = secretParameter(env, name)
  const deleted = await store.remove(parameter)
  if (!deleted) {
    throw new PlatformError(`Secret ${name} is not set in ${env.name} (no parameter ${parameter}).`, {code: 'SECRET_NOT_SET', exit: ExitCode.usage, suggestions: [`\`platform secrets list ${env.name}\` shows what is set.`]})
  }
  return {environment: env.name, name, parameter, deleted, services: servicesUsing(env, name)}
}

/** A table of `secrets list`: plain columns, no values. */
export function formatSecretList(result: ListSecretsResult): string {
  const rows = result.secrets.map((s) => {
    const status = !s.set ? 'MISSING' : s.declared ? 'set' : 'set, not declared'
    return [s.name, status, s.version === undefined ? '-' : String(s.version), s.lastModified ?? '-', s.services.join(',') || '-']
  })
  const lines = [renderTable(['NAME', 'STATUS', 'VERSION', 'LAST MODIFIED', 'USED BY'], rows, ['left', 'left', 'right', 'left', 'left'])]
  if (result.missing.length > 0) lines.push('', `Missing in ${result.environment}: ${result.missing.join(', ')}. Set each with \`platform secrets set ${result.environment} NAME\`; a deploy of a service that reads one is refused until then.`)
  return lines.join('\n')
}
