import {type ChildProcess, execFile, spawn} from 'node:child_process'
import {closeSync, existsSync, openSync, readFileSync} from 'node:fs'
import {mkdir, writeFile} from 'node:fs/promises'
import {createServer} from 'node:net'
import {dirname, join} from 'node:path'
import {promisify} from 'node:util'
import {PlatformError} from '../errors.js'
import {packageFile} from '../package-files.js'
import {LOCAL_REGISTRY_PASSWORD, LOCAL_REGISTRY_USER, type LocalMotoState, type LocalRegistryState} from './state.js'

const execFileAsync = promisify(execFile)

/** The moto version the launcher patches; the launcher refuses any other. */
export const MOTO_VERSION = '5.2.1'
const LAUNCHER = `moto_server_${MOTO_VERSION.replaceAll('.', '_')}.py`

/** The Debian packages the local registry and image builds need (what `.ci/run` installs). */
export const APT_INSTALL = 'apt-get update && apt-get install -y buildah skopeo docker-registry apache2-utils'

/** A process the caller owns: stop it when done. */
export interface OwnedProcess {
  pid: number
  /** Resolves when the process has exited. */
  exited: Promise<void>
  stop(): Promise<void>
}

/** The launcher ships in the package (`files: local`). */
export function launcherPath(): string {
  return packageFile('local', LAUNCHER)
}

/** The Python that has moto: PLATFORM_PYTHON, else `python3` on PATH. */
export function pythonCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.PLATFORM_PYTHON && env.PLATFORM_PYTHON.trim() !== '' ? env.PLATFORM_PYTHON : 'python3'
}

/** A free TCP port on loopback (bind port 0, read it, release it). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolvePort(port))
    })
  })
}

/** True when a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number | undefined): boolean {
  if (!pid || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * True when `pid` still runs a command line containing `marker`: a recorded pid may have been
 * reused by an unrelated process after ours died, and that one must never be signalled. Where
 * /proc is missing (not Linux), liveness is all we can check.
 */
export function runsCommand(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(marker)
  } catch {
    return !existsSync('/proc/self')
  }
}

/** What identifies our processes in their command lines. */
export const MOTO_MARKER = LAUNCHER
export const REGISTRY_MARKER = 'docker-registry'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Stop a process we started: SIGTERM, then SIGKILL after `graceMs`. Detached children lead their
 * own process group, so the group is signalled too (the launcher's worker threads die with it).
 */
export async function killPid(pid: number, graceMs = 3000): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig)
    } catch {
      // already gone
    }
  }
  signal('SIGTERM')
  const deadline = Date.now() + graceMs
  while (isAlive(pid) && Date.now() < deadline) await sleep(50)
  if (isAlive(pid)) signal('SIGKILL')
  const hardDeadline = Date.now() + 2000
  while (isAlive(pid) && Date.now() < hardDeadline) await sleep(50)
}

/** GET a URL and return the HTTP status, or undefined when nothing answers. */
export async function probe(url: string, timeoutMs = 1000): Promise<number | undefined> {
  try {
    const res = await fetch(url, {signal: AbortSignal.timeout(timeoutMs)})
    await res.arrayBuffer().catch(() => undefined)
    return res.status
  } catch {
    return undefined
  }
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return ''
  }
}

function commandMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ENOENT'
}

async function waitForExitOrReady(child: ChildProcess, ready: () => Promise<boolean>, timeoutMs: number): Promise<'ready' | 'exited' | 'timeout' | 'spawn-error'> {
  let exited = child.exitCode !== null
  let spawnError = false
  child.once('exit', () => {
    exited = true
  })
  child.once('error', (error) => {
    spawnError = commandMissing(error)
    exited = true
  })
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (spawnError) return 'spawn-error'
    if (exited) return 'exited'
    if (await ready()) return 'ready'
    await sleep(50)
  }
  return 'timeout'
}

function owned(child: ChildProcess): OwnedProcess {
  const exited = new Promise<void>((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit()
    else child.once('exit', () => resolveExit())
  })
  return {
    pid: child.pid ?? -1,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid) await killPid(child.pid)
      await exited
    },
  }
}

