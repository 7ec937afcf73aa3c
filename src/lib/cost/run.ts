import type {PlatformConfig, ResolvedEnvironment} from '../config/types.js'
import {PlatformError} from '../errors.js'
import {loadAgainst, type ConfigLoader} from './config-source.js'
import {cents} from './components.js'
import {diffEstimates, type CostDiff, type CostDiffReport} from './diff.js'
import {estimateEnvironment} from './estimate.js'
import {loadLivePriceBook} from './live.js'
import {loadPriceBook} from './price-book.js'
import {createPricingApi} from './pricing-client.js'
import type {EnvironmentEstimate, PriceBook} from './types.js'

export interface PricingOptions {
  /** Reprice in this region instead of each environment's own. */
  region?: string
  /** Refresh prices from the AWS Price List API. @default false */
  live?: boolean
  profile?: string
  /** Warnings go to stderr through this. */
  warn: (message: string) => void
}

/** Returns a function that loads each region's book once. */
function bookLoader(options: PricingOptions): (region: string) => Promise<PriceBook> {
  const books = new Map<string, Promise<PriceBook>>()
  return (region) => {
    let book = books.get(region)
    if (!book) {
      book = options.live
        ? loadLivePriceBook({region, createApi: () => createPricingApi({profile: options.profile}), warn: options.warn})
        : Promise.resolve(loadPriceBook(region))
      books.set(region, book)
    }
    return book
  }
}

async function estimateAll(envs: ResolvedEnvironment[], options: PricingOptions): Promise<EnvironmentEstimate[]> {
  const book = bookLoader(options)
  const out: EnvironmentEstimate[] = []
  for (const env of envs) out.push(estimateEnvironment(env, await book(options.region ?? env.region)))
  return out
}

/** `cost estimate`: one environment, or all of them in file order. */
export async function estimateConfig(config: PlatformConfig, envName: string | undefined, getEnvironment: (c: PlatformConfig, n: string) => ResolvedEnvironment, options: PricingOptions): Promise<EnvironmentEstimate[]> {
  const envs = envName ? [getEnvironment(config, envName)] : Object.values(config.environments)
  if (envs.length === 0) throw new PlatformError(`${config.file} has no environments to estimate.`, {code: 'NO_ENVIRONMENTS', exit: 3})
  return estimateAll(envs, options)
}

/**
 * `cost diff`: environments of the current file against another version of it, priced with the
 * same books. With ENV, that one (it must exist on both sides); without, every environment of
 * either side, a new or removed one counting as all added or all removed.
 */
export async function diffConfig(input: {
  configFile: string
  against: string
  envName?: string
  load: ConfigLoader
  getEnvironment: (c: PlatformConfig, n: string) => ResolvedEnvironment
} & PricingOptions): Promise<CostDiffReport> {
  const current = await input.load(input.configFile)
  const other = await loadAgainst(input.against, input.configFile, input.load)
  const names = input.envName ? [input.envName] : [...new Set([...Object.keys(current.environments), ...Object.keys(other.config.environments)])]
  if (names.length === 0) throw new PlatformError(`${current.file} has no environments to compare.`, {code: 'NO_ENVIRONMENTS', exit: 3})
  const book = bookLoader(input)
  const environments: CostDiff[] = []
  for (const name of names) {
    const after = input.envName || current.environments[name] ? input.getEnvironment(current, name) : undefined
    const before = input.envName ? beforeEnvironment(other, name, input.getEnvironment) : other.config.environments[name] ? input.getEnvironment(other.config, name) : undefined
    // Price both sides with the current file's region so only the config change shows.
    const prices = await book(input.region ?? (after ?? (before as ResolvedEnvironment)).region)
    const estimate = (env: ResolvedEnvironment | undefined) => (env ? estimateEnvironment(env, prices) : undefined)
    environments.push(diffEstimates(estimate(before), estimate(after), {before: other.label, after: input.configFile}))
  }
  return {environments, totalChange: cents(environments.reduce((n, d) => n + d.totalChange, 0))}
}

/** The environment in the other version; a missing one is named after the revision, not a temporary file. */
function beforeEnvironment(other: {config: PlatformConfig; label: string}, name: string, getEnvironment: (c: PlatformConfig, n: string) => ResolvedEnvironment): ResolvedEnvironment {
  try {
    return getEnvironment(other.config, name)
  } catch (error) {
    throw new PlatformError(`${other.label} has no environment "${name}": nothing to compare with.`, {
      code: 'UNKNOWN_ENVIRONMENT',
      exit: 3,
      suggestions: [`Environments there: ${Object.keys(other.config.environments).join(', ') || '(none)'}.`],
      cause: error,
    })
  }
}
