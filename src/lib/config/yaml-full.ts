import {LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node} from 'yaml'
import {LineIndex, type AliasNode, type MapNode, type PairNode, type ParsedYaml, type ScalarNode, type SeqNode, type YamlNode, type YamlRange} from './yaml-tree.js'

/**
 * How platform.yaml is parsed by yaml. `logLevel: 'error'`: yaml would otherwise print its warnings
 * through process.emitWarning; load.ts reports errors as issues.
 */
const PARSE_OPTIONS = {prettyErrors: true, merge: true, uniqueKeys: true, logLevel: 'error'} as const

/** yaml refuses to expand a document whose aliases would copy nodes more than this many times. */
export const MAX_ALIAS_COUNT = 1000

/**
 * platform.yaml parsed by yaml, for what the subset parser declines (yaml-fast.ts): any YAML, and
 * yaml's errors. Loaded only then: yaml is most of the JavaScript `validate` would otherwise compile.
 */
export function parseWithYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {lineCounter, ...PARSE_OPTIONS})
  const errors = doc.errors.map((error) => {
    const position = error.linePos?.[0] ?? {line: 1, col: 1}
    // prettyErrors appends " at line L, column C:" and a source excerpt; the issue carries its own position.
    const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
    return {line: position.line, column: position.col, message, code: /multiple documents/i.test(message) ? 'MULTIPLE_DOCS' : error.code}
  })
  return {
    root: toTree(doc),
    errors,
    lines: new LineIndex(lineCounter.lineStarts),
    toJS: () => doc.toJS({maxAliasCount: MAX_ALIAS_COUNT}),
  }
}

/**
 * yaml's nodes as the config layer's: in document order, so that an alias stands for the last node
 * anchored with its name before it (Alias.resolve's rule). An anchored collection is registered
 * before its items, so that an alias inside it resolves to it, as in yaml.
 */
function toTree(doc: Document): YamlNode | null {
  const anchors = new Map<string, YamlNode>()
  const convert = (node: unknown): YamlNode | null => {
    if (!node) return null
    const range = rangeOf(node)
    if (isAlias(node)) {
      const alias: AliasNode = {kind: 'alias', source: node.source, range}
      const target = anchors.get(node.source)
      if (target) alias.target = target
      return alias
    }
    if (isScalar(node)) {
      const scalar: ScalarNode = {kind: 'scalar', value: node.value, range}
      if (node.source !== undefined) scalar.source = node.source
      return withAnchor(scalar, node.anchor)
    }
    if (isMap(node)) {
      const map: MapNode = withAnchor({kind: 'map', items: [], range}, node.anchor)
      for (const pair of node.items) map.items.push(convertPair(pair))
      return map
    }
    if (isSeq(node)) {
      const seq: SeqNode = withAnchor({kind: 'seq', items: [], range}, node.anchor)
      for (const item of node.items) seq.items.push(isPair(item) ? convertPairInSeq(item) : convert(item))
      return seq
    }
    return null
  }
  const convertPair = (pair: {key: unknown; value: unknown}): PairNode => ({key: convert(pair.key), value: convert(pair.value)})
  // `[a: b]`: yaml keeps a pair inside a flow sequence as a one-pair map for toJS; the tree does the same.
  const convertPairInSeq = (pair: {key: unknown; value: unknown}): MapNode => ({kind: 'map', items: [convertPair(pair)], range: rangeOf(pair.key)})
  const withAnchor = <T extends ScalarNode | MapNode | SeqNode>(node: T, anchor: string | undefined): T => {
    if (anchor) {
      node.anchor = anchor
      anchors.set(anchor, node)
    }
    return node
  }
  return convert(doc.contents)
}

/** Where yaml says a node is written; a node yaml made up (none from a parse) at the start. */
function rangeOf(node: unknown): YamlRange {
  return ((node as Node | null)?.range ?? [0, 0, 0]) as YamlRange
}
