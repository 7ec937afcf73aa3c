import type {ResolvedEnvironment} from '../config/types.js'
import {cents} from './components.js'
import {HOURS_PER_MONTH} from './price-book.js'
import type {CostLine, DesignComparison, DesignComparisonRow, PriceBook, Saving} from './types.js'

const H = HOURS_PER_MONTH

/** The design's table (seed README, "The design's cost table"), USD per month. */
export const DESIGN_TABLE = [
  {service: 'ECS Fargate', item: '0.5 vCPU x 1 GB x 2 tasks x 730 h', monthly: 35},
  {service: 'Aurora Serverless v2', item: '0.5 ACU x 2 instances x 730 h', monthly: 66},
  {service: 'ALB', item: '1 x 730 h + data', monthly: 25},
  {service: 'NAT Gateway', item: '1 x 730 h + data', monthly: 40},
  {service: 'CloudFront', item: '1 TB transfer', monthly: 85},
  {service: 'Route 53', item: 'hosted zone + queries', monthly: 1},
  {service: 'S3', item: '100 GB + requests', monthly: 3},
  {service: 'CloudWatch Logs', item: '10 GB', monthly: 5},
  {service: 'MongoDB Atlas', item: 'M10 (10 GB)', monthly: 57},
  {service: 'Datadog', item: '2 hosts', monthly: 30},
  {service: 'Sentry', item: 'Team plan', monthly: 26},
] as const

export const DESIGN_TOTAL = 373
export const DESIGN_SAVINGS_CLAIM = 'VPC endpoints (NAT $40 -> $10), off-hours scaling (Fargate $35 -> $25), log retention 30 -> 7 days ($5 -> $2), Aurora at a 0.5 ACU minimum: $373 -> $320'

function usd(n: number): string {
  return `${n < 0 ? '-' : ''}$${Math.abs(n).toFixed(2)}`
}

function p(book: PriceBook, id: string): number {
  return book.prices[id]?.price ?? 0
}

interface Context {
  env: ResolvedEnvironment
  book: PriceBook
  /** us-east-1 prices: most of the design's figures are us-east-1 list prices. */
  ref: PriceBook
  lines: CostLine[]
  credits: CostLine[]
}

function sum(lines: CostLine[]): number {
  return cents(lines.reduce((n, l) => n + l.monthly, 0))
}

function explain(service: string, c: Context): string {
  const {env, book, ref, lines} = c
  const region = book.region
  const q = (id: string) => lines.find((l) => l.id === id)?.quantity ?? 0
  switch (service) {
    case 'ECS Fargate': {
      const designAtRef = 2 * (0.5 * p(ref, 'fargate.vcpu.x86_64') + 1 * p(ref, 'fargate.memory.x86_64')) * H
      const tasks = Object.entries(env.services).map(([n, s]) => `${n} ${Math.round((q(`fargate.${n}.vcpu`) / ((s.cpu / 1024) * H)) * 1000) / 1000}`).join(', ')
      return `The design priced 2 tasks in total at us-east-1 x86 rates: 2 x (0.5 x $${p(ref, 'fargate.vcpu.x86_64')} + 1 x $${p(ref, 'fargate.memory.x86_64')}) x 730 h = ${usd(designAtRef)}. ` +
        `This config runs, on average, tasks per service (${tasks}), each of its own size, at ${region} rates ($${p(book, 'fargate.vcpu.x86_64')}/vCPU-h, $${p(book, 'fargate.memory.x86_64')}/GB-h for x86).`
    }
    case 'Aurora Serverless v2': {
      const acuHours = q('aurora.capacity')
      const implied = acuHours > 0 ? 66 / acuHours : 0
      return `${acuHours} ACU-hours at the design's $66 implies $${implied.toFixed(3)}/ACU-h, which no region charges (us-east-1 $${p(ref, 'aurora.acu')} -> ${usd(acuHours * p(ref, 'aurora.acu'))}; ${region} $${p(book, 'aurora.acu')}). ` +
        `The design also leaves out storage, I/O and backup; the ACU figure is a floor either way.`
    }
    case 'ALB':
      return `730 h x $${p(book, 'alb.hour')} plus ${q('alb.lcu') / H} LCU x 730 h x $${p(book, 'alb.lcu')}: the design's "data" is the LCU charge. The ALB's public IPv4 addresses are under Public IPv4.`
    case 'NAT Gateway':
      return `${q('nat.hours') / H} x 730 h x $${p(book, 'nat.hour')} = ${usd(q('nat.hours') * p(book, 'nat.hour'))} before data in ${region} (us-east-1: ${usd(H * p(ref, 'nat.hour'))}), plus ${q('nat.data')} GB x $${p(book, 'nat.data')}. Its Elastic IP is under Public IPv4.`
    case 'CloudFront':
      return `The design's $85 is 1 TB at the US edge price ($${p(ref, 'cloudfront.transfer.us')}/GB = ${usd(1024 * p(ref, 'cloudfront.transfer.us'))}) and ignores the always-free 1 TB and 10M requests. ` +
        `Viewers of an app in ${region} are priced at the ${book.cloudfrontEdge} edge ($${p(book, `cloudfront.transfer.${book.cloudfrontEdge}`)}/GB); after the free tier, ${q('cloudfront.transfer')} GB and ${q('cloudfront.requests') / 100}M requests cost ${usd(sum([...lines, ...c.credits].filter((l) => l.service === 'CloudFront')))}.`
    case 'Route 53':
      return `Hosted zone $0.50 and ${q('route53.queries')}M queries; the design left out the health check (${usd(p(book, 'route53.healthCheck') + p(book, 'route53.healthCheckHttps'))} with HTTPS).`
    case 'S3':
      return `${q('s3.storage')} GB x $${p(book, 's3.storage')} plus requests; the design rounded.`
    case 'CloudWatch Logs':
      return `The design's $5 is 10 GB x $${p(ref, 'logs.ingestion')} us-east-1 ingestion. ${region} ingestion is $${p(book, 'logs.ingestion')}/GB; storage at ${env.monitoring.logRetentionDays}-day retention adds a little; the always-free 5 GB is credited.`
    case 'MongoDB Atlas':
      return `The design's $57 is M10 at the us-east-1 rate ($${p(ref, `atlas.${env.mongodbAtlas.tier}`)}/h x 730 = ${usd(p(ref, `atlas.${env.mongodbAtlas.tier}`) * H)}); ${env.mongodbAtlas.tier} on AWS ${region} is $${p(book, `atlas.${env.mongodbAtlas.tier}`)}/h.`
    case 'Datadog':
      return `${env.monitoring.datadog.hosts} hosts x $${p(book, 'datadog.infraHost')} (Infrastructure Pro, annual): as the design.`
    case 'Sentry':
      return `${env.monitoring.sentry.plan} plan: as the design.`
    default:
      return ''
  }
}

