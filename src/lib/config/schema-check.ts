import {platformSchema, type JsonSchema} from './schema.js'

/**
 * One way a value fails platform.schema.json, in the shape of ajv's error objects (allErrors,
 * draft-07, `unicode: false`), so that what `schema-issues.ts` reads is what ajv would report.
 */
export interface SchemaError {
  /** JSON pointer of the failing value (`/environments/prod/services/web/port`). */
  instancePath: string
  /** Where the failing keyword is in the schema (`#/definitions/service/properties/port/type`). */
  schemaPath: string
  keyword: string
  params: Record<string, unknown>
  message: string
  /** On the errors of a `propertyNames` schema: the key that failed it (instancePath is its mapping's). */
  propertyName?: string
}

/**
 * Check platform.yaml's data against platform.schema.json: every error, in ajv's order.
 *
 * Why not ajv: compiled at start-up ajv costs ~150 ms, and its standalone code for this schema is
 * 210 KB that Node compiled on every `platform validate` (~40 ms). Walking the schema itself costs
 * a few ms, and the schema is read anyway (defaults, messages).
 */
export function checkPlatformSchema(data: unknown): SchemaError[] {
  platformChecker ??= schemaChecker(platformSchema())
  return platformChecker(data)
}

let platformChecker: ((data: unknown) => SchemaError[]) | undefined

/** Keywords that check nothing (ajv without `useDefaults`), or hold schemas reached by `$ref`. */
const NOT_CHECKED = new Set(['$schema', '$id', '$comment', 'title', 'description', 'default', 'examples', 'definitions'])

/**
 * ajv applies keywords in groups, in this order (its `RULES.rules`): first those of any value
 * ($ref, const, enum), then each group of keywords of one type, when the value has that type.
 * `check` applies the keywords of each group in ajv's order too.
 */
const GROUPS = ['number', 'string', 'array', 'object'] as const
type Group = (typeof GROUPS)[number]
/** Each keyword this module checks, and its group (null: any value). */
const CHECKED = new Map<string, Group | null>([
  ...(['type', '$ref', 'const', 'enum'] as const).map((keyword) => [keyword, null] as const),
  ...(['maximum', 'minimum', 'exclusiveMinimum'] as const).map((keyword) => [keyword, 'number'] as const),
  ...(['maxLength', 'minLength', 'pattern'] as const).map((keyword) => [keyword, 'string'] as const),
  ...(['items', 'uniqueItems'] as const).map((keyword) => [keyword, 'array'] as const),
  ...(['minProperties', 'required', 'propertyNames', 'additionalProperties', 'properties', 'patternProperties'] as const).map((keyword) => [keyword, 'object'] as const),
])
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'array', 'object'])

/** One schema object as the checker uses it, worked out once: where it is, its types, its subschemas. */
interface Node {
  schema: JsonSchema
  /** Its schemaPath as ajv spells it: where its errors start (see `resolve`), then the way from there. */
  base: {path: string}
  path: string
  types: string[]
  /**
   * The one type whose keyword group this schema uses: ajv reports a wrong type where that group
   * would have run. Otherwise (no group of that type, or several types) the type is checked first.
   */
  typeInGroup?: string
  /** The keyword groups it uses, in ajv's order. */
  groups: Group[]
  ref?: Node
  items?: Node
  propertyNames?: Node
  /** `false`, or the schema of the keys neither properties nor patternProperties name. */
  additional?: Node | false
  properties: Array<{key: string; node: Node}>
  patternProperties: Array<{pattern: string; node: Node}>
}

/**
 * A checker for `root`. Throws when the schema uses a keyword (or a form of one) this module does
 * not check, so that a schema edit is never silently ignored.
 */
