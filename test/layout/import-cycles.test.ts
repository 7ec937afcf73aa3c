/** Folders under src/ import downward only: a cycle between folders fails `npm test`, naming the imports that close it. */
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'
// @ts-expect-error plain ESM script without type declarations (also runnable as `node scripts/import-cycles.mjs`)
import {folderImportCycles} from '../../scripts/import-cycles.mjs'

type Cycle = {folders: string[]; imports: string[]}
const findCycles = folderImportCycles as (srcDir: string) => Cycle[]

/** Cycles being removed in parallel work. Only these may remain; delete an entry once its cycle is gone. */
const BEING_REMOVED = new Set<string>([])

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'import-cycles-'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), {recursive: true})
    writeFileSync(join(root, path), text)
  }
  return root
}

describe('folder import cycles', () => {
  it('src/ has none beyond those being removed', () => {
    const cycles = findCycles(join(import.meta.dirname, '..', '..', 'src'))
    const unexpected = cycles.filter((c) => !BEING_REMOVED.has(c.folders.join(' ↔ ')))
    expect(unexpected.map((c) => `${c.folders.join(' ↔ ')}: ${c.imports.join('; ')}`)).toEqual([])
  })

  it('finds a cycle through a third folder, with static, type-only, re-export and dynamic imports', () => {
    const root = tree({
      'a/one.ts': "import type {B} from '../b/two.js'\nexport const a = 1\n",
      'b/two.ts': "export {c} from '../c/three.js'\nexport type B = number\n",
      'c/three.ts': "export const c = async () => (await import('../a/one.js')).a\n",
      'd/four.ts': "import {a} from '../a/one.js'\nexport const d = a\n",
    })
    expect(findCycles(root)).toEqual([
      {
        folders: ['a', 'b', 'c'],
        imports: ['a → b: a/one.ts imports ../b/two.js', 'b → c: b/two.ts imports ../c/three.js', 'c → a: c/three.ts imports ../a/one.js'],
      },
    ])
  })

  it('is quiet when folders import downward only, and ignores imports inside a folder and of packages', () => {
    const root = tree({
      'commands/run.ts': "import {x} from '../lib/x.js'\nimport {Flags} from '@oclif/core'\n",
      'lib/x.ts': "import {y} from './y.js'\nexport const x = y\n",
      'lib/y.ts': 'export const y = 1\n',
    })
    expect(findCycles(root)).toEqual([])
  })
})
