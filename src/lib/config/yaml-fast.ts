import {LineIndex, type AliasNode, type MapNode, type ParsedYaml, type ScalarNode, type SeqNode, type YamlNode} from './yaml-tree.js'

/**
 * platform.yaml parsed. yaml's own parser costs 30-45 ms in a fresh process (its generator-based
 * lexer and parser run while V8 still interprets them), and compiling yaml itself about 10 ms more,
 * which is most of what `validate` would spend on a 5 KB file; the subset parser below builds the
 * same nodes in a few ms without loading yaml. Whatever it declines goes to yaml (loaded only then),
 * so errors, warnings and exotic YAML come from yaml unchanged.
 */
export async function parseConfigYaml(text: string): Promise<ParsedYaml> {
  const subset = parseSubset(text)
  if (!('declined' in subset)) return subset
  const {parseWithYaml} = await import('./yaml-full.js')
  return parseWithYaml(text)
}

/** The subset parser's answer: the nodes yaml would build, or why it left the text to yaml. */
export function parseSubset(text: string): ParsedYaml | {declined: string} {
  try {
    return new SubsetParser(text).parse()
  } catch (error) {
    if (error instanceof Declined) return {declined: error.message}
    throw error
  }
}

class Declined extends Error {}

function decline(reason: string): never {
  throw new Declined(reason)
}

interface Line {
  start: number
  /** Offset of the line's `\n`, or the end of the text. */
  end: number
  /** Offset of the next line (after the `\n`), or the end of the text. */
  next: number
  indent: number
  kind: 'blank' | 'comment' | 'content'
}

/** Where a collection's parse stopped: the next content line, and the trailing comments not yet placed. */
interface Ending {
  next: number
  /**
   * The largest column of the full-line comments between the last value and the next content line,
   * -1 for none. yaml leaves such comments in the innermost collection that ends there when one of
   * them is at or right of its indentation, which stretches that collection's range to the next line.
   */
  commentColumn: number
}

/**
 * Control characters (tab and CR among them) and the byte-order mark, NEL and the Unicode line and
 * paragraph separators: each changes how yaml reads indentation, line ends or scalars.
 */
const UNSUPPORTED_CHARACTER = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029\uFEFF]/
/** The block keys the subset reads as plain scalars: names, paths and numbers, no indicator characters. */
const PLAIN_KEY = /^[A-Za-z0-9_$./][\w$./ ()+=@~-]*$/
/** Anchor and alias names the subset accepts (yaml takes more; the rest is declined). */
const ANCHOR_NAME = /^[A-Za-z0-9_-]+$/
/** Characters that may not start a plain scalar, or start one only in cases the subset leaves to yaml. */
const PLAIN_START_INDICATORS = new Set([...'-?:,[]{}#&*!|>\'"%@`'])
const FLOW_INDICATORS = new Set([...',[]{}'])
/**
 * Collections nested deeper than this are left to yaml: the parser recurses once per level, and a
 * hostile file must not overflow the stack (platform.yaml nests about 7 deep).
 */
const MAX_DEPTH = 64
/**
 * Where a plain scalar on a block line stops: a comment (` #`) or a mapping colon (`:` before a space
 * or the line end). The scanners are regular expressions because a fresh process runs this code
 * once, in V8's interpreter, where a loop over characters costs several times a native search.
 */
const BLOCK_PLAIN_END = / #|:(?= |$)/
/** A plain scalar inside a flow collection runs to the next flow indicator (or the line end). */
const FLOW_PLAIN = /[^,[\]{}\n]*/y
const FLOW_KEY = /[^,[\]{}:\n]*/y

/**
 * A parser for the YAML platform.yaml files are written in: block mappings and sequences, plain and
 * one-line quoted scalars, one-line flow collections, comments, anchors on values and aliases to
 * them. It mirrors how yaml's lexer, parser and composer place every node (ranges included), and
 * throws Declined at anything else, or at any doubt.
 */
class SubsetParser {
  private readonly lines: Line[] = []
  /** Each anchor and the node it is on. */
  private readonly anchors = new Map<string, YamlNode>()
  /** How many aliases name each anchor. */
  private readonly aliasCounts = new Map<string, number>()
  /** How many aliases the text has so far. */
  private aliasTotal = 0
  /** How many collections enclose the one being parsed. */
  private depth = 0

  constructor(private readonly text: string) {}

