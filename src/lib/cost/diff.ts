import {cents} from './components.js'
import type {CostLine, EnvironmentEstimate} from './types.js'

export interface CostDiffLine {
  id: string
  service: string
  item: string
  unit: string
  /** null when the line does not exist on that side. */
  beforeQuantity: number | null
  afterQuantity: number | null
  before: number | null
  after: number | null
  change: number
}

export interface CostDiff {
  environment: string
  region: string
  priceBook: {region: string; date: string}
  before: {label: string; subtotal: number; total: number}
  after: {label: string; subtotal: number; total: number}
  /** Every line of either side (credits included), in the after side's order, then removed lines. */
  lines: CostDiffLine[]
  totalChange: number
}

/** `cost diff`: one environment, or every environment of either version. */
export interface CostDiffReport {
  environments: CostDiff[]
  /** Sum of every environment's total change. */
  totalChange: number
}

/**
 * Compares two estimates of the same environment line by line (lines match by id). A side that
 * is missing (the environment is new, or removed) counts as nothing at all.
 */
export function diffEstimates(before: EnvironmentEstimate | undefined, after: EnvironmentEstimate | undefined, labels: {before: string; after: string}): CostDiff {
  const all = (e: EnvironmentEstimate | undefined) => (e ? [...e.lines, ...e.credits] : [])
  const shown = (after ?? before) as EnvironmentEstimate
  const beforeById = new Map(all(before).map((l) => [l.id, l]))
  const afterIds = new Set(all(after).map((l) => l.id))
  const row = (b: CostLine | undefined, a: CostLine | undefined): CostDiffLine => {
    const line = (a ?? b) as CostLine
    return {
      id: line.id,
      service: line.service,
      item: line.item,
      unit: line.unit,
      beforeQuantity: b?.quantity ?? null,
      afterQuantity: a?.quantity ?? null,
      before: b?.monthly ?? null,
      after: a?.monthly ?? null,
      change: cents((a?.monthly ?? 0) - (b?.monthly ?? 0)),
    }
  }
  const lines = [
    ...all(after).map((a) => row(beforeById.get(a.id), a)),
    ...all(before).filter((b) => !afterIds.has(b.id)).map((b) => row(b, undefined)),
  ]
  const totals = (e: EnvironmentEstimate | undefined) => ({subtotal: e?.subtotal ?? 0, total: e?.total ?? 0})
  return {
    environment: shown.environment,
    region: shown.region,
    priceBook: {region: shown.priceBook.region, date: shown.priceBook.date},
    before: {label: before ? labels.before : `${labels.before} (no ${shown.environment})`, ...totals(before)},
    after: {label: after ? labels.after : `${labels.after} (no ${shown.environment})`, ...totals(after)},
    lines,
    totalChange: cents(totals(after).total - totals(before).total),
  }
}
