// Folder-level import cycles over src/: `node scripts/import-cycles.mjs` lists them (exit 1 if any).
// Folders must import downward only (commands → lib/* → lib, templates → lib/stacks, ...): a cycle
// between two folders means neither can be read, tested or moved without the other.
// test/layout/import-cycles.test.ts runs the same check in `npm test`.
import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

// Static imports, re-exports and dynamic import() of relative paths; `import type` counts too,
// because a type dependency ties two folders together as much as a value one.
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm

function sourceFiles(dir) {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.(ts|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

/**
 * The folder → folder import edges under `srcDir`, each with one file-level example
 * (`from` imports `to`), so a reported cycle says where to cut it.
 */
export function folderImports(srcDir) {
  const edges = new Map()
  for (const file of sourceFiles(srcDir)) {
    const fromFolder = relative(srcDir, dirname(file)) || '.'
    for (const match of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
      const target = resolve(dirname(file), match[1])
      const toFolder = relative(srcDir, dirname(target)) || '.'
      if (toFolder === fromFolder || toFolder.startsWith('..')) continue
      const targets = edges.get(fromFolder) ?? new Map()
      edges.set(fromFolder, targets)
      if (!targets.has(toFolder)) targets.set(toFolder, `${relative(srcDir, file)} imports ${match[1]}`)
    }
  }
  return edges
}

/**
 * Groups of folders that import each other, directly or through other folders (strongly
 * connected components of the folder graph, Tarjan's algorithm), each with the file-level imports
 * that close it. Empty when folders import downward only.
 */
export function folderImportCycles(srcDir) {
  const edges = folderImports(srcDir)
  const index = new Map()
  const low = new Map()
  const stack = []
  const onStack = new Set()
  const components = []
  let next = 0
  const visit = (folder) => {
    index.set(folder, next)
    low.set(folder, next)
    next++
    stack.push(folder)
    onStack.add(folder)
    for (const to of edges.get(folder)?.keys() ?? []) {
      if (!index.has(to)) {
        visit(to)
        low.set(folder, Math.min(low.get(folder), low.get(to)))
      } else if (onStack.has(to)) {
        low.set(folder, Math.min(low.get(folder), index.get(to)))
      }
    }
    if (low.get(folder) !== index.get(folder)) return
    const component = []
    let member
    do {
      member = stack.pop()
      onStack.delete(member)
      component.push(member)
    } while (member !== folder)
    if (component.length > 1) components.push(component.sort())
  }
  for (const folder of [...edges.keys()].sort()) if (!index.has(folder)) visit(folder)
  return components
    .map((folders) => ({
      folders,
      imports: folders.flatMap((from) => folders.filter((to) => edges.get(from)?.has(to)).map((to) => `${from} → ${to}: ${edges.get(from).get(to)}`)),
    }))
    .sort((a, b) => a.folders.join().localeCompare(b.folders.join()))
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src')
  const cycles = folderImportCycles(srcDir)
  for (const cycle of cycles) console.log(`${cycle.folders.join(' ↔ ')}\n${cycle.imports.map((line) => `  ${line}`).join('\n')}`)
  if (cycles.length === 0) console.log('No import cycles between folders under src/.')
  process.exitCode = cycles.length === 0 ? 0 : 1
}
