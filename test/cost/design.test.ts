import {join, resolve} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'

import {getEnvironment, loadConfig} from '../../src/lib/config/load.js'
import {DESIGN_TABLE, DESIGN_TOTAL} from '../../src/lib/cost/design.js'
import {estimateEnvironment} from '../../src/lib/cost/estimate.js'
import {loadPriceBook} from '../../src/lib/cost/price-book.js'
import type {DesignComparisonRow, EnvironmentEstimate} from '../../src/lib/cost/types.js'

/**
 * How the root config's prod estimate (ap-northeast-1) relates to the design's table
 * (seed README: $373), line by line. Each `it` states the difference and its reason; the
 * estimate's own `designComparison` must say the same.
 */
const root = resolve(import.meta.dirname, '../..')

describe('root prod against the design table', () => {
  let estimate: EnvironmentEstimate
  let row: (service: string) => DesignComparisonRow
  beforeAll(async () => {
    const prod = getEnvironment(await loadConfig(join(root, 'platform.yaml'), {onWarnings: () => {}}), 'prod')
    estimate = estimateEnvironment(prod, loadPriceBook('ap-northeast-1'), loadPriceBook('us-east-1'))
    row = (service) => estimate.designComparison.rows.find((r) => r.service === service) as DesignComparisonRow
  })

  it('carries the design table as the seed README has it: eleven rows, $373', () => {
    expect(DESIGN_TABLE.reduce((n, r) => n + r.monthly, 0)).toBe(DESIGN_TOTAL)
    expect(estimate.designComparison.rows.map((r) => [r.service, r.designMonthly])).toEqual(DESIGN_TABLE.map((r) => [r.service, r.monthly]))
    expect(estimate.designComparison).toMatchObject({designTotal: 373, ourTotal: 408.46, difference: 35.46})
  })

  it('Fargate $35 -> $63.72: the design is 2 tasks at us-east-1 prices; prod runs 2 services averaging 1.417 tasks at Tokyo prices', () => {
    // us-east-1: 2 x (0.5 x 0.04048 + 1 x 0.004445) x 730 = 36.04, the design's ~35.
    expect(2 * (0.5 * 0.04048 + 0.004445) * 730).toBeCloseTo(36.04, 2)
    expect(row('ECS Fargate')).toMatchObject({designMonthly: 35, ours: 63.72, difference: 28.72})
    expect(row('ECS Fargate').why).toContain('us-east-1 x86 rates')
    expect(row('ECS Fargate').why).toContain('$36.04')
    expect(row('ECS Fargate').why).toContain('web 1.417, api 1.417')
  })

  it('Aurora $66 -> $115.50: $66 for 730 ACU-hours is $0.09/ACU-h, below every region; storage and I/O were left out', () => {
    expect(row('Aurora Serverless v2')).toMatchObject({ours: 115.5, difference: 49.5})
    expect(row('Aurora Serverless v2').why).toContain('$0.090/ACU-h')
    expect(row('Aurora Serverless v2').why).toContain('us-east-1 $0.12 -> $87.60')
    expect(row('Aurora Serverless v2').why).toContain('a floor')
  })

  it('ALB $25 -> $23.58: hours plus one LCU; its IPv4 addresses are a separate line', () => {
    expect(row('ALB')).toMatchObject({ours: cents(17.74 + 5.84), difference: -1.42})
    expect(row('ALB').why).toContain('Public IPv4')
  })

  it('NAT $40 -> $51.46: Tokyo hours alone are $45.26 (us-east-1 $32.85), plus 100 GB', () => {
    expect(row('NAT Gateway')).toMatchObject({ours: 51.46, difference: 11.46})
    expect(row('NAT Gateway').why).toContain('$45.26')
    expect(row('NAT Gateway').why).toContain('$32.85')
  })

  it('CloudFront $85 -> $0: the design used the US price for 1 TB and ignored the always-free 1 TB and 10M requests', () => {
    expect(row('CloudFront')).toMatchObject({ours: 0, difference: -85})
    expect(row('CloudFront').lines).toEqual(['cloudfront.transfer', 'cloudfront.requests', 'cloudfront.free.transfer', 'cloudfront.free.requests'])
    expect(row('CloudFront').why).toContain('ignores the always-free 1 TB')
    expect(row('CloudFront').why).toContain('japan edge ($0.114/GB)')
  })

  it('Route 53 $1 -> $2.40: the health check and its HTTPS feature were not counted', () => {
    expect(row('Route 53')).toMatchObject({ours: 2.4, difference: 1.4})
  })

  it('S3 $3 -> $3.30 and CloudWatch Logs $5 -> $4.13: Tokyo prices, storage, and the 5 GB free tier', () => {
    expect(row('S3')).toMatchObject({ours: 3.3, difference: 0.3})
    expect(row('CloudWatch Logs')).toMatchObject({ours: cents(7.6 + 0.33 - 3.8), difference: -0.87})
    expect(row('CloudWatch Logs').why).toContain('$0.5 us-east-1 ingestion')
  })

  it('MongoDB Atlas $57 -> $0: the root prod does not set mongodbAtlas.enabled; M10 in Tokyo would be $73', () => {
    expect(row('MongoDB Atlas')).toMatchObject({ours: 0, difference: -57, lines: []})
    expect(row('MongoDB Atlas').why).toContain('mongodbAtlas.enabled is false')
    expect(row('MongoDB Atlas').why).toContain('$73.00')
  })

  it('Datadog $30 and Sentry $26: the same', () => {
    expect(row('Datadog')).toMatchObject({ours: 30, difference: 0})
    expect(row('Sentry')).toMatchObject({ours: 26, difference: 0})
  })

  it('lists what the design has no row for: endpoints $61.62, WAF $15, public IPv4 $10.95, and the free ones', () => {
    const extra = Object.fromEntries(estimate.designComparison.notInDesign.map((n) => [n.service, n.monthly]))
    expect(extra).toEqual({
      'Secrets Manager': 0.4,
      'VPC endpoints': 61.62,
      'Public IPv4': 10.95,
      'WAF': 15,
      'CloudWatch Alarms': 0,
      'SNS': 0,
      'SSM Parameter Store': 0,
      'ECR': 0.4,
      'KMS': 0,
    })
    for (const n of estimate.designComparison.notInDesign) expect(n.why.length, n.service).toBeGreaterThan(10)
  })

  it('accounts for every line exactly once', () => {
    const counted = estimate.designComparison.rows.reduce((n, r) => n + r.ours, 0) + estimate.designComparison.notInDesign.reduce((n, r) => n + r.monthly, 0)
    expect(cents(counted)).toBe(estimate.total)
  })

  it('evaluates the design savings: endpoints cost more than they save below ~1,179 GB/month; retention saves cents', () => {
    const s = Object.fromEntries(estimate.savings.map((x) => [x.id, x]))
    // 3 endpoints x 2 AZ x 730 h x $0.014 = 61.32 fixed; NAT saves 0.062 - 0.01 per GB.
    expect(s['vpc-endpoints']).toMatchObject({applied: true, with: 61.62, without: 1.86, monthlyDifference: 59.76})
    expect(s['vpc-endpoints'].detail).toContain(`Break-even at ${Math.round(61.32 / (0.062 - 0.01))} GB`)
    // Without the schedules both services would run 2 tasks: 4 x (0.5 x 0.05056 + 0.00553) x 730.
    expect(s['off-hours']).toMatchObject({applied: true, without: cents(4 * (0.5 * 0.05056 + 0.00553) * 730), with: 63.72})
    // 30 -> 7 days: stored GB 9.86 -> 2.30 at $0.033; ingestion unchanged.
    expect(s['log-retention']).toMatchObject({applied: false, without: 0.33, with: cents(((10 * 7) / (730 / 24)) * 0.033), monthlyDifference: -0.25})
    expect(s['aurora-floor']).toMatchObject({applied: true, with: 109.5, without: 219})
    expect(s.graviton.monthlyDifference).toBeLessThan(0)
    expect(s['savings-plan'].monthlyDifference).toBe(cents(-63.72 * 0.2))
    expect(estimate.designComparison.savings.ours).toContain('log-retention -$0.25')
  })
})

function cents(n: number): number {
  return Math.round((n + Number.EPSILON) * 100) / 100
}
