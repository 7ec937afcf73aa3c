/**
 * The subset parser is only worth having if it is indistinguishable from yaml: for every YAML file
 * of the repository and hundreds of seeded variations of platform.yaml, it either declines or builds
 * the nodes yaml builds, node for node (kind, range, value, source, anchor, the node an alias stands
 * for, key order), with the same line starts and the same data as yaml's toJS().
 */
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {LineCounter, parseDocument} from 'yaml'
import {describe, expect, it, vi} from 'vitest'
import {DESIGN_ANSWERS} from '../../src/lib/init/answers.js'
import {renderPlatformYaml} from '../../src/lib/init/render.js'
import {parseConfigYaml, parseSubset} from '../../src/lib/config/yaml-fast.js'
import {parseWithYaml} from '../../src/lib/config/yaml-full.js'
import type {YamlNode} from '../../src/lib/config/yaml-tree.js'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const rootText = readFileSync(`${repoRoot}platform.yaml`, 'utf8')

/** yaml's own parse, with the options platform.yaml has always been parsed with. */
function parseDirectlyWithYaml(text: string) {
  const lineCounter = new LineCounter()
  return {doc: parseDocument(text, {lineCounter, prettyErrors: true, merge: true, uniqueKeys: true, logLevel: 'error'}), lineCounter}
}

/** Every field of every node, recursively; an alias by where the node it stands for starts. */
function shape(node: YamlNode | null): unknown {
  if (node === null) return null
  if (node.kind === 'alias') return {...node, target: node.target?.range}
  if (node.kind === 'map') return {...node, items: node.items.map((pair) => ({key: shape(pair.key), value: shape(pair.value)}))}
  if (node.kind === 'seq') return {...node, items: node.items.map(shape)}
  return {...node}
}

function outcome(toJS: () => unknown): unknown {
  try {
    return {value: toJS()}
  } catch (error) {
    return {threw: (error as Error).message}
  }
}

/** 'declined', or 'accepted' after checking the subset's nodes and data against yaml's. */
function compareWithYaml(text: string, context: string): 'declined' | 'accepted' {
  const subset = parseSubset(text)
  if ('declined' in subset) return 'declined'
  const expected = parseDirectlyWithYaml(text)
  expect(expected.doc.errors.map((e) => e.message), `${context}: yaml reports errors on text the subset accepted`).toEqual([])
  expect(expected.doc.warnings.map((e) => e.message), `${context}: yaml warns on text the subset accepted`).toEqual([])
  expect(subset.errors).toEqual([])
  expect(shape(subset.root), context).toEqual(shape(parseWithYaml(text).root))
  expect(subset.lines.lineStarts, `${context}: line starts`).toEqual(expected.lineCounter.lineStarts)
  expect(outcome(() => subset.toJS()), `${context}: toJS`).toEqual(outcome(() => expected.doc.toJS({maxAliasCount: 1000})))
  return 'accepted'
}

