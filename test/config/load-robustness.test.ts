/**
 * Any input is safe: random mutations of the root platform.yaml, truncations and random bytes
 * never throw, never reach the "bug" fallback, and every issue has a position and a hint.
 */
import {readFileSync} from 'node:fs'
import {parse, stringify} from 'yaml'
import {describe, expect, it} from 'vitest'
import {parseConfig} from '../../src/lib/config/load.js'
import type {ConfigIssue} from '../../src/lib/errors.js'

const rootText = readFileSync(new URL('../../platform.yaml', import.meta.url), 'utf8')

/** Seeded, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state / 2 ** 31
  }
}

const REPLACEMENTS: unknown[] = [null, 0, -1, 1.5, 0.25, 70_000, '', 'x', 'Web', [], {}, true, 'a'.repeat(300), ['dup', 'dup'], {'': 1}, {unknownKey: 1}, '10.0.0.0/33', 'cron(', '17.2']

function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))]
  if (value && typeof value === 'object') return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))]
  return [prefix]
}

function setAt(root: any, path: Array<string | number>, value: unknown): void {
  let node = root
  for (const segment of path.slice(0, -1)) node = node[segment]
  node[path.at(-1)!] = value
}

function expectWellFormed(issues: ConfigIssue[], context: string): void {
  for (const issue of issues) {
    expect(issue.message, context).not.toContain('could not check the file')
    expect(issue.line, context).toBeGreaterThanOrEqual(1)
    expect(issue.column, context).toBeGreaterThanOrEqual(1)
    expect(issue.hint, `${context}: ${issue.message}`).toBeTruthy()
  }
}

describe('parseConfig on hostile input', () => {
  it('survives 300 random mutations of the root file', async () => {
    const next = random(42)
    const data = parse(rootText)
    const all = paths(data).filter((p) => p.length > 0)
    for (let i = 0; i < 300; i++) {
      const copy = structuredClone(data)
      const path = all[Math.floor(next() * all.length)]
      const value = REPLACEMENTS[Math.floor(next() * REPLACEMENTS.length)]
      setAt(copy, path, value)
      const result = await parseConfig(stringify(copy), 'mutated.yaml')
      const context = `${path.join('.')} = ${JSON.stringify(value)}`
      expect(Boolean(result.config) !== result.issues.length > 0, context).toBe(true)
      expectWellFormed(result.issues, context)
    }
  })

  it('survives every truncation of the root file at 200 random points', async () => {
    const next = random(7)
    for (let i = 0; i < 200; i++) {
      const cut = Math.floor(next() * rootText.length)
      const result = await parseConfig(rootText.slice(0, cut), 'cut.yaml')
      expectWellFormed(result.issues, `cut at ${cut}`)
    }
  })

  it('survives random bytes and pathological YAML', async () => {
    const next = random(99)
    const inputs = [
      ...Array.from({length: 50}, () => Buffer.from(Array.from({length: 200}, () => Math.floor(next() * 256))).toString('latin1')),
      'a: &a [*a]',
      `x-a: &a [1,1,1,1,1,1,1,1,1]\n${Array.from({length: 8}, (_, i) => `x-${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`).join('\n')}\n`,
      '!!binary AAAA',
      '? [complex, key]\n: value\n',
      'version: 1\nversion: 1\n',
      '\uFEFFversion: 1\n',
      '---\n...\n',
      '{'.repeat(2000),
      '- '.repeat(2000),
      'environments: {prod: {services: {web: {<<: [*x]}}}}',
    ]
    for (const text of inputs) {
      const result = await parseConfig(text, 'junk.yaml')
      expect(result.config).toBeUndefined()
      expect(result.issues.length).toBeGreaterThan(0)
      expectWellFormed(result.issues, JSON.stringify(text.slice(0, 40)))
    }
  })
})
