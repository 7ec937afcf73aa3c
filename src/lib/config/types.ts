/**
 * The shape of platform.yaml, and of one environment once shared `defaults` are merged in.
 *
 * This file is the contract between the config loader (which produces {@link ResolvedEnvironment})
 * and everything downstream: renderers, deploy, cost. `schema/platform.schema.json` validates the
 * raw file; after merging, every field marked required here is present and already defaulted.
 */

export type VpcEndpointName = 's3' | 'ecr' | 'logs' | 'ssm' | 'secretsmanager'
export type WafManagedRule = 'common' | 'sqli' | 'known-bad-inputs' | 'ip-reputation' | 'anonymous-ip' | 'linux'
export type CpuArchitecture = 'x86_64' | 'arm64'

export interface NetworkConfig {
  /** @default '10.0.0.0/16' */
  cidr: string
  /** @default 2 */
  availabilityZones: number
  /** 0 = no NAT (private subnets have no internet route); 1 = one shared; N = one per AZ. @default 1 */
  natGateways: number
  /** @default ['s3', 'ecr', 'logs'] */
  vpcEndpoints: VpcEndpointName[]
  /** Explicit subnet CIDRs, one per AZ; carved from `cidr` when absent (10.0.1.0/24, 10.0.2.0/24, ...). */
  publicSubnets?: string[]
  /** Explicit subnet CIDRs, one per AZ; carved from `cidr` when absent (10.0.11.0/24, 10.0.12.0/24, ...). */
  privateSubnets?: string[]
  /** VPC flow logs to CloudWatch Logs. @default true */
  flowLogs: boolean
}

export interface WafConfig {
  /** @default true */
  enabled: boolean
  /** @default ['common', 'sqli', 'known-bad-inputs'] */
  managedRules: WafManagedRule[]
  /** Requests per 5 minutes per IP; 0 disables the rule. @default 2000 */
  rateLimit: number
  /** ISO 3166 alpha-2 codes. @default [] */
  blockCountries: string[]
  /** CIDRs that bypass every other rule. @default [] */
  allowIps: string[]
  /** CIDRs that are always blocked. @default [] */
  blockIps: string[]
}

export interface AlbConfig {
  /** @default true */
  deletionProtection: boolean
  /** Access logs to the ALB log bucket. @default true */
  accessLogs: boolean
  /** @default 60 */
  idleTimeoutSeconds: number
  /** ELB security policy for the HTTPS listener. @default 'ELBSecurityPolicy-TLS13-1-2-2021-06' */
  sslPolicy: string
}

export interface HealthCheckConfig {
  /** @default '/api/health' */
  path: string
  /** @default 2 */
  healthyThreshold: number
  /** @default 3 */
  unhealthyThreshold: number
  /** @default 5 */
  timeoutSeconds: number
  /** @default 10 */
  intervalSeconds: number
  /** @default '200' */
  matcher: string
}

export interface ScheduledScaling {
  /** Logical name, [A-Za-z0-9-]. */
  name: string
  /** Application Auto Scaling schedule, e.g. `cron(0 22 ? * MON-FRI *)`. */
  schedule: string
  /** @default 'UTC' */
  timezone: string
  min: number
  max: number
}

export interface AutoscalingConfig {
  min: number
  max: number
  /** Average CPU % target. @default 70 */
  cpuTarget: number
  /** @default 300 */
  scaleInCooldownSeconds: number
  /** @default 60 */
  scaleOutCooldownSeconds: number
  /** Night and weekend scale-down, and the morning scale-up back. @default [] */
  schedules: ScheduledScaling[]
}

export interface StickinessConfig {
  /** @default false */
  enabled: boolean
  /** @default 86400 */
  durationSeconds: number
}

export interface BuildConfig {
  /** Directory sent to the image build, relative to platform.yaml. */
  context: string
  /** Path of the Dockerfile/Containerfile, relative to platform.yaml. */
  dockerfile: string
  /** @default {} */
  args: Record<string, string>
}

/** A directory of the image served by CloudFront from the assets bucket rather than by the service. */
export interface StaticAssets {
  /** Absolute directory inside the image, e.g. `/app/.next/static`. */
  path: string
  /** URL path it is served at, no trailing slash, e.g. `/_next/static`; CloudFront routes `<prefix>/*` to the bucket. */
  prefix: string
}

export type DeploymentStrategy = 'rolling' | 'blue-green'

