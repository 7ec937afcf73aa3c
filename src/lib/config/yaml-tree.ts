/**
 * platform.yaml as the config layer reads it: the nodes as written (where each starts, its value,
 * anchors and aliases), the line of any offset, and the plain data. Two parsers produce it: the
 * subset parser (yaml-fast.ts), without loading the yaml library, for the files people write; and
 * yaml itself (yaml-full.ts) for everything else, errors included.
 */

/** Where a node is written: its start, the end of its value, and the end of the node with its comments (yaml's `range`). */
export type YamlRange = [start: number, valueEnd: number, nodeEnd: number]

export interface ScalarNode {
  kind: 'scalar'
  /** The resolved value: a string, number, boolean or null (`<<`, a merge key, is yaml's symbol). */
  value: unknown
  /** The text of the scalar without its quotes; `''` for an empty value (`key:` and nothing after). */
  source?: string
  range: YamlRange
  anchor?: string
}

export interface MapNode {
  kind: 'map'
  items: PairNode[]
  range: YamlRange
  anchor?: string
}

export interface SeqNode {
  kind: 'seq'
  items: Array<YamlNode | null>
  range: YamlRange
  anchor?: string
}

export interface AliasNode {
  kind: 'alias'
  /** The anchor's name. */
  source: string
  /** The node the alias stands for: the last one anchored with that name before it; undefined when there is none. */
  target?: YamlNode
  range: YamlRange
}

export interface PairNode {
  key: YamlNode | null
  value: YamlNode | null
}

export type YamlNode = ScalarNode | MapNode | SeqNode | AliasNode

/** A YAML syntax error, at a 1-based line and column. `code` is yaml's (DUPLICATE_KEY, BAD_INDENT, ...). */
export interface YamlSyntaxError {
  line: number
  column: number
  message: string
  code: string
}

export interface ParsedYaml {
  /** The top-level node; null for a document with no content. */
  root: YamlNode | null
  errors: YamlSyntaxError[]
  lines: LineIndex
  /** The document as plain data, aliases expanded and merge keys applied; throws when it cannot be expanded. */
  toJS(): unknown
}

/** 1-based line and column of character offsets, from the offsets where lines start (as yaml's LineCounter). */
export class LineIndex {
  constructor(readonly lineStarts: readonly number[]) {}

  /** The lines of `text`, split at `\n`. */
  static of(text: string): LineIndex {
    const starts = [0]
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1)
    return new LineIndex(starts)
  }

  at(offset: number): {line: number; column: number} {
    const starts = this.lineStarts
    let low = 0
    let high = starts.length
    while (low < high) {
      const mid = (low + high) >> 1
      if (starts[mid] < offset) low = mid + 1
      else high = mid
    }
    if (starts[low] === offset) return {line: low + 1, column: 1}
    if (low === 0) return {line: 0, column: offset}
    return {line: low, column: offset - starts[low - 1] + 1}
  }
}