  parse(): ParsedYaml {
    const {text} = this
    if (UNSUPPORTED_CHARACTER.test(text)) decline('a control character, tab, CR, BOM or Unicode line separator')
    this.splitLines()
    let first = this.nextContent(0)
    if (first === this.lines.length) decline('no content')
    if (this.lines[first].indent === 0 && this.lineText(first) === '---') {
      first = this.nextContent(first + 1)
      if (first === this.lines.length) decline('no content after ---')
    }
    for (let i = first; i < this.lines.length; i++) {
      const line = this.lines[i]
      if (line.kind !== 'content') continue
      if (line.indent === 0 && /^(---|\.\.\.|%)/.test(this.lineText(i))) decline('a directive or document marker')
    }
    if (this.lines[first].indent !== 0) decline('an indented top level')

    const {node: root, ending} = this.blockCollection(first, 0)
    if (ending.next !== this.lines.length) decline('content after the top-level collection')
    // yaml's parser reports every line start, the first one included: those splitLines found.
    const lines = new LineIndex(this.lines.map((line) => line.start))
    return {root, errors: [], lines, toJS: () => toPlainData(root)}
  }

  private splitLines(): void {
    const {text} = this
    let start = 0
    for (;;) {
      const newline = text.indexOf('\n', start)
      const end = newline < 0 ? text.length : newline
      let indent = 0
      while (text.charCodeAt(start + indent) === 32) indent++
      const first = start + indent < end ? text[start + indent] : ''
      const kind = first === '' ? 'blank' : first === '#' ? 'comment' : 'content'
      this.lines.push({start, end, next: newline < 0 ? text.length : newline + 1, indent, kind})
      if (newline < 0) return
      start = newline + 1
    }
  }

  private lineText(index: number): string {
    const line = this.lines[index]
    return this.text.slice(line.start + line.indent, line.end)
  }

  private nextContent(from: number): number {
    let index = from
    while (index < this.lines.length && this.lines[index].kind !== 'content') index++
    return index
  }

  /** Offset of the first character of a content line, or the end of the text. */
  private contentOffset(index: number): number {
    return index < this.lines.length ? this.lines[index].start + this.lines[index].indent : this.text.length
  }

  private isSeqItem(index: number, column: number): boolean {
    const at = this.lines[index].start + column
    return this.text[at] === '-' && (at + 1 === this.lines[index].end || this.text[at + 1] === ' ')
  }

  /** A block mapping or sequence whose first item starts at `column` of line `index`. */
  private blockCollection(index: number, column: number): {node: MapNode | SeqNode; ending: Ending} {
    return this.isSeqItem(index, column) ? this.blockSeq(index, column) : this.blockMap(index, column)
  }

  /** Each collection enters and leaves one level (a Declined abandons the whole parse, so no finally). */
  private enter(): void {
    if (++this.depth > MAX_DEPTH) decline(`collections nested more than ${MAX_DEPTH} deep`)
  }

  private blockMap(firstLine: number, column: number): {node: MapNode; ending: Ending} {
    this.enter()
    const map: MapNode = {kind: 'map', items: [], range: [0, 0, 0]}
    let index = firstLine
    let keyAt = this.lines[firstLine].start + column
    let ending: Ending
    for (;;) {
      const key = this.key(index, keyAt)
      if (!key) decline('a block mapping line that is not `key: value`')
      if (map.items.some((pair) => (pair.key as ScalarNode).value === key.node.value)) decline('a duplicate key')
      const value = this.mapValue(index, key.colon + 1, column)
      map.items.push({key: key.node, value: value.node})
      ending = value.ending
      if (ending.next === this.lines.length) break
      const indent = this.lines[ending.next].indent
      if (indent > column) decline('a line indented deeper than its mapping (a multi-line scalar or an error)')
      if (indent < column) break
      if (this.isSeqItem(ending.next, column)) decline('a sequence item among mapping keys')
      index = ending.next
      keyAt = this.lines[index].start + column
    }
    const offset = map.items.at(-1)!.value!.range[2]
    map.range = [this.lines[firstLine].start + column, offset, offset]
    this.depth--
    return {node: map, ending: this.close(map, column, ending)}
  }

