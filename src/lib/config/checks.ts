/**
 * Checks beyond the schema: what CloudFormation or ECS would reject minutes into a deploy.
 * Each check reports through the environment's reporter, which points at where the value is
 * written (the environment, or `defaults` when inherited).
 */
import {canCarveSubnets, cidrContains, cidrsOverlap, formatCidr, parseCidr, readCidr} from '../cidr.js'
import {ORIGIN_RECORD} from '../naming.js'
import {REGION_AZ_COUNT, checkAuroraPostgresVersion, supportsAutoPause} from './aws-facts.js'
import {describeFargateMemory, fargateCpusFor, fargateMemoryFor, isFargatePair} from './fargate.js'
import type {IssueCollector} from './issues.js'
import {nearest} from './issues.js'
import type {EnvironmentUnderCheck} from './resolve.js'
import type {ResolvedEnvironment, ServiceConfig} from './types.js'

type Report = EnvironmentUnderCheck['report']

/** Run every per-environment check. */
export function checkEnvironment(subject: EnvironmentUnderCheck, _sink: IssueCollector): void {
  const {env, report, origins} = subject
  const written = (path: Array<string | number>): boolean => origins.resolve(path).written
  const ownedByEnv = (path: Array<string | number>): boolean => {
    const {origin, written: isWritten} = origins.resolve(path)
    return isWritten && origin[0] === 'environments'
  }
  checkNetwork(env, report, written)
  checkServices(env, report, written, ownedByEnv)
  checkDatabase(env, report, written)
  checkNames(env, report)
  checkMisc(env, report, written)
}

/** Checks that compare environments: shared account-wide resources. */
export function checkAcrossEnvironments(subjects: EnvironmentUnderCheck[], _sink: IssueCollector): void {
  const oidcByAccount = new Map<string, string>()
  for (const {env, report} of subjects) {
    if (!env.ci.githubRepository || !env.ci.createOidcProvider) continue
    const account = env.account ?? '(the same account)'
    const other = oidcByAccount.get(account)
    if (other) {
      report(['ci', 'createOidcProvider'], {
        severity: 'warning',
        message: `environments ${other} and ${env.name} both create the GitHub OIDC provider; an account holds only one`,
        hint: `if they share an account, set ci.createOidcProvider: false in ${env.name}`,
      })
    } else {
      oidcByAccount.set(account, env.name)
    }
  }
}

// ---------------------------------------------------------------- network

function checkNetwork(env: ResolvedEnvironment, report: Report, written: (p: Array<string | number>) => boolean): void {
  const network = env.network
  const regionAzs = REGION_AZ_COUNT[env.region]
  if (regionAzs !== undefined && network.availabilityZones > regionAzs) {
    report(['network', 'availabilityZones'], {message: `${env.region} offers ${regionAzs} availability zones, not ${network.availabilityZones}`, hint: `use 1 to ${regionAzs} (2 is the design's multi-AZ layout)`})
  }
  if (network.natGateways > network.availabilityZones) {
    report(['network', 'natGateways'], {message: `${network.natGateways} NAT gateways for ${network.availabilityZones} availability zones: at most one per AZ is useful`, hint: `use 0, 1 (shared) or ${network.availabilityZones} (one per AZ)`})
  }
  if (network.natGateways === 0) checkPrivateEgress(env, report)

  const vpc = readCidr(network.cidr)
  if (!vpc) return
  if (vpc.prefixLength < 16 || vpc.prefixLength > 28) {
    report(['network', 'cidr'], {message: `a VPC CIDR must be /16 to /28, not /${vpc.prefixLength}`, hint: 'use e.g. 10.0.0.0/16'})
    return
  }
  const base = parseCidr(network.cidr).base
  if (vpc.address !== base) {
    report(['network', 'cidr'], {message: `${network.cidr} has host bits set`, hint: `use the network address: ${formatCidr(base, vpc.prefixLength)}`})
  }
  const explicit: Array<{path: Array<string | number>; text: string}> = []
  for (const kind of ['publicSubnets', 'privateSubnets'] as const) {
    const list = network[kind]
    if (!list) continue
    if (list.length !== network.availabilityZones) {
      report(['network', kind], {message: `${list.length} ${kind} for ${network.availabilityZones} availability zones`, hint: `give exactly one CIDR per AZ (${network.availabilityZones}), or remove ${kind} to carve them from the VPC CIDR`})
    }
    list.forEach((text, i) => {
      const cidr = readCidr(text)
      if (!cidr) return
      const path = ['network', kind, i]
      if (!cidrContains(network.cidr, text)) report(path, {message: `subnet ${text} is outside the VPC CIDR ${network.cidr}`, hint: `pick a range inside ${network.cidr}`})
      else if (cidr.prefixLength > 28) report(path, {message: `subnet ${text} is smaller than /28, the smallest AWS allows`, hint: 'use /28 or larger (e.g. /24)'})
      for (const other of explicit) {
        if (cidrsOverlap(other.text, text)) report(path, {message: `subnet ${text} overlaps ${other.text}`, hint: 'give every subnet its own range'})
      }
      explicit.push({path, text})
    })
  }
  const carvesSome = !network.publicSubnets || !network.privateSubnets
  if (carvesSome && !canCarveSubnets(network.cidr, network.availabilityZones)) {
    report(['network', 'cidr'], {
      message: `${network.cidr} is too small for ${2 * network.availabilityZones} subnets of at least /28`,
      hint: written(['network', 'cidr']) ? 'use a larger VPC range (e.g. a /16), fewer AZs, or list publicSubnets and privateSubnets' : 'set network.cidr',
    })
  }
}

