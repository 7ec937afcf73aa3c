import {existsSync, statSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'

export const CONFIG_FILE_NAME = 'platform.yaml'

/** The folders a command looks in for platform.yaml, nearest first: `start`, then each parent up to the root. */
export function configSearchFolders(start: string = process.cwd()): string[] {
  const folders: string[] = []
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    folders.push(dir)
    if (dirname(dir) === dir) return folders
  }
}

/**
 * The nearest platform.yaml in `start` or a parent folder (as git finds .git and Copilot its
 * manifest), so commands work from any folder of the project. Undefined when there is none.
 */
export function findConfigFile(start: string = process.cwd()): string | undefined {
  for (const dir of configSearchFolders(start)) {
    const file = join(dir, CONFIG_FILE_NAME)
    if (existsSync(file) && statSync(file).isFile()) return file
  }
  return undefined
}