  private blockSeq(firstLine: number, column: number): {node: SeqNode; ending: Ending} {
    this.enter()
    const seq: SeqNode = {kind: 'seq', items: [], range: [0, 0, 0]}
    let index = firstLine
    let ending: Ending
    for (;;) {
      const line = this.lines[index]
      const at = this.skipSpaces(line.start + column + 1, line.end)
      if (at === line.end || this.text[at] === '#') {
        // `-` alone: the item is the block collection below it, or empty.
        const value = this.valueBelow(index, at, column, false)
        seq.items.push(value.node)
        ending = value.ending
      } else if (this.isSeqItem(index, at - line.start)) {
        decline('a sequence nested on the same line (`- - a`)')
      } else if (this.text[at] === '&') {
        decline('an anchor on a sequence item')
      } else if (this.key(index, at)) {
        // `- key: value`: a mapping whose keys line up after the dash.
        const map = this.blockMap(index, at - line.start)
        seq.items.push(map.node)
        ending = map.ending
      } else {
        const value = this.inlineValue(index, at, column)
        seq.items.push(value.node)
        ending = value.ending
      }
      if (ending.next === this.lines.length) break
      const indent = this.lines[ending.next].indent
      if (indent > column) decline('a line indented deeper than its sequence (a multi-line scalar or an error)')
      if (indent < column || !this.isSeqItem(ending.next, column)) break
      index = ending.next
    }
    const offset = seq.items.at(-1)!.range[2]
    seq.range = [this.lines[firstLine].start + column, offset, offset]
    this.depth--
    return {node: seq, ending: this.close(seq, column, ending)}
  }

  /**
   * A block collection ends at `ending.next`. yaml's parser hands trailing comment lines to the
   * parent collection only when they all sit left of this one's indentation (or at the top level);
   * otherwise they stay inside as a trailing comment and stretch its range to the next content.
   */
  private close(node: MapNode | SeqNode, column: number, ending: Ending): Ending {
    if (column === 0 || ending.commentColumn < column) return ending
    node.range[2] = this.contentOffset(ending.next)
    return {next: ending.next, commentColumn: -1}
  }

  /** The value after `key:` (`at` is just past the colon) of a mapping at `column`. */
  private mapValue(index: number, colonEnd: number, column: number): {node: YamlNode; ending: Ending} {
    const line = this.lines[index]
    const at = this.skipSpaces(colonEnd, line.end)
    if (at === line.end || this.text[at] === '#') return this.valueBelow(index, at, column, true)
    if (this.text[at] === '&') {
      const nameEnd = this.tokenEnd(at, line.end)
      const anchor = this.text.slice(at + 1, nameEnd)
      if (!ANCHOR_NAME.test(anchor)) decline('an anchor name outside [A-Za-z0-9_-]')
      if (this.anchors.has(anchor)) decline('an anchor defined twice')
      const valueAt = this.skipSpaces(nameEnd, line.end)
      const aliasesBefore = this.aliasTotal
      let value: {node: YamlNode; ending: Ending}
      if (valueAt === line.end || this.text[valueAt] === '#') {
        const next = this.nextContent(index + 1)
        if (next === this.lines.length || this.lines[next].indent <= column) decline('an anchor on an empty value or a same-indent sequence')
        value = this.blockCollection(next, this.lines[next].indent)
      } else {
        value = this.inlineValue(index, valueAt, column)
      }
      if (value.node.kind === 'alias') decline('an anchor on an alias')
      // Aliases inside an anchored value multiply on expansion: yaml's limit on that is left to yaml.
      if (this.aliasTotal !== aliasesBefore) decline('an alias inside an anchored value')
      value.node.anchor = anchor
      this.anchors.set(anchor, value.node)
      return value
    }
    return this.inlineValue(index, at, column)
  }

  /**
   * A value written on the lines below its `key:` or `-` (`at` is where the line's content ended):
   * a block collection indented deeper, a sequence at the key's own indentation, or nothing.
   */
  private valueBelow(index: number, at: number, column: number, afterKey: boolean): {node: YamlNode; ending: Ending} {
    const next = this.nextContent(index + 1)
    if (next < this.lines.length) {
      const indent = this.lines[next].indent
      if (indent > column) return this.blockCollection(next, indent)
      if (afterKey && indent === column && this.isSeqItem(next, column)) return this.blockSeq(next, column)
    }
    // An empty value: yaml places it after the indicator and its spaces, and attaches any comment to
    // it, stretching its range; for a `-` item that includes the comment lines above the dash.
    const commented = this.text[at] === '#' || this.lines.slice(index + 1, next).some((line) => line.kind === 'comment')
    if (commented) decline('a comment after an empty value')
    if (!afterKey && this.commentAbove(index)) decline('a comment above an empty sequence item')
    const node = this.plainScalar('')
    node.range = [at, at, at]
    return {node, ending: {next, commentColumn: -1}}
  }

