/**
 * The one place AWS SDK clients are built (STYLE.md §4). Each SDK package is loaded with a dynamic
 * import() on first use, so `platform --help` and `platform validate` never pay for the SDK.
 */
import {readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import type {CloudFormationClient} from '@aws-sdk/client-cloudformation'
import type {CloudWatchClient} from '@aws-sdk/client-cloudwatch'
import type {CloudWatchLogsClient} from '@aws-sdk/client-cloudwatch-logs'
import type {EC2Client} from '@aws-sdk/client-ec2'
import type {ECRClient} from '@aws-sdk/client-ecr'
import type {ECSClient} from '@aws-sdk/client-ecs'
import type {PricingClient} from '@aws-sdk/client-pricing'
import type {RDSClient} from '@aws-sdk/client-rds'
import type {S3Client} from '@aws-sdk/client-s3'
import type {SecretsManagerClient} from '@aws-sdk/client-secrets-manager'
import type {SSMClient} from '@aws-sdk/client-ssm'
import type {STSClient} from '@aws-sdk/client-sts'
import {AwsAuthError, PlatformError} from '../errors.js'
import {MOTO_MARKER, runsCommand} from '../local/processes.js'
import {LOCAL_CREDENTIALS, type LocalState, readLocalStateSync, stateFile} from '../local/state.js'
import {awsErrorName} from './aws-error.js'

/** The Price List API answers only in us-east-1 (and ap-south-1, eu-central-1). */
export const PRICING_REGION = 'us-east-1'
/** Attempts per call (first try included) for throttling, 5xx and dropped connections. */
export const DEFAULT_MAX_ATTEMPTS = 8
/** Give up on a request that has not answered after this long; the retry policy then applies. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000
const CONNECTION_TIMEOUT_MS = 5_000

export interface AwsClientOptions {
  /** `--region`: beats every other source. */
  region?: string
  /** `--profile`, else AWS_PROFILE, else the SDK's default. */
  profile?: string
  /** `--local`: use the local AWS from `platform local start` (PLATFORM_LOCAL=1 does the same). */
  local?: boolean
  /** An explicit emulator endpoint (tests), used with the test credentials; beats `--local` and AWS_ENDPOINT_URL. */
  endpoint?: string
  /** The region from platform.yaml, used when flag, environment and profile name none. */
  configRegion?: string
  /** The environment to read (tests). @default process.env */
  env?: NodeJS.ProcessEnv
}

/** The SDK client types, by the name the factory uses for them. */
export interface AwsClientTypes {
  cloudFormation: CloudFormationClient
  ec2: EC2Client
  ecs: ECSClient
  ecr: ECRClient
  rds: RDSClient
  s3: S3Client
  ssm: SSMClient
  secretsManager: SecretsManagerClient
  sts: STSClient
  pricing: PricingClient
  logs: CloudWatchLogsClient
  cloudWatch: CloudWatchClient
}
export type AwsServiceName = keyof AwsClientTypes

/** Clients whose SDK packages are already loaded: synchronous getters, one cached client per region. */
export type LoadedAwsClients<S extends AwsServiceName> = {[K in S]: (region?: string) => AwsClientTypes[K]} & {
  /** The endpoint override in use (AWS_ENDPOINT_URL or --local), if any. */
  endpoint?: string
}

/** Where calls go and as whom, for `--debug` output and `platform local status`. */
export interface AwsEndpointDescription {
  region?: string
  /** Which source gave the region: flag, AWS_REGION, AWS_DEFAULT_REGION, profile, config. */
  regionSource?: string
  profile?: string
  local: boolean
  /** An endpoint override, or undefined for AWS's own endpoints. */
  endpoint?: string
  endpointSource?: 'option' | 'local' | 'AWS_ENDPOINT_URL'
}