function checkPrivateEgress(env: ResolvedEnvironment, report: Report): void {
  const endpoints = new Set(env.network.vpcEndpoints)
  const services = Object.entries(env.services)
  const needs: string[] = []
  if (services.some(([, s]) => s.build) && !(endpoints.has('ecr') && endpoints.has('s3'))) needs.push('ecr and s3 (image pulls from ECR)')
  if (!endpoints.has('logs')) needs.push('logs (awslogs driver)')
  const usesSecrets = services.some(([, s]) => s.secrets.length > 0)
  if (usesSecrets && !endpoints.has('ssm')) needs.push('ssm (secrets from Parameter Store)')
  if (needs.length > 0) {
    report(['network', 'vpcEndpoints'], {
      message: `with natGateways: 0 the tasks reach AWS only through VPC endpoints, and ${needs.join(', ')} ${needs.length === 1 ? 'is' : 'are'} missing`,
      hint: 'add the endpoints to network.vpcEndpoints, or set natGateways: 1',
    })
  }
  for (const [name, service] of services) {
    if (service.image && !/^\d{12}\.dkr\.ecr\./.test(service.image)) {
      report(['services', name, 'image'], {message: `with natGateways: 0, tasks cannot pull ${service.image} from outside ECR`, hint: 'set natGateways: 1, or build the image (`build:`) so it is pushed to ECR'})
    }
  }
}

// ---------------------------------------------------------------- services

const ALB_RULES_PER_LISTENER = 100

const SCHEDULE_PATTERN = /^(cron\(\s*\S+(\s+\S+){5}\s*\)|rate\(\s*\d+\s+(minute|minutes|hour|hours|day|days)\s*\)|at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\))$/

