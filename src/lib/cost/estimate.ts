import type {ResolvedEnvironment} from '../config/types.js'
import type {StackDefinition} from '../stacks/types.js'
import {renderEnvironment} from '../../templates/index.js'
import {buildCostLines, cents} from './components.js'
import {Inventory} from './inventory.js'
import {HOURS_PER_MONTH} from './price-book.js'
import {evaluateSavings} from './savings.js'
import type {EnvironmentEstimate, PriceBook} from './types.js'
import {UsageReader} from './usage.js'

/** Charges the estimate does not model; printed under the assumptions. */
export const NOT_PRICED = [
  'ECS Container Insights metrics and performance logs (billed as CloudWatch custom metrics and log ingestion)',
  'Cross-AZ traffic between tasks and Aurora ($0.01/GB each way); ALB-to-CloudFront and S3-to-CloudFront transfer is free',
  'Scale-out above the autoscaling minimum and Aurora capacity above its floor',
  'Taxes, support plans, and Datadog APM or log indexing',
]

/**
 * Estimates one environment's monthly cost with the given price book (which decides the region:
 * `--region` reprices by passing another region's book). What exists comes from the stacks a deploy
 * would create (rendered here unless given), so the estimate prices exactly what is deployed.
 */
export function estimateEnvironment(env: ResolvedEnvironment, book: PriceBook, stacks: StackDefinition[] = renderEnvironment(env)): EnvironmentEstimate {
  const usage = new UsageReader(env.cost?.usage ?? {})
  const inventory = new Inventory(stacks)
  const {lines, credits} = buildCostLines(env, book, usage, inventory)
  const subtotal = cents(lines.reduce((n, l) => n + l.monthly, 0))
  const externalSubtotal = cents(lines.filter((l) => l.external).reduce((n, l) => n + l.monthly, 0))
  const total = cents(subtotal + credits.reduce((n, l) => n + l.monthly, 0))
  const savings = evaluateSavings(env, book, lines, usage, inventory)
  return {
    environment: env.name,
    region: book.region,
    currency: 'USD',
    hoursPerMonth: HOURS_PER_MONTH,
    priceBook: {region: book.region, date: book.date, files: book.files, live: book.live},
    lines,
    subtotal,
    externalSubtotal,
    credits,
    total,
    assumptions: usage.assumptions(),
    notPriced: NOT_PRICED,
    savings,
  }
}
