import * as Args from '@oclif/core/args'
import {PlatformCommand} from '../../lib/cli/base-command.js'
import {createAwsClients} from '../../lib/aws/clients.js'
import {awsFlags, configFlag} from '../../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../../lib/config/load.js'
import {formatSnapshots, listDatabaseSnapshots, type SnapshotsResult} from '../../lib/db/db.js'
import {createDbApi} from '../../lib/db/rds.js'

export default class DbSnapshots extends PlatformCommand {
  static override summary = 'List the snapshots of the environment\'s Aurora cluster, and its point-in-time restore window.'
  static override description = `Manual and automated snapshots, newest first, with their status, time and size; then the window \`platform db restore --to-time\` accepts.`

  static override examples = ['<%= config.bin %> <%= command.id %> prod', '<%= config.bin %> <%= command.id %> prod --json']

  static override enableJsonFlag = true

  static override args = {env: Args.string({description: 'Environment name from platform.yaml.', required: true})}

  static override flags = {...configFlag, ...awsFlags}

  override async run(): Promise<SnapshotsResult> {
    const {args, flags} = await this.parse(DbSnapshots)
    const env = getEnvironment(await loadConfig(flags.config, {region: flags.region}), args.env)
    const region = env.region
    const clients = createAwsClients({profile: flags.profile, local: flags.local, region})
    try {
      const result = await listDatabaseSnapshots(env, createDbApi(clients, region))
      this.out.result(formatSnapshots(result))
      return result
    } finally {
      clients.destroy()
    }
  }
}
