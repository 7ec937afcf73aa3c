import {describe, expect, it} from 'vitest'

import {estimateEnvironment} from '../../src/lib/cost/estimate.js'
import type {StackDefinition} from '../../src/lib/stacks/types.js'
import {renderEnvironment} from '../../src/templates/index.js'
import {loadPriceBook} from '../../src/lib/cost/price-book.js'
import {UsageReader} from '../../src/lib/cost/usage.js'
import {designProd} from './fixtures.js'

const tokyo = loadPriceBook('ap-northeast-1')
const line = (e: ReturnType<typeof estimateEnvironment>, id: string) => e.lines.find((l) => l.id === id)
const cents = (n: number) => Math.round((n + Number.EPSILON) * 100) / 100

describe('cost components from config', () => {
  it('prices ARM services at the Graviton rate', () => {
    const env = designProd()
    env.services.api = {...env.services.api, architecture: 'arm64'}
    const e = estimateEnvironment(env, tokyo)
    expect(line(e, 'fargate.api.vcpu')).toMatchObject({unitPrice: 0.04045, quantity: 730, monthly: 29.53})
    expect(line(e, 'fargate.api.memory')).toMatchObject({unitPrice: 0.00442, quantity: 1460, monthly: 6.45})
    expect(e.savings.find((s) => s.id === 'graviton')?.measure).toBe('ARM (Graviton) Fargate for web')
  })

  it('drops NAT lines and its address with natGateways: 0, and endpoint lines without interface endpoints', () => {
    const env = designProd({network: {...designProd().network, natGateways: 0, vpcEndpoints: ['s3']}})
    const e = estimateEnvironment(env, tokyo)
    expect(e.lines.map((l) => l.id)).not.toEqual(expect.arrayContaining(['nat.hours']))
    expect(line(e, 'nat.hours')).toBeUndefined()
    expect(line(e, 'ipv4.nat')).toBeUndefined()
    expect(line(e, 'vpce.hours')).toBeUndefined()
    // The saving now evaluates adding ECR + Logs endpoints: 3 x 2 AZ x 730 x 0.014.
    expect(e.savings.find((s) => s.id === 'vpc-endpoints')).toMatchObject({applied: false, measure: 'Add interface endpoints for ECR and Logs (3 x 2 AZ)'})
  })

  it('counts ssm and secretsmanager endpoints and a third AZ', () => {
    const env = designProd({network: {...designProd().network, availabilityZones: 3, vpcEndpoints: ['s3', 'ecr', 'logs', 'ssm', 'secretsmanager']}})
    const e = estimateEnvironment(env, tokyo)
    expect(line(e, 'vpce.hours')).toMatchObject({quantity: 5 * 3 * 730, monthly: 153.3})
    // The ALB is internal (behind a CloudFront VPC origin): no public addresses, in any number of AZs.
    expect(line(e, 'ipv4.alb')).toBeUndefined()
  })

  it('prices MongoDB Atlas per hour when enabled, and refuses a tier the book lacks', () => {
    const env = designProd()
    expect(line(estimateEnvironment(env, tokyo), 'atlas.cluster')).toMatchObject({quantity: 730, unitPrice: 0.1, monthly: 73})
    const m5 = designProd({mongodbAtlas: {...env.mongodbAtlas, tier: 'M5'}})
    expect(() => estimateEnvironment(m5, tokyo)).toThrow(/no MongoDB Atlas tier M5/)
  })

  it('takes usage from cost.usage and says so', () => {
    const env = designProd({cost: {usage: {cloudfrontTransferGb: 5000, natTrafficGb: 10, auroraAverageAcu: 2}}})
    const e = estimateEnvironment(env, tokyo)
    expect(line(e, 'cloudfront.transfer')).toMatchObject({quantity: 5000, monthly: 570})
    // The free tier credits only the first 1,024 GB.
    expect(e.credits.find((c) => c.id === 'cloudfront.free.transfer')).toMatchObject({quantity: 1024, monthly: -116.74})
    expect(line(e, 'nat.data')).toMatchObject({quantity: 10, monthly: 0.62})
    expect(line(e, 'aurora.capacity')).toMatchObject({quantity: 2 * 2 * 730, monthly: 438})
    expect(e.assumptions.find((a) => a.key === 'cloudfrontTransferGb')).toMatchObject({origin: 'config', value: 5000})
  })

  it('sees only the usage the file writes: the loader fills in no usage defaults', async () => {
    const {parseConfig} = await import('../../src/lib/config/load.js')
    const text = 'version: 1\nproject: app\nregion: ap-northeast-1\ncost:\n  usage: {offHoursFraction: 0.5, auroraStorageGb: 40}\nenvironments:\n  prod:\n    services:\n      web: {image: public.ecr.aws/nginx/nginx:1.27, port: 80, path: /}\n'
    const {config, issues} = await parseConfig(text, 'platform.yaml')
    expect(issues).toEqual([])
    const reader = new UsageReader(config!.environments.prod.cost.usage)
    // Written, even where it equals a stated default: the schedules no longer decide off-hours.
    expect(reader.isSet('offHoursFraction')).toBe(true)
    expect(reader.get('auroraStorageGb')).toBe(40)
    expect(reader.isSet('natTrafficGb')).toBe(false)
    expect(reader.get('natTrafficGb')).toBe(100)
  })

  it('leaves out Route 53 without a domain, WAF when disabled, Aurora without a database', () => {
    const env = designProd({domain: undefined, waf: {...designProd().waf, enabled: false}, database: undefined})
    const services = new Set(estimateEnvironment(env, tokyo).lines.map((l) => l.service))
    for (const s of ['Route 53', 'WAF', 'Aurora Serverless v2', 'Secrets Manager']) expect(services.has(s), s).toBe(false)
    expect(line(estimateEnvironment(env, tokyo), 'cloudwatch.alarms')?.quantity).toBe(5) // 2 x 2 services + 5xx
  })

  it('shortens log storage, not ingestion, with retention', () => {
    const short = estimateEnvironment(designProd({monitoring: {...designProd().monitoring, logRetentionDays: 7}}), tokyo)
    const long = estimateEnvironment(designProd(), tokyo)
    expect(line(short, 'logs.ingestion')?.monthly).toBe(line(long, 'logs.ingestion')?.monthly)
    expect(line(short, 'logs.storage')?.quantity).toBeCloseTo((10 * 7) / (730 / 24), 5)
    expect(short.savings.find((s) => s.id === 'log-retention')).toMatchObject({applied: true, measure: 'Log retention 7 days (against 30)'})
  })
})