/** How a new image rolls out; the defaults are chosen for speed (docs/rollout.md). */
export interface DeploymentConfig {
  /** @default 'rolling' */
  strategy: DeploymentStrategy
  /** Blue/green only: minutes the old set stays ready after the traffic shift. @default 5 */
  bakeMinutes: number
  /** @default 100 */
  minimumHealthyPercent: number
  /** @default 200 */
  maximumPercent: number
  /** Target group deregistration delay. @default 30 */
  deregistrationDelaySeconds: number
  /** ECS deployment circuit breaker with rollback. @default true */
  circuitBreaker: boolean
}

export interface ServiceConfig {
  /** Either a build (platform builds and pushes to ECR) or a prebuilt image reference. */
  build?: BuildConfig
  image?: string
  port: number
  /** ALB path pattern: '/' is the default route, '/api/*' a rule. */
  path: string
  /** Fargate CPU units: 256, 512, 1024, 2048, 4096, 8192, 16384. */
  cpu: number
  /** MiB, one of the values Fargate accepts for `cpu`. */
  memory: number
  desiredCount: number
  healthCheck: HealthCheckConfig
  autoscaling?: AutoscalingConfig
  /** @default 'x86_64' */
  architecture: CpuArchitecture
  /** Plain environment variables (never secrets). @default {} */
  environment: Record<string, string>
  /** Names from the environment's `secrets`, injected from SSM by ARN. @default [] */
  secrets: string[]
  stickiness: StickinessConfig
  /** @default true */
  execEnabled: boolean
  /** `uid[:gid]` or a user name the image defines. @default '1000:1000' */
  user: string
  /** @default true */
  readOnlyRootFilesystem: boolean
  /** Scratch volumes that stay writable under a read-only root. @default ['/tmp'] */
  writablePaths: string[]
  /** Rule priority on the ALB listener; derived from path specificity when absent. */
  priority?: number
  /** Static files the release uploads to the assets bucket. @default [] */
  assets: StaticAssets[]
  deployment: DeploymentConfig
  /** PG* variables and the RDS-managed secret, when the environment has a database. @default true */
  database: boolean
}

export interface DatabaseConfig {
  /** @default 'aurora-postgresql' */
  engine: 'aurora-postgresql'
  /** @default '17.9' (the design's 17.2 is no longer offered in ap-northeast-1) */
  version: string
  /** @default 'bookmarkdb' */
  name: string
  /** @default 'dbadmin' */
  masterUsername: string
  /** ACU, 0 to 256 in steps of 0.5. @default 0.5 */
  minCapacity: number
  /** @default 16 */
  maxCapacity: number
  /** `db.serverless` instances; 2 = writer + reader in another AZ. @default 2 */
  instances: number
  /** @default 7 */
  backupRetentionDays: number
  /** UTC, hh:mm-hh:mm. @default '18:00-19:00' (03:00-04:00 JST) */
  backupWindow: string
  /** UTC, ddd:hh:mm-ddd:hh:mm. @default 'sun:19:00-sun:20:00' */
  maintenanceWindow: string
  /** @default true */
  deletionProtection: boolean
  /** Connections alarm threshold. @default 100 */
  connectionsAlarmThreshold: number
}

export interface AlarmThresholds {
  /** ECS service average CPU %. @default 80 */
  cpu: number
  /** ECS service average memory %. @default 80 */
  memory: number
  /** ALB 5xx as a % of requests. @default 5 */
  http5xxPercent: number
}

export interface DatadogConfig {
  /** @default false */
  enabled: boolean
  /** @default 'datadoghq.com' */
  site: string
  /** API error-rate monitor thresholds in %. @default {critical: 5, warning: 3} */
  apiErrorRate: {critical: number; warning: number}
  /** Billed hosts (for cost). @default 2 */
  hosts: number
}

export interface SentryConfig {
  /** @default false */
  enabled: boolean
  /** @default 'team' */
  plan: 'developer' | 'team' | 'business'
}

export interface MonitoringConfig {
  /** CloudWatch Logs retention for every log group. @default 30 */
  logRetentionDays: number
  /** SNS e-mail subscription for alarms; no subscription when absent. */
  alarmEmail?: string
  alarms: AlarmThresholds
  datadog: DatadogConfig
  sentry: SentryConfig
}

export interface MongoAtlasConfig {
  /** @default false */
  enabled: boolean
  /** @default 'M10' */
  tier: string
  /** @default '8.0' */
  version: string
  /** @default 3 */
  nodes: number
  /** @default 10 */
  diskSizeGb: number
  /** Atlas project id; required to render `MongoDB::Atlas::Cluster`. */
  projectId?: string
}

