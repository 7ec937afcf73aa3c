import {readFileSync, readdirSync} from 'node:fs'
import {join, relative, resolve} from 'node:path'

import {PlatformError} from '../errors.js'
import {packageFile} from '../package-files.js'
import type {FreeTierEntry, PriceBook, PriceEntry} from './types.js'

/** Hours in a month, as AWS's calculator and Infracost count them. */
export const HOURS_PER_MONTH = 730

interface RegionalFile {
  region: string
  location: string
  currency: 'USD'
  date: string
  cloudfrontEdge: string
  prices: Record<string, PriceEntry>
}

interface GlobalFile {
  date: string
  prices: Record<string, PriceEntry>
  freeTier: Record<string, FreeTierEntry>
}

/** `prices/` ships in the package (package.json `files`). */
export function defaultPricesDir(): string {
  return packageFile('prices')
}

/** Regions that have an offline price book. */
export function listBookRegions(dir = defaultPricesDir()): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'global.json')
    .map((f) => f.replace(/\.json$/, ''))
    .sort()
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T
}

/**
 * Loads the offline price book of a region, merged with the global one (CloudFront, Route 53, WAF,
 * SaaS). The book's date is the older of the two, so the printed date never overstates freshness.
 */
export function loadPriceBook(region: string, dir = defaultPricesDir()): PriceBook {
  const regions = listBookRegions(dir)
  if (!regions.includes(region)) {
    throw new PlatformError(`No offline price book for region ${region}.`, {
      code: 'NO_PRICE_BOOK',
      exit: 2,
      suggestions: [`Books exist for: ${regions.join(', ')}.`, 'Use --live to fetch prices for this region from the AWS Price List API.'],
    })
  }
  const regionalFile = join(dir, `${region}.json`)
  const globalFile = join(dir, 'global.json')
  const regional = readJson<RegionalFile>(regionalFile)
  const global = readJson<GlobalFile>(globalFile)
  return {
    region: regional.region,
    location: regional.location,
    currency: 'USD',
    date: regional.date < global.date ? regional.date : global.date,
    cloudfrontEdge: regional.cloudfrontEdge,
    files: [regionalFile, globalFile].map((f) => relative(resolve(dir, '..'), f)),
    live: false,
    prices: {...global.prices, ...regional.prices},
    freeTier: global.freeTier,
  }
}

/** A price by id; a missing one is a bug in the book, not the user's mistake. */
export function priceOf(book: PriceBook, id: string): PriceEntry {
  const entry = book.prices[id]
  if (!entry) throw new PlatformError(`Price book ${book.region} (${book.date}) has no price "${id}".`, {code: 'PRICE_MISSING'})
  return entry
}
