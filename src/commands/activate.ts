import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {activateEnvironment, type ActivationResult} from '../lib/activate/activate.js'
import {stackOutputs} from '../lib/aws/cloudformation.js'
import {createAwsClients} from '../lib/aws/clients.js'
import {keepSecretCopy} from '../lib/aws/configuration-secret.js'
import {secretExists} from '../lib/aws/secret-presence.js'
import {createTypeRegistry} from '../lib/aws/type-registry.js'
import {PlatformCommand} from '../lib/cli/base-command.js'
import {awsFlags, configFlag} from '../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../lib/config/load.js'
import {atlasExtensionRoleName, secretParameter, stackName} from '../lib/naming.js'
import {listSecrets} from '../lib/secrets/secrets.js'
import {createSecretStore} from '../lib/secrets/store.js'
import {canPrompt, confirm} from '../lib/ui/prompt.js'
import {ATLAS_EXTENSION_ROLE_OUTPUT} from '../templates/bootstrap.js'
import {standardTags} from '../templates/common.js'
import {renderEnvironment} from '../templates/index.js'

export default class Activate extends PlatformCommand {
  static override summary = "Activate the third-party resource types an environment's templates use (Datadog, MongoDB Atlas) and configure them from its secrets."
  static override description = `CloudFormation refuses a template with a third-party registry type (Datadog::Monitors::Monitor, MongoDB::Atlas::Cluster) until the type is activated in that account and region. For each such type the environment's stacks use, in each region, this calls ActivateType (minor versions update automatically) and, for Datadog's, SetTypeConfiguration. Datadog's configuration holds dynamic references, never the keys: {{resolve:secretsmanager:<project>/<env>/datadog-type-configuration:SecretString:ApiKey}} and ...:ApplicationKey}}, the form AWS's and Datadog's documentation show. Activate keeps that Secrets Manager secret (tagged, in the type's region) as a copy of the environment's DATADOG_API_KEY and DATADOG_APP_KEY, creating it when missing and writing it only when they changed: set both first with \`platform secrets set ENV NAME\`, and run activate again after changing one.

The MongoDB Atlas types read the Atlas API keys themselves from the Secrets Manager secret cfn/atlas/profile/default, with the execution role they are activated with: the bootstrap stack's (\`platform deploy ENV --stack bootstrap\` creates it, allowed to read that secret only), or --execution-role-arn. Activate checks that the secret exists (never reading it) and, when it does not, prints the command that creates it from a file.

Types already activated and configured are left as they are: running it again changes nothing. A type configured otherwise (by hand, or by another environment in the same account and region) keeps its configuration. Once per account and region; deploy checks it and stops with this command's name until it is done.

On a terminal it shows what it will do and asks; in CI pass --yes. --dry-run reads the account and prints what it would do.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> prod',
    '<%= config.bin %> <%= command.id %> prod --dry-run',
    '<%= config.bin %> <%= command.id %> prod --yes --json',
    '<%= config.bin %> <%= command.id %> staging --local --yes',
    '<%= config.bin %> <%= command.id %> prod --execution-role-arn arn:aws:iam::123456789012:role/atlas-cfn-execution',
  ]

  static override enableJsonFlag = true

  static override args = {env: Args.string({description: 'Environment name from platform.yaml.', required: true})}

  static override flags = {
    ...configFlag,
    ...awsFlags,
    yes: Flags.boolean({char: 'y', summary: 'Activate without asking (CI).', default: false}),
    'dry-run': Flags.boolean({summary: 'Read the account and print what would be activated and configured; change nothing.', default: false}),
    'execution-role-arn': Flags.string({summary: "Role the MongoDB Atlas types run with (default: the bootstrap stack's, which may read the Atlas profile secret only)."}),
  }

  override async run(): Promise<ActivationResult> {
    const {args, flags} = await this.parse(Activate)
    const config = await loadConfig(flags.config, {region: flags.region})
    const env = getEnvironment(config, args.env)
    const clients = createAwsClients({profile: flags.profile, local: flags.local, region: flags.region, configRegion: config.region})
    try {
      const result = await activateEnvironment({
        env,
        stacks: renderEnvironment(env),
        registry: createTypeRegistry((region) => clients.cloudFormation(region)),
        storedSecrets: async () => (await listSecrets(env, createSecretStore(clients, env.region))).secrets.filter((s) => s.set).map((s) => s.name),
        executionRoleArn: async () => flags['execution-role-arn'] ?? (await stackOutputs(clients, env.region, stackName(env.project, env.name, 'bootstrap')))?.outputs[ATLAS_EXTENSION_ROLE_OUTPUT],
        executionRoleName: atlasExtensionRoleName(env),
        secretExists: (region, name) => secretExists(clients, region, name),
        keepConfigurationSecret: (region, secret) =>
          keepSecretCopy(clients, {
            name: secret.name,
            region,
            parameters: Object.fromEntries(Object.entries(secret.keys).map(([key, name]) => [key, secretParameter(env, name)])),
            parameterRegion: env.region,
            tags: standardTags(env),
          }),
        flags: {yes: flags.yes, dryRun: flags['dry-run']},
        prompt: {canPrompt: () => canPrompt(), confirm: (message) => confirm(message)},
        progress: (text) => this.out.progress(text),
        warn: (text) => this.out.warn(text),
      })
      const changed = result.types.filter((t) => t.activation === 'activated' || t.configuration === 'set').length
      if (!result.dryRun) this.out.result(changed === 0 ? `Nothing to do for ${env.name}: every third-party type is activated and configured.` : `${changed} third-party type${changed === 1 ? '' : 's'} activated or configured for ${env.name}; deploy can use them.`)
      return result
    } finally {
      clients.destroy()
    }
  }
}