/** Seeded, so a failing variation reproduces. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state / 2 ** 31
  }
}

const SCALARS = [
  '', '~', 'null', 'Null', 'NULL', 'nUll', 'true', 'True', 'TRUE', 'tRue', 'false', 'False', 'FALSE', 'yes', 'no', 'on', 'off',
  '0', '-0', '+0', '007', '12', '-12', '+12', '1_000', '0x1F', '0X1F', '0xfg', '0o17', '0o19', '0b101', '1.5', '1.50', '-1.5', '.5', '5.', '+.5',
  '1e3', '1E-3', '-1.5e+3', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN', 'inf', 'nan', '1:30', '18:00-19:00', '2026-12-01',
  'a b', 'x#y', 'x # y', 'a: b', 'a:b', 'http://x.y/z', '-x', '-', '- x', '--', '---', '...', '?x', ':x', '@x', '`x', '%x', '!x', '!!str x',
  '&a x', '*a', '|', '>', '[a, b]', '[ a , b ]', '[a, [b, c]]', '[a,]', '[]', '[ ]', '{a: b}', '{ a: b }', '{a: [1, 2], c: {d: e}}', '{a}', '{}',
  '{a: b, a: c}', '[a: b]', '[a, b', '{a: 1}x', '"x"', '""', '"a \'b\' c"', '"a\\nb"', '"a"b', "'x'", "''", "'it''s'", "'a \"b\"'", "'open",
  '"open', '/api/*', 'é ü 日本', 'cron(0 22 ? * MON-FRI *)', 'a,b', 'a]b', 'a}b', '"200"', '0.5', '17.9', 'x  ', '  x',
]
const KEYS = [
  'key', 'a b', 'a.b', '$x', 'x-y', 'x_y', '1', '1.5', 'true', 'null', '~', '-k', 'a#b', 'a:b', '"q"', "'s'", '"a b"', "'it''s'", '[k]', '{k: v}',
  '<<', '&a k', '*a', '? k', '!k', 'k ', 'ユニコード', 'a/b', '(x)', 'x=y', '@x', 'port', 'cpu',
]

type Mutation = (lines: string[], next: () => number) => void

function pick<T>(items: readonly T[], next: () => number): T {
  return items[Math.floor(next() * items.length)]
}

const KEY_VALUE = /^(\s*(?:- )?)([^\s#:][^:#]*?):(?: (.*?))?(\s+#.*)?$/

const MUTATIONS: Mutation[] = [
  // A value of every scalar kind.
  (lines, next) => {
    const index = Math.floor(next() * lines.length)
    const match = KEY_VALUE.exec(lines[index])
    if (match?.[3]) lines[index] = `${match[1]}${match[2]}: ${pick(SCALARS, next)}${match[4] ?? ''}`
  },
  // A full-line comment at any indentation, anywhere.
  (lines, next) => lines.splice(Math.floor(next() * (lines.length + 1)), 0, `${' '.repeat(Math.floor(next() * 14))}# note`),
  // A trailing comment, with zero to three spaces before it.
  (lines, next) => {
    const index = Math.floor(next() * lines.length)
    if (lines[index].trim()) lines[index] += `${' '.repeat(Math.floor(next() * 4))}# trailing`
  },
  // Blank lines, some with spaces.
  (lines, next) => lines.splice(Math.floor(next() * (lines.length + 1)), 0, ' '.repeat(Math.floor(next() * 3) * 3)),
  // A key replaced by an odd one (which may also duplicate a sibling).
  (lines, next) => {
    const index = Math.floor(next() * lines.length)
    const match = KEY_VALUE.exec(lines[index])
    if (match) lines[index] = `${match[1]}${pick(KEYS, next)}:${match[3] === undefined ? '' : ` ${match[3]}`}${match[4] ?? ''}`
  },
  // A subtree indented further (still valid YAML when the whole subtree moves).
  (lines, next) => {
    const index = Math.floor(next() * lines.length)
    const indent = /^ */.exec(lines[index])![0].length
    if (!lines[index].trim() || lines[index].trim().startsWith('#')) return
    const by = 1 + Math.floor(next() * 3)
    let end = index + 1
    while (end < lines.length && (!lines[end].trim() || /^ */.exec(lines[end])![0].length > indent)) end++
    for (let i = index + 1; i < end; i++) if (lines[i].trim()) lines[i] = ' '.repeat(by) + lines[i]
  },
  // One line indented off by one (usually invalid: must be declined or equal).
  (lines, next) => {
    const index = Math.floor(next() * lines.length)
    lines[index] = next() < 0.5 ? ` ${lines[index]}` : lines[index].replace(/^ /, '')
  },
  // A line deleted or repeated.
  (lines, next) => {
    const index = Math.floor(next() * lines.length)
    if (next() < 0.5) lines.splice(index, 1)
    else lines.splice(index, 0, lines[index])
  },
  // A YAML-significant character dropped in anywhere.
  (lines, next) => {
    const index = Math.floor(next() * lines.length)
    const at = Math.floor(next() * (lines[index].length + 1))
    lines[index] = lines[index].slice(0, at) + pick([...'#:-[]{},&*!|>\'"%@`? \t\\'], next) + lines[index].slice(at)
  },
  // A block list written as a flow list and back, with spaces inside.
  (lines, next) => {
    const index = Math.floor(next() * lines.length)
    lines[index] = lines[index].replace(/\[(.*?)\]/, (_all, inner: string) => (next() < 0.5 ? `[ ${inner} ]` : `[${inner.split(', ').join(' ,  ')}]`))
  },
  // An anchor on a value and an alias to it further down.
  (lines, next) => {
    const index = Math.floor(next() * lines.length)
    const match = KEY_VALUE.exec(lines[index])
    if (!match) return
    lines[index] = `${match[1]}${match[2]}: &anchor-${index}${match[3] === undefined ? '' : ` ${match[3]}`}${match[4] ?? ''}`
    const later = index + 1 + Math.floor(next() * (lines.length - index - 1))
    const target = KEY_VALUE.exec(lines[later] ?? '')
    if (target?.[3]) lines[later] = `${target[1]}${target[2]}: *anchor-${index}`
  },
  // Start and end of the file: ---, no final newline, trailing blank lines and comments.
  (lines, next) => {
    const choice = Math.floor(next() * 4)
    if (choice === 0) lines.unshift('---')
    else if (choice === 1 && lines.at(-1) === '') lines.pop()
    else if (choice === 2) lines.push('', '')
    else lines.push(`${' '.repeat(Math.floor(next() * 6))}# end`)
  },
]

