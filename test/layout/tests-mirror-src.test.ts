/**
 * Tests mirror the code they test (test/README.md): a test file's folder says which source folder it
 * tests, and its name starts with the module (or command folder) it tests, so that the tests of a
 * module are found by its name and a module without tests shows. Folders of flows rather than
 * modules (e2e, helpers, fixtures, layout) are not checked.
 */
import {readdirSync} from 'node:fs'
import {join, relative, sep} from 'node:path'
import {describe, expect, it} from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')

/** Folders of test/ that hold flows, helpers or data, not tests of one source folder. */
const NOT_MIRRORED = new Set(['e2e', 'helpers', 'fixtures', 'layout'])

/**
 * Suites that test a property of a whole folder rather than one module. Keep this short: a test of
 * one module belongs in a file named after it.
 */
const CROSS_CUTTING = new Map<string, string>([
  ['commands/errors.test.ts', 'the error shape and exit codes every command shares'],
  ['commands/help.test.ts', 'the help of every command (snapshot)'],
  ['commands/help-examples.test.ts', 'every example of every command parses'],
  ['commands/cost/width.test.ts', 'both cost commands at a terminal width'],
  ['config/invalid-corpus.test.ts', 'every invalid fixture through the whole loader'],
  ['local/day2.test.ts', 'the day-2 patches (alarms, interleaved logs, Aurora restores) with the calls platform makes'],
  ['local/design-stacks.test.ts', 'every renderer through the patched moto'],
  ['local/moto-launcher.test.ts', 'the launcher itself, and that every patch is documented and tested'],
  ['local/moto-patches.test.ts', 'runs the specs of test/local/patches/, one per patch'],
  ['templates/access-logs.test.ts', 'log delivery across the stacks of an environment'],
  ['templates/certificates.test.ts', 'ACM validation records across the stacks of an environment'],
  ['templates/cfn-guard.test.ts', "AWS's proactive controls over every rendered template"],
  ['templates/cfn-lint.test.ts', 'cfn-lint over every rendered template'],
  ['templates/design.test.ts', 'the design rows over what the root platform.yaml renders'],
  ['templates/snapshots.test.ts', 'snapshots of every rendered template'],
])

/** Names a test file may start with: the modules and folders of the source folder it mirrors. */
function moduleNames(dir: string, python = false): string[] {
  let entries
  try {
    entries = readdirSync(join(ROOT, dir), {withFileTypes: true})
  } catch {
    return []
  }
  return entries.flatMap((entry) => {
    if (entry.isDirectory()) return [entry.name]
    const match = python ? /^(\w+)\.py$/.exec(entry.name) : /^(.+)\.(ts|js)$/.exec(entry.name)
    return match && !entry.name.endsWith('.d.ts') ? [python ? match[1].replaceAll('_', '-') : match[1]] : []
  })
}

/** The source folders that a folder of test/ mirrors (test/commands/cost → src/commands/cost). */
export function mirroredFolders(testFolder: string): Array<{dir: string; python?: boolean}> {
  const [area, ...rest] = testFolder.split('/')
  const sub = rest.join('/')
  switch (area) {
    case 'commands':
      return [{dir: join('src/commands', sub)}]
    case 'templates':
      return [{dir: join('src/templates', sub)}]
    case 'lib':
      return [{dir: join('src/lib', sub)}]
    case 'bin':
      return [{dir: 'bin'}]
    case 'local':
      // The local AWS: the launcher and its patches (local/), and the code that runs it (src/lib/local/).
      return [{dir: join('local', sub), python: true}, {dir: join('local/patches', sub), python: true}, {dir: join('src/lib/local', sub)}]
    default:
      return [{dir: join('src/lib', testFolder)}]
  }
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === '__snapshots__' ? [] : testFiles(path)
    return entry.name.endsWith('.test.ts') ? [relative(join(ROOT, 'test'), path).split(sep).join('/')] : []
  })
}

/** Whether a test file's name is a module's name, or starts with it and a hyphen (engine-safety → engine). */
export function namesModule(file: string, modules: string[]): boolean {
  const name = file.slice(file.lastIndexOf('/') + 1, -'.test.ts'.length)
  return modules.some((module) => name === module || name.startsWith(`${module}-`))
}

describe('tests mirror src/', () => {
  const files = readdirSync(join(ROOT, 'test'), {withFileTypes: true})
    .filter((entry) => entry.isDirectory() && !NOT_MIRRORED.has(entry.name))
    .flatMap((entry) => testFiles(join(ROOT, 'test', entry.name)))

  it('every test file outside e2e/ names a module of the folder it mirrors, or is a listed cross-cutting suite', () => {
    const misplaced = files.filter((file) => {
      if (CROSS_CUTTING.has(file)) return false
      const folder = file.slice(0, file.lastIndexOf('/'))
      const modules = mirroredFolders(folder).flatMap(({dir, python}) => moduleNames(dir, python))
      return !namesModule(file, modules)
    })
    expect(misplaced).toEqual([])
  })

  it('lists no cross-cutting suite that is gone', () => {
    expect([...CROSS_CUTTING.keys()].filter((file) => !files.includes(file))).toEqual([])
  })

  it('matches a module by its whole name or a hyphenated prefix, not any prefix', () => {
    expect(namesModule('deploy/engine-safety.test.ts', ['engine'])).toBe(true)
    expect(namesModule('deploy/engine.test.ts', ['engine'])).toBe(true)
    expect(namesModule('deploy/engines.test.ts', ['engine'])).toBe(false)
    expect(namesModule('deploy/retry-observer.test.ts', ['engine', 'lock'])).toBe(false)
  })

  it('mirrors test/<area> to src/lib/<area>, and the folders that are not under src/lib to theirs', () => {
    expect(mirroredFolders('deploy')).toEqual([{dir: 'src/lib/deploy'}])
    expect(mirroredFolders('commands/cost')).toEqual([{dir: 'src/commands/cost'}])
    expect(mirroredFolders('templates')).toEqual([{dir: 'src/templates'}])
    expect(mirroredFolders('lib')).toEqual([{dir: 'src/lib'}])
    expect(mirroredFolders('local')).toEqual([{dir: 'local', python: true}, {dir: 'local/patches', python: true}, {dir: 'src/lib/local'}])
  })
})