function checkServices(env: ResolvedEnvironment, report: Report, written: (p: Array<string | number>) => boolean, ownedByEnv: (p: Array<string | number>) => boolean): void {
  const byPath = new Map<string, string>()
  const byPort = new Map<number, string>()
  const byPriority = new Map<number, string>()
  const byAssetPrefix = new Map<string, string>()
  const declared = new Set(env.secrets)
  // One listener rule and one target group per service; ALB quotas are 100 of each by default
  // (adjustable, hence a warning).
  const serviceCount = Object.keys(env.services).length
  if (serviceCount > ALB_RULES_PER_LISTENER) {
    report(['services'], {target: 'key', severity: 'warning', message: `${serviceCount} services exceed the ALB's default quota of ${ALB_RULES_PER_LISTENER} listener rules and target groups`, hint: 'request a quota increase (Service Quotas, Elastic Load Balancing) before deploying, or split the services over two environments'})
  }
  for (const [name, service] of Object.entries(env.services)) {
    const at = (...rest: Array<string | number>) => ['services', name, ...rest]
    checkFargate(service, at, report, written, ownedByEnv)

    const samePath = byPath.get(service.path)
    if (samePath) report(at('path'), {message: `services ${samePath} and ${name} both use ALB path ${service.path}`, hint: 'give each service its own path (e.g. /api/*); one service may keep /'})
    else byPath.set(service.path, name)
    const samePort = byPort.get(service.port)
    if (samePort) report(at('port'), {message: `services ${samePort} and ${name} both use port ${service.port}`, hint: 'give each service its own container port'})
    else byPort.set(service.port, name)
    if (service.priority !== undefined) {
      const samePriority = byPriority.get(service.priority)
      if (samePriority) report(at('priority'), {message: `services ${samePriority} and ${name} both use listener rule priority ${service.priority}`, hint: 'priorities must be unique on the listener; remove them to derive from path specificity'})
      else byPriority.set(service.priority, name)
    }

    service.secrets.forEach((secret, i) => {
      if (declared.has(secret)) return
      const guess = nearest(secret, [...declared])
      report(at('secrets', i), {message: `secret ${secret} is not declared in the environment's secrets`, hint: guess ? `did you mean ${guess}? Otherwise add ${secret} to secrets: [...]` : `add ${secret} to the environment's secrets: [...] (declared: ${[...declared].join(', ') || 'none'})`})
    })

    // One bucket holds every service's assets: two services uploading under one prefix would
    // overwrite each other's files, and CloudFront can route a prefix to one place only.
    service.assets.forEach((asset, i) => {
      const other = byAssetPrefix.get(asset.prefix)
      if (other) report(at('assets', i, 'prefix'), {message: `asset prefix ${asset.prefix} is used twice (${other === name ? `in service ${name}` : `by services ${other} and ${name}`})`, hint: 'give each assets entry its own prefix'})
      else byAssetPrefix.set(asset.prefix, name)
    })
    const rollout = service.deployment
    if (rollout.strategy === 'rolling' && rollout.maximumPercent <= rollout.minimumHealthyPercent) {
      report(at('deployment', written(at('deployment', 'maximumPercent')) ? 'maximumPercent' : 'minimumHealthyPercent'), {message: `deployment maximumPercent ${rollout.maximumPercent} must exceed minimumHealthyPercent ${rollout.minimumHealthyPercent}, or ECS can start no new task`, hint: 'e.g. minimumHealthyPercent: 100 with maximumPercent: 200'})
    }

    const hc = service.healthCheck
    if (hc.timeoutSeconds >= hc.intervalSeconds) {
      report(at('healthCheck', written(at('healthCheck', 'timeoutSeconds')) ? 'timeoutSeconds' : 'intervalSeconds'), {message: `health check timeout ${hc.timeoutSeconds}s must be less than its interval ${hc.intervalSeconds}s`, hint: 'e.g. timeoutSeconds: 5 with intervalSeconds: 30'})
    }

    const scaling = service.autoscaling
    if (scaling) {
      if (scaling.min > scaling.max) report(at('autoscaling', 'min'), {message: `autoscaling min ${scaling.min} is greater than max ${scaling.max}`, hint: 'min must be at most max'})
      else if (service.desiredCount < scaling.min || service.desiredCount > scaling.max) {
        const path = written(at('desiredCount')) ? at('desiredCount') : at('autoscaling', 'min')
        report(path, {message: `desiredCount ${service.desiredCount} is outside autoscaling ${scaling.min}-${scaling.max}`, hint: `use a desiredCount from ${scaling.min} to ${scaling.max}`})
      }
      const names = new Set<string>()
      scaling.schedules.forEach((schedule, i) => {
        const sat = (...rest: string[]) => at('autoscaling', 'schedules', i, ...rest)
        if (!SCHEDULE_PATTERN.test(schedule.schedule)) {
          report(sat('schedule'), {message: `"${schedule.schedule}" is not a schedule expression`, hint: 'use cron(min hour day-of-month month day-of-week year), e.g. cron(0 22 ? * MON-FRI *), or rate(1 day), or at(2026-12-31T22:00:00)'})
        } else if (schedule.schedule.startsWith('cron(')) {
          const fields = schedule.schedule.slice(5, -1).trim().split(/\s+/)
          if (fields[2] !== '?' && fields[4] !== '?') report(sat('schedule'), {message: `cron "${schedule.schedule}" sets both day-of-month and day-of-week`, hint: 'one of the two must be ?, e.g. cron(0 22 ? * MON-FRI *)'})
        }
        if (schedule.min > schedule.max) report(sat('min'), {message: `schedule ${schedule.name}: min ${schedule.min} is greater than max ${schedule.max}`, hint: 'min must be at most max'})
        if (names.has(schedule.name)) report(sat('name'), {message: `schedule name ${schedule.name} is used twice in service ${name}`, hint: 'give each schedule its own name'})
        names.add(schedule.name)
      })
    }
  }
}

