import {existsSync} from 'node:fs'
import {mkdir, open, rm, stat} from 'node:fs/promises'
import {join} from 'node:path'
import {PlatformError} from '../errors.js'
import {APT_INSTALL, connectRegistry, killPid, missingTools, MOTO_MARKER, probe, REGISTRY_MARKER, runsCommand, startMoto, startRegistry} from './processes.js'
import {type LocalState, localDir, platformHome, readLocalState, removeLocalState, stateFile, writeLocalState} from './state.js'

/** Tools `platform local start` needs beside python/moto: the registry, and buildah/skopeo for images. */
export const LOCAL_IMAGE_TOOLS = ['docker-registry', 'htpasswd', 'buildah', 'skopeo']

/** The default region of `platform local` commands when neither flag, environment nor platform.yaml names one. */
export const LOCAL_DEFAULT_REGION = 'ap-northeast-1'

export interface StartLocalOptions {
  /** Start the registry too (needs docker-registry, htpasswd; buildah and skopeo are checked for image builds). @default true */
  registry?: boolean
  /** moto's port; 0 picks a free one. @default 0 */
  port?: number
  /** The registry's port; 0 picks a free one. @default 0 */
  registryPort?: number
  /** Put AWS_REGION in the variables to export. */
  region?: string
  env?: NodeJS.ProcessEnv
}

export interface LocalStartResult {
  /** True when it was already running and nothing was started. */
  alreadyRunning: boolean
  stateFile: string
  moto: {endpoint: string; pid: number; log: string}
  registry?: {endpoint: string; host: string; pid: number; username: string; password: string; log: string}
  /** Variables to export so other tools (awscli, any SDK) and `platform` use the local AWS. */
  env: Record<string, string>
}

/** The variables a shell should export to use this local AWS (`eval "$(platform local start)"`). */
export function exportsFor(state: LocalState, region?: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const vars: Record<string, string> = {
    PLATFORM_LOCAL: '1',
    AWS_ENDPOINT_URL: state.moto.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  }
  if (region) vars.AWS_REGION = region
  // Where image pushes go instead of ECR's registry host (what `platform build` and `deploy` read).
  if (state.registry) vars.PLATFORM_REGISTRY = state.registry.host
  // Where deploy's delegation check resolves NS records: the launcher's DNS server.
  if (state.moto.dns) vars.PLATFORM_DNS_SERVER = state.moto.dns
  if (env.PLATFORM_HOME) vars.PLATFORM_HOME = state.home
  return vars
}

function toResult(state: LocalState, alreadyRunning: boolean, region: string | undefined, env: NodeJS.ProcessEnv): LocalStartResult {
  return {
    alreadyRunning,
    stateFile: stateFile(env),
    moto: {endpoint: state.moto.endpoint, pid: state.moto.pid, log: state.moto.log},
    registry: state.registry && {
      endpoint: state.registry.endpoint,
      host: state.registry.host,
      pid: state.registry.pid,
      username: state.registry.username,
      password: state.registry.password,
      log: state.registry.log,
    },
    env: exportsFor(state, region, env),
  }
}

/** Is the recorded moto alive and answering? */
async function motoUp(state: LocalState): Promise<boolean> {
  return runsCommand(state.moto.pid, MOTO_MARKER) && (await probe(`${state.moto.endpoint}/moto-api/`, 2000)) !== undefined
}

async function registryUp(state: LocalState): Promise<boolean> {
  return Boolean(state.registry && runsCommand(state.registry.pid, REGISTRY_MARKER) && (await probe(`${state.registry.endpoint}/v2/`, 2000)) === 401)
}

/** Kill whatever of a recorded stack still runs: only the recorded pids, and only if they still run our programs. */
async function killRecorded(state: LocalState): Promise<string[]> {
  const stopped: string[] = []
  if (state.registry && runsCommand(state.registry.pid, REGISTRY_MARKER)) {
    await killPid(state.registry.pid)
    stopped.push(`registry (pid ${state.registry.pid})`)
  }
  if (runsCommand(state.moto.pid, MOTO_MARKER)) {
    await killPid(state.moto.pid)
    stopped.push(`moto (pid ${state.moto.pid})`)
  }
  return stopped
}

/**
 * Start the local AWS in the background (detached, logs in `<PLATFORM_HOME>/local/`), record it
 * in the state file and wait until it answers. Idempotent: a healthy running stack is reported,
 * not restarted; a stale one (dead pids) is cleaned up first.
 */
export async function startLocalStack(options: StartLocalOptions = {}): Promise<LocalStartResult> {
  const env = options.env ?? process.env
  return withStartLock(localDir(env), () => startUnlocked(options, env))
}

/**
 * Two `platform local start` at once would both see nothing running and start two stacks; the
 * second waits for the first here, then finds it running. A lock older than a minute is stale.
 */
