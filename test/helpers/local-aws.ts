/**
 * A private local AWS for one test file: the patched moto (local/moto_server_5_2_1.py) on a free
 * loopback port and, when asked, the distribution registry standing in for ECR's. Nothing here
 * skips: a missing python, moto, docker-registry or htpasswd makes startLocalAws throw, so the
 * test fails.
 *
 *   const aws = await startLocalAws()           // in beforeAll
 *   beforeEach(() => aws.reset())
 *   afterAll(() => aws.stop())
 *   spawn('node', ['bin/run.js', 'deploy', 'prod', '--local'], {env: {...process.env, ...aws.env}})
 *
 * It also writes a state file into a private PLATFORM_HOME (in `env`), exactly as
 * `platform local start` does, so a child `platform ... --local` finds this moto and registry.
 */
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {type AwsClients, createAwsClients} from '../../src/lib/aws/clients.js'
import {THIRD_PARTY_PUBLISHERS, type TypeConfigurationEnvironment} from '../../src/lib/deploy/third-party-types.js'
import {connectRegistry, type OwnedProcess, resetMoto, startMoto, startRegistry} from '../../src/lib/local/processes.js'
import {LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, type LocalRegistryState, type LocalState, localAwsEnv, localDir, writeLocalState} from '../../src/lib/local/state.js'

export interface LocalAwsOptions {
  /** Also start the registry (image build and push tests). @default false */
  registry?: boolean
  /** The region put in `env` (AWS_REGION). @default 'ap-northeast-1' */
  region?: string
  /**
   * Activate and configure the third-party resource types the example's monitoring stack uses
   * (Datadog's monitor) in `region`, after start and after each reset: the account as a team
   * prepares it once (`platform activate prod`).
   * @default true
   */
  thirdPartyTypes?: boolean
}

/** The registry types the root platform.yaml renders, with their publishers. */
export const EXAMPLE_THIRD_PARTY_TYPES = {
  'Datadog::Monitors::Monitor': '7171b96e5d207b947eb72ca9ce05247c246de623',
}

/** The Datadog types' configuration `platform activate prod` sets for the root platform.yaml (references to prod's secrets). */
export const EXAMPLE_DATADOG_CONFIGURATION = THIRD_PARTY_PUBLISHERS['Datadog::'].configuration!({project: 'bookmark-manager', name: 'prod', monitoring: {datadog: {site: 'datadoghq.com'}}} as TypeConfigurationEnvironment).json

async function activateExampleTypes(endpoint: string, region: string): Promise<void> {
  const {ActivateTypeCommand, CloudFormationClient, SetTypeConfigurationCommand} = await import('@aws-sdk/client-cloudformation')
  const cfn = new CloudFormationClient({region, endpoint, credentials: {...LOCAL_CREDENTIALS}, maxAttempts: 1})
  try {
    for (const [TypeName, PublisherId] of Object.entries(EXAMPLE_THIRD_PARTY_TYPES)) {
      await cfn.send(new ActivateTypeCommand({Type: 'RESOURCE', TypeName, PublisherId}))
      await cfn.send(new SetTypeConfigurationCommand({Type: 'RESOURCE', TypeName, Configuration: EXAMPLE_DATADOG_CONFIGURATION, ConfigurationAlias: 'default'}))
    }
  } finally {
    cfn.destroy()
  }
}

export interface LocalAws {
  /** moto's endpoint, `http://127.0.0.1:PORT`. */
  endpoint: string
  region: string
  accountId: string
  /**
   * What a child `platform` (or awscli) process needs: AWS_ENDPOINT_URL, test credentials,
   * AWS_REGION, and PLATFORM_HOME pointing at this stack's state (so `--local` works too).
   */
  env: Record<string, string>
  /** The PLATFORM_HOME written for this stack (a temp dir, removed by stop()). */
  home: string
  registry?: LocalRegistryState
  /** Config for an SDK client of this moto (`new ECSClient(aws.sdkConfig)`), without retries. */
  sdkConfig: {region: string; endpoint: string; credentials: {accessKeyId: string; secretAccessKey: string}; maxAttempts: number}
  /** The client factory pointed at this moto (`--local` semantics); call destroy() when done. */
  clients(region?: string): AwsClients
  /** Empty moto (`POST /moto-api/reset`), then activate the example's third-party types again (unless thirdPartyTypes is false); the registry keeps its images. */
  reset(): Promise<void>
  /** Stop moto and the registry, and remove the temp home. */
  stop(): Promise<void>
}

/** Start a private local AWS (about 2 s; add the registry for about 0.2 s more). */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const region = options.region ?? 'ap-northeast-1'
  const home = await mkdtemp(join(tmpdir(), 'platform-local-aws-'))
  const dir = localDir({PLATFORM_HOME: home})
  const processes: OwnedProcess[] = []
  const stopAll = async () => {
    await Promise.all(processes.map((p) => p.stop()))
    await rm(home, {recursive: true, force: true})
  }
  try {
    const moto = await startMoto({logFile: join(dir, 'moto.log')})
    processes.push(moto.process)
    let registry: LocalRegistryState | undefined
    if (options.registry) {
      const started = await startRegistry({dir: join(dir, 'registry'), logFile: join(dir, 'registry.log')})
      processes.push(started.process)
      registry = started.state
      await connectRegistry(moto.state.endpoint, registry)
    }
    const prepare = () => (options.thirdPartyTypes === false ? Promise.resolve() : activateExampleTypes(moto.state.endpoint, region))
    await prepare()
    const state: LocalState = {version: 1, startedAt: new Date().toISOString(), home, moto: moto.state, registry}
    await writeLocalState(state, {PLATFORM_HOME: home})
    let stopped = false
    return {
      endpoint: moto.state.endpoint,
      region,
      accountId: LOCAL_ACCOUNT_ID,
      env: localAwsEnv(state, region),
      home,
      registry,
      sdkConfig: {region, endpoint: moto.state.endpoint, credentials: {...LOCAL_CREDENTIALS}, maxAttempts: 1},
      clients: (clientRegion = region) => createAwsClients({local: true, region: clientRegion, env: {...process.env, PLATFORM_HOME: home}}),
      async reset() {
        await resetMoto(moto.state.endpoint)
        await prepare()
      },
      async stop() {
        if (stopped) return
        stopped = true
        await stopAll()
      },
    }
  } catch (error) {
    await stopAll()
    throw error
  }
}
