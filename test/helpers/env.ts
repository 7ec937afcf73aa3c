/**
 * ResolvedEnvironment objects built by hand, for renderer tests that must not depend on the
 * config loader: a faithful copy of the design's production values, a staging variant, a minimal
 * single-service environment without a domain, and an N-service environment for scale tests.
 */
import {readdirSync} from 'node:fs'
import {basename, join, resolve} from 'node:path'
import {loadConfig} from '../../src/lib/config/load.js'
import type {ResolvedEnvironment, ServiceConfig} from '../../src/lib/config/types.js'

const REPO_ROOT = resolve(import.meta.dirname, '../..')
/** The repository's own platform.yaml (the design's prod and staging). */
export const ROOT_CONFIG = join(REPO_ROOT, 'platform.yaml')
/** Valid example configs; every one of them must render lint-clean templates. */
export const VALID_FIXTURES_DIR = join(REPO_ROOT, 'test/fixtures/valid')

/** One environment of a config file, labelled `<file>-<env>` (`root-prod`, `minimal-dev`). */
export interface LabelledEnvironment {
  label: string
  env: ResolvedEnvironment
}

/** Every environment of the root platform.yaml and of every valid fixture, through the real loader. */
export async function configEnvironments(): Promise<LabelledEnvironment[]> {
  return [...(await rootEnvironments()), ...(await fixtureEnvironments())]
}

/** The environments of the repository's own platform.yaml, labelled `root-<env>`. */
export async function rootEnvironments(): Promise<LabelledEnvironment[]> {
  return loadLabelled('root', ROOT_CONFIG)
}

/** The environments of every test/fixtures/valid/*.yaml, labelled `<file>-<env>`. */
export async function fixtureEnvironments(): Promise<LabelledEnvironment[]> {
  const files = readdirSync(VALID_FIXTURES_DIR).filter((f) => f.endsWith('.yaml')).sort()
  const environments: LabelledEnvironment[] = []
  for (const f of files) environments.push(...(await loadLabelled(basename(f, '.yaml'), join(VALID_FIXTURES_DIR, f))))
  return environments
}

async function loadLabelled(label: string, file: string): Promise<LabelledEnvironment[]> {
  const config = await loadConfig(file, {onWarnings: () => {}})
  return Object.keys(config.environments).sort().map((name) => ({label: `${label}-${name}`, env: config.environments[name]}))
}

const healthCheck = {path: '/api/health', healthyThreshold: 2, unhealthyThreshold: 3, timeoutSeconds: 5, intervalSeconds: 30, matcher: '200'}

const deployment = {strategy: 'rolling', bakeMinutes: 5, minimumHealthyPercent: 100, maximumPercent: 200, deregistrationDelaySeconds: 30, circuitBreaker: true} as const

function designService(port: number, path: string, context: string): ServiceConfig {
  return {
    build: {context, dockerfile: `${context}/Dockerfile`, args: {}},
    port,
    path,
    cpu: 512,
    memory: 1024,
    desiredCount: 2,
    healthCheck: {...healthCheck},
    autoscaling: {
      min: 2,
      max: 10,
      cpuTarget: 70,
      scaleInCooldownSeconds: 300,
      scaleOutCooldownSeconds: 60,
      schedules: [
        {name: 'night', schedule: 'cron(0 22 ? * MON-FRI *)', timezone: 'Asia/Tokyo', min: 1, max: 2},
        {name: 'morning', schedule: 'cron(0 7 ? * MON-FRI *)', timezone: 'Asia/Tokyo', min: 2, max: 10},
      ],
    },
    architecture: 'x86_64',
    environment: {NODE_ENV: 'production'},
    secrets: ['DATABASE_URL', 'MONGODB_URI', 'JWT_SECRET'],
    stickiness: {enabled: true, durationSeconds: 86400},
    execEnabled: true,
    user: '1000:1000',
    readOnlyRootFilesystem: true,
    writablePaths: ['/tmp'],
    assets: [],
    deployment: {...deployment},
    database: true,
  }
}

