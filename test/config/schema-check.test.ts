/**
 * The schema checker against ajv, the oracle it replaces: the same errors (keyword, paths, params,
 * message, propertyName), in the same order, over every config in the repository, thousands of
 * broken variants of them, and random documents against a schema with the forms platform.schema.json
 * does not use yet.
 */
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {isDeepStrictEqual} from 'node:util'
import {Ajv, type ErrorObject} from 'ajv'
import {describe, expect, it} from 'vitest'
import {parseDocument} from 'yaml'
import {checkPlatformSchema, schemaChecker, type SchemaError} from '../../src/lib/config/schema-check.js'
import type {JsonSchema} from '../../src/lib/config/schema.js'
import {manyServicesYaml} from '../../scripts/gen-many-services.js'

const root = join(import.meta.dirname, '..', '..')
const platformSchema = JSON.parse(readFileSync(join(root, 'schema/platform.schema.json'), 'utf8')) as JsonSchema

/** ajv as `platform` compiled it before this checker (scripts/gen-schema-validator.ts, removed). */
function oracle(schema: JsonSchema): (data: unknown) => ErrorObject[] {
  const validate = new Ajv({strict: true, allErrors: true, allowUnionTypes: true, unicode: false, logger: false}).compile(schema)
  return (data) => (validate(data) ? [] : [...(validate.errors ?? [])])
}

/** Check every document with both; the first difference fails with a readable diff. */
function expectSameErrors(documents: Iterable<unknown>, check: (data: unknown) => SchemaError[], expected: (data: unknown) => ErrorObject[]) {
  let invalid = 0
  let total = 0
  const keywords = new Set<string>()
  for (const data of documents) {
    total++
    const want = expected(data)
    const got = check(data)
    if (!isDeepStrictEqual(got, want)) expect({data, errors: got}).toStrictEqual({data, errors: want})
    if (want.length > 0) invalid++
    for (const error of want) keywords.add(error.keyword)
  }
  return {total, invalid, keywords}
}

function yamlData(text: string): unknown {
  const doc = parseDocument(text, {merge: true, uniqueKeys: true, logLevel: 'error'})
  if (doc.errors.length > 0) return undefined
  try {
    return doc.toJS({maxAliasCount: 1000})
  } catch {
    return undefined
  }
}

/** Every YAML file in the repository that parses, and the generated many-services config. */
function repositoryConfigs(): unknown[] {
  const files = execFileSync('git', ['ls-files', '*.yaml', '*.yml'], {cwd: root, encoding: 'utf8'}).split('\n').filter(Boolean)
  return [...files.map((file) => readFileSync(join(root, file), 'utf8')), manyServicesYaml(60)].map(yamlData).filter((data) => data !== undefined)
}