/** What platform.yaml does not show of the subset: block lists of every kind, empty values, an anchored mapping. */
const SYNTHETIC = `---
# every construct of the subset
top:
  list:
  - a
  - 'b'
  -
  - k: v
    n:
      - 1
      - [x, y]
  nested:
    - name: one
      value: 1   # one
    -
      name: two
        # deeper
  empty:
  anchored: &block
    p: 1
    q: [1, {r: s}]
  alias: *block
"quoted key": 'single ''q'''
'single key': "double"
flow: {a: [], b: {}, c: ""}
last:
`

function variations(base: string, seed: number, count: number): string[] {
  const next = random(seed)
  const out: string[] = []
  for (let i = 0; i < count; i++) {
    const lines = base.split('\n')
    const edits = 1 + Math.floor(next() * 3)
    for (let e = 0; e < edits; e++) pick(MUTATIONS, next)(lines, next)
    out.push(lines.join('\n'))
  }
  return out
}

describe('parseSubset against yaml', () => {
  const files = execFileSync('git', ['ls-files', '*.yaml', '*.yml'], {cwd: repoRoot, encoding: 'utf8'}).split('\n').filter(Boolean)

  it('accepts the root platform.yaml and the file `platform init` writes, equal to yaml', () => {
    expect(compareWithYaml(rootText, 'platform.yaml')).toBe('accepted')
    const reference = {value: './schema/platform.schema.json', why: 'the schema next to this file'}
    expect(compareWithYaml(renderPlatformYaml(DESIGN_ANSWERS, reference), 'platform init')).toBe('accepted')
    const other = {project: 'shop', region: 'eu-west-1', domain: 'shop.example.org', services: ['web', 'worker', 'admin'], database: false, alarmEmail: 'team@example.org'}
    expect(compareWithYaml(renderPlatformYaml(other, reference), 'platform init, other answers')).toBe('accepted')
  })

  it('declines or equals yaml on every YAML file of the repository', () => {
    expect(files.length).toBeGreaterThan(50)
    const outcomes = files.map((file) => compareWithYaml(readFileSync(`${repoRoot}${file}`, 'utf8'), file))
    // The valid fixtures and most invalid ones are plain platform.yaml: most must take the fast path.
    expect(outcomes.filter((o) => o === 'accepted').length).toBeGreaterThan(files.length / 2)
  })

  it('accepts a file with every construct of the subset, equal to yaml', () => {
    expect(compareWithYaml(SYNTHETIC, 'synthetic')).toBe('accepted')
  })

  it('declines or equals yaml on platform.yaml cut anywhere, and on random text of YAML characters', () => {
    const next = random(5)
    const texts = [
      ...Array.from({length: Math.ceil(rootText.length / 11)}, (_, i) => rootText.slice(0, i * 11)),
      ...Array.from({length: 300}, () => Array.from({length: 40}, () => pick([...'ab1 :-#[]{},\'"&*\n\n  '], next)).join('')),
    ]
    const outcomes = texts.map((text) => compareWithYaml(text, JSON.stringify(text)))
    expect(outcomes.filter((o) => o === 'accepted').length).toBeGreaterThan(100)
  })

  for (const [name, base] of [['platform.yaml', rootText], ['the synthetic file', SYNTHETIC]]) {
    it(`declines or equals yaml on 500 seeded variations of ${name}`, () => {
      const outcomes = variations(base, 8, 500).map((text, i) => compareWithYaml(text, `variation ${i}:\n${text}`))
      const accepted = outcomes.filter((o) => o === 'accepted').length
      // Both paths are exercised: many edits stay inside the subset, many leave it.
      expect(accepted).toBeGreaterThan(150)
      expect(outcomes.length - accepted).toBeGreaterThan(50)
    })
  }
})

