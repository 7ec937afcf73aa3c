import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {basename, dirname, join, resolve} from 'node:path'
import {promisify} from 'node:util'

import type {PlatformConfig} from '../config/types.js'
import {ExitCode, PlatformError} from '../errors.js'

const run = promisify(execFile)

/** Loads platform.yaml from a path; injected so tests and callers share one loader. */
export type ConfigLoader = (file: string) => Promise<PlatformConfig>

/**
 * The other version of platform.yaml for `cost diff --against`: a file when one exists at that
 * path, else a git revision, read with `git show REF:./<file>` from the config's directory (so the
 * path is relative to it, wherever the repository root is).
 */
export async function loadAgainst(against: string, configFile: string, load: ConfigLoader): Promise<{config: PlatformConfig; label: string}> {
  if (existsSync(against)) return {config: await load(against), label: against}
  const absolute = resolve(configFile)
  let text: string
  try {
    const {stdout} = await run('git', ['show', `${against}:./${basename(absolute)}`], {cwd: dirname(absolute), maxBuffer: 8 * 1024 * 1024})
    text = stdout
  } catch (error) {
    const stderr = String((error as {stderr?: string}).stderr ?? (error as Error).message).trim()
    throw new PlatformError(`--against ${against} is neither a file nor a git revision that has ${basename(absolute)}: ${stderr}`, {
      code: 'AGAINST_NOT_FOUND',
      exit: ExitCode.usage,
      suggestions: ['Pass a path to another platform.yaml, or a git revision such as HEAD, main or a commit id.'],
      cause: error,
    })
  }
  // The loader reads files; give it one, named like the original so messages read naturally.
  const dir = await mkdtemp(join(tmpdir(), 'platform-cost-'))
  try {
    const file = join(dir, basename(absolute))
    await writeFile(file, text)
    return {config: await load(file), label: `${against}:${basename(absolute)}`}
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}
