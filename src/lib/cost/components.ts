import type {ResolvedEnvironment} from '../config/types.js'
import {PlatformError} from '../errors.js'
import {DATADOG_AGENT_IMAGE} from '../../templates/service.js'
import type {Inventory} from './inventory.js'
import {HOURS_PER_MONTH, priceOf} from './price-book.js'
import {taskProfile} from './schedule.js'
import type {CostLine, PriceBook} from './types.js'
import type {UsageReader} from './usage.js'

/** The secret a service's MongoDB connection string is read from: its presence means a cluster somewhere. */
const MONGODB_URI_SECRET = 'MONGODB_URI'

/** Rounds to cents, the precision of a bill. */
export function cents(n: number): number {
  return Math.round((n + Number.EPSILON) * 100) / 100
}

interface LineOptions {
  usage?: string
  note?: string
  /** Billed by another company, not AWS. */
  external?: boolean
}

/** Builds a line from a price-book price; quantity is monthly, in the price's unit. */
export function priceLine(book: PriceBook, id: string, service: string, item: string, priceId: string, quantity: number, options: LineOptions = {}): CostLine {
  const price = priceOf(book, priceId)
  return {
    id,
    service,
    item,
    unit: price.unit,
    quantity: roundQuantity(quantity),
    unitPrice: price.price,
    monthly: cents(quantity * price.price),
    priceId,
    source: price.source,
    priceDate: price.date,
    ...(options.usage ? {usage: options.usage} : {}),
    ...(options.note ?? price.note ? {note: options.note ?? price.note} : {}),
    ...(options.external ? {external: true} : {}),
  }
}

function roundQuantity(q: number): number {
  return Math.round(q * 1e6) / 1e6
}

/**
 * Every cost component of one environment, in a fixed order (compute, database, network, edge,
 * storage, observability, external services), plus the always-free credits. What exists is read
 * from the rendered templates (`inventory`); sizes and usage from the config.
 */
