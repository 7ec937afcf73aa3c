import {existsSync} from 'node:fs'
import * as Flags from '@oclif/core/flags'
import {createAwsClients} from '../../lib/aws/clients.js'
import {PlatformCommand} from '../../lib/cli/base-command.js'
import {configFlag} from '../../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../../lib/config/load.js'
import {applyActivation, describeTypeResult, planActivation} from '../../lib/activate/activate.js'
import {createTypeRegistry} from '../../lib/aws/type-registry.js'
import {formatExports, type LocalStartResult, startLocalStack} from '../../lib/local/stack.js'
import {renderEnvironment} from '../../templates/index.js'

export default class LocalStart extends PlatformCommand {
  static override summary = 'Start a local AWS (patched moto and a registry for ECR) in the background.'
  static override description = `Runs the AWS emulator moto (with the fixes in local/README.md) and the distribution registry standing in for ECR's, on 127.0.0.1, detached, with logs under $PLATFORM_HOME/local (default ~/.platform/local). Records their endpoints in $PLATFORM_HOME/local/state.json, where --local (or PLATFORM_LOCAL=1) on any AWS command finds them.

Prints the variables to export on stdout, so \`eval "$(platform local start)"\` points awscli and every SDK at it too. Running it again while the stack is up changes nothing.

Needs python3 with moto 5.2.1 (or PLATFORM_PYTHON), and for the registry and image builds docker-registry, htpasswd, buildah and skopeo (Debian: apt-get install -y buildah skopeo docker-registry apache2-utils). --no-registry starts moto alone.

Like a sandbox account a team has set up, the local AWS gets the third-party resource types that platform.yaml's templates use (e.g. Datadog::Monitors::Monitor) activated and configured in their regions (as \`platform activate ENV\` does), so \`platform deploy ENV --local\` runs as it would in that account; on a fresh AWS account a deploy stops and asks for \`platform activate ENV\` first. --no-activate-types leaves them inactive.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    'eval "$(<%= config.bin %> <%= command.id %>)"',
    '<%= config.bin %> <%= command.id %> --no-registry --port 5000',
    '<%= config.bin %> <%= command.id %> --json',
  ]

  static override enableJsonFlag = true

  static override flags = {
    registry: Flags.boolean({summary: 'Also run the image registry (ECR stand-in).', default: true, allowNo: true}),
    port: Flags.integer({summary: "moto's port (default: a free one).", min: 0, max: 65_535, default: 0}),
    'registry-port': Flags.integer({summary: "The registry's port (default: a free one).", min: 0, max: 65_535, default: 0}),
    region: Flags.string({summary: 'Also export AWS_REGION with this region.'}),
    'activate-types': Flags.boolean({summary: "Activate and configure the third-party resource types platform.yaml's templates use, in their regions.", default: true, allowNo: true}),
    ...configFlag,
  }

  override async run(): Promise<LocalStartResult> {
    const {flags} = await this.parse(LocalStart)
    const result = await startLocalStack({registry: flags.registry, port: flags.port, registryPort: flags['registry-port'], region: flags.region})
    this.out.progress(result.alreadyRunning ? 'The local AWS is already running.' : 'Started the local AWS.')
    this.out.progress(`  AWS API (moto)  ${result.moto.endpoint}  pid ${result.moto.pid}  log ${result.moto.log}`)
    if (result.registry) {
      this.out.progress(`  registry (ECR)  ${result.registry.host}  pid ${result.registry.pid}  user ${result.registry.username}  log ${result.registry.log}`)
    }
    if (flags['activate-types']) await this.activateTypes(flags.config)
    this.out.progress(`Use --local (or PLATFORM_LOCAL=1) on platform commands; for other tools: eval "$(${this.config.bin} local start)". Stop it with \`${this.config.bin} local stop\`.`)
    this.out.result(formatExports(result.env))
    return result
  }

  /** Activates and configures the third-party types every environment of platform.yaml renders (none without a platform.yaml), as `platform activate` does. */
  private async activateTypes(configFile: string): Promise<void> {
    if (!existsSync(configFile)) return
    let config
    try {
      config = await loadConfig(configFile, {onWarnings: () => undefined})
    } catch (error) {
      this.out.warn(`No third-party types activated: ${(error as Error).message.split('\n')[0]}`)
      return
    }
    const clients = createAwsClients({local: true})
    const registry = createTypeRegistry((region) => clients.cloudFormation(region))
    try {
      // Environment by environment: a type shared by two in one region is configured by the first
      // (the configuration is per account and region) and left alone by the next.
      for (const name of Object.keys(config.environments)) {
        const env = getEnvironment(config, name)
        const plan = await planActivation(env, renderEnvironment(env), registry)
        // No secrets check: the local AWS never runs the types' handlers, so nothing resolves them.
        const {types, unknown} = await applyActivation(plan, registry, {dryRun: false})
        for (const type of types) if (type.activation === 'activated' || type.configuration === 'set') this.out.progress(`  ${describeTypeResult(type)}`)
        for (const {region, typeName} of unknown) this.out.warn(`${typeName} in ${region} is not activated: its publisher is unknown to platform.`)
      }
    } finally {
      clients.destroy()
    }
  }
}