  /** True when a comment line sits between line `index` and the content line before it. */
  private commentAbove(index: number): boolean {
    for (let i = index - 1; i >= 0 && this.lines[i].kind !== 'content'; i--) if (this.lines[i].kind === 'comment') return true
    return false
  }

  /**
   * A scalar, flow collection or alias that ends its line, in a block collection at `column`.
   * Its range runs to the next line, over its comment and over the comment lines right after it
   * that are indented deeper than the collection (yaml's parser appends those to the value).
   */
  private inlineValue(index: number, at: number, column: number): {node: YamlNode; ending: Ending} {
    const line = this.lines[index]
    const {text} = this
    let node: YamlNode
    let valueEnd: number
    const first = text[at]
    if (first === '[' || first === '{') {
      ;({node, end: valueEnd} = this.flowCollection(at, line.end))
    } else if (first === '"' || first === "'") {
      ;({node, end: valueEnd} = this.quoted(at, line.end))
    } else if (first === '*') {
      valueEnd = this.tokenEnd(at, line.end)
      const name = text.slice(at + 1, valueEnd)
      node = this.alias(name)
    } else {
      ;({node, end: valueEnd} = this.plainInBlock(at, line.end))
    }
    const rest = this.skipSpaces(valueEnd, line.end)
    if (rest < line.end && !(text[rest] === '#' && rest > valueEnd)) decline('text after a value')
    node.range = [at, valueEnd, line.next]

    let next = index + 1
    let commentColumn = -1
    let appending = true
    for (; next < this.lines.length && this.lines[next].kind !== 'content'; next++) {
      const after = this.lines[next]
      if (after.kind !== 'comment') continue
      if (appending && after.indent > column) {
        node.range[2] = after.next
      } else {
        appending = false
        commentColumn = Math.max(commentColumn, after.indent)
      }
    }
    return {node, ending: {next, commentColumn}}
  }

  /** `*name`: an alias to an anchor above it. */
  private alias(name: string): AliasNode {
    const target = this.anchors.get(name)
    if (!ANCHOR_NAME.test(name) || !target) decline('an alias to an unknown or oddly named anchor')
    // yaml refuses to expand a node aliased 1000 times or more (a resource exhaustion attack): left to yaml, far before that.
    const count = (this.aliasCounts.get(name) ?? 0) + 1
    if (count > MAX_ALIASES_PER_ANCHOR) decline(`more than ${MAX_ALIASES_PER_ANCHOR} aliases to one anchor`)
    this.aliasCounts.set(name, count)
    this.aliasTotal++
    return {kind: 'alias', source: name, target, range: [0, 0, 0]}
  }

  /** End of an anchor or alias name: the next space or the end of the line. */
  private tokenEnd(at: number, lineEnd: number): number {
    let end = at + 1
    while (end < lineEnd && this.text[end] !== ' ') end++
    return end
  }

  /** `key:` at `at`, followed by a space or the end of the line; undefined when the line is not a key. */
  private key(index: number, at: number): {node: ScalarNode; colon: number} | undefined {
    const line = this.lines[index]
    const {text} = this
    // A flow collection, alias, anchor or tag here is not a plain key: the caller reads it as a value.
    if (PLAIN_START_INDICATORS.has(text[at]) && text[at] !== '-' && text[at] !== '"' && text[at] !== "'") return undefined
    if (text[at] === '"' || text[at] === "'") {
      const {node, end} = this.quoted(at, line.end)
      if (text[end] !== ':' || !(end + 1 === line.end || text[end + 1] === ' ')) return undefined
      node.range = [at, end, end]
      return {node, colon: end}
    }
    const found = BLOCK_PLAIN_END.exec(text.slice(at, line.end))
    if (found?.[0] !== ':') return undefined
    const colon = at + found.index
    const source = text.slice(at, colon)
    if (!PLAIN_KEY.test(source) || source.endsWith(' ')) decline('a key with characters the subset leaves to yaml')
    const node = this.plainScalar(source)
    node.range = [at, colon, colon]
    return {node, colon}
  }

