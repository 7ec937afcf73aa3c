import {renderTable, wrapText, type Column} from '../ui/table.js'
import type {CostDiff, CostDiffReport} from './diff.js'
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

/** How wide the output may be (the terminal's width); no limit when absent. */
export interface FormatOptions {
  width?: number
}

/** External services are marked where they are listed: the AWS bill will not show them. */
function serviceLabel(l: CostLine): string {
  return l.external ? `${l.service} (external)` : l.service
}

function booksLine(e: EnvironmentEstimate): string {
  const how = e.priceBook.live ? 'live prices from the AWS Price List API' : 'offline price book'
  return `Prices: ${e.priceBook.region} ${how} of ${e.priceBook.date} (${e.priceBook.files.join(', ')}); on-demand list prices in USD, ${e.hoursPerMonth} h a month.`
}

/** Money columns never wrap; the item gives way first, then the service and quantity columns. */
const MONEY: Column = {header: '', align: 'right'}

/** The estimate of one environment: lines, total, free-tier credits, assumptions and savings. */
export function formatEstimate(e: EnvironmentEstimate, options: FormatOptions = {}): string {
  const {width} = options
  const rows = e.lines.map((l) => [serviceLabel(l), l.item, `${formatQuantity(l.quantity)} ${l.unit}`, formatUnitPrice(l.unitPrice, l.unit), formatUsd(l.monthly)])
  rows.push(['', 'Subtotal', '', '', formatUsd(e.subtotal)])
  if (e.externalSubtotal !== 0) rows.push(['', 'of which external services (not billed by AWS)', '', '', formatUsd(e.externalSubtotal)])
  for (const c of e.credits) rows.push(['Free tier', `${c.service}: ${c.item}`, `${formatQuantity(c.quantity)} ${c.unit}`, formatUnitPrice(c.unitPrice, c.unit), formatUsd(c.monthly)])
  rows.push(['', 'Total per month', '', '', formatUsd(e.total)])
  const columns: Column[] = [
    {header: 'SERVICE', shrink: 'wrap'},
    {header: 'ITEM', shrink: 'flex'},
    {header: 'QUANTITY', align: 'right', shrink: 'wrap', optional: 2},
    {header: 'UNIT PRICE', align: 'right', shrink: 'wrap', optional: 1},
    {...MONEY, header: 'MONTHLY'},
  ]
  const text = (line: string, indent = '  ') => wrapText(line, width, indent)
  const out = [
    text(`Estimate for ${e.environment} in ${e.region}, USD per month`),
    '',
    renderTable(columns, rows, {width}),
    '',
    text(booksLine(e)),
    '',
    text('Assumptions (set any of these under cost.usage in platform.yaml)'),
    ...e.assumptions.map((a) => text(`  ${a.key} = ${formatQuantity(a.value)} ${a.unit} (${a.origin}): ${a.description}`)),
    'Not priced',
    ...e.notPriced.map((n) => text(`  ${n}`)),
    '',
    text('Savings (change in the monthly total; negative saves; "in config" means already applied)'),
    ...e.savings.flatMap((s) => [
      text(`  ${s.measure}: ${formatUsd(s.monthlyDifference, true)}${s.applied ? ' (in config)' : ''}`),
      text(`      ${formatUsd(s.without)} without, ${formatUsd(s.with)} with. ${s.detail}`),
    ]),
  ]
  return out.join('\n') + '\n'
}

/** Several environments side by side, one row per service and one column per environment. */
export function formatSideBySide(estimates: EnvironmentEstimate[], options: FormatOptions = {}): string {
  const {width} = options
  const services: string[] = []
  for (const e of estimates) for (const l of e.lines) if (!services.includes(serviceLabel(l))) services.push(serviceLabel(l))
  const perService = (e: EnvironmentEstimate, s: string) => e.lines.filter((l) => serviceLabel(l) === s).reduce((n, l) => n + l.monthly, 0)
  const rows = services.map((s) => [s, ...estimates.map((e) => (e.lines.some((l) => serviceLabel(l) === s) ? formatUsd(perService(e, s)) : '-'))])
  rows.push(['Subtotal', ...estimates.map((e) => formatUsd(e.subtotal))])
  rows.push(['  of which external', ...estimates.map((e) => formatUsd(e.externalSubtotal))])
  rows.push(['Free tier', ...estimates.map((e) => formatUsd(e.credits.reduce((n, c) => n + c.monthly, 0)))])
  rows.push(['Total per month', ...estimates.map((e) => formatUsd(e.total))])
  const perEnvironment = (first: string, headers: string[]): Column[] => [{header: first, shrink: 'flex'}, ...headers.map((header): Column => ({header, align: 'right', shrink: 'wrap'}))]
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
  const names = estimates.map((e) => e.environment)
  return [
    'Estimate per environment, USD per month',
    '',
    renderTable(perEnvironment('SERVICE', estimates.map((e) => `${e.environment} (${e.region})`)), rows, {width}),
    '',
    ...[...new Set(estimates.map(booksLine))].map((l) => wrapText(l, width, '  ')),
    wrapText('Free tiers are per AWS account: environments that share an account get them once, so their totals overlap by that much.', width, '  '),
    '',
    wrapText('Assumptions (unmarked values are the stated defaults; `platform cost estimate ENV` explains each)', width, '  '),
    renderTable(perEnvironment('USAGE', names), assumptionRows, {width}),
    '',
    'Savings (change in the monthly total; negative saves)',
    renderTable(perEnvironment('MEASURE', names), savingRows, {width}),
  ].join('\n') + '\n'
}

/** What a change to platform.yaml does to the bill, line by line, per environment. */
export function formatDiff(report: CostDiffReport, options: FormatOptions = {}): string {
  const sections = report.environments.map((d) => formatEnvironmentDiff(d, options))
  if (report.environments.length > 1) {
    sections.push(`Total change across ${report.environments.length} environments: ${formatUsd(report.totalChange, true)} per month.\n`)
  }
  return sections.join('\n')
}

function formatEnvironmentDiff(d: CostDiff, options: FormatOptions): string {
  const {width} = options
  const changed = d.lines.filter((l) => l.change !== 0)
  const rows = changed.map((l) => [l.service, l.item, l.before === null ? '-' : formatUsd(l.before), l.after === null ? '-' : formatUsd(l.after), formatUsd(l.change, true)])
  rows.push(['', 'Total per month', formatUsd(d.before.total), formatUsd(d.after.total), formatUsd(d.totalChange, true)])
  const unchanged = d.lines.length - changed.length
  const columns: Column[] = [
    {header: 'SERVICE', shrink: 'wrap'},
    {header: 'ITEM', shrink: 'flex'},
    {...MONEY, header: 'BEFORE'},
    {...MONEY, header: 'AFTER'},
    {...MONEY, header: 'CHANGE'},
  ]
  return [
    wrapText(`Cost change for ${d.environment} in ${d.region}: ${d.after.label} against ${d.before.label}, USD per month`, width, '  '),
    '',
    renderTable(columns, rows, {width}),
    '',
    wrapText(`${changed.length} line${changed.length === 1 ? '' : 's'} changed, ${unchanged} unchanged. Prices: ${d.priceBook.region} price book of ${d.priceBook.date}.`, width, '  '),
  ].join('\n') + '\n'
}