function checkFargate(
  service: ServiceConfig,
  at: (...rest: Array<string | number>) => Array<string | number>,
  report: Report,
  written: (p: Array<string | number>) => boolean,
  ownedByEnv: (p: Array<string | number>) => boolean,
): void {
  if (isFargatePair(service.cpu, service.memory)) return
  const memories = fargateMemoryFor(service.cpu)
  const cpus = fargateCpusFor(service.memory)
  const alternatives = cpus.length > 0 ? `, or cpu ${cpus.join('/')} for ${service.memory} MiB` : ''
  // Blame the value the environment itself overrides (fixing it there leaves other environments
  // alone); otherwise memory when written, else cpu.
  const [memoryHere, cpuHere] = [ownedByEnv(at('memory')), ownedByEnv(at('cpu'))]
  const blameMemory = memoryHere !== cpuHere ? memoryHere : written(at('memory')) || !written(at('cpu'))
  report(at(blameMemory ? 'memory' : 'cpu'), {
    message: `Fargate does not run cpu ${service.cpu} with memory ${service.memory} MiB`,
    hint: `for cpu ${service.cpu} use memory ${describeFargateMemory(service.cpu)} (e.g. ${memories[0]})${alternatives}`,
  })
}

// ---------------------------------------------------------------- database

function checkDatabase(env: ResolvedEnvironment, report: Report, written: (p: Array<string | number>) => boolean): void {
  const db = env.database
  if (!db) return
  for (const key of ['minCapacity', 'maxCapacity'] as const) {
    const value = db[key]
    if (Math.round(value * 2) !== value * 2) {
      report(['database', key], {message: `${key} ${value} is not a multiple of 0.5 ACU`, hint: `use ${Math.floor(value * 2) / 2} or ${Math.ceil(value * 2) / 2}`})
    }
  }
  if (db.minCapacity > db.maxCapacity) {
    report(['database', written(['database', 'minCapacity']) ? 'minCapacity' : 'maxCapacity'], {message: `minCapacity ${db.minCapacity} ACU is greater than maxCapacity ${db.maxCapacity} ACU`, hint: 'minCapacity must be at most maxCapacity'})
  }
  if (db.minCapacity === 0 && !supportsAutoPause(db.version)) {
    report(['database', 'minCapacity'], {message: `minCapacity 0 (auto-pause) needs Aurora PostgreSQL 16.3+ or 17, not ${db.version}`, hint: 'use minCapacity: 0.5, or a newer version'})
  }
  const verdict = checkAuroraPostgresVersion(db.version, env.region)
  if (verdict.status === 'retired') {
    report(['database', 'version'], {message: `Aurora PostgreSQL ${db.version} is no longer offered in ${env.region} for new clusters`, hint: `use version: "${verdict.replacement}"`})
  } else if (verdict.status === 'too-old') {
    report(['database', 'version'], {message: `Aurora PostgreSQL ${db.version} is past end of standard support`, hint: `use a supported version (${verdict.oldest} or later, e.g. "17.9")`})
  } else if (verdict.status === 'unknown') {
    report(['database', 'version'], {
      severity: /^\d+\.\d+$/.test(db.version) ? 'warning' : 'error',
      message: /^\d+\.\d+$/.test(db.version) ? `Aurora PostgreSQL ${db.version} is not in the versions this platform knows for ${env.region}` : `"${db.version}" is not a full engine version`,
      hint: `deploy checks it against RDS; the newest known is "${verdict.latest}"`,
    })
  }
  const backup = parseWindow(db.backupWindow)
  const maintenance = parseWeeklyWindow(db.maintenanceWindow)
  if (backup && backup.minutes < 30) report(['database', 'backupWindow'], {message: `backup window ${db.backupWindow} is shorter than the 30 minutes RDS requires`, hint: 'e.g. 18:00-19:00'})
  if (backup && maintenance) {
    // RDS rejects a maintenance window that overlaps the daily backup window on any day.
    for (let day = 0; day < 7; day++) {
      const start = day * 1440 + backup.start
      if (rangesOverlap(start, start + backup.minutes, maintenance.start, maintenance.start + maintenance.minutes)) {
        report(['database', 'maintenanceWindow'], {message: `maintenance window ${db.maintenanceWindow} overlaps the backup window ${db.backupWindow}`, hint: 'RDS requires them apart, e.g. backupWindow 18:00-19:00 with maintenanceWindow sun:19:00-sun:20:00'})
        break
      }
    }
  }
}

