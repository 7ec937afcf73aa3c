import {readFileSync} from 'node:fs'
import {pathToFileURL} from 'node:url'
import {packageFile} from '../package-files.js'

/** The parts of JSON Schema draft-07 that platform.schema.json uses. */
export interface JsonSchema {
  $ref?: string
  type?: string | string[]
  description?: string
  default?: unknown
  examples?: unknown[]
  enum?: unknown[]
  const?: unknown
  pattern?: string
  properties?: Record<string, JsonSchema>
  patternProperties?: Record<string, JsonSchema>
  additionalProperties?: boolean | JsonSchema
  propertyNames?: JsonSchema
  items?: JsonSchema
  required?: string[]
  minProperties?: number
  uniqueItems?: boolean
  definitions?: Record<string, JsonSchema>
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  minLength?: number
  maxLength?: number
  [keyword: string]: unknown
}

/** The schema ships in the package (`files: schema`). */
export const SCHEMA_URL = pathToFileURL(packageFile('schema', 'platform.schema.json'))

let cached: JsonSchema | undefined

/** platform.schema.json, read once. */
export function platformSchema(): JsonSchema {
  cached ??= JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as JsonSchema
  return cached
}

/** Follow a local `$ref` (`#/definitions/service`). */
export function deref(schema: JsonSchema | undefined, root: JsonSchema = platformSchema()): JsonSchema | undefined {
  let current = schema
  for (let i = 0; i < 10 && current?.$ref; i++) {
    const name = current.$ref.replace(/^#\/definitions\//, '')
    current = root.definitions?.[name]
  }
  return current
}

/** The schema that describes the value at `path` of a platform.yaml document. */
export function schemaAt(path: ReadonlyArray<string | number>, root: JsonSchema = platformSchema()): JsonSchema | undefined {
  let current = deref(root, root)
  for (const segment of path) {
    if (!current) return undefined
    if (typeof segment === 'number') current = deref(current.items, root)
    else if (current.properties?.[segment]) current = deref(current.properties[segment], root)
    else if (typeof current.additionalProperties === 'object') current = deref(current.additionalProperties, root)
    else return undefined
  }
  return current
}

/** The `environment` definition: what `defaults` and each environment may contain. */
export function environmentSchema(root: JsonSchema = platformSchema()): JsonSchema {
  return root.definitions!.environment
}

/**
 * Fill every missing property that has a `default` in the schema, recursing into objects (present
 * or just defaulted), map entries and array items. Values already present are never changed.
 * `null` defaults mean "absent" and are not written.
 */
export function fillDefaults(value: unknown, schema: JsonSchema | undefined, root: JsonSchema = platformSchema()): void {
  const resolved = deref(schema, root)
  if (!resolved) return
  if (Array.isArray(value)) {
    if (resolved.items) for (const item of value) fillDefaults(item, resolved.items, root)
    return
  }
  if (!isPlainObject(value)) return
  for (const [key, propertySchema] of Object.entries(resolved.properties ?? {})) {
    const property = deref(propertySchema, root)
    if (value[key] === undefined && property?.default !== undefined && property.default !== null) {
      const fallback = property.default
      value[key] = typeof fallback === 'object' ? JSON.parse(JSON.stringify(fallback)) : fallback
    }
    if (value[key] !== undefined) fillDefaults(value[key], property, root)
  }
  if (typeof resolved.additionalProperties === 'object') {
    for (const [key, entry] of Object.entries(value)) {
      if (!resolved.properties?.[key]) fillDefaults(entry, resolved.additionalProperties, root)
    }
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