/** The environment's rendered stacks with one resource added to the stack `part`. */
function withResource(stacks: StackDefinition[], part: string, logicalId: string, resource: {Type: string; Properties: Record<string, unknown>}): StackDefinition[] {
  return stacks.map((s) => (s.part === part ? {...s, template: {...s.template, Resources: {...s.template.Resources, [logicalId]: resource}}} : s))
}

describe('cost components from the rendered templates', () => {
  const env = designProd()
  const stacks = renderEnvironment(env)
  const base = estimateEnvironment(env, tokyo, stacks)

  it('prices the alarms the templates hold: one more alarm, one more alarm-month', () => {
    // GIVEN the rendered stacks plus one alarm in the monitoring stack
    const more = withResource(stacks, 'monitoring', 'ExtraAlarm', {Type: 'AWS::CloudWatch::Alarm', Properties: {MetricName: 'Extra'}})
    // WHEN estimating with them
    const e = estimateEnvironment(env, tokyo, more)
    // THEN the alarm line counts it, and the estimate grows by one alarm's price
    const alarms = stacks.flatMap((s) => Object.values(s.template.Resources)).filter((r) => r.Type === 'AWS::CloudWatch::Alarm').length
    expect(line(base, 'cloudwatch.alarms')?.quantity).toBe(alarms)
    expect(line(e, 'cloudwatch.alarms')).toMatchObject({quantity: alarms + 1, monthly: cents((alarms + 1) * 0.1)})
    expect(e.subtotal).toBe(cents(base.subtotal + 0.1))
  })

  it('a config change that renders another alarm changes the estimate: a database adds its connections alarm', () => {
    const without = estimateEnvironment(designProd({database: undefined}), tokyo)
    expect(line(base, 'cloudwatch.alarms')!.quantity - line(without, 'cloudwatch.alarms')!.quantity).toBe(1)
  })

  it('prices each rule of the rendered web ACL', () => {
    const acl = stacks.flatMap((s) => Object.values(s.template.Resources)).find((r) => r.Type === 'AWS::WAFv2::WebACL')
    const rules = (acl?.Properties?.Rules as unknown[]).length
    expect(line(base, 'waf.rules')).toMatchObject({quantity: rules, monthly: rules})
    const blocking = estimateEnvironment(designProd({waf: {...env.waf, blockCountries: ['KP']}}), tokyo)
    expect(line(blocking, 'waf.rules')?.quantity).toBe(rules + 1)
  })

  it('prices public IPv4 addresses only for an internet-facing load balancer, one per subnet', () => {
    const publicAlb = withResource(stacks, 'cluster', 'PublicLoadBalancer', {Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {Scheme: 'internet-facing', Subnets: ['a', 'b', 'c']}})
    const e = estimateEnvironment(env, tokyo, publicAlb)
    expect(line(e, 'ipv4.alb')).toMatchObject({quantity: 3 * 730, monthly: 10.95})
    expect(line(e, 'alb.hours')).toMatchObject({quantity: 2 * 730})
  })

  it('marks MongoDB Atlas, Datadog and Sentry as external and sums them apart', () => {
    const external = base.lines.filter((l) => l.external).map((l) => l.service)
    expect(new Set(external)).toEqual(new Set(['MongoDB Atlas', 'Datadog', 'Sentry']))
    expect(base.lines.filter((l) => !l.external).every((l) => !['MongoDB Atlas', 'Datadog', 'Sentry'].includes(l.service))).toBe(true)
    expect(base.externalSubtotal).toBe(cents(base.lines.filter((l) => l.external).reduce((n, l) => n + l.monthly, 0)))
  })

  it('prices Datadog per Fargate task running the agent sidecar, and not at all without the sidecar', () => {
    // designProd runs 2 tasks of web and 2 of api, each with the agent.
    expect(line(base, 'datadog.fargateTasks')).toMatchObject({quantity: 4, unitPrice: 1, monthly: 4})
    const off = estimateEnvironment(designProd({monitoring: {...env.monitoring, datadog: {...env.monitoring.datadog, enabled: false}}}), tokyo)
    expect(off.lines.filter((l) => l.service === 'Datadog')).toEqual([])
  })

  it('prices the MongoDB cluster MONGODB_URI points at even when platform does not create it, with more nodes costing more', () => {
    const unmanaged = designProd({mongodbAtlas: {...env.mongodbAtlas, enabled: false, nodes: 5}})
    const cluster = line(estimateEnvironment(unmanaged, tokyo), 'atlas.cluster')
    expect(cluster).toMatchObject({external: true, monthly: cents(((730 * 5) / 3) * 0.1)})
    expect(cluster?.item).toContain('not created by platform')
    const none = designProd({mongodbAtlas: {...env.mongodbAtlas, enabled: false}, secrets: env.secrets.filter((s) => s !== 'MONGODB_URI')})
    expect(line(estimateEnvironment(none, tokyo), 'atlas.cluster')).toBeUndefined()
  })
})

describe('CloudFront price class', () => {
  it('bills Japanese viewers at the US rate under PriceClass_100, which has no Japan edge', () => {
    const e = estimateEnvironment(designProd({cdn: {...designProd().cdn, priceClass: 'PriceClass_100'}}), tokyo)
    expect(line(e, 'cloudfront.transfer')).toMatchObject({priceId: 'cloudfront.transfer.us', unitPrice: 0.085, monthly: 87.04})
  })
})