export interface StartMotoOptions {
  /** Loopback address to bind. @default '127.0.0.1' */
  host?: string
  /** 0 picks a free port. @default 0 */
  port?: number
  /** Where stdout and stderr go; also where the ready line is read from. */
  logFile: string
  /** Outlive this process (for `platform local start`); else it is a child we stop. @default false */
  detached?: boolean
  /** How long to wait for the server to listen. @default 20000 */
  timeoutMs?: number
  env?: NodeJS.ProcessEnv
}

/**
 * Start the patched moto server and wait until it listens. Throws a PlatformError naming the
 * cause when python or moto is missing, or the launcher refuses the installed moto version.
 */
export async function startMoto(options: StartMotoOptions): Promise<{state: LocalMotoState; process: OwnedProcess}> {
  const host = options.host ?? '127.0.0.1'
  const launcher = launcherPath()
  if (!existsSync(launcher)) throw new PlatformError(`The moto launcher is missing: ${launcher}`, {code: 'LOCAL_LAUNCHER_MISSING'})
  await mkdir(dirname(options.logFile), {recursive: true})
  const readyFile = `${options.logFile}.ready.json`
  await writeFile(readyFile, '')
  const python = pythonCommand(options.env)
  const log = openSync(options.logFile, 'a')
  let child: ChildProcess
  try {
    child = spawn(python, [launcher, '--host', host, '--port', String(options.port ?? 0), '--ready-file', readyFile], {
      detached: options.detached ?? false,
      stdio: ['ignore', log, log],
      env: {...(options.env ?? process.env), PYTHONUNBUFFERED: '1'},
    })
  } finally {
    closeSync(log)
  }
  let ready: {endpoint: string; port: number; pid: number; dns?: string} | undefined
  const outcome = await waitForExitOrReady(
    child,
    async () => {
      try {
        const text = readFileSync(readyFile, 'utf8').trim()
        if (text) ready = JSON.parse(text)
      } catch {
        // not written yet
      }
      return ready !== undefined
    },
    // About 2 s on an idle machine; importing moto takes many times that on a loaded one (15-18 s
    // observed at load 13), and a slow start is no reason to fail.
    options.timeoutMs ?? 60_000,
  )
  if (outcome !== 'ready' || !ready) {
    const proc = owned(child)
    await proc.stop()
    if (outcome === 'spawn-error') {
      throw new PlatformError(`Cannot run ${python}: it is not installed or not on PATH.`, {
        code: 'LOCAL_PYTHON_MISSING',
        suggestions: [`Install Python 3 with moto ${MOTO_VERSION} (moto_server), or set PLATFORM_PYTHON to a Python that has it.`],
      })
    }
    const detail = tail(options.logFile)
    const missingMoto = /moto is not installed|No module named 'moto'/.test(detail)
    throw new PlatformError(`The local AWS (moto) did not start${outcome === 'timeout' ? ' in time' : ''}.${detail ? `\n${detail}` : ''}`, {
      code: missingMoto ? 'LOCAL_MOTO_MISSING' : 'LOCAL_MOTO_FAILED',
      suggestions: missingMoto
        ? [`Install moto ${MOTO_VERSION} with its server extra for ${python} (it provides moto_server), or set PLATFORM_PYTHON.`]
        : [`See the log: ${options.logFile}`],
    })
  }
  if (options.detached) child.unref()
  return {state: {endpoint: ready.endpoint, port: ready.port, pid: ready.pid, dns: ready.dns, log: options.logFile}, process: owned(child)}
}

/** Which of these commands are not on PATH. */
export async function missingTools(tools: string[]): Promise<string[]> {
  const missing: string[] = []
  for (const tool of tools) {
    try {
      await execFileAsync('sh', ['-c', 'command -v "$1"', 'sh', tool])
    } catch {
      missing.push(tool)
    }
  }
  return missing
}

export interface StartRegistryOptions {
  host?: string
  /** 0 picks a free port. @default 0 */
  port?: number
  /** Holds config.yml, htpasswd and the blobs (`storage/`). */
  dir: string
  logFile: string
  detached?: boolean
  timeoutMs?: number
}