export function buildCostLines(env: ResolvedEnvironment, book: PriceBook, usage: UsageReader, inventory: Inventory): {lines: CostLine[]; credits: CostLine[]} {
  const lines: CostLine[] = []
  const credits: CostLine[] = []
  const H = HOURS_PER_MONTH
  const add = (...l: CostLine[]) => lines.push(...l)

  // --- ECS Fargate: per service, vCPU-hours and GB-hours at the architecture's prices.
  const offHours = usage.isSet('offHoursFraction') ? usage.get('offHoursFraction') : undefined
  for (const name of Object.keys(env.services).sort()) {
    const svc = env.services[name]
    const profile = taskProfile(svc, offHours)
    const taskHours = profile.averageTasks * H
    const vcpu = svc.cpu / 1024
    const gb = svc.memory / 1024
    usage.note({key: `tasks.${name}`, value: profile.averageTasks, unit: 'tasks (average)', origin: 'derived', description: `${name}: ${profile.detail}; scale-out under load is not priced (a floor)`})
    const tasks = `${fmt(profile.averageTasks)} ${profile.averageTasks === 1 ? 'task' : 'tasks'}`
    add(
      priceLine(book, `fargate.${name}.vcpu`, 'ECS Fargate', `${name} vCPU (${svc.architecture}, ${vcpu} vCPU x ${tasks} x ${H} h)`, `fargate.vcpu.${svc.architecture}`, vcpu * taskHours),
      priceLine(book, `fargate.${name}.memory`, 'ECS Fargate', `${name} memory (${svc.architecture}, ${gb} GB x ${tasks} x ${H} h)`, `fargate.memory.${svc.architecture}`, gb * taskHours),
    )
  }

  // --- Aurora Serverless v2: the minimum capacity is a floor, not a forecast.
  const db = env.database
  const instances = inventory.count('AWS::RDS::DBInstance')
  if (db && instances > 0) {
    const acu = usage.get('auroraAverageAcu', {value: db.minCapacity, description: `ACU per instance: the configured minimum ${db.minCapacity}, a floor (load scales each instance up to ${db.maxCapacity})`})
    add(
      priceLine(book, 'aurora.capacity', 'Aurora Serverless v2', `capacity (${acu} ACU x ${instances} instances x ${H} h, a floor)`, 'aurora.acu', acu * instances * H, {
        usage: 'auroraAverageAcu',
        note: 'Aurora Standard. I/O-Optimized costs 30% more per ACU and 125% more per GB but has no I/O charge: see Savings.',
      }),
      priceLine(book, 'aurora.storage', 'Aurora Serverless v2', 'storage', 'aurora.storage', usage.get('auroraStorageGb'), {usage: 'auroraStorageGb'}),
      priceLine(book, 'aurora.io', 'Aurora Serverless v2', 'I/O requests', 'aurora.io', usage.get('auroraIoMillions'), {usage: 'auroraIoMillions'}),
      priceLine(book, 'aurora.backup', 'Aurora Serverless v2', `backup beyond free (${db.backupRetentionDays}-day retention)`, 'aurora.backup', usage.get('auroraBackupBeyondFreeGb'), {usage: 'auroraBackupBeyondFreeGb'}),
    )
  }
  const secrets = inventory.managedSecrets()
  if (secrets > 0) {
    add(priceLine(book, 'secretsmanager.master', 'Secrets Manager', `secrets (${secrets})`, 'secretsmanager.secret', secrets, {
      ...(db ? {note: 'RDS keeps the Aurora master password in Secrets Manager (ManageMasterUserPassword).'} : {}),
    }))
  }

  // --- Load balancers.
  const albs = inventory.count('AWS::ElasticLoadBalancingV2::LoadBalancer')
  if (albs > 0) {
    add(
      priceLine(book, 'alb.hours', 'ALB', `load balancer (${albs} x ${H} h)`, 'alb.hour', albs * H),
      priceLine(book, 'alb.lcu', 'ALB', `capacity units (${fmt(usage.get('albLcu'))} LCU x ${H} h)`, 'alb.lcu', usage.get('albLcu') * H, {usage: 'albLcu'}),
    )
  }

  // --- NAT gateways, interface endpoints, public IPv4 addresses.
  const azs = env.network.availabilityZones
  const nat = inventory.count('AWS::EC2::NatGateway')
  if (nat > 0) {
    add(
      priceLine(book, 'nat.hours', 'NAT Gateway', `gateways (${nat} x ${H} h)`, 'nat.hour', nat * H),
      priceLine(book, 'nat.data', 'NAT Gateway', 'data processed', 'nat.data', usage.get('natTrafficGb'), {usage: 'natTrafficGb'}),
    )
  }
  const endpoints = inventory.interfaceEndpoints()
  if (endpoints.length > 0) {
    const endpointAzHours = endpoints.reduce((n, e) => n + e.azs, 0) * H
    const names = endpoints.map((e) => e.logicalId.replace(/Endpoint$/, '')).join(', ')
    add(
      priceLine(book, 'vpce.hours', 'VPC endpoints', `interface endpoints (${endpoints.length} [${names}] x ${endpoints[0].azs} AZ x ${H} h)`, 'vpce.hour', endpointAzHours, {
        note: 'Each interface endpoint bills per AZ it sits in; the S3 gateway endpoint is free.',
      }),
      priceLine(book, 'vpce.data', 'VPC endpoints', 'data processed', 'vpce.data', usage.get('vpcEndpointTrafficGb'), {usage: 'vpcEndpointTrafficGb'}),
    )
  }
  const elasticIps = inventory.count('AWS::EC2::EIP')
  if (elasticIps > 0) add(priceLine(book, 'ipv4.nat', 'Public IPv4', `NAT Elastic IPs (${elasticIps} x ${H} h)`, 'ipv4.hour', elasticIps * H))
  // An internal ALB (behind a CloudFront VPC origin) has no public address; an internet-facing one has one per AZ.
  const albAddresses = inventory.publicLoadBalancerAddresses(azs)
  if (albAddresses > 0) add(priceLine(book, 'ipv4.alb', 'Public IPv4', `internet-facing ALB addresses (one per AZ: ${albAddresses} x ${H} h)`, 'ipv4.hour', albAddresses * H))

  // --- CloudFront: billed by the edge that serves the viewer, not by the stack's region.
  // PriceClass_100 serves only from North America, Europe and Israel edges, which bill the US rate.
  const distribution = inventory.ofType('AWS::CloudFront::Distribution')[0]
  const requestsM = usage.get('cloudfrontRequestsMillions')
  if (distribution) {
    const priceClass = (distribution.resource.Properties?.DistributionConfig as {PriceClass?: string} | undefined)?.PriceClass
    const edge = priceClass === 'PriceClass_100' ? 'us' : book.cloudfrontEdge
    const transferGb = usage.get('cloudfrontTransferGb')
    const transfer = priceLine(book, 'cloudfront.transfer', 'CloudFront', `data transfer out (${edge} edge)`, `cloudfront.transfer.${edge}`, transferGb, {usage: 'cloudfrontTransferGb'})
    const requests = priceLine(book, 'cloudfront.requests', 'CloudFront', `HTTPS requests (${edge} edge)`, `cloudfront.requests.${edge}`, requestsM * 100, {usage: 'cloudfrontRequestsMillions'})
    add(transfer, requests)
    const freeGb = book.freeTier['cloudfront.transfer']
    const freeRequests = book.freeTier['cloudfront.requests']
    credits.push(
      credit(transfer, 'cloudfront.free.transfer', `always free: ${freeGb.amount} GB transfer out`, Math.min(transferGb, freeGb.amount), freeGb.source),
      credit(requests, 'cloudfront.free.requests', `always free: ${freeRequests.amount / 1e6}M requests`, Math.min(requestsM * 100, freeRequests.amount / 10_000), freeRequests.source),
    )
  }

  // --- WAF (scope CLOUDFRONT, billed in us-east-1 at global prices): every rule and managed rule group.
  const webAcls = inventory.count('AWS::WAFv2::WebACL')
  if (webAcls > 0) {
    const rules = inventory.webAclRules()
    add(
      priceLine(book, 'waf.acl', 'WAF', `web ACL (${webAcls})`, 'waf.webAcl', webAcls),
      priceLine(book, 'waf.rules', 'WAF', `rules and managed rule groups (${rules})`, 'waf.rule', rules),
      priceLine(book, 'waf.requests', 'WAF', 'requests inspected (every CloudFront request)', 'waf.requests', requestsM, {usage: 'cloudfrontRequestsMillions'}),
    )
  }

  // --- Route 53: a zone the stacks create, queries to the records they write, health checks.
  const zones = inventory.count('AWS::Route53::HostedZone')
  if (zones > 0) add(priceLine(book, 'route53.zone', 'Route 53', `hosted zone${env.domain ? ` ${env.domain}` : ''} (${zones})`, 'route53.hostedZone', zones))
  if (inventory.count('AWS::Route53::RecordSet') > 0) add(priceLine(book, 'route53.queries', 'Route 53', 'queries', 'route53.queries', usage.get('route53QueriesMillions'), {usage: 'route53QueriesMillions'}))
  const checks = inventory.healthChecks()
  if (checks.total > 0) add(priceLine(book, 'route53.healthCheck', 'Route 53', `health checks (${checks.total})`, 'route53.healthCheck', checks.total))
  if (checks.https > 0) add(priceLine(book, 'route53.healthCheckHttps', 'Route 53', `health check HTTPS feature (${checks.https})`, 'route53.healthCheckHttps', checks.https))

  // --- S3.
  const s3Requests = usage.get('s3RequestsMillions')
  add(
    priceLine(book, 's3.storage', 'S3', 'Standard storage', 's3.storage', usage.get('s3StorageGb'), {usage: 's3StorageGb'}),
    priceLine(book, 's3.put', 'S3', 'PUT/LIST requests (10% of requests)', 's3.put', s3Requests * 0.1 * 1000, {usage: 's3RequestsMillions'}),
    priceLine(book, 's3.get', 'S3', 'GET requests (90% of requests)', 's3.get', s3Requests * 0.9 * 1000, {usage: 's3RequestsMillions'}),
  )

  // --- CloudWatch Logs: retention changes what is stored, never what is ingested.
  const ingestGb = usage.get('logIngestionGb')
  const retention = env.monitoring.logRetentionDays
  const ingestion = priceLine(book, 'logs.ingestion', 'CloudWatch Logs', 'ingestion', 'logs.ingestion', ingestGb, {usage: 'logIngestionGb'})
  add(
    ingestion,
    priceLine(book, 'logs.storage', 'CloudWatch Logs', `storage (${retention}-day retention: ${retention}/${fmt(H / 24)} of a month's ingestion kept)`, 'logs.storage', storedLogGb(ingestGb, retention), {
      usage: 'logIngestionGb',
      note: 'Steady state; AWS bills stored logs compressed, so this is an upper bound.',
    }),
  )
  const freeLogs = book.freeTier['cloudwatch.logs']
  credits.push(credit(ingestion, 'logs.free', `always free: ${freeLogs.amount} GB of log data`, Math.min(ingestGb, freeLogs.amount), freeLogs.source))

  // --- Alarms and their topic.
  const alarms = inventory.count('AWS::CloudWatch::Alarm')
  if (alarms > 0) {
    const alarmLine = priceLine(book, 'cloudwatch.alarms', 'CloudWatch Alarms', `alarms (${alarms})`, 'cloudwatch.alarm', alarms)
    add(alarmLine)
    const freeAlarms = book.freeTier['cloudwatch.alarms']
    credits.push(credit(alarmLine, 'cloudwatch.free.alarms', `always free: ${freeAlarms.amount} alarms`, Math.min(alarms, freeAlarms.amount), freeAlarms.source))
  }
  if (inventory.count('AWS::SNS::Topic') > 0) {
    add(priceLine(book, 'sns.email', 'SNS', 'alarm e-mails (first 1,000 a month free)', 'sns.email', Math.max(0, usage.get('snsEmailNotifications') - 1000) / 100_000, {usage: 'snsEmailNotifications'}))
  }

  // --- Secrets, images, keys.
  add(priceLine(book, 'ssm.parameters', 'SSM Parameter Store', `standard SecureString parameters (${env.secrets.length}): free`, 'ssm.standardParameter', env.secrets.length))
  const repositories = inventory.count('AWS::ECR::Repository')
  if (repositories > 0) {
    const perService = usage.get('ecrStorageGbPerService')
    add(priceLine(book, 'ecr.storage', 'ECR', `image storage (${repositories} repositories x ${perService} GB)`, 'ecr.storage', repositories * perService, {usage: 'ecrStorageGbPerService'}))
  }
  const keys = inventory.count('AWS::KMS::Key')
  add(priceLine(book, 'kms.keys', 'KMS', keys > 0 ? `customer managed keys (${keys})` : 'customer managed keys (none: AWS managed keys are free)', 'kms.key', keys))

  // --- External services: billed by other companies, but part of what the environment costs.
  const atlas = env.mongodbAtlas
  if (atlas.enabled || env.secrets.includes(MONGODB_URI_SECRET)) {
    const priceId = `atlas.${atlas.tier}`
    if (!book.prices[priceId]) {
      throw new PlatformError(`The ${book.region} price book has no MongoDB Atlas tier ${atlas.tier}.`, {
        code: 'PRICE_MISSING',
        suggestions: [`Priced tiers: ${Object.keys(book.prices).filter((k) => k.startsWith('atlas.')).map((k) => k.slice(6)).join(', ')}.`],
      })
    }
    // Atlas prices a 3-node replica set; each further electable node adds a third.
    add(priceLine(book, 'atlas.cluster', 'MongoDB Atlas', `${atlas.tier} (${atlas.nodes} nodes, ${atlas.diskSizeGb} GB${atlas.enabled ? '' : ', not created by platform'}) x ${H} h`, priceId, (H * atlas.nodes) / 3, {
      external: true,
      note: atlas.enabled ? undefined : `The cluster ${MONGODB_URI_SECRET} points at, as mongodbAtlas describes it; platform does not create it (mongodbAtlas.enabled is false).`,
    }))
  }
  const datadog = env.monitoring.datadog
  if (datadog.enabled) {
    if (datadog.hosts > 0) {
      add(priceLine(book, 'datadog.hosts', 'Datadog', `Infrastructure Pro (${datadog.hosts} hosts, from monitoring.datadog.hosts)`, 'datadog.infraHost', datadog.hosts, {external: true}))
    }
    // Datadog bills Fargate by the average number of tasks running its agent, not by host.
    const withAgent = inventory.servicesWithSidecar(DATADOG_AGENT_IMAGE).filter((name) => env.services[name])
    const tasks = withAgent.reduce((n, name) => n + taskProfile(env.services[name], offHours).averageTasks, 0)
    if (tasks > 0) {
      add(priceLine(book, 'datadog.fargateTasks', 'Datadog', `Fargate tasks running the agent (${withAgent.join(', ')}: ${fmt(tasks)} on average)`, 'datadog.fargateTask', tasks, {external: true}))
    }
  }
  const sentry = env.monitoring.sentry
  if (sentry.enabled) add(priceLine(book, 'sentry.plan', 'Sentry', `${sentry.plan} plan`, `sentry.${sentry.plan}`, 1, {external: true}))

  return {lines, credits}
}

/** GB kept at steady state: each GB is stored for `retentionDays` of a 730/24-day month. */
export function storedLogGb(ingestGbPerMonth: number, retentionDays: number): number {
  return (ingestGbPerMonth * retentionDays) / (HOURS_PER_MONTH / 24)
}

/** Always-free tiers belong to the account, not the environment. */
export const FREE_TIER_NOTE = 'Per AWS account and month: environments that share an account share it.'

function credit(of: CostLine, id: string, item: string, quantity: number, source: string): CostLine {
  return {...of, id, item, quantity: roundQuantity(quantity), monthly: -cents(quantity * of.unitPrice), source, usage: of.usage, note: FREE_TIER_NOTE}
}

function fmt(n: number): string {
  return String(Math.round(n * 1000) / 1000)
}
