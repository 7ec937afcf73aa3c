import {createRequire} from 'node:module'

// node:crypto is loaded on the first hash, not with this module: config checks import names from
// here, and `platform validate` computes no hash. Loading crypto (15 internal modules, from Node's
// code cache) is small, about 7 M of validate's 1,030 M instructions, but start-up is many such.
let nodeCrypto: typeof import('node:crypto') | undefined
const loadCrypto = () => (nodeCrypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto'))

/** Lengths AWS enforces on names we generate. */
export const NameLimits = {
  targetGroupName: 32,
  stackName: 128,
  ecsClusterName: 255,
  ecrRepositoryName: 256,
  iamRoleName: 64,
  dbClusterIdentifier: 63,
  s3BucketName: 63,
  logGroupName: 512,
  wafName: 128,
  snsTopicName: 256,
} as const

/** A short, stable hash of text: the same input always gives the same 6 hex characters. */
export function shortHash(text: string, length = 6): string {
  return loadCrypto().createHash('sha256').update(text).digest('hex').slice(0, length)
}

/**
 * Fit `name` into `max` characters. Names that fit are returned unchanged; longer ones keep their
 * beginning and end in a stable hash of the whole, so two long names never collide and the same
 * config always yields the same name (`bookmark-manager-production-web-tg` → `bookmark-manager-pro-3f2a1c-tg`).
 */
export function fitName(name: string, max: number, keepSuffix = ''): string {
  if (name.length <= max) return name
  const hash = shortHash(name)
  const suffix = keepSuffix && name.endsWith(keepSuffix) ? keepSuffix : ''
  const headLength = max - hash.length - suffix.length - 1
  const head = name.slice(0, headLength).replace(/-+$/, '')
  return `${head}-${hash}${suffix}`.slice(0, max)
}

/** `<project>-<env>` — the prefix of every generated name. */
export function envPrefix(project: string, env: string): string {
  return `${project}-${env}`
}

/** `<project>-<env>-<part>` — the stack name of a part. */
export function stackName(project: string, env: string, part: string): string {
  return fitName(`${project}-${env}-${part}`, NameLimits.stackName)
}

/** CloudFormation logical ids allow [A-Za-z0-9] only: `web-api` → `WebApi`. */
export function logicalId(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('')
}

/**
 * The record under an environment's domain that names its ALB: CloudFront's VPC origin connects to
 * `origin.<domain>`, which the ALB's certificate covers. No site record (`dns.records`) may take it.
 */
export const ORIGIN_RECORD = 'origin'

/** `/<project>/<env>`: the SSM path every secret of an environment lives under. */
export function secretPath(env: {project: string; name: string}): string {
  return `/${env.project}/${env.name}`
}

/** `/<project>/<env>/<NAME>`: the SSM parameter of one secret (what the task definitions reference). */
export function secretParameter(env: {project: string; name: string}, name: string): string {
  return `${secretPath(env)}/${name}`
}

/**
 * The MongoDB Atlas profile every `MongoDB::Atlas::*` resource names (its `Profile` property). The
 * Atlas types read the organisation's API keys from the Secrets Manager secret of that profile
 * (atlasProfileSecret) themselves; `default` is the name MongoDB's own examples and handlers use.
 */
export const ATLAS_PROFILE = 'default'

/** `cfn/atlas/profile/<profile>`: the secret the Atlas types read, `{"PublicKey": ..., "PrivateKey": ...}`. */
export function atlasProfileSecret(profile: string = ATLAS_PROFILE): string {
  return `cfn/atlas/profile/${profile}`
}

/** The role CloudFormation runs the Atlas types' handlers with (it may read the profile secret only). */
export function atlasExtensionRoleName(env: {project: string; name: string}): string {
  return fitName(`${envPrefix(env.project, env.name)}-atlas-extension`, NameLimits.iamRoleName)
}

/**
 * `<project>/<env>/datadog-type-configuration`: the Secrets Manager secret, in each region where
 * Datadog's types are configured, holding `{"ApiKey": ..., "ApplicationKey": ...}` copied from the
 * environment's SSM secrets, which the type configuration references (`{{resolve:secretsmanager:...}}`).
 */
export function datadogTypeConfigurationSecret(env: {project: string; name: string}): string {
  return `${env.project}/${env.name}/datadog-type-configuration`
}
