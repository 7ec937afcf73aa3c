import {spawn} from 'node:child_process'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {PlatformError} from '../errors.js'

export type BuilderName = 'docker' | 'podman' | 'buildah'
export const BUILDERS: readonly BuilderName[] = ['docker', 'podman', 'buildah']

/** What one build needs; paths are absolute. */
export interface BuildSpec {
  contextDir: string
  dockerfile: string
  /** `host/repository:tag` */
  ref: string
  args: Record<string, string>
}

/** Registry credentials from ECR GetAuthorizationToken. */
export interface RegistryLogin {
  host: string
  username: string
  password: string
}

export interface CommandOutput {
  code: number
  output: string
}

/** Runs a program and collects stdout and stderr interleaved (folded unless it fails). */
export type RunCommand = (program: string, args: string[], options?: {env?: NodeJS.ProcessEnv; stdin?: string; signal?: AbortSignal}) => Promise<CommandOutput>

export const runCommand: RunCommand = (program, args, options = {}) =>
  new Promise((resolve) => {
    const child = spawn(program, args, {env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], signal: options.signal})
    const chunks: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => chunks.push(c))
    child.stderr.on('data', (c: Buffer) => chunks.push(c))
    child.on('error', (error) => resolve({code: 127, output: `${Buffer.concat(chunks).toString()}${error.message}\n`}))
    child.on('close', (code) => resolve({code: code ?? 1, output: Buffer.concat(chunks).toString()}))
    // A program that exits without reading all its input (most never read any) closes the pipe:
    // writing then fails with EPIPE. That is not the program's outcome, which its exit tells.
    child.stdin.on('error', () => {})
    child.stdin.end(options.stdin ?? '')
  })

/**
 * A registry reached over plain HTTP: loopback, as Docker itself treats `127.0.0.0/8` and
 * `localhost` registries as insecure by default. Every other registry (ECR) gets TLS verification.
 */
export function isLoopbackRegistry(host: string): boolean {
  const name = host.replace(/:\d+$/, '')
  return name === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(name) || name === '[::1]'
}

/** A sha256 digest as registries print it. */
const DIGEST = /sha256:[0-9a-f]{64}/

/**
 * One container builder: how to build and push with it. buildah runs daemonless with
 * `--isolation chroot` (no user namespaces or runc needed, which containers and CI runners rarely
 * allow) and vfs storage unless STORAGE_DRIVER says otherwise (overlay needs a kernel mount the
 * same environments refuse).
 */
export interface Builder {
  name: BuilderName
  build(spec: BuildSpec, signal?: AbortSignal): Promise<CommandOutput>
  /** Push and return the digest the registry stored (what the task definition pins). */
  push(ref: string, login: RegistryLogin, signal?: AbortSignal): Promise<CommandOutput & {digest?: string}>
}

function buildArgs(args: Record<string, string>): string[] {
  return Object.keys(args)
    .sort()
    .flatMap((key) => ['--build-arg', `${key}=${args[key]}`])
}

export function createBuilder(name: BuilderName, run: RunCommand = runCommand, env: NodeJS.ProcessEnv = process.env): Builder {
  const storage = name === 'buildah' && !env.STORAGE_DRIVER ? ['--storage-driver', 'vfs'] : []
  const tls = (host: string) => (isLoopbackRegistry(host) ? ['--tls-verify=false'] : [])
  if (name === 'docker') {
    return {
      name,
      build: (spec, signal) => run('docker', ['build', '-f', spec.dockerfile, '-t', spec.ref, ...buildArgs(spec.args), spec.contextDir], {signal}),
      async push(ref, login, signal) {
        const logged = await run('docker', ['login', '--username', login.username, '--password-stdin', login.host], {stdin: login.password, signal})
        if (logged.code !== 0) return logged
        const pushed = await run('docker', ['push', ref], {signal})
        // docker push ends with "<tag>: digest: sha256:... size: N".
        return {...pushed, digest: /digest: (sha256:[0-9a-f]{64})/.exec(pushed.output)?.[1]}
      },
    }
  }
  const program = name
  return {
    name,
    build: (spec, signal) =>
      run(program, [...storage, 'build', ...(name === 'buildah' ? ['--isolation', 'chroot'] : []), '--format', 'docker', '-f', spec.dockerfile, '-t', spec.ref, ...buildArgs(spec.args), spec.contextDir], {signal}),
    async push(ref, login, signal) {
      const dir = await mkdtemp(join(tmpdir(), 'platform-push-'))
      try {
        const digestFile = join(dir, 'digest')
        const pushed = await run(program, [...storage, 'push', ...tls(login.host), '--creds', `${login.username}:${login.password}`, '--digestfile', digestFile, ref, `docker://${ref}`], {signal})
        const digest = pushed.code === 0 ? DIGEST.exec(await readFile(digestFile, 'utf8').catch(() => ''))?.[0] : undefined
        return {...pushed, digest}
      } finally {
        await rm(dir, {recursive: true, force: true})
      }
    },
  }
}

/**
 * The builder to use: `--builder`, else the first of docker (only with a running engine), podman,
 * buildah found on PATH.
 */
export async function findBuilder(requested: BuilderName | undefined, run: RunCommand = runCommand): Promise<BuilderName> {
  const works = async (name: BuilderName) => (await run(name, name === 'docker' ? ['info', '--format', '{{.ServerVersion}}'] : ['version'])).code === 0
  if (requested) {
    if (await works(requested)) return requested
    throw new PlatformError(`The image builder ${requested} is not usable here${requested === 'docker' ? ' (no Docker engine answers)' : ' (not installed)'}.`, {
      code: 'NO_BUILDER',
      exit: 2,
      suggestions: [`Install ${requested}, or pass --builder with one of: ${BUILDERS.join(', ')}.`],
    })
  }
  for (const name of BUILDERS) if (await works(name)) return name
  throw new PlatformError('No image builder found: neither a running Docker engine, podman nor buildah.', {
    code: 'NO_BUILDER',
    exit: 2,
    suggestions: ['Install one (Debian: apt-get install buildah), or build elsewhere and pass --skip-build --image SERVICE=URI@sha256:...'],
  })
}
