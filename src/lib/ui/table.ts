/**
 * The one table formatter: plain padded columns, no colour and no box drawing, so a table pipes,
 * greps and diffs cleanly. Given a width (the terminal's), a table that would not fit wraps the
 * cells of its wrappable columns onto more lines, and drops optional columns when wrapping alone
 * cannot make it fit.
 */

export type Align = 'left' | 'right'

export interface Column {
  header: string
  /** @default 'left' */
  align?: Align
  /**
   * `flex`: the column that gives way first and most (the item, the description); `wrap`: gives
   * way down to its longest word; absent: never wraps.
   */
  shrink?: 'flex' | 'wrap'
  /** Columns with a rank are left out, lowest rank first, when the table cannot fit otherwise. */
  optional?: number
}

export interface TableOptions {
  /** Fit this many columns of text; no limit when absent. */
  width?: number
}

const GAP = '  '
/** A flex column is narrowed to this before any other column wraps. */
const COMFORTABLE_FLEX = 40
/** Below this a flex column is unreadable: drop an optional column instead. */
const MIN_FLEX = 16

/**
 * Renders `rows` under `columns` (or plain header names with an alignment each). Lines never end in
 * spaces; a wrapped cell continues on the next lines of its row with the other cells blank.
 */
export function renderTable(columns: Array<Column | string>, rows: string[][], options: TableOptions | Align[] = {}): string {
  const aligns = Array.isArray(options) ? options : []
  const width = Array.isArray(options) ? undefined : options.width
  let cols = columns.map((c, i): Column & {index: number} => (typeof c === 'string' ? {header: c, align: aligns[i], index: i} : {...c, index: i}))
  for (;;) {
    const widths = fitWidths(cols, rows, width)
    if (widths) return render(cols, rows, widths)
    const droppable = cols.filter((c) => c.optional !== undefined).sort((a, b) => (a.optional ?? 0) - (b.optional ?? 0))[0]
    if (!droppable) return render(cols, rows, fitWidths(cols, rows, undefined) as number[])
    cols = cols.filter((c) => c !== droppable)
  }
}

/** Column widths that fit `width`, or undefined when even the narrowest wrapping does not. */
function fitWidths(cols: Array<Column & {index: number}>, rows: string[][], width: number | undefined): number[] | undefined {
  const cells = (c: Column & {index: number}) => [c.header, ...rows.map((r) => r[c.index] ?? '')]
  const natural = cols.map((c) => Math.max(...cells(c).map((t) => t.length)))
  if (width === undefined) return natural
  const widths = [...natural]
  const total = () => widths.reduce((n, w) => n + w, 0) + GAP.length * (widths.length - 1)
  const narrow = (i: number, floor: number) => {
    widths[i] = Math.max(Math.min(widths[i], floor), Math.min(widths[i], widths[i] - (total() - width)))
  }
  const flex = cols.map((c, i) => (c.shrink === 'flex' ? i : -1)).filter((i) => i >= 0)
  const wrap = cols.map((c, i) => (c.shrink === 'wrap' ? i : -1)).filter((i) => i >= 0)
  const longestWord = (i: number) => Math.max(...cells(cols[i]).flatMap((t) => words(t).map((w) => w.length)))
  // The flex column first gives up its excess, then the others down to their longest word, then
  // the flex column down to the least that still reads.
  for (const i of flex) if (total() > width) narrow(i, Math.max(COMFORTABLE_FLEX, longestWord(i)))
  for (const i of wrap) if (total() > width) narrow(i, longestWord(i))
  for (const i of flex) if (total() > width) narrow(i, MIN_FLEX)
  return total() <= width ? widths : undefined
}

function render(cols: Array<Column & {index: number}>, rows: string[][], widths: number[]): string {
  const line = (cells: string[]) => {
    const wrapped = cells.map((text, i) => wrapCell(text, widths[i]))
    const height = Math.max(...wrapped.map((w) => w.length))
    const out: string[] = []
    for (let n = 0; n < height; n++) {
      out.push(
        wrapped
          .map((w, i) => {
            const text = w[n] ?? ''
            return cols[i].align === 'right' ? text.padStart(widths[i]) : text.padEnd(widths[i])
          })
          .join(GAP)
          .trimEnd(),
      )
    }
    return out.join('\n')
  }
  return [line(cols.map((c) => c.header)), ...rows.map((r) => line(cols.map((c) => r[c.index] ?? '')))].join('\n')
}

/** Pieces a line may break after: at spaces (dropped) and after a slash (kept). */
function words(text: string): string[] {
  return text.split(' ').flatMap((w) => w.split(/(?<=\/)/)).filter((w) => w.length > 0)
}

/** Word-wraps one cell to `width`; a word longer than that is cut. */
function wrapCell(text: string, width: number): string[] {
  if (text.length <= width) return [text]
  const lines: string[] = []
  let current = ''
  for (const piece of text.split(' ').flatMap((w, i) => (i === 0 ? [] : [' ']).concat(w.split(/(?<=\/)/)))) {
    if (piece === ' ') {
      if (current.length > 0 && current.length < width) current += ' '
      continue
    }
    let word = piece
    if (current.length + word.length > width && current.trim().length > 0) {
      lines.push(current.trimEnd())
      current = ''
    }
    while (word.length > width) {
      lines.push(word.slice(0, width))
      word = word.slice(width)
    }
    current += word
  }
  if (current.trim().length > 0) lines.push(current.trimEnd())
  return lines
}

/** Word-wraps a paragraph to `width` (no limit when absent), indenting continuation lines. */
export function wrapText(text: string, width: number | undefined, indent = ''): string {
  if (width === undefined || text.length <= width) return text
  const lead = /^ */.exec(text)?.[0] ?? ''
  const lines = wrapCell(text.slice(lead.length), Math.max(width - lead.length - indent.length, 10))
  return lines.map((l, i) => (i === 0 ? `${lead}${l}` : `${lead}${indent}${l}`)).join('\n')
}

/**
 * The width tables fit: COLUMNS when set (as `COLUMNS=60 platform ...` or by the shell), else the
 * terminal's; none when writing to a pipe or file, so output for programs is never wrapped.
 */
export function terminalWidth(stream: {isTTY?: boolean; columns?: number} = process.stdout, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const fromEnv = Number(env.COLUMNS)
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv
  return stream.isTTY && stream.columns ? stream.columns : undefined
}
