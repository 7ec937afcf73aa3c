import {readFileSync} from 'node:fs'
import {mkdir, readFile, rename, rm, writeFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'

/** moto's fixed account and the static ECR password it hands out (`GetAuthorizationToken`). */
export const LOCAL_ACCOUNT_ID = '123456789012'
export const LOCAL_REGISTRY_USER = 'AWS'
export const LOCAL_REGISTRY_PASSWORD = `${LOCAL_ACCOUNT_ID}-auth-token`
/** The credentials every client uses against the local AWS; moto accepts anything. */
export const LOCAL_CREDENTIALS = {accessKeyId: 'test', secretAccessKey: 'test'} as const

/** The patched moto server, as recorded by `platform local start`. */
export interface LocalMotoState {
  /** e.g. `http://127.0.0.1:43123` */
  endpoint: string
  port: number
  pid: number
  log: string
  /** The launcher's DNS server, `127.0.0.1:PORT`: NS answers as if every hosted zone were delegated. */
  dns?: string
}

/** The distribution registry standing in for ECR's registry. */
export interface LocalRegistryState {
  /** e.g. `http://127.0.0.1:43124` */
  endpoint: string
  /** `127.0.0.1:43124`, what image references and `buildah push` use (with `--tls-verify=false`). */
  host: string
  port: number
  pid: number
  username: string
  password: string
  log: string
  /** Where the registry keeps its blobs. */
  storage: string
}

/** What `platform local start` records, and what `--local` reads. */
export interface LocalState {
  version: 1
  startedAt: string
  /** The PLATFORM_HOME this state belongs to (the state, logs and storage are under `<home>/local`). */
  home: string
  moto: LocalMotoState
  registry?: LocalRegistryState
}

/**
 * The platform's home: `PLATFORM_HOME`, else `~/.platform`. Tests point it at a temp dir so
 * several local stacks can run side by side.
 */
export function platformHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.PLATFORM_HOME && env.PLATFORM_HOME.trim() !== '' ? env.PLATFORM_HOME : join(homedir(), '.platform')
}

/** The directory of the local AWS: state file, logs, registry storage. */
export function localDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(platformHome(env), 'local')
}

export function stateFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(localDir(env), 'state.json')
}

/** The recorded state, or undefined when nothing was started (or the file is unreadable). */
export async function readLocalState(env: NodeJS.ProcessEnv = process.env): Promise<LocalState | undefined> {
  let text: string
  try {
    text = await readFile(stateFile(env), 'utf8')
  } catch {
    return undefined
  }
  return parseState(text)
}

/** readLocalState for synchronous callers (the client factory: one small file). */
export function readLocalStateSync(env: NodeJS.ProcessEnv = process.env): LocalState | undefined {
  let text: string
  try {
    text = readFileSync(stateFile(env), 'utf8')
  } catch {
    return undefined
  }
  return parseState(text)
}

function parseState(text: string): LocalState | undefined {
  try {
    const state = JSON.parse(text) as LocalState
    return state && state.version === 1 && typeof state.moto?.endpoint === 'string' ? state : undefined
  } catch {
    return undefined
  }
}

/** Write atomically, so a reader never sees half a file. */
export async function writeLocalState(state: LocalState, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const file = stateFile(env)
  await mkdir(dirname(file), {recursive: true})
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, {mode: 0o600})
  await rename(tmp, file)
  return file
}

export async function removeLocalState(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await rm(stateFile(env), {force: true})
}

/**
 * The environment a child process needs to reach this local AWS: the SDK's own variables (so
 * awscli and any SDK work too) plus PLATFORM_HOME, which is where `--local` finds the state.
 */
export function localAwsEnv(state: LocalState, region: string): Record<string, string> {
  const env: Record<string, string> = {
    AWS_ENDPOINT_URL: state.moto.endpoint,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    // No instance-metadata probing on a machine that is not in EC2.
    AWS_EC2_METADATA_DISABLED: 'true',
    PLATFORM_HOME: state.home,
    // The local AWS answers in milliseconds; deploy and diff poll it that often instead of every 2 s.
    PLATFORM_POLL_INTERVAL: '100',
  }
  // Image pushes go to the local registry instead of ECR's host, as `platform local start` exports.
  if (state.registry) env.PLATFORM_REGISTRY = state.registry.host
  // The delegation check asks the launcher's DNS server, which plays the internet's resolvers.
  if (state.moto.dns) env.PLATFORM_DNS_SERVER = state.moto.dns
  return env
}