export interface AwsClients {
  /** The default region of every client (see AwsClientOptions for the precedence); throws when none is known. */
  readonly region: string
  readonly local: boolean
  /** The endpoint override in use, if any. */
  readonly endpoint?: string
  cloudFormation(region?: string): Promise<CloudFormationClient>
  /** EC2 (the deploy looks up AWS-managed prefix lists). */
  ec2(region?: string): Promise<EC2Client>
  ecs(region?: string): Promise<ECSClient>
  ecr(region?: string): Promise<ECRClient>
  rds(region?: string): Promise<RDSClient>
  s3(region?: string): Promise<S3Client>
  ssm(region?: string): Promise<SSMClient>
  /** Secrets Manager (activate: whether MongoDB Atlas's profile secret exists, and the copy of Datadog's keys it keeps). */
  secretsManager(region?: string): Promise<SecretsManagerClient>
  sts(region?: string): Promise<STSClient>
  /** Always us-east-1, whatever the region. */
  pricing(): Promise<PricingClient>
  /** CloudWatch Logs (`platform logs`). */
  logs(region?: string): Promise<CloudWatchLogsClient>
  /** CloudWatch metrics and alarms (`platform status`). */
  cloudWatch(region?: string): Promise<CloudWatchClient>
  /** Load these SDK packages once and get synchronous getters (for code that asks per region). */
  load<S extends AwsServiceName>(...services: S[]): Promise<LoadedAwsClients<S>>
  /** The account of the caller's credentials (STS GetCallerIdentity). Throws AwsAuthError. */
  getCallerAccount(): Promise<string>
  describeEndpoint(): AwsEndpointDescription
  /**
   * Where images are pushed instead of the ECR registry that GetAuthorizationToken names:
   * PLATFORM_REGISTRY (host[:port]), else the local AWS's registry with `--local`; undefined on AWS.
   */
  registryHost?: string
  /**
   * The DNS server (host:port) that answers the deploy's delegation check: PLATFORM_DNS_SERVER, else
   * the local AWS's with `--local`; undefined means the system's resolvers.
   */
  dnsServer?: string
  /** Close every client's sockets. */
  destroy(): void
}

/** Error names AWS and the SDK use for missing, expired or refused credentials. */
const AUTH_ERROR_NAMES = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'CredentialsProviderError',
  'TokenRefreshRequired',
  'AccessDenied',
  'AccessDeniedException',
  'AuthFailure',
])

/**
 * Map an SDK error caused by credentials or permissions to AwsAuthError (exit 4, with the
 * `aws sso login` / AWS_PROFILE hint); any other error comes back unchanged. Wrap once, at the
 * boundary.
 */
export function toAwsAuthError(error: unknown): unknown {
  if (error instanceof AwsAuthError) return error
  const name = awsErrorName(error)
  if (name === undefined || !AUTH_ERROR_NAMES.has(name)) return error
  const access = name.startsWith('AccessDenied') || name === 'AuthFailure'
  const what = access ? 'AWS denied the request' : name === 'CredentialsProviderError' ? 'No usable AWS credentials' : 'AWS refused the credentials'
  return new AwsAuthError(`${what}: ${(error as {message?: string}).message || name}`, {cause: error})
}

/** Run one AWS call (or a few), its credential and permission errors mapped by {@link toAwsAuthError}. */
export async function withAwsAuthErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw toAwsAuthError(error)
  }
}

/** Read one key of a profile from the AWS config file (`[profile NAME]` or `[default]`). */
export function profileRegion(profile: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config')
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  const wanted = profile === 'default' ? new Set(['default', 'profile default']) : new Set([`profile ${profile}`])
  let inSection = false
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const section = /^\[\s*(.+?)\s*\]$/.exec(line)
    if (section) {
      inSection = wanted.has(section[1].replace(/\s+/g, ' '))
      continue
    }
    if (!inSection) continue
    const pair = /^region\s*=\s*(\S+)/.exec(line)
    if (pair) return pair[1]
  }
  return undefined
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim())
}

/** Is local mode requested, by flag or PLATFORM_LOCAL? */
export function wantsLocal(options: Pick<AwsClientOptions, 'local' | 'env'>): boolean {
  return Boolean(options.local) || truthy((options.env ?? process.env).PLATFORM_LOCAL)
}

/** The running local AWS, or a PlatformError telling the user to start it. */
export function requireLocalState(env: NodeJS.ProcessEnv = process.env): LocalState {
  const state = readLocalStateSync(env)
  if (!state || !runsCommand(state.moto.pid, MOTO_MARKER)) {
    throw new PlatformError(
      state ? `The local AWS recorded in ${stateFile(env)} is not running (pid ${state.moto.pid} is gone).` : 'The local AWS is not running: --local (or PLATFORM_LOCAL=1) needs it.',
      {code: 'LOCAL_NOT_RUNNING', suggestions: ['Start it with `platform local start`, then run this command again.', 'Or drop --local / unset PLATFORM_LOCAL to use AWS itself.']},
    )
  }
  return state
}

interface ResolvedSettings {
  region?: string
  regionSource?: string
  profile?: string
  local: boolean
  endpoint?: string
  endpointSource?: AwsEndpointDescription['endpointSource']
}