function parseWindow(text: string): {start: number; minutes: number} | undefined {
  const match = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(text)
  if (!match) return undefined
  const [h1, m1, h2, m2] = match.slice(1).map(Number)
  const start = h1 * 60 + m1
  return {start, minutes: (h2 * 60 + m2 - start + 1440) % 1440 || 1440}
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

function parseWeeklyWindow(text: string): {start: number; minutes: number} | undefined {
  const match = /^(\w{3}):(\d\d):(\d\d)-(\w{3}):(\d\d):(\d\d)$/.exec(text)
  if (!match) return undefined
  const start = DAYS.indexOf(match[1]) * 1440 + Number(match[2]) * 60 + Number(match[3])
  const end = DAYS.indexOf(match[4]) * 1440 + Number(match[5]) * 60 + Number(match[6])
  return {start, minutes: (end - start + 7 * 1440) % (7 * 1440)}
}

function rangesOverlap(aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  const week = 7 * 1440
  for (const shift of [-week, 0, week]) if (aStart + shift < bEnd && bStart < aEnd + shift) return true
  return false
}

// ---------------------------------------------------------------- names

/** ECR repository names: lowercase components separated by `.`, `_` or `-`, no doubled or trailing separators. */
const ECR_COMPONENT = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/

function checkNames(env: ResolvedEnvironment, report: Report): void {
  // Every generated name starts with `<project>-<env>`. Names the renderer can shorten with a
  // hash (ALB, target groups, roles) always fit; these are used verbatim and cannot be shortened.
  if (!ECR_COMPONENT.test(env.name)) {
    report([], {target: 'key', message: `environment name "${env.name}" cannot be part of an ECR repository name`, hint: 'use lowercase letters and digits separated by single hyphens, e.g. prod or staging-2'})
  }
  for (const [name, service] of Object.entries(env.services)) {
    if (service.build && !ECR_COMPONENT.test(name)) {
      report(['services', name], {target: 'key', message: `service name "${name}" cannot be part of the ECR repository name ${env.project}/${env.name}/${name}`, hint: 'use lowercase letters and digits separated by single hyphens, e.g. web-api'})
    }
  }
  // S3 reserves these prefixes and suffixes for bucket names, which start with `<project>-<env>`.
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(env.project)) {
    report([], {target: 'key', message: `project "${env.project}" starts with a prefix S3 reserves, so its bucket names would be rejected`, hint: 'rename the project'})
  }
}

// ---------------------------------------------------------------- the rest

