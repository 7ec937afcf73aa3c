import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {PlatformCommand} from '../../lib/cli/base-command.js'
import {createAwsClients} from '../../lib/aws/clients.js'
import {awsFlags, configFlag} from '../../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../../lib/config/load.js'
import {AbortedError, NonInteractiveError} from '../../lib/errors.js'
import {secretParameter} from '../../lib/naming.js'
import {servicesUsing, unsetSecret, type UnsetSecretResult} from '../../lib/secrets/secrets.js'
import {createSecretStore} from '../../lib/secrets/store.js'
import {canPrompt, confirm} from '../../lib/ui/prompt.js'

export default class SecretsUnset extends PlatformCommand {
  static override summary = 'Delete a secret\'s SSM parameter, with every version of its value.'
  static override description = `Deleting cannot be undone: SSM drops the parameter and all its versions. Running tasks keep the value they started with; the next deploy of a service that reads the secret is refused until it is set again. Asks first on a terminal; pass --yes in scripts.`

  static override examples = ['<%= config.bin %> <%= command.id %> staging OLD_TOKEN', '<%= config.bin %> <%= command.id %> staging OLD_TOKEN --yes --json']

  static override enableJsonFlag = true

  static override args = {
    env: Args.string({description: 'Environment name from platform.yaml.', required: true}),
    name: Args.string({description: 'Secret name.', required: true}),
  }

  static override flags = {...configFlag, ...awsFlags, yes: Flags.boolean({char: 'y', summary: 'Delete without asking (scripts, CI).', default: false})}

  override async run(): Promise<UnsetSecretResult> {
    const {args, flags} = await this.parse(SecretsUnset)
    const env = getEnvironment(await loadConfig(flags.config, {region: flags.region}), args.env)
    if (!flags.yes) {
      if (!canPrompt()) throw new NonInteractiveError('--yes', `Deleting ${secretParameter(env, args.name)}`)
      const users = servicesUsing(env, args.name)
      const warning = users.length > 0 ? ` ${users.join(', ')} read it: their next deploy is refused until it is set again.` : ''
      if (!(await confirm(`Delete ${secretParameter(env, args.name)} and all its versions?${warning}`))) throw new AbortedError()
    }
    const region = env.region
    const clients = createAwsClients({profile: flags.profile, local: flags.local, region})
    try {
      const result = await unsetSecret(env, args.name, createSecretStore(clients, region))
      this.out.progress(`Deleted ${result.parameter}.`)
      return result
    } finally {
      clients.destroy()
    }
  }
}