function resolveSettings(options: AwsClientOptions, localEndpoint: string | undefined): ResolvedSettings {
  const env = options.env ?? process.env
  const profile = options.profile || env.AWS_PROFILE || undefined
  const candidates: Array<[string | undefined, string]> = [
    [options.region, 'flag'],
    [env.AWS_REGION, 'AWS_REGION'],
    [env.AWS_DEFAULT_REGION, 'AWS_DEFAULT_REGION'],
    [profileRegion(profile ?? 'default', env), 'profile'],
    [options.configRegion, 'config'],
  ]
  const found = candidates.find(([value]) => value && value.trim() !== '')
  const local = localEndpoint !== undefined
  let endpoint: string | undefined
  let endpointSource: ResolvedSettings['endpointSource']
  if (options.endpoint) [endpoint, endpointSource] = [options.endpoint, 'option']
  else if (local) [endpoint, endpointSource] = [localEndpoint, 'local']
  else if (env.AWS_ENDPOINT_URL) [endpoint, endpointSource] = [env.AWS_ENDPOINT_URL, 'AWS_ENDPOINT_URL']
  return {region: found?.[0], regionSource: found?.[1], profile, local, endpoint, endpointSource}
}

type ClientConstructor = new (config: Record<string, unknown>) => {destroy(): void}

/** How to load each SDK package, and the client class it exports. */
const PACKAGES: Record<AwsServiceName, () => Promise<ClientConstructor>> = {
  cloudFormation: async () => (await import('@aws-sdk/client-cloudformation')).CloudFormationClient as unknown as ClientConstructor,
  ec2: async () => (await import('@aws-sdk/client-ec2')).EC2Client as unknown as ClientConstructor,
  ecs: async () => (await import('@aws-sdk/client-ecs')).ECSClient as unknown as ClientConstructor,
  ecr: async () => (await import('@aws-sdk/client-ecr')).ECRClient as unknown as ClientConstructor,
  rds: async () => (await import('@aws-sdk/client-rds')).RDSClient as unknown as ClientConstructor,
  s3: async () => (await import('@aws-sdk/client-s3')).S3Client as unknown as ClientConstructor,
  ssm: async () => (await import('@aws-sdk/client-ssm')).SSMClient as unknown as ClientConstructor,
  secretsManager: async () => (await import('@aws-sdk/client-secrets-manager')).SecretsManagerClient as unknown as ClientConstructor,
  sts: async () => (await import('@aws-sdk/client-sts')).STSClient as unknown as ClientConstructor,
  pricing: async () => (await import('@aws-sdk/client-pricing')).PricingClient as unknown as ClientConstructor,
  logs: async () => (await import('@aws-sdk/client-cloudwatch-logs')).CloudWatchLogsClient as unknown as ClientConstructor,
  cloudWatch: async () => (await import('@aws-sdk/client-cloudwatch')).CloudWatchClient as unknown as ClientConstructor,
}