  /** A plain scalar running to the end of the line or to a ` #` comment, in a block collection. */
  private plainInBlock(at: number, lineEnd: number): {node: ScalarNode; end: number} {
    const {text} = this
    this.checkPlainStart(at, lineEnd)
    const found = BLOCK_PLAIN_END.exec(text.slice(at, lineEnd))
    if (found?.[0] === ':') decline('`: ` in a value (a nested mapping on one line)')
    let end = found ? at + found.index : lineEnd
    while (text[end - 1] === ' ') end--
    const node = this.plainScalar(text.slice(at, end))
    return {node, end}
  }

  private checkPlainStart(at: number, lineEnd: number): void {
    const first = this.text[at]
    if (!PLAIN_START_INDICATORS.has(first)) return
    // `-1`, `-foo`: a dash followed by text is an ordinary plain scalar.
    const next = at + 1 < lineEnd ? this.text[at + 1] : ' '
    if (first === '-' && next !== ' ' && next !== '-' && !FLOW_INDICATORS.has(next)) return
    decline(`a plain scalar starting with ${first}`)
  }

  /** A one-line quoted scalar; `end` is just past the closing quote. */
  private quoted(at: number, lineEnd: number): {node: ScalarNode; end: number} {
    const {text} = this
    const quote = text[at]
    let value = ''
    let from = at + 1
    let close: number
    for (;;) {
      close = text.indexOf(quote, from)
      if (close < 0 || close >= lineEnd) decline('a quoted scalar that goes on to the next line')
      value += text.slice(from, close)
      // '' is a quote inside single quotes; in double quotes the escapes are left to yaml.
      if (quote === "'" && text[close + 1] === "'") {
        value += "'"
        from = close + 2
        continue
      }
      break
    }
    if (quote === '"' && value.includes('\\')) decline('an escape in a double-quoted scalar')
    return {node: {kind: 'scalar', value, source: value, range: [0, 0, 0]}, end: close + 1}
  }

  /**
   * `[...]` or `{...}` closed on the same line. Each scalar's range takes in the spaces before the
   * next `,` or bracket, as yaml's does; nested collections end at their bracket.
   */
  private flowCollection(at: number, lineEnd: number): {node: MapNode | SeqNode; end: number} {
    const {text} = this
    this.enter()
    const isMap = text[at] === '{'
    const close = isMap ? '}' : ']'
    const node: MapNode | SeqNode = isMap ? {kind: 'map', items: [], range: [0, 0, 0]} : {kind: 'seq', items: [], range: [0, 0, 0]}
    let i = this.skipSpaces(at + 1, lineEnd)
    if (text[i] !== close) {
      for (;;) {
        if (isMap) {
          const key = this.flowKey(i, lineEnd)
          if ((node as MapNode).items.some((pair) => (pair.key as ScalarNode).value === key.node.value)) decline('a duplicate key')
          const value = this.flowItem(this.skipSpaces(key.colon + 1, lineEnd), lineEnd)
          ;(node as MapNode).items.push({key: key.node, value: value.node})
          i = value.end
        } else {
          const item = this.flowItem(i, lineEnd)
          if (text[item.end] === ':') decline('a key: value pair in a flow sequence')
          ;(node as SeqNode).items.push(item.node)
          i = item.end
        }
        if (text[i] === ',') {
          i = this.skipSpaces(i + 1, lineEnd)
          if (text[i] === close || text[i] === ',') decline('an empty entry or a trailing comma in a flow collection')
          continue
        }
        if (text[i] === close) break
        decline('a flow collection not closed on its line')
      }
    }
    node.range = [at, i + 1, i + 1]
    this.depth--
    return {node, end: i + 1}
  }

  private skipSpaces(at: number, lineEnd: number): number {
    let i = at
    while (i < lineEnd && this.text[i] === ' ') i++
    return i
  }

  /** A key inside `{}`: a plain name or a quoted scalar, followed by `: `. */
  private flowKey(at: number, lineEnd: number): {node: ScalarNode; colon: number} {
    const {text} = this
    let node: ScalarNode
    let end: number
    if (text[at] === '"' || text[at] === "'") {
      ;({node, end} = this.quoted(at, lineEnd))
    } else {
      FLOW_KEY.lastIndex = at
      FLOW_KEY.test(text)
      end = FLOW_KEY.lastIndex
      const source = text.slice(at, end)
      if (!PLAIN_KEY.test(source) || source.endsWith(' ')) decline('a flow mapping key the subset leaves to yaml')
      node = this.plainScalar(source)
    }
    if (text[end] !== ':' || text[end + 1] !== ' ') decline('a flow mapping key without `: ` right after it')
    node.range = [at, end, end]
    return {node, colon: end}
  }