/** Why a design row has no line here: the config leaves the service out. */
function absent(service: string, c: Context): string {
  const {env, book, ref} = c
  if (service === 'MongoDB Atlas') {
    const tier = env.mongodbAtlas.tier
    const here = book.prices[`atlas.${tier}`]
    return `mongodbAtlas.enabled is false in this environment, so Atlas is not priced. Enabled, ${tier} on AWS ${book.region} would be ${here ? usd(here.price * H) : 'unpriced'} a month (the design's $57 is the us-east-1 rate, ${usd(p(ref, `atlas.${tier}`) * H)}).`
  }
  const flag: Record<string, string> = {
    'Aurora Serverless v2': 'no database is configured',
    'NAT Gateway': 'network.natGateways is 0',
    'Route 53': 'no domain is configured',
    'Datadog': 'monitoring.datadog.enabled is false',
    'Sentry': 'monitoring.sentry.enabled is false',
  }
  return `Not in this environment: ${flag[service] ?? 'not configured'}.`
}

const NOT_IN_DESIGN_WHY: Record<string, string> = {
  'WAF': 'The design has a WAF (component 3) but no cost line: web ACL, one rule per managed group and custom rule, and requests.',
  'VPC endpoints': 'The design lists the endpoints as a saving but never prices them: interface endpoints bill per hour per AZ.',
  'Public IPv4': 'AWS charges $0.005/h for every public IPv4 address since February 2024 (NAT Elastic IPs, ALB nodes); the design predates it.',
  'CloudWatch Alarms': 'The design\'s alarms (component 12) are not in its table; the first 10 are free.',
  'SNS': 'Alarm e-mails: the first 1,000 a month are free.',
  'Secrets Manager': 'RDS manages the Aurora master password in Secrets Manager (CloudFormation cannot create the SecureString the design used).',
  'SSM Parameter Store': 'Standard parameters, SecureString included, are free.',
  'ECR': 'Image storage for the built services.',
  'KMS': 'No customer managed keys: AWS managed keys are free.',
}

/**
 * How this estimate relates to the design's table, line by line: the same services side by side,
 * each difference explained, and the lines the design has no row for.
 */
export function compareWithDesign(env: ResolvedEnvironment, book: PriceBook, ref: PriceBook, lines: CostLine[], credits: CostLine[], total: number, savings: Saving[]): DesignComparison {
  const c: Context = {env, book, ref, lines, credits}
  const designServices = new Set<string>(DESIGN_TABLE.map((r) => r.service))
  const rows: DesignComparisonRow[] = DESIGN_TABLE.map((d) => {
    const mine = [...lines, ...credits].filter((l) => l.service === d.service)
    const ours = sum(mine)
    return {service: d.service, designItem: d.item, designMonthly: d.monthly, lines: mine.map((l) => l.id), ours, difference: cents(ours - d.monthly), why: mine.length === 0 ? absent(d.service, c) : explain(d.service, c)}
  })
  const others = [...new Set([...lines, ...credits].map((l) => l.service))].filter((s) => !designServices.has(s))
  const notInDesign = others.map((service) => ({
    service,
    monthly: sum([...lines, ...credits].filter((l) => l.service === service)),
    why: NOT_IN_DESIGN_WHY[service] ?? '',
  }))
  const design = ['vpc-endpoints', 'off-hours', 'log-retention', 'aurora-floor'].map((id) => savings.find((s) => s.id === id)).filter((s): s is Saving => Boolean(s))
  const pending = design.filter((s) => !s.applied)
  const net = cents(pending.reduce((n, s) => n + s.monthlyDifference, 0))
  const ours = design.map((s) => `${s.id} ${s.applied ? '(already in config) ' : ''}${usd(s.monthlyDifference)}`).join('; ') +
    `. Applying the ones not yet in the config changes the total by ${usd(net)}, to ${usd(cents(total + net))}.`
  return {rows, notInDesign, designTotal: DESIGN_TOTAL, ourTotal: total, difference: cents(total - DESIGN_TOTAL), savings: {designClaim: DESIGN_SAVINGS_CLAIM, ours}}
}