/**
 * Build the client factory. Nothing is loaded or contacted until a client is asked for.
 *
 * - Region: `region` option (flag), AWS_REGION, AWS_DEFAULT_REGION, the profile's region, then
 *   `configRegion` (platform.yaml); a per-call region beats them all (the edge stack lives in
 *   us-east-1).
 * - Profile: option, then AWS_PROFILE. Credentials are left to the SDK's default chain (env,
 *   profiles, SSO, instance roles), except with `--local`, where the test credentials are used.
 * - Endpoint: `endpoint` option, else the local AWS with `--local`/PLATFORM_LOCAL (a clear error
 *   when it is not running), else whatever the SDK does with AWS_ENDPOINT_URL[_<SERVICE>] (read
 *   here only to show it).
 * - Retries: the SDK's standard mode (exponential backoff with full jitter) with 8 attempts,
 *   unless AWS_MAX_ATTEMPTS/AWS_RETRY_MODE say otherwise; a 30 s request timeout.
 */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const env = options.env ?? process.env
  // Read once, now: a --local run without a running local AWS fails before any work starts.
  const localState = wantsLocal(options) && !options.endpoint ? requireLocalState(env) : undefined
  const settings = resolveSettings(options, localState?.moto.endpoint)
  const constructors = new Map<AwsServiceName, Promise<ClientConstructor>>()
  const loaded = new Map<AwsServiceName, ClientConstructor>()
  const cache = new Map<string, {destroy(): void}>()

  const regionOrThrow = (region?: string): string => {
    const chosen = region ?? settings.region
    if (!chosen) {
      throw new PlatformError('No AWS region: none was given and none is configured.', {
        code: 'NO_REGION',
        suggestions: ['Pass --region, set AWS_REGION, or set `region` in platform.yaml.'],
      })
    }
    return chosen
  }

  const config = (service: AwsServiceName, region: string): Record<string, unknown> => {
    const c: Record<string, unknown> = {
      region,
      // Without throwOnRequestTimeout the handler only logs a warning and the call waits forever on an
      // endpoint that accepts the connection and never answers; with it the attempt fails and is retried.
      requestHandler: {connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: DEFAULT_REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true},
    }
    // Explicit values beat the SDK's environment variables, so only set them when env is silent.
    if (!env.AWS_MAX_ATTEMPTS) c.maxAttempts = DEFAULT_MAX_ATTEMPTS
    if (!env.AWS_RETRY_MODE) c.retryMode = 'standard'
    if (settings.profile && !settings.local && !options.endpoint) c.profile = settings.profile
    if (settings.endpointSource === 'option' || settings.endpointSource === 'local') {
      c.endpoint = settings.endpoint
      c.credentials = {...LOCAL_CREDENTIALS}
    }
    // An emulator on 127.0.0.1 has no virtual-host bucket names.
    if (service === 's3' && settings.endpoint) c.forcePathStyle = true
    return c
  }

  const constructorFor = (service: AwsServiceName): Promise<ClientConstructor> => {
    let pending = constructors.get(service)
    if (!pending) {
      // The SDK warns on every run under Node 20 that releases after January 2027 need Node 22:
      // nothing a user of this CLI can act on per command, and it would clutter every stderr.
      // Setting the SDK's own switch (unless the user set it) keeps stderr for our messages.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
      pending = PACKAGES[service]().then((ctor) => {
        loaded.set(service, ctor)
        return ctor
      })
      constructors.set(service, pending)
    }
    return pending
  }

  const clientSync = <S extends AwsServiceName>(service: S, ctor: ClientConstructor, region: string): AwsClientTypes[S] => {
    const key = `${service}@${region}`
    let client = cache.get(key)
    if (!client) {
      client = new ctor(config(service, region))
      cache.set(key, client)
    }
    return client as unknown as AwsClientTypes[S]
  }

  const get = async <S extends AwsServiceName>(service: S, region?: string): Promise<AwsClientTypes[S]> => {
    const chosen = service === 'pricing' ? PRICING_REGION : regionOrThrow(region)
    return clientSync(service, await constructorFor(service), chosen)
  }

  const clients: AwsClients = {
    get region() {
      return regionOrThrow()
    },
    local: settings.local,
    endpoint: settings.endpoint,
    registryHost: env.PLATFORM_REGISTRY?.trim() || localState?.registry?.host,
    dnsServer: env.PLATFORM_DNS_SERVER?.trim() || localState?.moto.dns,
    cloudFormation: (region) => get('cloudFormation', region),
    ec2: (region) => get('ec2', region),
    ecs: (region) => get('ecs', region),
    ecr: (region) => get('ecr', region),
    rds: (region) => get('rds', region),
    s3: (region) => get('s3', region),
    ssm: (region) => get('ssm', region),
    secretsManager: (region) => get('secretsManager', region),
    sts: (region) => get('sts', region),
    pricing: () => get('pricing'),
    logs: (region) => get('logs', region),
    cloudWatch: (region) => get('cloudWatch', region),
    async load<S extends AwsServiceName>(...services: S[]): Promise<LoadedAwsClients<S>> {
      await Promise.all(services.map((s) => constructorFor(s)))
      const out: Record<string, unknown> = {endpoint: settings.endpoint}
      for (const service of services) {
        out[service] = (region?: string) => clientSync(service, loaded.get(service)!, service === 'pricing' ? PRICING_REGION : regionOrThrow(region))
      }
      return out as LoadedAwsClients<S>
    },
    async getCallerAccount() {
      const sts = await get('sts')
      const {GetCallerIdentityCommand} = await import('@aws-sdk/client-sts')
      try {
        const out = await sts.send(new GetCallerIdentityCommand({}))
        if (!out.Account) throw new AwsAuthError('STS GetCallerIdentity returned no account.')
        return out.Account
      } catch (error) {
        const mapped = toAwsAuthError(error)
        // The SDK's chain ends in a plain Error ("Could not load credentials from any providers").
        if (mapped === error && /credential/i.test((error as Error)?.message ?? '')) {
          throw new AwsAuthError(`No usable AWS credentials: ${(error as Error).message}`, {cause: error})
        }
        throw mapped
      }
    },
    describeEndpoint() {
      return {
        region: settings.region,
        regionSource: settings.regionSource,
        profile: settings.profile,
        local: settings.local,
        endpoint: settings.endpoint,
        endpointSource: settings.endpointSource,
      }
    },
    destroy() {
      for (const client of cache.values()) client.destroy()
      cache.clear()
    },
  }
  return clients
}
