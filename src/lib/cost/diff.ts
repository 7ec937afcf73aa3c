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

/** Compares two estimates of the same environment line by line (lines match by id). */
export function diffEstimates(before: EnvironmentEstimate, after: EnvironmentEstimate, labels: {before: string; after: string}): CostDiff {
  const all = (e: EnvironmentEstimate) => [...e.lines, ...e.credits]
  const beforeById = new Map(all(before).map((l) => [l.id, l]))
  const afterIds = new Set(all(after).map((l) => l.id))
  const row = (b: CostLine | undefined, a: CostLine | undefined): CostDiffLine => {
    const shown = (a ?? b) as CostLine
    return {
      id: shown.id,
      service: shown.service,
      item: shown.item,
      unit: shown.unit,
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
  return {
    environment: after.environment,
    region: after.region,
    priceBook: {region: after.priceBook.region, date: after.priceBook.date},
    before: {label: labels.before, subtotal: before.subtotal, total: before.total},
    after: {label: labels.after, subtotal: after.subtotal, total: after.total},
    lines,
    totalChange: cents(after.total - before.total),
  }
}
