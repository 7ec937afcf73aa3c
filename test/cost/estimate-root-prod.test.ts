import {readFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'

import {getEnvironment, loadConfig} from '../../src/lib/config/load.js'
import type {ResolvedEnvironment} from '../../src/lib/config/types.js'
import {estimateEnvironment} from '../../src/lib/cost/estimate.js'
import {loadPriceBook} from '../../src/lib/cost/price-book.js'
import type {CostLine, EnvironmentEstimate} from '../../src/lib/cost/types.js'

/**
 * Every line of the root platform.yaml's prod, recomputed by hand from the price books.
 * The arithmetic is spelled out here on purpose: quantities from the config, prices copied from
 * prices/*.json, 730 hours a month. Nothing below calls the estimator's helpers.
 */
const root = resolve(import.meta.dirname, '../..')
const cents = (n: number) => Math.round((n + Number.EPSILON) * 100) / 100

// prod's web and api: 512 CPU (0.5 vCPU), 1024 MiB (1 GB), desired 2, x86_64, with a night
// schedule (min 1, 22:00 MON-FRI) and a morning one (min 2, 08:00 MON-FRI). Over a week that is
// 4 weeknights x 10 h + Friday 22:00 to Monday 08:00 (58 h) = 98 h at 1 task, 70 h at 2 tasks.
const avgTasks = (98 * 1 + 70 * 2) / 168

interface Expected {
  quantity: number
  unitPrice: number
  monthly: number
}

/** prod in ap-northeast-1 (prices/ap-northeast-1.json and prices/global.json, 2026-11-28). */
const tokyo: Record<string, Expected> = {
  'fargate.api.vcpu': {quantity: 0.5 * avgTasks * 730, unitPrice: 0.05056, monthly: cents(0.5 * avgTasks * 730 * 0.05056)},
  'fargate.api.memory': {quantity: 1 * avgTasks * 730, unitPrice: 0.00553, monthly: cents(1 * avgTasks * 730 * 0.00553)},
  'fargate.web.vcpu': {quantity: 0.5 * avgTasks * 730, unitPrice: 0.05056, monthly: cents(0.5 * avgTasks * 730 * 0.05056)},
  'fargate.web.memory': {quantity: 1 * avgTasks * 730, unitPrice: 0.00553, monthly: cents(1 * avgTasks * 730 * 0.00553)},
  // 0.5 ACU floor x 2 instances x 730 h
  'aurora.capacity': {quantity: 730, unitPrice: 0.15, monthly: 109.5},
  'aurora.storage': {quantity: 10, unitPrice: 0.12, monthly: 1.2},
  'aurora.io': {quantity: 20, unitPrice: 0.24, monthly: 4.8},
  'aurora.backup': {quantity: 0, unitPrice: 0.023, monthly: 0},
  'secretsmanager.master': {quantity: 1, unitPrice: 0.4, monthly: 0.4},
  'alb.hours': {quantity: 730, unitPrice: 0.0243, monthly: 17.74}, // 17.739
  'alb.lcu': {quantity: 730, unitPrice: 0.008, monthly: 5.84},
  'nat.hours': {quantity: 730, unitPrice: 0.062, monthly: 45.26},
  'nat.data': {quantity: 100, unitPrice: 0.062, monthly: 6.2},
  // ecr (ecr.api + ecr.dkr) + logs = 3 interface endpoints x 2 AZ x 730 h
  'vpce.hours': {quantity: 3 * 2 * 730, unitPrice: 0.014, monthly: 61.32},
  'vpce.data': {quantity: 30, unitPrice: 0.01, monthly: 0.3},
  // The NAT gateway's Elastic IP; the ALB is internal (a CloudFront VPC origin) and has no public address.
  'ipv4.nat': {quantity: 730, unitPrice: 0.005, monthly: 3.65},
  'cloudfront.transfer': {quantity: 1024, unitPrice: 0.114, monthly: 116.74}, // 116.736
  'cloudfront.requests': {quantity: 10_000_000 / 10_000, unitPrice: 0.012, monthly: 12},
  'waf.acl': {quantity: 1, unitPrice: 5, monthly: 5},
  // common, sqli, known-bad-inputs + the rate-limit rule
  'waf.rules': {quantity: 4, unitPrice: 1, monthly: 4},
  'waf.requests': {quantity: 10, unitPrice: 0.6, monthly: 6},
  'route53.zone': {quantity: 1, unitPrice: 0.5, monthly: 0.5},
  'route53.queries': {quantity: 1, unitPrice: 0.4, monthly: 0.4},
  'route53.healthCheck': {quantity: 1, unitPrice: 0.5, monthly: 0.5},
  'route53.healthCheckHttps': {quantity: 1, unitPrice: 1, monthly: 1},
  's3.storage': {quantity: 100, unitPrice: 0.025, monthly: 2.5},
  's3.put': {quantity: 100, unitPrice: 0.0047, monthly: 0.47}, // 10% of 1M = 100 x 1k
  's3.get': {quantity: 900, unitPrice: 0.00037, monthly: 0.33}, // 0.333
  'logs.ingestion': {quantity: 10, unitPrice: 0.76, monthly: 7.6},
  // 30-day retention keeps 30 of 30.4167 days' ingestion
  'logs.storage': {quantity: (10 * 30) / (730 / 24), unitPrice: 0.033, monthly: 0.33},
  // CPU + memory for web and api, ALB 5xx, Aurora connections
  'cloudwatch.alarms': {quantity: 6, unitPrice: 0.1, monthly: 0.6},
  'sns.email': {quantity: 0, unitPrice: 2, monthly: 0},
  // the six declared secrets (DATADOG_APP_KEY too, which platform activate reads); standard tier
  'ssm.parameters': {quantity: 6, unitPrice: 0, monthly: 0},
  'ecr.storage': {quantity: 4, unitPrice: 0.1, monthly: 0.4},
  'kms.keys': {quantity: 0, unitPrice: 1, monthly: 0},
  // External services. Atlas: the services read MONGODB_URI, so prod's declared M10 (3 nodes) is
  // priced though platform does not create it (mongodbAtlas.enabled is false).
  'atlas.cluster': {quantity: 730, unitPrice: 0.1, monthly: 73},
  'datadog.hosts': {quantity: 2, unitPrice: 15, monthly: 30},
  // web and api each run the agent sidecar in all of their tasks, 1.417 on average each.
  'datadog.fargateTasks': {quantity: 2 * avgTasks, unitPrice: 1, monthly: cents(2 * avgTasks)},
  'sentry.plan': {quantity: 1, unitPrice: 26, monthly: 26},
}

const tokyoCredits: Record<string, number> = {
  'cloudfront.free.transfer': -cents(1024 * 0.114),
  'cloudfront.free.requests': -cents(1000 * 0.012),
  'logs.free': -cents(5 * 0.76),
  'cloudwatch.free.alarms': -cents(6 * 0.1),
}

/** The same prod priced with prices/us-east-1.json (`--region us-east-1`). */
const virginia: Record<string, Expected> = {
  ...tokyo,
  'fargate.api.vcpu': {quantity: 0.5 * avgTasks * 730, unitPrice: 0.04048, monthly: cents(0.5 * avgTasks * 730 * 0.04048)},
  'fargate.api.memory': {quantity: avgTasks * 730, unitPrice: 0.004445, monthly: cents(avgTasks * 730 * 0.004445)},
  'fargate.web.vcpu': {quantity: 0.5 * avgTasks * 730, unitPrice: 0.04048, monthly: cents(0.5 * avgTasks * 730 * 0.04048)},
  'fargate.web.memory': {quantity: avgTasks * 730, unitPrice: 0.004445, monthly: cents(avgTasks * 730 * 0.004445)},
  'aurora.capacity': {quantity: 730, unitPrice: 0.12, monthly: 87.6},
  'aurora.storage': {quantity: 10, unitPrice: 0.1, monthly: 1},
  'aurora.io': {quantity: 20, unitPrice: 0.2, monthly: 4},
  'aurora.backup': {quantity: 0, unitPrice: 0.021, monthly: 0},
  'alb.hours': {quantity: 730, unitPrice: 0.0225, monthly: 16.43}, // 16.425
  'nat.hours': {quantity: 730, unitPrice: 0.045, monthly: 32.85},
  'nat.data': {quantity: 100, unitPrice: 0.045, monthly: 4.5},
  'vpce.hours': {quantity: 4380, unitPrice: 0.01, monthly: 43.8},
  'atlas.cluster': {quantity: 730, unitPrice: 0.08, monthly: 58.4},
  // viewers of a us-east-1 app hit the US edge
  'cloudfront.transfer': {quantity: 1024, unitPrice: 0.085, monthly: 87.04},
  'cloudfront.requests': {quantity: 1000, unitPrice: 0.01, monthly: 10},
  's3.storage': {quantity: 100, unitPrice: 0.023, monthly: 2.3},
  's3.put': {quantity: 100, unitPrice: 0.005, monthly: 0.5},
  's3.get': {quantity: 900, unitPrice: 0.0004, monthly: 0.36},
  'logs.ingestion': {quantity: 10, unitPrice: 0.5, monthly: 5},
  'logs.storage': {quantity: (10 * 30) / (730 / 24), unitPrice: 0.03, monthly: 0.3}, // 0.2959
}

const virginiaCredits: Record<string, number> = {
  'cloudfront.free.transfer': -87.04,
  'cloudfront.free.requests': -10,
  'logs.free': -2.5,
  'cloudwatch.free.alarms': -0.6,
}

function byId(lines: CostLine[]): Record<string, CostLine> {
  return Object.fromEntries(lines.map((l) => [l.id, l]))
}

function checkLines(estimate: EnvironmentEstimate, expected: Record<string, Expected>, credits: Record<string, number>) {
  const lines = byId(estimate.lines)
  expect(Object.keys(lines).sort()).toEqual(Object.keys(expected).sort())
  for (const [id, want] of Object.entries(expected)) {
    expect(lines[id].quantity, id).toBeCloseTo(want.quantity, 4)
    expect(lines[id].unitPrice, id).toBe(want.unitPrice)
    expect(lines[id].monthly, id).toBe(want.monthly)
  }
  expect(Object.fromEntries(estimate.credits.map((c) => [c.id, c.monthly]))).toEqual(credits)
  const subtotal = cents(Object.values(expected).reduce((n, e) => n + e.monthly, 0))
  expect(estimate.subtotal).toBe(subtotal)
  expect(estimate.total).toBe(cents(subtotal + Object.values(credits).reduce((n, c) => n + c, 0)))
}

describe('root platform.yaml prod, every line by hand', () => {
  let prod: ResolvedEnvironment
  beforeAll(async () => {
    prod = getEnvironment(await loadConfig(join(root, 'platform.yaml'), {onWarnings: () => {}}), 'prod')
  })

  it('prices prod in ap-northeast-1', () => {
    const estimate = estimateEnvironment(prod, loadPriceBook('ap-northeast-1'))
    checkLines(estimate, tokyo, tokyoCredits)
    // Written out: 63.72 Fargate + 115.50 Aurora + ... = 610.13 before, 476.99 after the free tier;
    // of that, 131.83 is billed by MongoDB, Datadog and Sentry.
    expect(estimate.subtotal).toBe(610.13)
    expect(estimate.total).toBe(476.99)
    expect(estimate.externalSubtotal).toBe(131.83)
    expect(estimate.priceBook).toEqual({region: 'ap-northeast-1', date: '2026-11-28', files: ['prices/ap-northeast-1.json', 'prices/global.json'], live: false})
  })

  it('prices the same prod in us-east-1 (--region us-east-1)', () => {
    const estimate = estimateEnvironment(prod, loadPriceBook('us-east-1'))
    expect(estimate.region).toBe('us-east-1')
    checkLines(estimate, virginia, virginiaCredits)
  })

  it('uses the prices the books hold, each with a source and a date', () => {
    const tokyoBook = JSON.parse(readFileSync(join(root, 'prices/ap-northeast-1.json'), 'utf8'))
    const globalBook = JSON.parse(readFileSync(join(root, 'prices/global.json'), 'utf8'))
    const estimate = estimateEnvironment(prod, loadPriceBook('ap-northeast-1'))
    for (const line of estimate.lines) {
      const entry = tokyoBook.prices[line.priceId] ?? globalBook.prices[line.priceId]
      expect(entry, line.priceId).toBeDefined()
      expect(line.unitPrice).toBe(entry.price)
      expect(line.unit).toBe(entry.unit)
      expect(line.source).toMatch(/^https:\/\//)
      expect(line.priceDate).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    }
  })

  it('states every usage figure it used, and whether platform.yaml or a default gave it', () => {
    const estimate = estimateEnvironment(prod, loadPriceBook('ap-northeast-1'))
    const byKey = Object.fromEntries(estimate.assumptions.map((a) => [a.key, a]))
    // prod's cost.usage writes the design's 1 TB, 100 GB and 10 GB.
    expect(byKey.cloudfrontTransferGb).toMatchObject({value: 1024, origin: 'config'})
    expect(byKey.s3StorageGb).toMatchObject({value: 100, origin: 'config'})
    expect(byKey.natTrafficGb).toMatchObject({value: 100, origin: 'default'})
    expect(byKey.vpcEndpointTrafficGb).toMatchObject({value: 30, origin: 'default'})
    expect(byKey.auroraAverageAcu).toMatchObject({value: 0.5, origin: 'derived'})
    expect(byKey['tasks.web'].value).toBeCloseTo(avgTasks, 6)
    expect(byKey['tasks.web'].description).toContain('58.3% of the week')
    // Every usage-based line names its assumption, and that assumption is listed.
    for (const line of estimate.lines.filter((l) => l.usage)) expect(byKey[line.usage as string], line.id).toBeDefined()
  })
})
