import * as Args from '@oclif/core/args'
import {PlatformCommand} from '../../lib/cli/base-command.js'
import {createAwsClients} from '../../lib/aws/clients.js'
import {awsFlags, configFlag} from '../../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../../lib/config/load.js'
import {formatSecretList, listSecrets, type ListSecretsResult} from '../../lib/secrets/secrets.js'
import {createSecretStore} from '../../lib/secrets/store.js'

export default class SecretsList extends PlatformCommand {
  static override summary = 'List an environment\'s secrets: names, versions, dates and the services using each; never values.'
  static override description = `Merges the secrets platform.yaml declares with the parameters stored under /<project>/<env>/ in SSM. MISSING marks a declared secret nobody set (a deploy of a service that reads it is refused); "not declared" marks a parameter platform.yaml does not name. Values are never read: the listing uses SSM DescribeParameters, which returns metadata only.`

  static override examples = ['<%= config.bin %> <%= command.id %> prod', '<%= config.bin %> <%= command.id %> staging --json']

  static override enableJsonFlag = true

  static override args = {env: Args.string({description: 'Environment name from platform.yaml.', required: true})}

  static override flags = {...configFlag, ...awsFlags}

  override async run(): Promise<ListSecretsResult> {
    const {args, flags} = await this.parse(SecretsList)
    const env = getEnvironment(await loadConfig(flags.config, {region: flags.region}), args.env)
    const region = env.region
    const clients = createAwsClients({profile: flags.profile, local: flags.local, region})
    try {
      const result = await listSecrets(env, createSecretStore(clients, region))
      this.out.result(formatSecretList(result))
      return result
    } finally {
      clients.destroy()
    }
  }
}
