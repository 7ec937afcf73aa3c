import {describe, expect, it} from 'vitest'
import {parseWithYaml} from '../../src/lib/config/yaml-full.js'
import type {MapNode, SeqNode, YamlNode} from '../../src/lib/config/yaml-tree.js'

function pairValue(node: YamlNode | null, key: string): YamlNode | null {
  const pair = (node as MapNode).items.find((item) => item.key?.kind === 'scalar' && item.key.value === key)
  return pair ? pair.value : null
}

describe('parseWithYaml', () => {
  it('resolves an alias to the last node anchored with its name before it, as yaml does', () => {
    const parsed = parseWithYaml('a: &x 1\nb: *x\nc: &x 2\nd: *x\ne: *nowhere\n')
    const {root} = parsed
    expect(pairValue(root, 'b')).toMatchObject({kind: 'alias', source: 'x', target: pairValue(root, 'a')})
    expect(pairValue(root, 'd')).toMatchObject({kind: 'alias', source: 'x', target: pairValue(root, 'c')})
    expect(pairValue(root, 'e')).toEqual({kind: 'alias', source: 'nowhere', range: [31, 39, 40]})
  })

  it('resolves an alias inside its own anchored collection to that collection, as yaml does', () => {
    const {root} = parseWithYaml('a: &x [1, *x]\n')
    const seq = pairValue(root, 'a') as SeqNode
    expect(seq.items[1]).toMatchObject({kind: 'alias', target: seq})
  })

  it('keeps a merge key as written, with yaml\'s merge applied to the data', () => {
    const parsed = parseWithYaml('base: &b {x: 1, y: 2}\nsvc:\n  <<: *b\n  y: 3\n')
    const merge = (pairValue(parsed.root, 'svc') as MapNode).items[0]
    expect(merge.key).toMatchObject({kind: 'scalar', source: '<<', range: [29, 31, 31]})
    expect(parsed.toJS()).toEqual({base: {x: 1, y: 2}, svc: {x: 1, y: 3}})
  })

  it('reads a pair in a flow sequence as a one-pair mapping, as yaml\'s data has it', () => {
    const parsed = parseWithYaml('a: [b: c]\n')
    expect((pairValue(parsed.root, 'a') as SeqNode).items[0]).toMatchObject({kind: 'map', items: [{key: {value: 'b'}, value: {value: 'c'}}]})
    expect(parsed.toJS()).toEqual({a: [{b: 'c'}]})
  })

  it('reports yaml\'s errors at their line and column, with the message\'s first line only', () => {
    const parsed = parseWithYaml('a: 1\nb: [1\n')
    expect(parsed.errors.length).toBeGreaterThan(0)
    for (const error of parsed.errors) {
      expect(error.message).not.toMatch(/\n| at line \d+, column \d+/)
      expect(error.line).toBeGreaterThanOrEqual(1)
    }
    expect(parseWithYaml('a: 1\n---\nb: 2\n').errors.map((e) => e.code)).toEqual(['MULTIPLE_DOCS'])
  })

  it('refuses to expand an alias bomb', () => {
    const text = `a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\n${Array.from({length: 8}, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array.from({length: 4}, () => `*${String.fromCharCode(97 + i)}`).join(', ')}]`).join('\n')}\n`
    expect(() => parseWithYaml(text).toJS()).toThrow(/Excessive alias count/)
  })

  it('gives no node for an empty document', () => {
    expect(parseWithYaml('# nothing\n').root).toBeNull()
  })
})