export interface CdnConfig {
  /** @default 'PriceClass_200' */
  priceClass: 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All'
  /** More path patterns served from the assets bucket, besides every service's `assets` prefixes. @default [] */
  staticPaths: string[]
  /** Default TTL for static assets, seconds. @default 86400 */
  staticTtlSeconds: number
}

export interface DnsConfig {
  /** Create the hosted zone (true) or look up an existing one by `zoneId`. @default true */
  createZone: boolean
  /** Existing hosted zone id when createZone is false. */
  zoneId?: string
  /** Record names aliased to CloudFront. @default ['www', ''] (apex too) */
  records: string[]
  /** Route53 health check on the domain. @default true */
  healthCheck: boolean
  /** Path the health check requests. @default '/api/health' */
  healthCheckPath: string
  /** Fail the site's names over to the maintenance page while the health check fails. @default true */
  failover: boolean
}

export interface CiConfig {
  /** GitHub `owner/repo` whose Actions may assume the deploy role through OIDC. */
  githubRepository?: string
  /** @default 'main' */
  branch: string
  /** Create the account-wide GitHub OIDC provider (only one may exist per account). @default true unless oidcProviderArn is set */
  createOidcProvider: boolean
  /** The account's existing GitHub OIDC provider the deploy role trusts instead of creating one. */
  oidcProviderArn?: string
}

export interface StorageConfig {
  /** Backup bucket for manual dumps and exports. @default true */
  backupBucket: boolean
  /** Days before backups move to Glacier Instant Retrieval. @default 30 */
  backupTransitionDays: number
}

/** Usage the config cannot know, for `platform cost estimate`; defaults are stated in the schema. */
export interface CostUsage {
  cloudfrontTransferGb?: number
  cloudfrontRequestsMillions?: number
  s3StorageGb?: number
  s3RequestsMillions?: number
  logIngestionGb?: number
  natTrafficGb?: number
  albLcu?: number
  route53QueriesMillions?: number
  /** Fraction of month that off-hours schedules are in effect, when schedules are configured. */
  offHoursFraction?: number
  /** GB/month through interface VPC endpoints (image pulls, log delivery, SSM). Cost default 30. */
  vpcEndpointTrafficGb?: number
  /** Aurora cluster volume, GB. Cost default 10. */
  auroraStorageGb?: number
  /** Aurora Standard I/O requests, millions/month. Cost default 20. */
  auroraIoMillions?: number
  /** Aurora backup storage beyond the free 100% of the volume, GB. Cost default 0. */
  auroraBackupBeyondFreeGb?: number
  /** Average ACU per Aurora instance. Cost default: database.minCapacity (a floor). */
  auroraAverageAcu?: number
  /** ECR storage per built service, GB. Cost default 2. */
  ecrStorageGbPerService?: number
  /** Alarm e-mails per month through SNS. Cost default 100. */
  snsEmailNotifications?: number
  [key: string]: number | undefined
}

export interface CostConfig {
  usage: CostUsage
}

/** One environment after `defaults` are merged in and every default applied. */
export interface ResolvedEnvironment {
  /** The environment's key in platform.yaml, e.g. `prod`. */
  name: string
  project: string
  /** Region of everything but the us-east-1 edge pieces. */
  region: string
  account?: string
  domain?: string
  network: NetworkConfig
  waf: WafConfig
  alb: AlbConfig
  cdn: CdnConfig
  dns: DnsConfig
  services: Record<string, ServiceConfig>
  database?: DatabaseConfig
  /** Names of secrets; each is SSM parameter `/<project>/<env>/<NAME>`. */
  secrets: string[]
  monitoring: MonitoringConfig
  mongodbAtlas: MongoAtlasConfig
  ci: CiConfig
  storage: StorageConfig
  cost: CostConfig
  /** Termination protection and stateful retain policies; defaults to true for `prod*`. */
  protect: boolean
  /** Extra tags on every taggable resource (project/environment/managed-by are always added). */
  tags: Record<string, string>
}

/** The whole file after validation. */
export interface PlatformConfig {
  version: 1
  project: string
  region: string
  /** Absolute path of the file it was loaded from. */
  file: string
  /** Directory of that file: build contexts resolve against it. */
  dir: string
  environments: Record<string, ResolvedEnvironment>
}