/**
 * Start the distribution registry with htpasswd auth for ECR's static credentials (user `AWS`,
 * password `123456789012-auth-token`), on loopback over plain HTTP.
 */
export async function startRegistry(options: StartRegistryOptions): Promise<{state: LocalRegistryState; process: OwnedProcess}> {
  const missing = await missingTools(['docker-registry', 'htpasswd'])
  if (missing.length > 0) {
    throw new PlatformError(`The local registry needs ${missing.join(' and ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed.`, {
      code: 'LOCAL_TOOLS_MISSING',
      suggestions: [`Install them: ${APT_INSTALL}`, 'Or start moto alone: platform local start --no-registry'],
    })
  }
  const host = options.host ?? '127.0.0.1'
  const port = options.port && options.port > 0 ? options.port : await freePort(host)
  const storage = join(options.dir, 'storage')
  await mkdir(storage, {recursive: true})
  await mkdir(dirname(options.logFile), {recursive: true})
  const {stdout: htpasswdLine} = await execFileAsync('htpasswd', ['-Bbn', LOCAL_REGISTRY_USER, LOCAL_REGISTRY_PASSWORD])
  const htpasswdFile = join(options.dir, 'htpasswd')
  await writeFile(htpasswdFile, htpasswdLine.trim() + '\n', {mode: 0o600})
  const config = join(options.dir, 'config.yml')
  await writeFile(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${JSON.stringify(storage)}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${JSON.stringify(`${host}:${port}`)}`,
      // Only this machine talks to it; the secret just signs upload state.
      '  secret: platform-local-registry',
      'auth:',
      '  htpasswd:',
      '    realm: platform-local-ecr',
      `    path: ${JSON.stringify(htpasswdFile)}`,
      '',
    ].join('\n'),
  )
  const log = openSync(options.logFile, 'a')
  let child: ChildProcess
  try {
    child = spawn('docker-registry', ['serve', config], {detached: options.detached ?? false, stdio: ['ignore', log, log]})
  } finally {
    closeSync(log)
  }
  const endpoint = `http://${host}:${port}`
  // An unauthenticated GET /v2/ answers 401 once the registry listens.
  const outcome = await waitForExitOrReady(child, async () => (await probe(`${endpoint}/v2/`, 500)) === 401, options.timeoutMs ?? 15_000)
  if (outcome !== 'ready') {
    await owned(child).stop()
    const detail = tail(options.logFile)
    throw new PlatformError(`The local registry did not start${outcome === 'timeout' ? ' in time' : ''}.${detail ? `\n${detail}` : ''}`, {
      code: 'LOCAL_REGISTRY_FAILED',
      suggestions: [`See the log: ${options.logFile}`],
    })
  }
  if (options.detached) child.unref()
  return {
    state: {endpoint, host: `${host}:${port}`, port, pid: child.pid ?? -1, username: LOCAL_REGISTRY_USER, password: LOCAL_REGISTRY_PASSWORD, log: options.logFile, storage},
    process: owned(child),
  }
}

/** Empty the emulator (`POST /moto-api/reset`). */
/**
 * Tell the local AWS where its ECR registry is, so ECR's DescribeImages, ListImages and
 * BatchGetImage answer for what was pushed there, as on AWS (local/patches/ecr_registry.py).
 */
export async function connectRegistry(motoEndpoint: string, registry: LocalRegistryState): Promise<void> {
  const res = await fetch(`${motoEndpoint}/moto-api/platform-local/ecr/registry`, {
    method: 'POST',
    body: JSON.stringify({endpoint: registry.endpoint, username: registry.username, password: registry.password}),
    signal: AbortSignal.timeout(10_000),
  })
  await res.arrayBuffer()
  if (!res.ok) throw new PlatformError(`The local AWS refused its registry (HTTP ${res.status}).`, {code: 'LOCAL_REGISTRY_FAILED'})
}

export async function resetMoto(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset`, {method: 'POST', signal: AbortSignal.timeout(10_000)})
  await res.arrayBuffer()
  if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`)
}