describe('parseConfig through the subset against parseConfig through yaml alone', () => {
  it('gives the same config, issues and warnings (positions included) for repository files and variations', async () => {
    const {parseConfig: withSubset} = await import('../../src/lib/config/load.js')
    vi.resetModules()
    vi.doMock('../../src/lib/config/yaml-fast.js', () => ({parseConfigYaml: async (text: string) => parseWithYaml(text)}))
    const {parseConfig: withYamlOnly} = await import('../../src/lib/config/load.js')
    vi.doUnmock('../../src/lib/config/yaml-fast.js')
    const files = execFileSync('git', ['ls-files', 'test/fixtures/*.yaml'], {cwd: repoRoot, encoding: 'utf8'}).split('\n').filter(Boolean)
    const texts = [
      ...files.map((file) => readFileSync(`${repoRoot}${file}`, 'utf8')),
      ...variations(rootText, 21, 150),
      ...variations(SYNTHETIC, 21, 50),
    ]
    let fast = 0
    for (const text of texts) {
      if (!('declined' in parseSubset(text))) fast++
      expect(await withSubset(text, 'platform.yaml'), text).toEqual(await withYamlOnly(text, 'platform.yaml'))
    }
    expect(fast).toBeGreaterThan(texts.length / 2)
  })
})

describe('parseConfigYaml', () => {
  it('hands what the subset declines to yaml, errors included', async () => {
    const parsed = await parseConfigYaml('a: 1\na: 2\n')
    expect(parsed.errors.map((e) => [e.line, e.column, e.code])).toEqual([[2, 1, 'DUPLICATE_KEY']])
  })

  it('returns the subset\'s nodes when it accepts', async () => {
    const parsed = await parseConfigYaml('a: [1, two]\n')
    expect(parsed.toJS()).toEqual({a: [1, 'two']})
    expect(parsed.lines.at(5)).toEqual({line: 1, column: 6})
  })

  it('gives an alias the very value of its anchor, as yaml does: one object, not a copy', async () => {
    const data = (await parseConfigYaml('a: &x {b: [1]}\nc: *x\n')).toJS() as Record<string, unknown>
    expect(data.c).toBe(data.a)
    const withYaml = parseWithYaml('a: &x {b: [1]}\nc: *x\n').toJS() as Record<string, unknown>
    expect(withYaml.c).toBe(withYaml.a)
  })

  it('keeps a key an object already has (__proto__, constructor) as an own property, as yaml does', async () => {
    const text = '__proto__: 1\nconstructor: 2\n'
    const data = (await parseConfigYaml(text)).toJS() as Record<string, unknown>
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype)
    expect(Object.entries(data)).toEqual([['__proto__', 1], ['constructor', 2]])
    expect(data).toEqual(parseWithYaml(text).toJS())
  })

  it('leaves an alias count yaml refuses to yaml, which refuses it', async () => {
    const text = `a: &x [1]\nb:\n${'  - *x\n'.repeat(1000)}`
    expect(parseSubset(text)).toEqual({declined: 'more than 100 aliases to one anchor'})
    expect(() => (parseWithYaml(text)).toJS()).toThrow(/Excessive alias count/)
  })
})

