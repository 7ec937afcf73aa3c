import type {LineIndex, PairNode, YamlNode} from './yaml-tree.js'

/** A path into the YAML document: map keys and sequence indexes. */
export type YamlPath = ReadonlyArray<string | number>

export interface Position {
  line: number
  column: number
}

/** `['environments', 'prod', 'services', 'web', 'cpu']` → `environments.prod.services.web.cpu`; `[..., 0]` → `...[0]`. */
export function formatPath(path: YamlPath): string {
  let text = ''
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) text += text ? `.${segment}` : segment
    else text += `[${JSON.stringify(segment)}]`
  }
  return text
}

interface Found {
  /** The key node of the last segment that exists (undefined at the document root). */
  key?: YamlNode
  /** The value node at the deepest existing segment. */
  value?: YamlNode | null
  /** How many segments of the path exist in the document. */
  depth: number
}

/**
 * Maps YAML paths to line and column in the source text, following aliases and `<<` merge keys
 * so that a value reached through `*anchor` points at where it is written.
 */
export class SourcePositions {
  constructor(
    private readonly root: YamlNode | null,
    private readonly lines: LineIndex,
  ) {}

  /** Line/column of a character offset (1-based). */
  at(offset: number): Position {
    return this.lines.at(offset)
  }

  /** True when every segment of `path` is written in the file. */
  has(path: YamlPath): boolean {
    return this.find(path).depth === path.length
  }

  /**
   * Where to point for `path`. `target: 'value'` points at the value (wrong types, bad values);
   * `'key'` at the key (unknown keys). A path that does not exist (a missing required key, a value
   * filled by a default) points at the key of its deepest existing ancestor mapping.
   */
  locate(path: YamlPath, target: 'key' | 'value' = 'value'): Position {
    const found = this.find(path)
    let node: YamlNode | null | undefined
    if (found.depth === path.length) {
      node = target === 'key' ? found.key ?? found.value : valueOrKey(found)
    } else {
      node = found.key ?? found.value
    }
    return this.at(node?.range[0] ?? 0)
  }

  private find(path: YamlPath): Found {
    let current: YamlNode | null | undefined = this.root
    let key: YamlNode | undefined
    let depth = 0
    for (const segment of path) {
      const resolved = deref(current)
      let pair: PairNode | undefined
      if (resolved?.kind === 'map') pair = findPair(resolved.items, String(segment), 0)
      if (pair) {
        key = pair.key ?? undefined
        current = pair.value
      } else if (resolved?.kind === 'seq' && typeof segment === 'number' && segment < resolved.items.length) {
        current = resolved.items[segment]
        key = current ?? undefined
      } else {
        break
      }
      depth++
    }
    return {key, value: current, depth}
  }
}

function findPair(items: PairNode[], name: string, nesting: number): PairNode | undefined {
  // Later keys win in YAML merge semantics only for explicit keys; explicit keys beat merged ones.
  const direct = items.find((p) => keyText(p.key) === name)
  if (direct || nesting > 20) return direct
  for (const merge of items.filter((p) => keyText(p.key) === '<<')) {
    const sources = merge.value?.kind === 'seq' ? merge.value.items : [merge.value]
    for (const source of sources) {
      const map = deref(source)
      if (map?.kind === 'map') {
        const found = findPair(map.items, name, nesting + 1)
        if (found) return found
      }
    }
  }
  return undefined
}

function deref(node: YamlNode | null | undefined): YamlNode | null | undefined {
  let current = node
  for (let i = 0; i < 20 && current?.kind === 'alias'; i++) current = current.target
  return current
}

function keyText(node: YamlNode | null): string | undefined {
  // With `merge: true`, yaml gives the `<<` key a symbol value.
  if (node?.kind === 'scalar') return typeof node.value === 'symbol' ? (node.source ?? '<<') : String(node.value)
  return undefined
}

/** A `key:` with nothing after it has an empty scalar at the end of the line; point at the key instead. */
function valueOrKey(found: Found): YamlNode | undefined {
  const value = found.value
  if (!value || (value.kind === 'scalar' && value.value === null && value.source === '')) return found.key
  return value
}
