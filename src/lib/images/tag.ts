import {execFile} from 'node:child_process'
import {createHash} from 'node:crypto'
import {readdir, readFile} from 'node:fs/promises'
import {join, relative} from 'node:path'
import {promisify} from 'node:util'
import {PlatformError} from '../errors.js'

const execFileAsync = promisify(execFile)

/** ECR's tag rule: up to 128 of `[A-Za-z0-9_.-]`, not starting with `.` or `-`. */
const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/

/**
 * Refuse tags that can point at different images over time. The repositories are IMMUTABLE, so
 * `latest` could be pushed once and never again; and a task definition naming it could not tell
 * which build it runs.
 */
export function checkTag(tag: string): string {
  if (tag.toLowerCase() === 'latest') {
    throw new PlatformError('The image tag "latest" is refused: tags are immutable here, and a release must name exactly one build.', {
      code: 'MUTABLE_TAG',
      exit: 2,
      suggestions: ['Leave --tag out to tag with the git commit, or pass a unique tag such as --tag v1.4.2.'],
    })
  }
  if (!TAG_PATTERN.test(tag)) {
    throw new PlatformError(`The image tag "${tag}" is not a valid ECR tag.`, {
      code: 'BAD_TAG',
      exit: 2,
      suggestions: ['Use up to 128 letters, digits, "_", "." and "-", not starting with "." or "-".'],
    })
  }
  return tag
}

async function git(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    const {stdout} = await execFileAsync('git', args, {cwd, maxBuffer: 64 * 1024 * 1024})
    return stdout
  } catch {
    return undefined
  }
}

/** Every file under `dir` (sorted, `.git` left out) hashed with its relative path. */
async function hashTree(dir: string, hash = createHash('sha256'), root = dir): Promise<ReturnType<typeof createHash>> {
  const entries = (await readdir(dir, {withFileTypes: true})).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const entry of entries) {
    if (entry.name === '.git') continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) await hashTree(path, hash, root)
    else if (entry.isFile()) {
      hash.update(`${relative(root, path)}\0`)
      hash.update(await readFile(path))
      hash.update('\0')
    }
  }
  return hash
}

export interface SourceTag {
  tag: string
  /** The commit that last changed the build's inputs, when they are in a git repository. */
  commit?: string
  /** Files of the build's inputs differ from that commit (or are untracked). */
  dirty: boolean
}

/**
 * The immutable tag of one service's build, derived from its inputs only, so a release that changed
 * one service rebuilds that one alone:
 * - in git: the commit that last touched the context or the Containerfile (12 hex characters),
 *   plus `-dirty-<hash of the context's files>` when they have uncommitted changes;
 * - outside git: `src-<hash of the context's files>`.
 */
export async function sourceTag(contextDir: string, files: string[]): Promise<SourceTag> {
  const top = (await git(contextDir, ['rev-parse', '--show-toplevel']))?.trim()
  const contentHash = async () => {
    const hash = await hashTree(contextDir)
    for (const file of files) hash.update(await readFile(file).catch(() => Buffer.alloc(0)))
    return hash.digest('hex').slice(0, 12)
  }
  if (!top) return {tag: `src-${await contentHash()}`, dirty: false}
  const paths = [contextDir, ...files].map((p) => relative(top, p) || '.')
  const commit = (await git(top, ['log', '-1', '--format=%H', '--', ...paths]))?.trim()
  const status = (await git(top, ['status', '--porcelain', '--untracked-files=all', '--', ...paths])) ?? ''
  const dirty = status.trim() !== ''
  if (!commit) return {tag: `src-${await contentHash()}`, dirty}
  const short = commit.slice(0, 12)
  return {tag: dirty ? `${short}-dirty-${await contentHash()}` : short, commit, dirty}
}

/** The repository's HEAD and whether anything in it is uncommitted, for the release record. */
export async function headCommit(dir: string): Promise<{commit?: string; dirty: boolean}> {
  const commit = (await git(dir, ['rev-parse', 'HEAD']))?.trim()
  if (!commit) return {dirty: false}
  const status = (await git(dir, ['status', '--porcelain'])) ?? ''
  return {commit, dirty: status.trim() !== ''}
}