export function schemaChecker(root: JsonSchema): (data: unknown) => SchemaError[] {
  const refuse = (where: string, what: string): never => {
    throw new Error(`platform.schema.json ${where}: ${what} is not supported by the schema checker (src/lib/config/schema-check.ts)`)
  }
  const patterns = new Map<string, RegExp>()
  // ajv's default `unicodeRegExp`: every pattern is a unicode regular expression. Compiled when
  // first used: a run meets only some of them.
  const regExp = (pattern: string): RegExp => patterns.get(pattern) ?? patterns.set(pattern, new RegExp(pattern, 'u')).get(pattern)!
  const refs = new Map<string, Node>()
  /** How many `$ref`s compile has met, to tell whether a definition holds one. */
  let refsMet = 0

  const compile = (schema: unknown, base: {path: string}, path: string, ref?: string): Node => {
    const where = () => `${base.path}${path}`
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return refuse(where(), `a schema that is not an object (${JSON.stringify(schema)})`)
    const object = schema as JsonSchema
    let used = 0
    for (const keyword in object) {
      const group = CHECKED.get(keyword)
      if (group) used |= 1 << GROUPS.indexOf(group)
      else if (group === undefined && !NOT_CHECKED.has(keyword)) refuse(where(), `the keyword "${keyword}"`)
    }
    const types = object.type === undefined ? [] : typeof object.type === 'string' ? [object.type] : object.type
    for (const type of types) if (!TYPES.has(type)) refuse(where(), `the type "${type}"`)
    const groups: Group[] = []
    for (let i = 0; i < GROUPS.length; i++) if (used & (1 << i)) groups.push(GROUPS[i])
    const typeInGroup = types.length === 1 && (groups as string[]).includes(types[0]) ? types[0] : undefined
    const node: Node = {schema: object, base, path, types, typeInGroup, groups, properties: [], patternProperties: []}
    // Registered before its subschemas, which may refer back to it.
    if (ref !== undefined) refs.set(ref, node)
    if (object.$ref !== undefined) {
      refsMet++
      node.ref = resolve(object.$ref, where())
    }
    if (object.items !== undefined) node.items = compile(object.items, base, `${path}/items`)
    if (object.propertyNames !== undefined) node.propertyNames = compile(object.propertyNames, base, `${path}/propertyNames`)
    if (object.additionalProperties === false) node.additional = false
    else if (object.additionalProperties !== undefined && object.additionalProperties !== true) node.additional = compile(object.additionalProperties, base, `${path}/additionalProperties`)
    for (const key in object.properties) node.properties.push({key, node: compile(object.properties[key], base, `${path}/properties/${encodeURIComponent(escapePointer(key))}`)})
    for (const key in object.patternProperties) node.patternProperties.push({pattern: key, node: compile(object.patternProperties[key], base, `${path}/patternProperties/${encodeURIComponent(escapePointer(key))}`)})
    return node
  }

  /**
   * The schema a `$ref` names, with the schemaPath its errors start from: ajv inlines a definition
   * without references of its own, its errors under the reference (`#/definitions/service/...`),
   * and compiles any other as a function of its own, whose errors start at `#`.
   */
  const resolve = (ref: string, where: string): Node => {
    const known = refs.get(ref)
    if (known) return known
    const name = /^#\/definitions\/([\w-]+)$/.exec(ref)?.[1]
    const schema = name === undefined ? undefined : root.definitions?.[name]
    if (!schema) return refuse(where, `the reference "${ref}" (only #/definitions/<name> of this file)`)
    const base = {path: ref}
    const before = refsMet
    const node = compile(schema, base, '', ref)
    if (refsMet > before) base.path = '#'
    return node
  }

  const start = compile(root, {path: '#'}, '')
  for (const name in root.definitions) resolve(`#/definitions/${name}`, '#/definitions')

  /** The keys and indexes from the root to the value being checked. */
  const at: Array<string | number> = []
  let errors: SchemaError[] = []
  const fail = (node: Node, keyword: string, params: Record<string, unknown>, message: string, propertyName: string | undefined): void => {
    let instancePath = ''
    for (const segment of at) instancePath += `/${typeof segment === 'number' ? segment : escapePointer(segment)}`
    const error: SchemaError = {instancePath, schemaPath: `${node.base.path}${node.path}/${keyword}`, keyword, params, message}
    if (propertyName !== undefined) error.propertyName = propertyName
    errors.push(error)
  }
  const checkAt = (node: Node, data: unknown, segment: string | number, propertyName: string | undefined): void => {
    at.push(segment)
    check(node, data, propertyName)
    at.pop()
  }

  const check = (node: Node, data: unknown, propertyName: string | undefined): void => {
    const schema = node.schema
    const typeError = () => fail(node, 'type', {type: schema.type}, `must be ${String(schema.type)}`, propertyName)
    if (node.types.length > 0 && node.typeInGroup === undefined && !hasAnyType(data, node.types)) typeError()

    if (node.ref) check(node.ref, data, propertyName)
    if (schema.const !== undefined && !equal(data, schema.const)) fail(node, 'const', {allowedValue: schema.const}, 'must be equal to constant', propertyName)
    if (schema.enum !== undefined && !includes(schema.enum, data)) fail(node, 'enum', {allowedValues: schema.enum}, 'must be equal to one of the allowed values', propertyName)

    for (const group of node.groups) {
      if (!hasType(data, group)) {
        if (node.typeInGroup === group) typeError()
        continue
      }
      switch (group) {
        case 'number': {
          const value = data as number
          if (schema.maximum !== undefined && value > schema.maximum) fail(node, 'maximum', {comparison: '<=', limit: schema.maximum}, `must be <= ${schema.maximum}`, propertyName)
          if (schema.minimum !== undefined && value < schema.minimum) fail(node, 'minimum', {comparison: '>=', limit: schema.minimum}, `must be >= ${schema.minimum}`, propertyName)
          if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) fail(node, 'exclusiveMinimum', {comparison: '>', limit: schema.exclusiveMinimum}, `must be > ${schema.exclusiveMinimum}`, propertyName)
          break
        }
        case 'string': {
          const value = data as string
          // Lengths in UTF-16 units (ajv's `unicode: false`): the names it limits are ASCII.
          if (schema.maxLength !== undefined && value.length > schema.maxLength) fail(node, 'maxLength', {limit: schema.maxLength}, `must NOT have more than ${schema.maxLength} characters`, propertyName)
          if (schema.minLength !== undefined && value.length < schema.minLength) fail(node, 'minLength', {limit: schema.minLength}, `must NOT have fewer than ${schema.minLength} characters`, propertyName)
          if (schema.pattern !== undefined && !regExp(schema.pattern).test(value)) fail(node, 'pattern', {pattern: schema.pattern}, `must match pattern "${schema.pattern}"`, propertyName)
          break
        }
        case 'array': {
          const list = data as unknown[]
          if (node.items) for (let i = 0; i < list.length; i++) checkAt(node.items, list[i], i, propertyName)
          if (schema.uniqueItems === true) {
            const duplicate = duplicateItems(list, schema.items)
            if (duplicate) fail(node, 'uniqueItems', duplicate, `must NOT have duplicate items (items ## ${duplicate.j} and ${duplicate.i} are identical)`, propertyName)
          }
          break
        }
        case 'object': {
          const object = data as Record<string, unknown>
          if (schema.minProperties !== undefined && Object.keys(object).length < schema.minProperties) fail(node, 'minProperties', {limit: schema.minProperties}, `must NOT have fewer than ${schema.minProperties} properties`, propertyName)
          if (schema.required) for (const key of schema.required) if (object[key] === undefined) fail(node, 'required', {missingProperty: key}, `must have required property '${key}'`, propertyName)
          if (node.propertyNames) {
            for (const key in object) {
              const before = errors.length
              check(node.propertyNames, key, key)
              if (errors.length > before) fail(node, 'propertyNames', {propertyName: key}, 'property name must be valid', propertyName)
            }
          }
          if (node.additional !== undefined) {
            const properties = schema.properties ?? {}
            for (const key in object) {
              if (Object.hasOwn(properties, key) || matchesPatternProperty(node, key)) continue
              if (node.additional === false) fail(node, 'additionalProperties', {additionalProperty: key}, 'must NOT have additional properties', propertyName)
              else checkAt(node.additional, object[key], key, propertyName)
            }
          }
          for (const {key, node: property} of node.properties) if (object[key] !== undefined) checkAt(property, object[key], key, propertyName)
          for (const {pattern, node: property} of node.patternProperties) {
            for (const key in object) if (regExp(pattern).test(key)) checkAt(property, object[key], key, propertyName)
          }
          break
        }
      }
    }
  }

  const matchesPatternProperty = (node: Node, key: string): boolean => {
    for (const {pattern} of node.patternProperties) if (regExp(pattern).test(key)) return true
    return false
  }

  return (data) => {
    errors = []
    check(start, data, undefined)
    return errors
  }
}

