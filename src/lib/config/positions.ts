import {isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair} from 'yaml'

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
  key?: Node
  /** The value node at the deepest existing segment. */
  value?: Node | null
  /** How many segments of the path exist in the document. */
  depth: number
}

/**
 * Maps YAML paths to line and column in the source text, following aliases and `<<` merge keys
 * so that a value reached through `*anchor` points at where it is written.
 */
export class SourcePositions {
  constructor(
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  /** Line/column of a character offset (1-based). */
  at(offset: number): Position {
    const {line, col} = this.lineCounter.linePos(offset)
    return {line, column: col}
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
    let node: Node | null | undefined
    if (found.depth === path.length) {
      node = target === 'key' ? found.key ?? found.value : valueOrKey(found)
    } else {
      node = found.key ?? found.value
    }
    const offset = node?.range?.[0] ?? 0
    return this.at(offset)
  }

  private find(path: YamlPath): Found {
    let current: Node | null | undefined = this.doc.contents as Node | null
    let key: Node | undefined
    let depth = 0
    for (const segment of path) {
      const resolved = this.deref(current)
      let pair: Pair<Node, Node | null> | undefined
      if (isMap(resolved)) pair = this.findPair(resolved.items as Pair<Node, Node | null>[], String(segment), 0)
      if (pair) {
        key = pair.key as Node
        current = pair.value
      } else if (isSeq(resolved) && typeof segment === 'number' && segment < resolved.items.length) {
        current = resolved.items[segment] as Node
        key = current ?? undefined
      } else {
        break
      }
      depth++
    }
    return {key, value: current, depth}
  }

  private findPair(items: Pair<Node, Node | null>[], name: string, nesting: number): Pair<Node, Node | null> | undefined {
    // Later keys win in YAML merge semantics only for explicit keys; explicit keys beat merged ones.
    const direct = items.find((p) => isPair(p) && keyText(p.key) === name)
    if (direct || nesting > 20) return direct
    for (const merge of items.filter((p) => isPair(p) && keyText(p.key) === '<<')) {
      const sources = isSeq(merge.value) ? (merge.value.items as Node[]) : [merge.value]
      for (const source of sources) {
        const map = this.deref(source)
        if (isMap(map)) {
          const found = this.findPair(map.items as Pair<Node, Node | null>[], name, nesting + 1)
          if (found) return found
        }
      }
    }
    return undefined
  }

  private deref(node: Node | null | undefined): Node | null | undefined {
    let current = node
    for (let i = 0; i < 20 && isAlias(current); i++) current = current.resolve(this.doc) as Node | undefined
    return current
  }
}

function keyText(node: unknown): string | undefined {
  // With `merge: true`, yaml gives the `<<` key a symbol value.
  if (isScalar(node)) return typeof node.value === 'symbol' ? (node.source ?? '<<') : String(node.value)
  return undefined
}

/** A `key:` with nothing after it has an empty scalar at the end of the line; point at the key instead. */
function valueOrKey(found: Found): Node | undefined {
  const value = found.value
  if (!value || (isScalar(value) && value.value === null && value.source === '')) return found.key
  return value
}
