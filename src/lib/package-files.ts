import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

let root: string | undefined

/**
 * A file that ships in the package beside the code (schema/, prices/, local/). Found by walking
 * up from this module to the package.json, because the code runs from different depths: src/lib
 * under tsx, and a shared chunk in dist/ once bundled (scripts/bundle.mjs).
 */
export function packageFile(...segments: string[]): string {
  if (!root) {
    let dir = dirname(fileURLToPath(import.meta.url))
    while (!existsSync(join(dir, 'package.json'))) {
      const parent = dirname(dir)
      if (parent === dir) throw new Error(`No package.json above ${fileURLToPath(import.meta.url)}: the platform package is incomplete.`)
      dir = parent
    }
    root = dir
  }
  return join(root, ...segments)
}