/**
 * ajv's type tests (with `strict`, hence `strictNumbers`): a number is finite (YAML's .nan and .inf
 * are of no type the schema allows), an integer is one without a fraction, an object is not a list.
 */
function hasType(data: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return data === null
    case 'array':
      return Array.isArray(data)
    case 'object':
      return typeof data === 'object' && data !== null && !Array.isArray(data)
    case 'number':
      return Number.isFinite(data)
    case 'integer':
      return Number.isInteger(data)
    default:
      return typeof data === type
  }
}

function hasAnyType(data: unknown, types: string[]): boolean {
  for (const type of types) if (hasType(data, type)) return true
  return false
}

/** Whether `list` holds `value` (ajv's enum: deep equality). */
function includes(list: unknown[], value: unknown): boolean {
  for (const item of list) if (equal(value, item)) return true
  return false
}

/**
 * The first pair of equal items, as ajv finds it. With items of simple types it walks from the end
 * keeping the last index of each value (by its text, strings told from numbers by a suffix when both
 * are allowed) and skips items of other types: `{i, j}` with i < j. Otherwise it compares each item
 * with every earlier one, from the end: i > j.
 */
function duplicateItems(list: unknown[], items: JsonSchema | undefined): {i: number; j: number} | undefined {
  const itemTypes = items?.type === undefined ? [] : [items.type].flat()
  let i = list.length
  if (i <= 1) return undefined
  if (itemTypes.length > 0 && !itemTypes.some((type) => type === 'object' || type === 'array')) {
    // A plain object, as ajv's: the same keys collide (`__proto__` never does) in both.
    const indices: Record<string, unknown> = {}
    while (i--) {
      let item = list[i]
      if (!hasAnyType(item, itemTypes)) continue
      if (itemTypes.length > 1 && typeof item === 'string') item += '_'
      const key = String(item)
      if (typeof indices[key] === 'number') return {i, j: indices[key]}
      indices[key] = i
    }
    return undefined
  }
  while (i--) for (let j = i; j--; ) if (equal(list[i], list[j])) return {i, j}
  return undefined
}

/** Deep equality of JSON values (fast-deep-equal's, which ajv uses): NaN equals NaN. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    if (Array.isArray(a) !== Array.isArray(b)) return false
    if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((item, index) => equal(item, (b as unknown[])[index]))
    const keys = Object.keys(a)
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && equal((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  }
  return a !== a && b !== b
}

/** A key as one segment of a JSON pointer (RFC 6901), as {@link SchemaError.instancePath} spells it. */
export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1')
}
