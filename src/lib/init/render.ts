import {regionTimezone, type InitAnswers} from './answers.js'

/** Ports, paths and health checks of the design's two services; other names get the next port and `/<name>/*`. */
const DESIGN_SERVICES: Record<string, {port: number; path: string; healthCheck: string; comment: string; secrets: string[]}> = {
  web: {port: 3000, path: '/', healthCheck: '/api/health', comment: 'Next.js SSR', secrets: ['DATABASE_URL', 'MONGODB_URI', 'JWT_SECRET', 'SENTRY_DSN']},
  api: {port: 3001, path: '/api/*', healthCheck: '/api/health', comment: 'NestJS REST API', secrets: ['DATABASE_URL', 'MONGODB_URI', 'JWT_SECRET', 'DATADOG_API_KEY', 'SENTRY_DSN']},
}

/** Each service builds from its own folder: `<service>/Containerfile` (init writes a starter one when none exists). */
export const serviceBuild = (name: string) => ({context: name, dockerfile: `${name}/Containerfile`})

const DESIGN_SECRETS = ['DATABASE_URL', 'MONGODB_URI', 'JWT_SECRET', 'DATADOG_API_KEY', 'SENTRY_DSN']

/**
 * platform.yaml text for the answers: `prod` with the design's values and a small `staging`,
 * sharing `defaults`, in the same layout as the repository's own platform.yaml.
 */
export function renderPlatformYaml(answers: InitAnswers, schemaReference: {value: string; why: string}): string {
  const secrets = DESIGN_SECRETS.filter((s) => answers.database || s !== 'DATABASE_URL')
  const ports = new Set(Object.values(DESIGN_SERVICES).map((s) => s.port))
  let nextPort = 3002
  const hasRoot = answers.services.some((name) => (DESIGN_SERVICES[name]?.path ?? '') === '/')
  let rootTaken = hasRoot

  const serviceBlocks = answers.services.map((name) => {
    let design = DESIGN_SERVICES[name]
    if (!design) {
      while (ports.has(nextPort)) nextPort++
      ports.add(nextPort)
      // The first service takes the default route when no design service has it; the others live
      // under their own name, and answer health checks there, where the ALB rule sends them.
      const root = !rootTaken
      rootTaken = true
      const path = root ? '/' : `/${name}/*`
      design = {port: nextPort, path, healthCheck: root ? '/health' : `/${name}/health`, comment: 'your service', secrets}
    }
    const used = design.secrets.filter((s) => secrets.includes(s))
    return [
      `    ${name}:    # ${design.comment}`,
      `      build: {context: ${serviceBuild(name).context}, dockerfile: ${serviceBuild(name).dockerfile}}`,
      `      port: ${design.port}`,
      `      path: ${design.path}`,
      '      cpu: 256',
      '      memory: 512',
      '      desiredCount: 1',
      `      healthCheck: ${design.healthCheck}`,
      '      environment: {NODE_ENV: production}',
      `      secrets: [${used.join(', ')}]`,
    ].join('\n')
  })

  const timezone = regionTimezone(answers.region)
  const prodServices = answers.services.map((name) =>
    [
      `      ${name}:`,
      '        cpu: 512',
      '        memory: 1024',
      '        desiredCount: 2',
      '        stickiness: {enabled: true}',
      '        autoscaling:',
      '          min: 2',
      '          max: 10',
      '          cpuTarget: 70',
      '          # Nights and weekends: Friday 22:00 scale-down lasts until Monday 08:00.',
      '          schedules:',
      `            - {name: night, schedule: "cron(0 22 ? * MON-FRI *)", timezone: ${timezone}, min: 1, max: 2}`,
      `            - {name: morning, schedule: "cron(0 8 ? * MON-FRI *)", timezone: ${timezone}, min: 2, max: 10}`,
    ].join('\n'),
  )

  const prodDatabase = answers.database
    ? [
        '    database:',
        '      engine: aurora-postgresql',
        '      version: "17.9"           # the design\'s 17.2 is no longer offered in ap-northeast-1',
        '      name: bookmarkdb',
        '      masterUsername: dbadmin   # password managed by RDS in Secrets Manager',
        '      minCapacity: 0.5',
        '      maxCapacity: 16',
        '      instances: 2              # writer + reader in another AZ',
        '      backupRetentionDays: 7',
        '      backupWindow: "18:00-19:00"   # UTC, as RDS reads it',
        '      deletionProtection: true',
      ]
    : []
  const stagingDatabase = answers.database ? ['    database: {version: "17.9", minCapacity: 0.5, maxCapacity: 2, instances: 1, backupRetentionDays: 1}'] : []

  return [
    `# yaml-language-server: $schema=${schemaReference.value}`,
    `# ${schemaReference.why}`,
    '#',
    '# Written by `platform init`. `defaults` holds what every environment shares; an environment',
    '# overrides it key by key (mappings merge, lists replace, null removes). Check with `platform validate`.',
    'version: 1',
    `project: ${answers.project}`,
    `region: ${answers.region}`,
    '',
    'defaults:',
    '  network:',
    '    availabilityZones: 2',
    '    vpcEndpoints: [s3]',
    '  waf:',
    '    enabled: true',
    '    managedRules: [common, sqli, known-bad-inputs]',
    '    rateLimit: 2000',
    '  services:',
    ...serviceBlocks,
    `  secrets: [${secrets.join(', ')}]`,
    '  monitoring:',
    '    logRetentionDays: 7',
    '    alarms: {cpu: 80, memory: 80, http5xxPercent: 5}',
    '',
    'environments:',
    '  prod:',
    ...(answers.domain ? [`    domain: ${answers.domain}`] : ['    # domain: example.com      # Route53 + ACM + CloudFront aliases; without it, CloudFront\'s own domain']),
    '    network:',
    '      cidr: 10.0.0.0/16',
    '      natGateways: 1',
    '      vpcEndpoints: [s3, ecr, logs]',
    '    alb: {deletionProtection: true, accessLogs: true}',
    '    services:',
    ...prodServices,
    ...prodDatabase,
    '    monitoring:',
    '      logRetentionDays: 30',
    `      alarmEmail: ${answers.alarmEmail}`,
    '',
    '  staging:',
    '    # Small and cheap: the shared defaults (256 CPU / 512 MiB, one task each), one NAT gateway.',
    '    network: {cidr: 10.1.0.0/16, natGateways: 1}',
    ...stagingDatabase,
    '    storage: {backupBucket: false}',
    '',
  ].join('\n')
}
