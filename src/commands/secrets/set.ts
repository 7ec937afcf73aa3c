import * as Args from '@oclif/core/args'
import {PlatformCommand} from '../../lib/cli/base-command.js'
import {createAwsClients} from '../../lib/aws/clients.js'
import {awsFlags, configFlag} from '../../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../../lib/config/load.js'
import {processSecretInput, readSecretValue} from '../../lib/secrets/read-value.js'
import {requireDeclaredSecret, setSecret, type SetSecretResult} from '../../lib/secrets/secrets.js'
import {createSecretStore} from '../../lib/secrets/store.js'

export default class SecretsSet extends PlatformCommand {
  static override summary = 'Set a secret from stdin or a masked prompt, as the SSM SecureString /<project>/<env>/<NAME>.'
  static override description = `The value is read from stdin when it is piped (one trailing newline is dropped), or asked with a hidden prompt on a terminal; never from an argument, so it stays out of shell history and the process list. It is sent to SSM Parameter Store and nowhere else: not printed, not logged, not written to disk. Setting it again adds a version (SSM keeps the last 100).

Services read their secrets when their tasks start: deploy (or restart) a service for it to see a new value.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> prod JWT_SECRET',
    'printf %s "$SENTRY_DSN" | <%= config.bin %> <%= command.id %> prod SENTRY_DSN --json',
  ]

  static override enableJsonFlag = true

  static override args = {
    env: Args.string({description: 'Environment name from platform.yaml.', required: true}),
    name: Args.string({description: 'Secret name, as declared in `secrets` of platform.yaml.', required: true}),
  }

  static override flags = {...configFlag, ...awsFlags}

  override async run(): Promise<SetSecretResult> {
    const {args, flags} = await this.parse(SecretsSet)
    const env = getEnvironment(await loadConfig(flags.config, {region: flags.region}), args.env)
    const region = env.region
    // Checked before reading the value, so a typo does not make the user type the secret for nothing.
    requireDeclaredSecret(env, args.name)
    const value = await readSecretValue(args.name, processSecretInput())
    const clients = createAwsClients({profile: flags.profile, local: flags.local, region})
    try {
      const result = await setSecret(env, args.name, value, createSecretStore(clients, region))
      const users = result.services.length > 0 ? ` Deploy ${result.services.join(', ')} for ${result.services.length === 1 ? 'it' : 'them'} to read it.` : ''
      this.out.progress(`Set ${result.parameter} (version ${result.version}).${users}`)
      return result
    } finally {
      clients.destroy()
    }
  }
}
