import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join, posix} from 'node:path'
import {PlatformError} from '../errors.js'
import {isLoopbackRegistry, type RegistryLogin, type RunCommand, runCommand} from './builder.js'

/** OCI/Docker layer whiteouts: `.wh.NAME` deletes NAME from the layers below; this one empties its directory. */
const WHITEOUT = '.wh.'
const OPAQUE = '.wh..wh..opq'

/** `app/static/x` for `/app/static/x`, `./app/static/x/` or `app/static/x`. */
function normalize(name: string): string {
  return posix.normalize(name.replace(/^(\.\/)+/, '').replace(/^\/+/, '')).replace(/\/+$/, '')
}

/** Whether `name` (normalized) is one of the wanted directories or inside one. */
function within(name: string, wanted: string[]): boolean {
  return wanted.some((dir) => name === dir || name.startsWith(`${dir}/`))
}

/**
 * Apply one layer tarball to `outDir`, keeping only what lies under `wanted` (normalized paths,
 * e.g. `app/static`): first the layer's whiteouts remove what lower layers left (a file, a whole
 * directory, or an opaque directory's contents), then its files under `wanted` are extracted.
 * Runs GNU tar, which reads gzip, zstd or plain layers alike; nothing needs root (owners and
 * modes are not restored).
 */
export async function applyLayer(layer: string, outDir: string, wanted: string[], run: RunCommand = runCommand): Promise<void> {
  const listed = await run('tar', ['--quoting-style=literal', '-tf', layer])
  if (listed.code !== 0) throw new PlatformError(`Could not read the image layer ${layer}:\n${listed.output.trimEnd()}`, {code: 'ASSETS_EXTRACT_FAILED', exit: 5})
  const names = listed.output.split('\n').filter((line) => line !== '')
  const extract: string[] = []
  for (const raw of names) {
    const name = normalize(raw)
    if (name === '.' || name === '' || name.startsWith('../')) continue
    const base = posix.basename(name)
    const parent = posix.dirname(name)
    if (base === OPAQUE) {
      // Only lower layers' contents go; this layer's own entries in the directory are extracted below.
      await rm(join(outDir, parent), {recursive: true, force: true})
    } else if (base.startsWith(WHITEOUT)) {
      await rm(join(outDir, parent, base.slice(WHITEOUT.length)), {recursive: true, force: true})
    } else if (within(name, wanted)) {
      extract.push(raw)
    }
  }
  if (extract.length === 0) return
  const listFile = join(outDir, '..', `members-${process.pid}-${Date.now()}`)
  await writeFile(listFile, `${extract.join('\0')}\0`)
  try {
    const out = await run('tar', ['-xf', layer, '-C', outDir, '--no-recursion', '--no-same-owner', '--no-same-permissions', '--delay-directory-restore', '--null', '-T', listFile])
    if (out.code !== 0) throw new PlatformError(`Could not extract the image layer ${layer}:\n${out.output.trimEnd()}`, {code: 'ASSETS_EXTRACT_FAILED', exit: 5})
  } finally {
    await rm(listFile, {force: true})
  }
}

/** Docker schema 2 or OCI manifest, as `skopeo copy ... dir:` writes it. */
interface Manifest {
  layers?: {digest: string}[]
}

/**
 * Copy the directories `paths` (absolute, e.g. `/app/static`) out of the image `uri`
 * (`host/repository@sha256:...`) into a new temporary directory, as the image's filesystem has
 * them: `skopeo copy` fetches the layers without any container runtime or root, then each layer
 * is applied in order. Returns the directory (the caller removes it); `paths` keep their place
 * in it (`<dir>/app/static/...`).
 */
export async function extractImagePaths(input: {uri: string; login: RegistryLogin; paths: string[]; run?: RunCommand; signal?: AbortSignal}): Promise<string> {
  const run = input.run ?? runCommand
  const work = await mkdtemp(join(tmpdir(), 'platform-assets-'))
  try {
    const image = join(work, 'image')
    const root = join(work, 'root')
    await mkdir(root)
    const host = input.uri.slice(0, input.uri.indexOf('/'))
    const tls = isLoopbackRegistry(host) ? ['--src-tls-verify=false'] : []
    const copied = await run('skopeo', ['copy', '--quiet', ...tls, '--src-creds', `${input.login.username}:${input.login.password}`, `docker://${input.uri}`, `dir:${image}`], {signal: input.signal})
    if (copied.code !== 0) throw new PlatformError(`Could not fetch ${input.uri} to copy its assets:\n${copied.output.trimEnd()}`, {code: 'ASSETS_FETCH_FAILED', exit: 5})
    const manifest = JSON.parse(await readFile(join(image, 'manifest.json'), 'utf8')) as Manifest
    const wanted = input.paths.map(normalize)
    for (const layer of manifest.layers ?? []) {
      await applyLayer(join(image, layer.digest.replace(/^sha256:/, '')), root, wanted, run)
    }
    await rm(image, {recursive: true, force: true})
    return root
  } catch (error) {
    await rm(work, {recursive: true, force: true})
    throw error
  }
}

/** The temporary directory {@link extractImagePaths} made, to remove once the files are used. */
export const extractionWorkDir = (root: string) => dirname(root)