async function withStartLock<T>(dir: string, run: () => Promise<T>): Promise<T> {
  await mkdir(dir, {recursive: true})
  const lock = join(dir, 'start.lock')
  const deadline = Date.now() + 60_000
  for (;;) {
    try {
      await (await open(lock, 'wx')).close()
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0)
      if (age > 60_000 || Date.now() > deadline) await rm(lock, {force: true})
      else await new Promise((r) => setTimeout(r, 100))
    }
  }
  try {
    return await run()
  } finally {
    await rm(lock, {force: true})
  }
}

async function startUnlocked(options: StartLocalOptions, env: NodeJS.ProcessEnv): Promise<LocalStartResult> {
  const withRegistry = options.registry ?? true
  const existing = await readLocalState(env)
  if (existing && (await motoUp(existing)) && (!withRegistry || (await registryUp(existing)))) {
    return toResult(existing, true, options.region, env)
  }
  if (existing) {
    await killRecorded(existing)
    await removeLocalState(env)
  }
  if (withRegistry) {
    const missing = await missingTools(LOCAL_IMAGE_TOOLS)
    if (missing.length > 0) {
      throw new PlatformError(`platform local start needs ${missing.join(', ')}, not found on PATH.`, {
        code: 'LOCAL_TOOLS_MISSING',
        suggestions: [`Install them (Debian/Ubuntu, as root): ${APT_INSTALL}`, 'Or run the AWS emulator alone, without images: platform local start --no-registry'],
      })
    }
  }
  const dir = localDir(env)
  const moto = await startMoto({logFile: join(dir, 'moto.log'), port: options.port, detached: true, env})
  let registry: Awaited<ReturnType<typeof startRegistry>> | undefined
  if (withRegistry) {
    try {
      registry = await startRegistry({dir: join(dir, 'registry'), logFile: join(dir, 'registry.log'), port: options.registryPort, detached: true})
      await connectRegistry(moto.state.endpoint, registry.state)
    } catch (error) {
      await registry?.process.stop()
      await moto.process.stop()
      throw error
    }
  }
  const state: LocalState = {version: 1, startedAt: new Date().toISOString(), home: platformHome(env), moto: moto.state, registry: registry?.state}
  await writeLocalState(state, env)
  return toResult(state, false, options.region, env)
}

export interface LocalStopResult {
  /** What was running and is now stopped. */
  stopped: string[]
  /** False when there was no state file. */
  wasRecorded: boolean
}

/** Stop what `platform local start` recorded and remove the state. */
export async function stopLocalStack(env: NodeJS.ProcessEnv = process.env): Promise<LocalStopResult> {
  const state = await readLocalState(env)
  if (!state) {
    // An unreadable file is removed too, so the next start begins clean.
    if (existsSync(stateFile(env))) await removeLocalState(env)
    return {stopped: [], wasRecorded: false}
  }
  const stopped = await killRecorded(state)
  await removeLocalState(env)
  return {stopped, wasRecorded: true}
}

export interface LocalStackSummary {
  name: string
  status: string
  region: string
  lastUpdated?: string
}

export interface LocalStatusResult {
  running: boolean
  stateFile: string
  moto?: {endpoint: string; pid: number; running: boolean; log: string}
  registry?: {endpoint: string; host: string; pid: number; running: boolean; log: string}
  /** The regions listed, and their stacks (deleted stacks left out). */
  regions: string[]
  stacks: LocalStackSummary[]
  /** Variables to export to use it (only when running). */
  env?: Record<string, string>
}

/** Lists the stacks of one region; the command passes one built on the client factory. */
export type ListStacks = (region: string) => Promise<LocalStackSummary[]>

/** What runs, and the CloudFormation stacks moto holds in `regions`. */
export async function localStatus(options: {regions: string[]; listStacks: ListStacks; env?: NodeJS.ProcessEnv}): Promise<LocalStatusResult> {
  const env = options.env ?? process.env
  const state = await readLocalState(env)
  const file = stateFile(env)
  if (!state) return {running: false, stateFile: file, regions: options.regions, stacks: []}
  const motoRunning = await motoUp(state)
  const registryRunning = state.registry ? await registryUp(state) : false
  const stacks: LocalStackSummary[] = []
  if (motoRunning) {
    for (const region of options.regions) stacks.push(...(await options.listStacks(region)))
  }
  return {
    running: motoRunning,
    stateFile: file,
    moto: {endpoint: state.moto.endpoint, pid: state.moto.pid, running: motoRunning, log: state.moto.log},
    registry: state.registry && {endpoint: state.registry.endpoint, host: state.registry.host, pid: state.registry.pid, running: registryRunning, log: state.registry.log},
    regions: options.regions,
    stacks,
    env: motoRunning ? exportsFor(state, undefined, env) : undefined,
  }
}

/** Shell lines that export `vars` (values single-quoted). */
export function formatExports(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([key, value]) => `export ${key}='${value.replaceAll("'", "'\\''")}'`)
    .join('\n')
}
