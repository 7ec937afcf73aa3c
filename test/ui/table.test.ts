import {describe, expect, it} from 'vitest'

import {renderTable, terminalWidth, wrapText, type Column} from '../../src/lib/ui/table.js'

const columns: Column[] = [
  {header: 'SERVICE', shrink: 'wrap'},
  {header: 'ITEM', shrink: 'flex'},
  {header: 'UNIT PRICE', align: 'right', shrink: 'wrap', optional: 1},
  {header: 'MONTHLY', align: 'right'},
]
const rows = [
  ['Aurora Serverless v2', 'capacity (0.5 ACU x 2 instances x 730 h, a floor), which load raises', '$0.15/ACU-hour', '$109.50'],
  ['S3', 'Standard storage', '$0.025/GB-month', '$2.50'],
]
const widest = (text: string) => Math.max(...text.split('\n').map((l) => l.length))

describe('renderTable', () => {
  it('pads plain columns and never ends a line in spaces', () => {
    expect(renderTable(['A', 'BB'], [['x', 'y'], ['long', '']], ['left', 'right'])).toBe('A     BB\nx      y\nlong')
  })

  it('without a width keeps every row on one line', () => {
    const out = renderTable(columns, rows)
    expect(out.split('\n')).toHaveLength(3)
    expect(out).toContain('capacity (0.5 ACU x 2 instances x 730 h, a floor), which load raises')
  })

  it('wraps the item column first to fit the width, keeping every word and the money column whole', () => {
    const out = renderTable(columns, rows, {width: 80})
    expect(widest(out)).toBeLessThanOrEqual(80)
    expect(out.split('\n').length).toBeGreaterThan(3)
    for (const word of rows[0][1].split(' ')) expect(out).toContain(word)
    expect(out).toMatch(/^Aurora +capacity \(0\.5 ACU x 2 instances x 730 h, +\$0\.15\/ACU-hour +\$109\.50$/m)
  })

  it('wraps the other wrappable columns at spaces and slashes, then drops an optional column', () => {
    const out = renderTable(columns, rows, {width: 50})
    expect(widest(out)).toBeLessThanOrEqual(50)
    expect(out).toMatch(/^ +PRICE$/m) // the header wrapped too
    expect(out).toMatch(/^Aurora +.*\$0\.15\/ +\$109\.50$/m)
    const narrow = renderTable(columns, rows, {width: 40})
    expect(widest(narrow)).toBeLessThanOrEqual(40)
    expect(narrow).not.toContain('UNIT PRICE')
    expect(narrow).toMatch(/\$109\.50$/m)
  })
})

describe('wrapText', () => {
  it('wraps a paragraph, keeping its indent and indenting continuation lines', () => {
    const out = wrapText('  one two three four five six seven', 16, '  ')
    expect(out).toBe('  one two\n    three four\n    five six\n    seven')
    expect(wrapText('short', 16)).toBe('short')
    expect(wrapText('no limit at all, however long', undefined)).toBe('no limit at all, however long')
  })
})

describe('terminalWidth', () => {
  it('takes COLUMNS, else a terminal\'s columns, else no limit (a pipe)', () => {
    expect(terminalWidth({isTTY: false}, {COLUMNS: '60'})).toBe(60)
    expect(terminalWidth({isTTY: true, columns: 100}, {})).toBe(100)
    expect(terminalWidth({isTTY: false, columns: 100}, {})).toBeUndefined()
    expect(terminalWidth({isTTY: false}, {COLUMNS: 'wide'})).toBeUndefined()
  })
})
