import type {PlatformConfig, ResolvedEnvironment} from '../config/types.js'
import {PlatformError} from '../errors.js'
import {loadAgainst, type ConfigLoader} from './config-source.js'
import {diffEstimates, type CostDiff} from './diff.js'
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

/** `cost diff`: the same environment in the current file and in another version, same prices. */
export async function diffConfig(input: {
  configFile: string
  against: string
  envName: string
  load: ConfigLoader
  getEnvironment: (c: PlatformConfig, n: string) => ResolvedEnvironment
} & PricingOptions): Promise<CostDiff> {
  const current = await input.load(input.configFile)
  const other = await loadAgainst(input.against, input.configFile, input.load)
  const after = input.getEnvironment(current, input.envName)
  let before: ResolvedEnvironment
  try {
    before = input.getEnvironment(other.config, input.envName)
  } catch (error) {
    // The loader names a temporary file for a git revision; name the revision instead.
    throw new PlatformError(`${other.label} has no environment "${input.envName}": nothing to compare with.`, {
      code: 'UNKNOWN_ENVIRONMENT',
      exit: 3,
      suggestions: [`Environments there: ${Object.keys(other.config.environments).join(', ') || '(none)'}.`],
      cause: error,
    })
  }
  // Price both with the current file's region so only the config change shows.
  const region = input.region ?? after.region
  const [b, a] = await estimateAll([before, after], {...input, region})
  return diffEstimates(b, a, {before: other.label, after: input.configFile})
}
