import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {PlatformCommand} from '../../lib/cli/base-command.js'
import {createAwsClients} from '../../lib/aws/clients.js'
import {awsFlags, configFlag} from '../../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../../lib/config/load.js'
import {realWaiting, restoreDatabase, type RestoreResult} from '../../lib/db/db.js'
import {createDbApi} from '../../lib/db/rds.js'

/** The design's recovery time objective: a restore that takes longer has failed its purpose. */
const RESTORE_TIMEOUT_MS = 4 * 3_600_000

export default class DbRestore extends PlatformCommand {
  static override summary = 'Restore the Aurora cluster from a snapshot or to a point in time, into a NEW cluster.'
  static override description = `Creates a new cluster beside the old one (same subnets, security group, parameter group and capacity) with a db.serverless writer, waits until it is available, then prints the switch-over steps and the time it took. Nothing is deleted and the old cluster keeps serving: moving the services over is left to you, step by step.

--to-time takes ISO 8601 with a zone (2026-12-01T14:30:00Z); \`platform db snapshots ENV\` shows the window it accepts and the snapshots --snapshot accepts.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> prod --snapshot bookmark-manager-prod-aurora-manual-20261201t150405',
    '<%= config.bin %> <%= command.id %> prod --to-time 2026-12-01T14:30:00Z --target bookmark-manager-prod-before-migration',
  ]

  static override enableJsonFlag = true

  static override args = {env: Args.string({description: 'Environment name from platform.yaml.', required: true})}

  static override flags = {
    ...configFlag,
    ...awsFlags,
    snapshot: Flags.string({summary: 'Restore this cluster snapshot.', exclusive: ['to-time']}),
    'to-time': Flags.string({summary: 'Restore the cluster as it was at this time (ISO 8601 with a zone).', exclusive: ['snapshot']}),
    target: Flags.string({summary: 'Identifier of the new cluster (default: <cluster>-restored-<UTC time>).'}),
    'poll-interval': Flags.integer({summary: 'Milliseconds between status checks.', default: 15_000, min: 0, hidden: true}),
  }

  override async run(): Promise<RestoreResult> {
    const {args, flags} = await this.parse(DbRestore)
    const env = getEnvironment(await loadConfig(flags.config, {region: flags.region}), args.env)
    const region = env.region
    const clients = createAwsClients({profile: flags.profile, local: flags.local, region})
    try {
      const result = await restoreDatabase(env, createDbApi(clients, region), {snapshot: flags.snapshot, toTime: flags['to-time'], target: flags.target}, realWaiting({pollMs: flags['poll-interval'], timeoutMs: RESTORE_TIMEOUT_MS}))
      for (const w of result.warnings) this.out.warn(w)
      if (!this.jsonEnabled()) {
        this.out.result(`Restored ${result.source.snapshot ?? `${result.source.cluster} as of ${result.source.time}`} into ${result.cluster} in ${formatDuration(result.seconds)}.`)
        this.out.result(`Writer endpoint: ${result.endpoint ?? '-'}:${result.port ?? '-'}`)
        this.out.result('\nSwitch-over (nothing below was done for you):')
        result.switchOver.forEach((step, i) => this.out.result(`  ${i + 1}. ${step}`))
      }
      return result
    } finally {
      clients.destroy()
    }
  }
}

function formatDuration(seconds: number): string {
  if (seconds < 90) return `${seconds.toFixed(1)} s`
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
}