/** The design's production environment (seed README, components 1-18). */
export function prodEnv(overrides: Partial<ResolvedEnvironment> = {}): ResolvedEnvironment {
  return {
    name: 'prod',
    project: 'bookmark-manager',
    region: 'ap-northeast-1',
    domain: 'bookmarks.example.com',
    network: {cidr: '10.0.0.0/16', availabilityZones: 2, natGateways: 1, vpcEndpoints: ['s3', 'ecr', 'logs'], flowLogs: true},
    waf: {enabled: true, managedRules: ['common', 'sqli', 'known-bad-inputs'], rateLimit: 2000, blockCountries: [], allowIps: [], blockIps: []},
    alb: {deletionProtection: true, accessLogs: true, idleTimeoutSeconds: 60, sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06'},
    cdn: {priceClass: 'PriceClass_200', staticPaths: ['/_next/static/*', '/static/*'], staticTtlSeconds: 86400},
    dns: {createZone: true, records: ['www', ''], healthCheck: true, healthCheckPath: '/api/health', failover: true},
    services: {
      web: designService(3000, '/', 'apps/web'),
      api: designService(3001, '/api/*', 'apps/api'),
    },
    database: {
      engine: 'aurora-postgresql',
      version: '17.9',
      name: 'bookmarkdb',
      masterUsername: 'dbadmin',
      minCapacity: 0.5,
      maxCapacity: 16,
      instances: 2,
      backupRetentionDays: 7,
      backupWindow: '18:00-19:00',
      maintenanceWindow: 'sun:19:00-sun:20:00',
      deletionProtection: true,
      connectionsAlarmThreshold: 100,
    },
    secrets: ['DATABASE_URL', 'MONGODB_URI', 'JWT_SECRET', 'DATADOG_API_KEY', 'SENTRY_DSN'],
    monitoring: {
      logRetentionDays: 30,
      alarmEmail: 'ops@example.com',
      alarms: {cpu: 80, memory: 80, http5xxPercent: 5},
      datadog: {enabled: false, site: 'datadoghq.com', apiErrorRate: {critical: 5, warning: 3}, hosts: 2},
      sentry: {enabled: false, plan: 'team'},
    },
    mongodbAtlas: {enabled: false, tier: 'M10', version: '8.0', nodes: 3, diskSizeGb: 10},
    ci: {githubRepository: 'example/bookmark-manager', branch: 'main', createOidcProvider: true},
    storage: {backupBucket: true, backupTransitionDays: 30},
    cost: {usage: {}},
    protect: true,
    tags: {},
    ...overrides,
  }
}

/** Staging: same shape, smaller and unprotected, sharing the account (no second OIDC provider). */
export function stagingEnv(): ResolvedEnvironment {
  const prod = prodEnv()
  return {
    ...prod,
    name: 'staging',
    domain: 'staging.bookmarks.example.com',
    network: {...prod.network, cidr: '10.1.0.0/16'},
    alb: {...prod.alb, deletionProtection: false},
    database: {...prod.database!, maxCapacity: 4, instances: 1, deletionProtection: false, backupRetentionDays: 1},
    services: Object.fromEntries(Object.entries(prod.services).map(([name, s]) => [name, {...s, desiredCount: 1, autoscaling: undefined}])),
    ci: {...prod.ci, branch: 'develop', createOidcProvider: false},
    storage: {...prod.storage, backupBucket: false},
    monitoring: {...prod.monitoring, logRetentionDays: 7, alarmEmail: undefined},
    protect: false,
  }
}

/** One prebuilt-image service, no domain, no database, no CI, no NAT. */
export function minimalEnv(): ResolvedEnvironment {
  const prod = prodEnv()
  return {
    ...prod,
    name: 'dev',
    project: 'tiny',
    region: 'us-west-2',
    domain: undefined,
    network: {cidr: '10.0.0.0/16', availabilityZones: 2, natGateways: 0, vpcEndpoints: ['s3'], flowLogs: false},
    waf: {...prod.waf, enabled: false},
    dns: {...prod.dns, createZone: false},
    services: {
      app: {...designService(8080, '/', 'app'), build: undefined, image: 'public.ecr.aws/nginx/nginx:1.27', desiredCount: 1, autoscaling: undefined, secrets: [], environment: {}, stickiness: {enabled: false, durationSeconds: 86400}},
    },
    database: undefined,
    secrets: [],
    ci: {branch: 'main', createOidcProvider: true},
    storage: {backupBucket: false, backupTransitionDays: 30},
    monitoring: {...prod.monitoring, alarmEmail: undefined},
    protect: false,
  }
}

/** The production design with `count` services app-01..app-NN on ports 3000.. and paths /app-NN/*. */
export function manyServicesEnv(count: number): ResolvedEnvironment {
  const prod = prodEnv()
  const services: Record<string, ServiceConfig> = {}
  for (let i = 1; i <= count; i++) {
    const name = `app-${String(i).padStart(2, '0')}`
    services[name] = designService(3000 + i - 1, i === 1 ? '/' : `/${name}/*`, `apps/${name}`)
  }
  return {...prod, services}
}
