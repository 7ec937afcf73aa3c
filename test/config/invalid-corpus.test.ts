/**
 * The invalid corpus: one mistake per file under test/fixtures/invalid/, each with its expected
 * line, column, YAML path and a message substring in expected.json.
 */
import {readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {parseConfig} from '../../src/lib/config/load.js'
import {buildCli, runCli} from '../helpers/built-cli.js'

const root = new URL('../../', import.meta.url).pathname
const dir = join(root, 'test/fixtures/invalid')
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, Array<{line: number; column: number; path: string; message: string}>>

describe('the invalid corpus', () => {
  it('has at least 55 files, each listed in expected.json', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'))
    expect(files.length).toBeGreaterThanOrEqual(55)
    expect(Object.keys(expected).sort()).toEqual(files.sort())
  })

  for (const [file, issues] of Object.entries(expected)) {
    it(`${file}: ${issues.map((i) => i.message).join('; ')}`, async () => {
      const result = await parseConfig(readFileSync(join(dir, file), 'utf8'), file)
      expect(result.config).toBeUndefined()
      const actual = result.issues.map((i) => ({line: i.line, column: i.column, path: i.path, message: i.message}))
      expect(actual).toHaveLength(issues.length)
      issues.forEach((want, index) => {
        const got = actual[index]
        expect({line: got.line, column: got.column, path: got.path}, JSON.stringify(got)).toEqual({line: want.line, column: want.column, path: want.path})
        // The substring may be in the message or its hint (`did you mean ...`).
        expect(`${got.message}\n${result.issues[index].hint ?? ''}`).toContain(want.message)
      })
      for (const issue of result.issues) {
        expect(issue.file).toBe(file)
        expect(issue.hint, `${file}: every issue has a hint`).toBeTruthy()
      }
    })
  }
})

describe('the built CLI on invalid files', () => {
  beforeAll(() => {
    buildCli()
  }, 180_000)

  const sample = ['empty.yaml', 'binary-nul.yaml', 'tab-indent.yaml', 'duplicate-key.yaml', 'top-level-list.yaml', 'memory-too-small-for-cpu.yaml', 'defaults-bad-memory.yaml']
  for (const file of sample) {
    it(`validate --json ${file} exits 3 with the issues on stdout and no stack trace`, () => {
      const run = runCli(['validate', '--config', join(dir, file), '--json'])
      expect(run.status).toBe(3)
      expect(run.stderr).not.toMatch(/^\s+at /m)
      const output = JSON.parse(run.stdout) as {valid: boolean; issues: Array<{line: number; column: number; message: string; hint?: string}>}
      expect(output.valid).toBe(false)
      expect(output.issues.map((i) => [i.line, i.column])).toEqual(expected[file].map((i) => [i.line, i.column]))
    })
  }

  it('validate without --json prints file:line:col and the hint on stderr, exit 3', () => {
    const run = runCli(['validate', '--config', join(dir, 'service-unknown-key.yaml')])
    expect(run.status).toBe(3)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('service-unknown-key.yaml:10:9 environments.prod.services.web.memroy: unknown key "memroy"')
    expect(run.stderr).toContain('hint: did you mean "memory"?')
    expect(run.stderr).not.toMatch(/^\s+at /m)
  })
})
