import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'

import {PlatformError} from '../errors.js'
import {listBookRegions, loadPriceBook} from './price-book.js'
import type {PriceBook, PriceEntry, PriceFilter} from './types.js'

/** One GetProducts filter, as the Price List API takes it. */
export interface ProductFilter {
  Type: 'TERM_MATCH' | 'CONTAINS'
  Field: string
  Value: string
}

/**
 * The one Price List call we use. The real one is `PricingClient.send(new GetProductsCommand())`
 * (see pricing-client.ts); tests pass an in-process fake (moto has no Pricing API).
 */
export interface PricingApi {
  getProducts(input: {ServiceCode: string; Filters: ProductFilter[]; NextToken?: string; MaxResults?: number}): Promise<{PriceList?: string[]; NextToken?: string}>
}

/** A price found in GetProducts output. */
export interface ParsedPrice {
  price: number
  apiUnit: string
  sku: string
  usagetype: string
  effectiveDate?: string
}

interface PriceListProduct {
  product?: {sku?: string; attributes?: Record<string, string>}
  terms?: {OnDemand?: Record<string, {effectiveDate?: string; priceDimensions?: Record<string, {unit?: string; beginRange?: string; pricePerUnit?: {USD?: string}}>}>}
}

/** Region prefixes on usage types: `APN1-`, `USE1-`, `EU-`, `UGW1-`. */
const REGION_PREFIX = /^[A-Z]{2,4}\d?-/

/** Filters for one price: region (unless global), usage type (CONTAINS), and exact attributes. */
export function buildFilters(filter: PriceFilter, region: string): ProductFilter[] {
  return [
    ...(filter.global ? [] : [{Type: 'TERM_MATCH' as const, Field: 'regionCode', Value: region}]),
    {Type: 'CONTAINS', Field: 'usagetype', Value: filter.usagetype},
    ...Object.entries(filter.attributes ?? {}).map(([Field, Value]) => ({Type: 'TERM_MATCH' as const, Field, Value})),
  ]
}

/**
 * Picks the on-demand first-tier price of the product whose usage type is exactly the filter's
 * (after the region prefix), so `SpotUsage-Fargate-vCPU-Hours:perCPU` never stands in for
 * `Fargate-vCPU-Hours:perCPU`. Returns undefined when nothing matches.
 */
export function parseGetProducts(priceList: string[], filter: PriceFilter): ParsedPrice | undefined {
  for (const raw of priceList) {
    let item: PriceListProduct
    try {
      item = JSON.parse(raw) as PriceListProduct
    } catch {
      continue
    }
    const attrs = item.product?.attributes ?? {}
    const usagetype = attrs.usagetype ?? ''
    const bare = filter.global ? usagetype : usagetype.replace(REGION_PREFIX, '')
    if (bare !== filter.usagetype) continue
    if (Object.entries(filter.attributes ?? {}).some(([k, v]) => attrs[k] !== v)) continue
    for (const term of Object.values(item.terms?.OnDemand ?? {})) {
      const dims = Object.values(term.priceDimensions ?? {})
      // First tier: the range that begins at 0 (tiered prices list one dimension per tier).
      const first = dims.find((d) => (d.beginRange ?? '0') === '0') ?? dims[0]
      const usd = first?.pricePerUnit?.USD
      if (usd === undefined || Number.isNaN(Number(usd))) continue
      return {price: Number(usd), apiUnit: first.unit ?? '', sku: item.product?.sku ?? '', usagetype, effectiveDate: term.effectiveDate}
    }
  }
  return undefined
}

/** `~/.platform/cache/prices-<region>.json`; PLATFORM_HOME replaces `~/.platform`. */
export function cachePath(region: string, env: NodeJS.ProcessEnv = process.env): string {
  const home = env.PLATFORM_HOME ?? join(homedir(), '.platform')
  return join(home, 'cache', `prices-${region}.json`)
}

/** CloudFront edge group for viewers of an app in `region`; the book's own value wins when it has one. */
function edgeFor(region: string): string {
  return region.startsWith('ap-northeast-1') || region.startsWith('ap-northeast-3') ? 'japan' : 'us'
}

export interface RefreshResult {
  book: PriceBook
  refreshed: string[]
  /** Prices kept from the offline book, with why. */
  kept: {id: string; reason: string}[]
}

/**
 * Refreshes every price that has a Price List filter, a few requests at a time. Prices without
 * one (SaaS, free features) and prices the API does not return are kept from the base book and
 * reported. The first call failing (no network, no credentials) throws: the caller falls back.
 */