  /** A scalar or nested collection inside a flow collection; `end` is where the next `,` or bracket is. */
  private flowItem(at: number, lineEnd: number): {node: YamlNode; end: number} {
    const {text} = this
    const first = text[at]
    if (first === '[' || first === '{') {
      const nested = this.flowCollection(at, lineEnd)
      if (text[nested.end] === ' ') decline('spaces after a nested flow collection')
      return nested
    }
    let node: ScalarNode
    let valueEnd: number
    if (first === '"' || first === "'") {
      ;({node, end: valueEnd} = this.quoted(at, lineEnd))
    } else {
      this.checkPlainStart(at, lineEnd)
      FLOW_PLAIN.lastIndex = at
      FLOW_PLAIN.test(text)
      valueEnd = FLOW_PLAIN.lastIndex
      const odd = /[:#?]/.exec(text.slice(at, valueEnd))
      if (odd) decline(`${odd[0]} in a flow scalar`)
      while (text[valueEnd - 1] === ' ') valueEnd--
      node = this.plainScalar(text.slice(at, valueEnd))
    }
    const end = this.skipSpaces(valueEnd, lineEnd)
    node.range = [at, valueEnd, end]
    return {node, end}
  }

  /** A plain scalar, resolved as yaml's core schema resolves it (null, bool, int, float, else a string). */
  private plainScalar(source: string): ScalarNode {
    return {kind: 'scalar', value: resolvePlain(source), source, range: [0, 0, 0]}
  }
}

/**
 * yaml's core-schema tags for plain scalars, in yaml's order: the first whose test matches resolves
 * the text (yaml-fast.test.ts holds every value equal to yaml's).
 */
const CORE_SCALARS: ReadonlyArray<{test: RegExp; resolve: (source: string) => unknown}> = [
  {test: /^(?:~|[Nn]ull|NULL)?$/, resolve: () => null},
  {test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, resolve: (source) => source[0] === 't' || source[0] === 'T'},
  {test: /^0o[0-7]+$/, resolve: (source) => parseInt(source.substring(2), 8)},
  {test: /^[-+]?[0-9]+$/, resolve: (source) => parseInt(source, 10)},
  {test: /^0x[0-9a-fA-F]+$/, resolve: (source) => parseInt(source.substring(2), 16)},
  {
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    resolve: (source) => (source.slice(-3).toLowerCase() === 'nan' ? Number.NaN : source[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY),
  },
  {test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, resolve: (source) => parseFloat(source)},
  {test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, resolve: (source) => parseFloat(source)},
]

function resolvePlain(source: string): unknown {
  for (const scalar of CORE_SCALARS) if (scalar.test.test(source)) return scalar.resolve(source)
  return source
}

/**
 * The most aliases to one anchor the subset expands itself. yaml refuses a document once a node is
 * copied 1000 times through aliases (MAX_ALIAS_COUNT in yaml-full.ts); past this, yaml decides.
 */
const MAX_ALIASES_PER_ANCHOR = 100

/**
 * The data of a subset document, as yaml's toJS builds it: an alias is the same value as its
 * anchored node (the same object for a collection), and a key is its value as text (null as '').
 * The subset has no merge keys, and no alias inside an anchored value, so nothing here can explode.
 */
function toPlainData(root: YamlNode): unknown {
  const anchored = new Map<YamlNode, unknown>()
  const convert = (node: YamlNode | null): unknown => {
    if (node === null) return null
    let value: unknown
    if (node.kind === 'alias') return anchored.get(node.target!)
    if (node.kind === 'scalar') {
      value = node.value
    } else if (node.kind === 'seq') {
      value = node.items.map(convert)
    } else {
      const map: Record<string, unknown> = {}
      for (const pair of node.items) {
        const key = convert(pair.key)
        const name = key === null ? '' : String(key)
        const item = convert(pair.value)
        // As yaml: a name an object already has (`__proto__`, `constructor`) becomes an own property.
        if (name in map) Object.defineProperty(map, name, {value: item, writable: true, enumerable: true, configurable: true})
        else map[name] = item
      }
      value = map
    }
    if (node.anchor) anchored.set(node, value)
    return value
  }
  return convert(root)
}
