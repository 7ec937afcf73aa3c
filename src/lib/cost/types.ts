/**
 * The cost model, after Infracost's cost components: every resource is a list of lines, each with a
 * unit, a monthly quantity and a unit price from a price book that says where the price came from.
 */

/** How `--live` finds the same price in the AWS Price List API (GetProducts). */
export interface PriceFilter {
  /** Price List service code, e.g. `AmazonECS`. */
  serviceCode: string
  /**
   * Usage type without its region prefix (`APN1-`, `USE1-`...), e.g. `Fargate-vCPU-Hours:perCPU`.
   * The request uses CONTAINS on this; the parser keeps the product whose type equals it once the
   * prefix is stripped, so `SpotUsage-Fargate-...` does not match.
   */
  usagetype: string
  /** Extra exact-match attributes, e.g. `{fromLocation: 'Japan'}`. */
  attributes?: Record<string, string>
  /** Global prices (CloudFront, Route 53, WAF) carry no `regionCode`. @default false */
  global?: boolean
  /** Multiply the API's per-unit price by this to get the book's unit (per 1k requests: 1000). @default 1 */
  scale?: number
}

/** One published price. */
export interface PriceEntry {
  /** USD per `unit`. */
  price: number
  /** e.g. `vCPU-hour`, `GB-month`, `1M requests`. */
  unit: string
  description: string
  /** Pricing page the price was read from. */
  source: string
  /** When it was recorded (YYYY-MM-DD). */
  date: string
  filter?: PriceFilter
  note?: string
}

/** A region's prices merged with the global ones (CloudFront, Route 53, WAF, SaaS). */
export interface PriceBook {
  region: string
  location: string
  currency: 'USD'
  /** The book's date, printed under every table. */
  date: string
  /** CloudFront edge price group that viewers of this region's app mostly hit (`japan`, `us`...). */
  cloudfrontEdge: string
  /** Files the book was read from (or the cache, for --live). */
  files: string[]
  /** True when prices came from the Price List API (`--live`). */
  live: boolean
  prices: Record<string, PriceEntry>
  /** Always-free allowances (CloudFront 1 TB, CloudWatch alarms...), shown as credit lines. */
  freeTier: Record<string, FreeTierEntry>
}

/** An always-free monthly allowance. */
export interface FreeTierEntry {
  amount: number
  unit: string
  description: string
  source: string
  date: string
}

/** A usage figure the config cannot know, with where its value came from. */
export interface Assumption {
  /** `cost.usage` key, or a descriptive id for fixed modelling choices. */
  key: string
  value: number
  unit: string
  /** `config`: set in cost.usage; `default`: the stated default; `derived`: computed from config. */
  origin: 'config' | 'default' | 'derived'
  description: string
}

/** One priced line of the estimate. */
export interface CostLine {
  /** Stable id, also the key across environments and in diffs, e.g. `fargate.web.vcpu`. */
  id: string
  service: string
  item: string
  unit: string
  /** Monthly quantity, in `unit`. */
  quantity: number
  unitPrice: number
  /** quantity × unitPrice, rounded to cents. Negative for free-tier credits. */
  monthly: number
  /** Key in the price book. */
  priceId: string
  source: string
  priceDate: string
  /** The usage assumption (cost.usage key) this quantity rests on, when usage-based. */
  usage?: string
  note?: string
  /** Billed by another company (MongoDB, Datadog, Sentry), not by AWS. */
  external?: true
}

/** One measure evaluated: what applying it changes, in USD per month. */
export interface Saving {
  id: string
  measure: string
  /** True when the config already has it: the difference is what it already saves (or costs). */
  applied: boolean
  /** Monthly cost of the affected lines without the measure. */
  without: number
  /** Monthly cost of the affected lines with it. */
  with: number
  /** with - without: negative saves money. */
  monthlyDifference: number
  detail: string
}

export interface EnvironmentEstimate {
  environment: string
  region: string
  currency: 'USD'
  hoursPerMonth: number
  priceBook: {region: string; date: string; files: string[]; live: boolean}
  lines: CostLine[]
  /** Sum of lines. */
  subtotal: number
  /** The part of `subtotal` billed by other companies (lines marked `external`). */
  externalSubtotal: number
  /** Always-free tiers, as negative lines. */
  credits: CostLine[]
  /** subtotal + credits. */
  total: number
  assumptions: Assumption[]
  /** What the estimate leaves out, so nobody mistakes it for the whole bill. */
  notPriced: string[]
  savings: Saving[]
}