export async function refreshPriceBook(base: PriceBook, region: string, api: PricingApi, today: string, concurrency = 4): Promise<RefreshResult> {
  type Outcome = {entry: PriceEntry; refreshed: boolean; reason?: string}
  const fetchOne = async (entry: PriceEntry & {filter: PriceFilter}): Promise<Outcome> => {
    const filters = buildFilters(entry.filter, region)
    const list: string[] = []
    let token: string | undefined
    let pages = 0
    do {
      const out = await api.getProducts({ServiceCode: entry.filter.serviceCode, Filters: filters, NextToken: token, MaxResults: 100})
      list.push(...(out.PriceList ?? []))
      token = out.NextToken
      pages++
    } while (token && pages < 5)
    const found = parseGetProducts(list, entry.filter)
    if (!found) return {entry, refreshed: false, reason: `no ${entry.filter.usagetype} product in ${region}`}
    return {
      refreshed: true,
      entry: {
        ...entry,
        price: found.price * (entry.filter.scale ?? 1),
        source: `AWS Price List API: GetProducts ${entry.filter.serviceCode} ${found.usagetype} (sku ${found.sku}${found.effectiveDate ? `, effective ${found.effectiveDate.slice(0, 10)}` : ''})`,
        date: today,
      },
    }
  }
  const entries = Object.entries(base.prices)
  const queryable = entries.filter((e): e is [string, PriceEntry & {filter: PriceFilter}] => Boolean(e[1].filter))
  const outcomes = new Map<string, Outcome>()
  // The first call alone: when it fails (no network, no credentials) the caller falls back at once.
  if (queryable.length > 0) outcomes.set(queryable[0][0], await fetchOne(queryable[0][1]))
  const rest = queryable.slice(1)
  let next = 0
  const worker = async () => {
    while (next < rest.length) {
      const [id, entry] = rest[next++]
      try {
        outcomes.set(id, await fetchOne(entry))
      } catch (error) {
        outcomes.set(id, {entry, refreshed: false, reason: `GetProducts failed: ${(error as Error).message}`})
      }
    }
  }
  await Promise.all(Array.from({length: Math.min(concurrency, rest.length)}, worker))
  // Assemble in the book's order, so output and cache are deterministic.
  const prices: Record<string, PriceEntry> = {}
  const refreshed: string[] = []
  const kept: {id: string; reason: string}[] = []
  for (const [id, entry] of entries) {
    const outcome = outcomes.get(id)
    prices[id] = outcome?.entry ?? entry
    if (outcome?.refreshed) refreshed.push(id)
    else kept.push({id, reason: outcome?.reason ?? 'not in the AWS Price List'})
  }
  return {book: {...base, region, prices, date: today, live: true}, refreshed, kept}
}

export interface LiveOptions {
  region: string
  /** Builds the Price List client only when needed, so the SDK loads only under --live. */
  createApi: () => Promise<PricingApi>
  now?: Date
  env?: NodeJS.ProcessEnv
  /** Reuse a cache younger than this. @default 24 */
  maxAgeHours?: number
  warn: (message: string) => void
  pricesDir?: string
}

interface CacheFile {
  fetchedAt: string
  book: PriceBook
}

/**
 * `--live`: a fresh cache, else the Price List API (cached afterwards), else the offline book with
 * a warning. Regions without an offline book borrow us-east-1's list of prices as the template.
 */
export async function loadLivePriceBook(options: LiveOptions): Promise<PriceBook> {
  const now = options.now ?? new Date()
  const today = now.toISOString().slice(0, 10)
  const file = cachePath(options.region, options.env)
  const maxAgeMs = (options.maxAgeHours ?? 24) * 3600 * 1000
  try {
    const cached = JSON.parse(await readFile(file, 'utf8')) as CacheFile
    if (now.getTime() - Date.parse(cached.fetchedAt) < maxAgeMs) return {...cached.book, files: [file]}
  } catch {
    // No cache or an unreadable one: fetch.
  }
  const hasBook = listBookRegions(options.pricesDir).includes(options.region)
  const base = hasBook
    ? loadPriceBook(options.region, options.pricesDir)
    : {...loadPriceBook('us-east-1', options.pricesDir), region: options.region, location: options.region, cloudfrontEdge: edgeFor(options.region)}
  try {
    const api = await options.createApi()
    const result = await refreshPriceBook(base, options.region, api, today)
    const notAws = result.kept.filter((k) => k.reason !== 'not in the AWS Price List')
    if (notAws.length > 0) options.warn(`${notAws.length} price(s) kept from the offline book: ${notAws.map((k) => `${k.id} (${k.reason})`).join('; ')}`)
    if (!hasBook) options.warn(`No offline book for ${options.region}: SaaS prices and free-tier amounts are the us-east-1 book's.`)
    const book = {...result.book, files: [file]}
    await mkdir(dirname(file), {recursive: true})
    await writeFile(file, JSON.stringify({fetchedAt: now.toISOString(), book} satisfies CacheFile, null, 2) + '\n')
    return book
  } catch (error) {
    if (!hasBook) {
      throw new PlatformError(`No offline price book for ${options.region}, and the AWS Price List API could not be reached: ${(error as Error).message}`, {
        code: 'NO_PRICES',
        suggestions: [`Offline books exist for: ${listBookRegions(options.pricesDir).join(', ')}.`, 'Check AWS credentials (the Price List API needs a signed request) and network access.'],
        cause: error,
      })
    }
    options.warn(`Could not reach the AWS Price List API (${(error as Error).message}); using the offline price book of ${base.date}.`)
    return base
  }
}
