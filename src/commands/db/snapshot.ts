import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {PlatformCommand} from '../../lib/cli/base-command.js'
import {createAwsClients} from '../../lib/aws/clients.js'
import {awsFlags, configFlag} from '../../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../../lib/config/load.js'
import {realWaiting, snapshotDatabase, type SnapshotResult} from '../../lib/db/db.js'
import {createDbApi} from '../../lib/db/rds.js'

export default class DbSnapshot extends PlatformCommand {
  static override summary = 'Take a manual snapshot of the environment\'s Aurora cluster and wait until it is available.'
  static override description = `Manual snapshots are kept until deleted, unlike the automated daily ones, which expire with the backup retention. The snapshot is named <cluster>-manual-<UTC time> and tagged with the environment. Prints how long it took.`

  static override examples = ['<%= config.bin %> <%= command.id %> prod', '<%= config.bin %> <%= command.id %> prod --no-wait --json']

  static override enableJsonFlag = true

  static override args = {env: Args.string({description: 'Environment name from platform.yaml.', required: true})}

  static override flags = {
    ...configFlag,
    ...awsFlags,
    wait: Flags.boolean({summary: 'Wait until the snapshot is available.', default: true, allowNo: true}),
    'poll-interval': Flags.integer({summary: 'Milliseconds between status checks.', default: 15_000, min: 0, hidden: true}),
  }

  override async run(): Promise<SnapshotResult> {
    const {args, flags} = await this.parse(DbSnapshot)
    const env = getEnvironment(await loadConfig(flags.config, {region: flags.region}), args.env)
    const region = env.region
    const clients = createAwsClients({profile: flags.profile, local: flags.local, region})
    try {
      const result = await snapshotDatabase(env, createDbApi(clients, region), realWaiting({pollMs: flags['poll-interval'], timeoutMs: 3_600_000}), {wait: flags.wait})
      this.out.progress(`Snapshot ${result.snapshot} of ${result.cluster}: ${result.status} in ${result.seconds.toFixed(1)} s.`)
      this.out.result(result.snapshot)
      return result
    } finally {
      clients.destroy()
    }
  }
}
