import type {ResolvedEnvironment, ServiceConfig} from '../../src/lib/config/types.js'

/**
 * The root platform.yaml's `prod` (the design) after defaults, built by hand from types.ts so the
 * cost tests do not depend on the loader. test/cost/root-config.test.ts checks that the real
 * root file resolves to the same quantities once the loader exists.
 */
function service(port: number, path: string, dockerfile: string): ServiceConfig {
  return {
    build: {context: '.', dockerfile, args: {}},
    port,
    path,
    cpu: 512,
    memory: 1024,
    desiredCount: 2,
    healthCheck: {path: '/api/health', healthyThreshold: 2, unhealthyThreshold: 3, timeoutSeconds: 5, intervalSeconds: 30, matcher: '200'},
    autoscaling: {min: 2, max: 10, cpuTarget: 70, scaleInCooldownSeconds: 300, scaleOutCooldownSeconds: 60, schedules: []},
    architecture: 'x86_64',
    environment: {NODE_ENV: 'production'},
    secrets: ['DATABASE_URL'],
    stickiness: {enabled: false, durationSeconds: 86400},
    execEnabled: true,
    user: '1000:1000',
    readOnlyRootFilesystem: true,
    writablePaths: ['/tmp'],
    assets: [],
    deployment: {strategy: 'rolling', bakeMinutes: 5, minimumHealthyPercent: 100, maximumPercent: 200, deregistrationDelaySeconds: 30, circuitBreaker: true},
    database: true,
  }
}

export function designProd(overrides: Partial<ResolvedEnvironment> = {}): ResolvedEnvironment {
  return {
    name: 'prod',
    project: 'bookmark-manager',
    region: 'ap-northeast-1',
    domain: 'example.com',
    network: {cidr: '10.0.0.0/16', availabilityZones: 2, natGateways: 1, vpcEndpoints: ['s3', 'ecr', 'logs'], flowLogs: true},
    waf: {enabled: true, managedRules: ['common', 'sqli', 'known-bad-inputs'], rateLimit: 2000, blockCountries: [], allowIps: [], blockIps: []},
    alb: {deletionProtection: true, accessLogs: true, idleTimeoutSeconds: 60, sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06'},
    cdn: {priceClass: 'PriceClass_200', staticPaths: ['/_next/static/*', '/static/*'], staticTtlSeconds: 86400},
    dns: {createZone: true, records: ['www', ''], healthCheck: true, healthCheckPath: '/api/health', failover: true},
    services: {
      web: service(3000, '/', 'src/apps/web/Dockerfile'),
      api: service(3001, '/api/*', 'src/apps/web-api/core/Dockerfile'),
    },
    database: {
      engine: 'aurora-postgresql', version: '17.9', name: 'bookmarkdb', masterUsername: 'dbadmin', minCapacity: 0.5, maxCapacity: 16, instances: 2,
      backupRetentionDays: 7, backupWindow: '18:00-19:00', maintenanceWindow: 'sun:19:00-sun:20:00', deletionProtection: true, connectionsAlarmThreshold: 100,
    },
    secrets: ['DATABASE_URL', 'MONGODB_URI', 'JWT_SECRET', 'DATADOG_API_KEY', 'SENTRY_DSN'],
    monitoring: {
      logRetentionDays: 30,
      alarmEmail: 'ops@example.com',
      alarms: {cpu: 80, memory: 80, http5xxPercent: 5},
      datadog: {enabled: true, site: 'datadoghq.com', apiErrorRate: {critical: 5, warning: 3}, hosts: 2},
      sentry: {enabled: true, plan: 'team'},
    },
    mongodbAtlas: {enabled: true, tier: 'M10', version: '8.0', nodes: 3, diskSizeGb: 10},
    ci: {branch: 'main', createOidcProvider: true},
    storage: {backupBucket: true, backupTransitionDays: 30},
    cost: {usage: {}},
    protect: true,
    tags: {},
    ...overrides,
  }
}
