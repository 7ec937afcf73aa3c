import {LineCounter, parseDocument} from 'yaml'
import {describe, expect, it} from 'vitest'
import {LineIndex} from '../../src/lib/config/yaml-tree.js'

describe('LineIndex', () => {
  it('places every offset on the line and column yaml\'s LineCounter gives', () => {
    const text = 'a: 1\n\n  # c\nb:\n  - x\n  - "y"\nlast'
    const counter = new LineCounter()
    parseDocument(text, {lineCounter: counter})
    const index = LineIndex.of(text)
    expect(index.lineStarts).toEqual(counter.lineStarts)
    for (let offset = 0; offset <= text.length + 1; offset++) {
      const {line, col} = counter.linePos(offset)
      expect(index.at(offset), `offset ${offset}`).toEqual({line, column: col})
    }
  })

  it('counts a text without a newline as one line, and a final newline as the start of an empty one', () => {
    expect(LineIndex.of('abc').lineStarts).toEqual([0])
    expect(LineIndex.of('abc\n').lineStarts).toEqual([0, 4])
    expect(LineIndex.of('abc\n').at(4)).toEqual({line: 2, column: 1})
    expect(LineIndex.of('').at(0)).toEqual({line: 1, column: 1})
  })
})