describe('parseSubset declines', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['a tab', 'a:\n\tb: 1\n', /tab/],
    ['CRLF line ends', 'a: 1\r\nb: 2\r\n', /CR/],
    ['a byte-order mark', '\uFEFFa: 1\n', /BOM/],
    ['an empty file', '# only a comment\n', /no content/],
    ['a directive', '%YAML 1.2\n---\na: 1\n', /directive/],
    ['a second document', 'a: 1\n---\nb: 2\n', /document marker/],
    ['a document end marker', 'a: 1\n...\n', /document marker/],
    ['an indented top level', '  a: 1\n', /indented top level/],
    ['a top-level scalar', 'just text\n', /not `key: value`/],
    ['a block scalar', 'a: |\n  text\n', /starting with \|/],
    ['a folded scalar', 'a: >\n  text\n', /starting with >/],
    ['a tag', 'a: !!str 1\n', /starting with !/],
    ['a multi-line plain scalar', 'a: one\n  two\n', /indented deeper/],
    ['a multi-line quoted scalar', 'a: "one\n  two"\n', /next line/],
    ['an escape in double quotes', 'a: "x\\ny"\n', /escape/],
    ['a complex key', '? a\n: b\n', /starting with \?|not `key: value`/],
    ['a merge key', 'x: &base {a: 1}\ny:\n  <<: *base\n', /key with characters/],
    ['a duplicate key', 'a: 1\na: 2\n', /duplicate key/],
    ['keys that resolve equal', 'true: 1\nTrue: 2\n', /duplicate key/],
    ['a duplicate key in a flow mapping', 'a: {b: 1, b: 2}\n', /duplicate key/],
    ['an alias to a missing anchor', 'a: *nowhere\n', /unknown/],
    ['an anchor defined twice', 'a: &x 1\nb: &x 2\n', /twice/],
    ['an anchor on an empty value', 'a: &x\nb: 1\n', /anchor on an empty value/],
    ['an anchor on a sequence item', 'a:\n  - &x 1\n', /anchor on a sequence item/],
    ['an alias inside an anchored value', 'a: &x 1\nb: &y\n  c: *x\n', /alias inside an anchored value/],
    ['101 aliases to one anchor', `a: &x 1\nb:\n${'  - *x\n'.repeat(101)}`, /more than 100 aliases/],
    ['a nested mapping on one line', 'a: b: c\n', /nested mapping/],
    ['a comment after an empty value', 'a: # why\nb: 1\n', /comment after an empty value/],
    ['a comment above an empty sequence item', 'a:\n  - 1\n  # why\n  -\n', /comment above an empty sequence item/],
    ['an indented ---', ' ---\na: 1\n', /indented top level/],
    ['comment lines after an empty value', 'a:\n  # why\nb: 1\n', /comment after an empty value/],
    ['a flow collection over two lines', 'a: [1,\n  2]\n', /not closed/],
    ['a trailing comma', 'a: [1, 2,]\n', /trailing comma/],
    ['a pair in a flow sequence', 'a: ["b": c]\n', /pair in a flow sequence/],
    ['a URL in a flow collection', 'a: [http://x]\n', /: in a flow scalar/],
    ['text after a quoted value', 'a: "x" y\n', /text after a value/],
    ['a comment glued to a quoted value', 'a: "x"#c\n', /text after a value/],
    ['a sequence item among keys', 'a: 1\n- b\n', /sequence item among mapping keys/],
    ['a same-line nested sequence', 'a:\n  - - 1\n', /same line/],
    ['a key with indicator characters', 'a#b: 1\n', /key with characters/],
    ['a space before the colon', 'a : 1\n', /key with characters/],
    ['block mappings nested 65 deep', Array.from({length: 65}, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + `\n${' '.repeat(65)}x: 1\n`, /nested more than 64 deep/],
    ['flow sequences nested 65 deep', `a: ${'['.repeat(65)}${']'.repeat(65)}\n`, /nested more than 64 deep/],
    ['a NEL character', 'a: x\u0085y\n', /control character/],
  ]
  for (const [name, text, reason] of cases) {
    it(name, () => {
      const result = parseSubset(text)
      expect('declined' in result ? result.declined : 'accepted').toMatch(reason)
    })
  }
})