function checkMisc(env: ResolvedEnvironment, report: Report, written: (p: Array<string | number>) => boolean): void {
  if (env.waf.enabled && env.waf.rateLimit > 0 && env.waf.rateLimit < 10) {
    report(['waf', 'rateLimit'], {message: `rateLimit ${env.waf.rateLimit} is below WAF's minimum of 10 requests per 5 minutes`, hint: 'use 10 or more, or 0 to disable the rate rule'})
  }
  const datadog = env.monitoring.datadog
  if (datadog.apiErrorRate.warning >= datadog.apiErrorRate.critical) {
    report(['monitoring', 'datadog', 'apiErrorRate', 'warning'], {message: `Datadog warning threshold ${datadog.apiErrorRate.warning}% must be below critical ${datadog.apiErrorRate.critical}%`, hint: 'e.g. warning: 3, critical: 5'})
  }
  if (datadog.enabled) {
    // The Agent sidecar of every task reads its API key from this secret, and reaches Datadog
    // (and pulls its image from ECR Public) over the internet.
    if (!env.secrets.includes('DATADOG_API_KEY')) {
      report(['monitoring', 'datadog', 'enabled'], {message: 'Datadog is enabled but DATADOG_API_KEY is not among the secrets', hint: 'add DATADOG_API_KEY to secrets: [...] (the Agent sidecar reads its API key from it)'})
    }
    if (env.network.natGateways === 0) {
      report(['monitoring', 'datadog', 'enabled'], {message: 'Datadog is enabled with natGateways: 0: the Agent sidecar cannot reach Datadog or pull its image', hint: 'set network.natGateways: 1, or disable Datadog'})
    }
  }
  if (env.domain && env.dns.failover && !env.dns.healthCheck && written(['dns', 'failover'])) {
    report(['dns', 'failover'], {message: 'dns.failover needs the health check that switches the records, but dns.healthCheck is false', hint: 'set dns.healthCheck: true, or dns.failover: false'})
  }
  if (env.domain) {
    // A site record of that name would be a second A record beside the ALB's, and a second writer
    // of the validation record the ALB's certificate writes: both fail the deploy with "already exists".
    env.dns.records.forEach((record, index) => {
      if (record === ORIGIN_RECORD) {
        report(['dns', 'records', index], {message: `dns.records cannot list "${ORIGIN_RECORD}": ${ORIGIN_RECORD}.${env.domain} is the load balancer's own name, which CloudFront connects to`, hint: 'serve the site under another name'})
      }
    })
  }
  if (env.domain && !env.dns.createZone && !env.dns.zoneId) {
    report(['dns', 'createZone'], {message: 'createZone is false but no zoneId is given', hint: 'set dns.zoneId to the existing hosted zone id, or createZone: true'})
  }
  checkPlaceholders(env, report)
  checkOidcProvider(env, report)
  if (env.mongodbAtlas.enabled && !env.mongodbAtlas.projectId) {
    report(['mongodbAtlas', 'enabled'], {message: 'mongodbAtlas is enabled without a projectId', hint: 'set mongodbAtlas.projectId (24 hex characters from the Atlas UI)'})
  }
}

/** An existing GitHub OIDC provider is reused as given: it must be in the environment's account, and nothing creates another. */
function checkOidcProvider(env: ResolvedEnvironment, report: Report): void {
  const arn = env.ci.oidcProviderArn
  if (!arn) return
  if (env.ci.createOidcProvider) {
    report(['ci', 'createOidcProvider'], {message: 'createOidcProvider is true while oidcProviderArn names an existing provider', hint: 'remove createOidcProvider (the existing provider is used), or remove oidcProviderArn to create one'})
  }
  const account = arn.split(':')[4]
  if (env.account && account !== env.account) {
    report(['ci', 'oidcProviderArn'], {message: `oidcProviderArn is in account ${account}, not the environment's account ${env.account}`, hint: "a role trusts only an identity provider of its own account: give the provider of the environment's account"})
  }
  if (!env.ci.githubRepository) {
    report(['ci', 'oidcProviderArn'], {severity: 'warning', message: 'oidcProviderArn is set but ci.githubRepository is not, so no deploy role uses it', hint: 'set ci.githubRepository to the repository that deploys'})
  }
}

/** Names reserved for documentation (RFC 2606): `platform init` writes them for the user to replace. */
const PLACEHOLDER_DOMAIN = /(^|\.)(example\.(com|net|org)|example|test|invalid)$/

/**
 * A placeholder left from `platform init` deploys (the schema accepts it) but cannot work: ACM never
 * validates a certificate for a domain the user does not own, and alarm e-mail reaches nobody.
 * Warnings, so that `validate` says it before a deploy does.
 */
function checkPlaceholders(env: ResolvedEnvironment, report: Report): void {
  if (env.domain && PLACEHOLDER_DOMAIN.test(env.domain)) {
    report(['domain'], {severity: 'warning', advisory: true, message: `domain ${env.domain} is a documentation placeholder: ACM cannot validate a certificate for it`, hint: 'set the domain you own, or remove domain to serve on CloudFront\'s own domain'})
  }
  const email = env.monitoring.alarmEmail
  if (email && PLACEHOLDER_DOMAIN.test(email.split('@').pop() ?? '')) {
    report(['monitoring', 'alarmEmail'], {severity: 'warning', advisory: true, message: `alarmEmail ${email} is a placeholder: alarm notifications would reach nobody`, hint: 'set the address that should receive alarms (platform init --alarm-email)'})
  }
}
