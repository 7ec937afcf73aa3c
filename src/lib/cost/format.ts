import type {CostDiff} from './diff.js'
import type {CostLine, EnvironmentEstimate} from './types.js'

/** `$1,234.56`, `-$3.80`. */
export function formatUsd(n: number, signed = false): string {
  const abs = Math.abs(n).toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2})
  if (n < 0 && abs !== '0.00') return `-$${abs}`
  return `${signed && abs !== '0.00' ? '+' : ''}$${abs}`
}

function formatQuantity(n: number): string {
  return n.toLocaleString('en-US', {maximumFractionDigits: 3})
}

function formatUnitPrice(price: number, unit: string): string {
  return `$${price.toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 6})}/${unit}`
}

type Align = 'left' | 'right'

/** Plain columns: no colour, no box drawing, so it pipes and diffs cleanly. */
export function renderTable(header: string[], rows: string[][], align: Align[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const cell = (text: string, i: number) => (align[i] === 'right' ? text.padStart(widths[i]) : text.padEnd(widths[i]))
  const line = (r: string[]) => r.map((t, i) => cell(t ?? '', i)).join('  ').trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}

/** External services are marked where they are listed: the AWS bill will not show them. */
function serviceLabel(l: CostLine): string {
  return l.external ? `${l.service} (external)` : l.service
}

function booksLine(e: EnvironmentEstimate): string {
  const how = e.priceBook.live ? 'live prices from the AWS Price List API' : 'offline price book'
  return `Prices: ${e.priceBook.region} ${how} of ${e.priceBook.date} (${e.priceBook.files.join(', ')}); on-demand list prices in USD, ${e.hoursPerMonth} h a month.`
}

/** The estimate of one environment: lines, total, free-tier credits, assumptions and savings. */
export function formatEstimate(e: EnvironmentEstimate): string {
  const rows = e.lines.map((l) => [serviceLabel(l), l.item, `${formatQuantity(l.quantity)} ${l.unit}`, formatUnitPrice(l.unitPrice, l.unit), formatUsd(l.monthly)])
  rows.push(['', 'Subtotal', '', '', formatUsd(e.subtotal)])
  if (e.externalSubtotal !== 0) rows.push(['', 'of which external services (not billed by AWS)', '', '', formatUsd(e.externalSubtotal)])
  for (const c of e.credits) rows.push(['Free tier', `${c.service}: ${c.item}`, `${formatQuantity(c.quantity)} ${c.unit}`, formatUnitPrice(c.unitPrice, c.unit), formatUsd(c.monthly)])
  rows.push(['', 'Total per month', '', '', formatUsd(e.total)])
  const out = [
    `Estimate for ${e.environment} in ${e.region}, USD per month`,
    '',
    renderTable(['SERVICE', 'ITEM', 'QUANTITY', 'UNIT PRICE', 'MONTHLY'], rows, ['left', 'left', 'right', 'right', 'right']),
    '',
    booksLine(e),
    '',
    'Assumptions (set any of these under cost.usage in platform.yaml)',
    ...e.assumptions.map((a) => `  ${a.key} = ${formatQuantity(a.value)} ${a.unit} (${a.origin}): ${a.description}`),
    'Not priced',
    ...e.notPriced.map((n) => `  ${n}`),
    '',
    'Savings (change in the monthly total; negative saves; "in config" means already applied)',
    ...e.savings.flatMap((s) => [
      `  ${s.measure}: ${formatUsd(s.monthlyDifference, true)}${s.applied ? ' (in config)' : ''}`,
      `      ${formatUsd(s.without)} without, ${formatUsd(s.with)} with. ${s.detail}`,
    ]),
  ]
  return out.join('\n') + '\n'
}

/** Several environments side by side, one row per service and one column per environment. */
export function formatSideBySide(estimates: EnvironmentEstimate[]): string {
  const services: string[] = []
  for (const e of estimates) for (const l of e.lines) if (!services.includes(serviceLabel(l))) services.push(serviceLabel(l))
  const perService = (e: EnvironmentEstimate, s: string) => e.lines.filter((l) => serviceLabel(l) === s).reduce((n, l) => n + l.monthly, 0)
  const rows = services.map((s) => [s, ...estimates.map((e) => (e.lines.some((l) => serviceLabel(l) === s) ? formatUsd(perService(e, s)) : '-'))])
  rows.push(['Subtotal', ...estimates.map((e) => formatUsd(e.subtotal))])
  rows.push(['  of which external', ...estimates.map((e) => formatUsd(e.externalSubtotal))])
  rows.push(['Free tier', ...estimates.map((e) => formatUsd(e.credits.reduce((n, c) => n + c.monthly, 0)))])
  rows.push(['Total per month', ...estimates.map((e) => formatUsd(e.total))])
  const header = ['SERVICE', ...estimates.map((e) => `${e.environment} (${e.region})`)]
  const keys: string[] = []
  for (const e of estimates) for (const a of e.assumptions) if (!keys.includes(a.key)) keys.push(a.key)
  const assumptionRows = keys.map((k) => [k, ...estimates.map((e) => {
    const a = e.assumptions.find((x) => x.key === k)
    return a ? `${formatQuantity(a.value)}${a.origin === 'default' ? '' : ` (${a.origin})`}` : '-'
  })])
  const savingIds: string[] = []
  for (const e of estimates) for (const s of e.savings) if (!savingIds.includes(s.id)) savingIds.push(s.id)
  const savingRows = savingIds.map((id) => [id, ...estimates.map((e) => {
    const s = e.savings.find((x) => x.id === id)
    return s ? `${formatUsd(s.monthlyDifference, true)}${s.applied ? ' (in config)' : ''}` : '-'
  })])
  return [
    'Estimate per environment, USD per month',
    '',
    renderTable(header, rows, ['left', ...estimates.map(() => 'right' as const)]),
    '',
    ...[...new Set(estimates.map(booksLine))],
    'Free tiers are per AWS account: environments that share an account get them once, so their totals overlap by that much.',
    '',
    'Assumptions (unmarked values are the stated defaults; `platform cost estimate ENV` explains each)',
    renderTable(['USAGE', ...estimates.map((e) => e.environment)], assumptionRows, ['left', ...estimates.map(() => 'right' as const)]),
    '',
    'Savings (change in the monthly total; negative saves)',
    renderTable(['MEASURE', ...estimates.map((e) => e.environment)], savingRows, ['left', ...estimates.map(() => 'right' as const)]),
  ].join('\n') + '\n'
}

/** What a change to platform.yaml does to the bill, line by line. */
export function formatDiff(d: CostDiff): string {
  const changed = d.lines.filter((l) => l.change !== 0)
  const rows = changed.map((l) => [l.service, l.item, l.before === null ? '-' : formatUsd(l.before), l.after === null ? '-' : formatUsd(l.after), formatUsd(l.change, true)])
  rows.push(['', 'Total per month', formatUsd(d.before.total), formatUsd(d.after.total), formatUsd(d.totalChange, true)])
  const unchanged = d.lines.length - changed.length
  return [
    `Cost change for ${d.environment} in ${d.region}: ${d.after.label} against ${d.before.label}, USD per month`,
    '',
    renderTable(['SERVICE', 'ITEM', 'BEFORE', 'AFTER', 'CHANGE'], rows, ['left', 'left', 'right', 'right', 'right']),
    '',
    `${changed.length} line${changed.length === 1 ? '' : 's'} changed, ${unchanged} unchanged. Prices: ${d.priceBook.region} price book of ${d.priceBook.date}.`,
  ].join('\n') + '\n'
}