/** A small deterministic PRNG (mulberry32), so that a failure reproduces. */
function prng(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Path = Array<string | number>

/** Every path of a JSON value, the root first. */
function paths(value: unknown, path: Path = []): Path[] {
  const children = Array.isArray(value) ? value.map((item, index) => paths(item, [...path, index])) : isObject(value) ? Object.entries(value).map(([key, item]) => paths(item, [...path, key])) : []
  return [path, ...children.flat()]
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A copy of `data` with the value at `path` replaced by what `change` returns (undefined deletes it). */
function edit(data: unknown, path: Path, change: (value: unknown) => unknown): unknown {
  if (path.length === 0) return change(data)
  const copy = structuredClone(data) as Record<string | number, unknown>
  let parent = copy
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>
  const last = path.at(-1)!
  const next = change(parent[last])
  if (next !== undefined) parent[last] = next
  else if (Array.isArray(parent)) parent.splice(last as number, 1)
  else delete parent[last]
  return copy
}

/** Values of the wrong kind, out of range, or malformed, for any place of a document. */
const REPLACEMENTS: unknown[] = [null, true, 0, -1, 1.5, 1e12, Number.NaN, Number.POSITIVE_INFINITY, '', 'x', 'Not_Valid!', '🙂'.repeat(11), 'a'.repeat(300), [], ['x', 'x'], [1, 1], {}, {unknownKey: 1}]

/** Changes shaped by the value itself: near misses of a valid value. */
function nearMisses(value: unknown): Array<(value: unknown) => unknown> {
  if (typeof value === 'number') return [(n) => (n as number) + 0.5, (n) => -(n as number), (n) => (n as number) * 1000 + 1, (n) => String(n)]
  if (typeof value === 'string') return [(s) => `${s as string} `, (s) => (s as string).toUpperCase(), (s) => `${s as string}/x~y`, (s) => (s as string).repeat(9), (s) => (s as string).slice(1), (s) => Number.parseFloat(s as string) || 7]
  if (typeof value === 'boolean') return [(b) => (b ? 'yes' : 'no'), (b) => Number(b)]
  if (Array.isArray(value)) {
    return [(list) => [...(list as unknown[]), (list as unknown[])[0]], (list) => [(list as unknown[]).at(-1), ...(list as unknown[])], (list) => [...(list as unknown[]), 5, null], (list) => Object.fromEntries((list as unknown[]).map((item, index) => [index, item]))]
  }
  if (isObject(value)) {
    const keys = Object.keys(value)
    return [
      // A missing key, for each key (the required ones among them).
      ...keys.map((key) => (object: unknown) => Object.fromEntries(Object.entries(object as object).filter(([name]) => name !== key))),
      // An unknown key, and keys that break names: case, characters, length, the x- prefix.
      (object) => ({...(object as object), colour: 'red', 'x-extra': {a: 1}}),
      (object) => ({...(object as object), Bad_Name: {}, 'a/b~c': 1, ['n'.repeat(40)]: null}),
      (object) => Object.fromEntries(Object.entries(object as object).map(([key, item]) => [`${key}X`, item])),
      (object) => Object.values(object as object),
    ]
  }
  return []
}

function* singleMutations(data: unknown): Generator<unknown> {
  for (const path of paths(data)) {
    for (const replacement of REPLACEMENTS) yield edit(data, path, () => replacement)
    const value = path.reduce<unknown>((current, segment) => (current as Record<string | number, unknown>)[segment], data)
    for (const change of nearMisses(value)) yield edit(data, path, change)
    if (path.length > 0) yield edit(data, path, () => undefined)
  }
}

/** Documents with 1 to 5 mutations at random places, from a seed. */
function* randomMutations(data: unknown, seed: number, count: number): Generator<unknown> {
  const random = prng(seed)
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]
  for (let n = 0; n < count; n++) {
    let variant = data
    for (let m = 1 + Math.floor(random() * 5); m > 0; m--) {
      const path = pick(paths(variant))
      const value = path.reduce<unknown>((current, segment) => (current as Record<string | number, unknown>)[segment], variant)
      const changes: Array<(value: unknown) => unknown> = [...REPLACEMENTS.map((replacement) => () => replacement), ...nearMisses(value)]
      variant = edit(variant, path, pick(changes))
    }
    yield variant
  }
}

describe('checkPlatformSchema', () => {
  const expected = oracle(platformSchema)
  const configs = repositoryConfigs()
  const rootConfig = yamlData(readFileSync(join(root, 'platform.yaml'), 'utf8'))

  it('reports what ajv reports for every config in the repository', () => {
    const {total, invalid} = expectSameErrors(configs, checkPlatformSchema, expected)
    expect(total).toBeGreaterThan(100)
    expect(invalid).toBeGreaterThan(40)
    expect(checkPlatformSchema(rootConfig)).toEqual([])
  })

  it('reports what ajv reports for every single mutation of the root platform.yaml and the small valid fixtures', () => {
    // The configs of 60 services would only repeat the same places 60 times, for minutes.
    const valid = configs.filter((data) => expected(data).length === 0 && JSON.stringify(data).length < 5000)
    expect(valid.length).toBeGreaterThanOrEqual(3)
    const {total, invalid, keywords} = expectSameErrors(
      (function* () {
        for (const data of valid) yield* singleMutations(data)
      })(),
      checkPlatformSchema,
      expected,
    )
    expect(total).toBeGreaterThan(15_000)
    // The rest lose an optional key or change a value to another valid one.
    expect(invalid / total).toBeGreaterThan(0.8)
    // Every keyword the schema uses failed somewhere in the corpus.
    expect([...keywords].sort()).toEqual(['additionalProperties', 'const', 'enum', 'exclusiveMinimum', 'maxLength', 'maximum', 'minLength', 'minProperties', 'minimum', 'pattern', 'propertyNames', 'required', 'type', 'uniqueItems'])
  })

  it('reports what ajv reports for random combinations of mutations (seeded)', () => {
    const {total, invalid} = expectSameErrors(randomMutations(rootConfig, 8, 600), checkPlatformSchema, expected)
    expect(total).toBe(600)
    expect(invalid).toBeGreaterThan(550)
  })
})

/** The forms of the checked keywords that platform.schema.json does not (yet) use. */
const FORMS: JsonSchema = {
  type: 'object',
  additionalProperties: {type: ['integer', 'null'], minimum: 2, maximum: 9},
  required: ['list', 'nested'],
  properties: {
    list: {type: 'array', uniqueItems: true, items: {type: ['string', 'number']}},
    integers: {type: 'array', uniqueItems: true, items: {type: 'integer', exclusiveMinimum: 0}},
    objects: {type: 'array', uniqueItems: true, items: {type: 'object', additionalProperties: {type: 'string', minLength: 2}}},
    anything: {type: 'array', uniqueItems: true},
    referenced: {type: 'array', uniqueItems: true, items: {$ref: '#/definitions/leaf'}},
    name: {type: 'string', pattern: '^[a-z]+$', enum: ['abc', 'x', 'Q'], maxLength: 2},
    shape: {type: ['string', 'object'], pattern: '^/', minProperties: 1, properties: {a: {const: {b: [1]}}}},
    nested: {$ref: '#/definitions/node'},
  },
  patternProperties: {'^p-': {type: 'string', maxLength: 3}, '^p': {type: 'string', pattern: 'z$'}},
  propertyNames: {pattern: '^[a-z-]+$', maxLength: 8, minLength: 2},
  definitions: {
    leaf: {type: ['boolean', 'number', 'null'], enum: [true, 1, null, 2.5]},
    node: {type: 'object', additionalProperties: false, properties: {leaf: {$ref: '#/definitions/leaf'}, next: {$ref: '#/definitions/node'}, tag: {type: 'string', minLength: 1}}},
  },
}

/**
 * A random JSON value that hits FORMS' keywords often: its names, small numbers, short lists. No key
 * is named after a method of Object.prototype (toString, constructor): ajv's deep equality calls or
 * compares them, and throws or calls equal mappings different, where the checker compares data.
 */
function randomValue(random: () => number, depth: number): unknown {
  const names = ['list', 'integers', 'objects', 'anything', 'referenced', 'name', 'shape', 'nested', 'leaf', 'next', 'tag', 'a', 'b', 'p-x', 'pz', 'pad', 'Up', 'x', 'x/y~z', '__proto__', 'longer-than-8']
  const scalars: unknown[] = [null, true, false, 0, 1, 2, 2.5, 3, -1, 9, 10, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '', 'a', 'abc', 'Q', 'x', '/', '/p', 'zz', 'z', '1', 'true', '🙂🙂', 'toString']
  const kind = random()
  if (depth <= 0 || kind < 0.45) return scalars[Math.floor(random() * scalars.length)]
  const length = Math.floor(random() * 5)
  if (kind < 0.7) return Array.from({length}, () => randomValue(random, depth - 1))
  const object: Record<string, unknown> = {}
  for (let i = 0; i < length; i++) Object.defineProperty(object, names[Math.floor(random() * names.length)], {value: randomValue(random, depth - 1), enumerable: true, writable: true, configurable: true})
  return object
}

describe('schemaChecker', () => {
  it('reports what ajv reports for the keyword forms platform.schema.json does not use, over random documents (seeded)', () => {
    const random = prng(42)
    const documents = Array.from({length: 4000}, () => {
      const document = randomValue(random, 4)
      return isObject(document) && random() < 0.5 ? {list: [], nested: {}, ...document} : document
    })
    const {invalid, keywords} = expectSameErrors(documents, schemaChecker(FORMS), oracle(FORMS))
    expect(invalid).toBeGreaterThan(3000)
    expect([...keywords].sort()).toEqual(['additionalProperties', 'const', 'enum', 'exclusiveMinimum', 'maxLength', 'maximum', 'minLength', 'minProperties', 'minimum', 'pattern', 'propertyNames', 'required', 'type', 'uniqueItems'])
  })

  it.each([
    ['a keyword it does not check', {type: 'object', properties: {a: {type: 'string', format: 'email'}}}, /#\/properties\/a: the keyword "format"/],
    ['a combinator', {oneOf: [{type: 'string'}]}, /the keyword "oneOf"/],
    ['a reference outside the definitions', {$ref: 'other.json#/a'}, /the reference "other.json#\/a"/],
    ['a reference to a missing definition', {properties: {a: {$ref: '#/definitions/none'}}}, /#\/properties\/a: the reference "#\/definitions\/none"/],
    ['a list of item schemas', {items: [{type: 'string'}]}, /#\/items: a schema that is not an object/],
    ['a boolean schema', {properties: {a: true}}, /#\/properties\/a: a schema that is not an object \(true\)/],
    ['an unknown type', {type: 'text'}, /the type "text"/],
    ['a keyword inside a definition', {definitions: {d: {maxItems: 2}}}, /#\/definitions\/d: the keyword "maxItems"/],
  ])('refuses a schema with %s', (_, schema, message) => {
    expect(() => schemaChecker(schema as JsonSchema)).toThrow(message)
  })

  it('accepts the annotations the schema carries and checks nothing with them', () => {
    const check = schemaChecker({$schema: 'http://json-schema.org/draft-07/schema#', $id: 'x', title: 't', description: 'd', properties: {a: {default: 1, examples: [2], $comment: 'c'}}})
    expect(check({a: 'anything'})).toEqual([])
  })
})
