import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {PlatformCommand} from '../lib/cli/base-command.js'
import {createAwsClients} from '../lib/aws/clients.js'
import {awsFlags, configFlag} from '../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../lib/config/load.js'
import {formatReleases} from '../lib/release/format.js'
import {listReleases, type ReleaseRecord} from '../lib/release/history.js'
import {releaseStore} from '../lib/release/release.js'
import {renderEnvironment} from '../templates/index.js'

export default class Releases extends PlatformCommand {
  static override summary = "List an environment's releases, newest first."
  static override description = `Reads the release history from the environment's bootstrap bucket (one JSON object per release, written by deploy and rollback): id, when, outcome, who, git commit, and each service's image digest. --json prints every field: task definition and ECS service deployment ARNs, per-service outcome and reason, template and config hashes.`

  static override examples = ['<%= config.bin %> <%= command.id %> prod', '<%= config.bin %> <%= command.id %> prod --json --limit 5']
  static override args = {env: Args.string({description: 'Environment name from platform.yaml.', required: true})}
  static override enableJsonFlag = true
  static override flags = {
    ...configFlag,
    ...awsFlags,
    limit: Flags.integer({summary: 'Show only the newest N releases.', min: 1}),
  }

  override async run(): Promise<{environment: string; releases: ReleaseRecord[]}> {
    const {args, flags} = await this.parse(Releases)
    const config = await loadConfig(flags.config, {region: flags.region})
    const env = getEnvironment(config, args.env)
    const aws = createAwsClients({profile: flags.profile, local: flags.local, region: flags.region, configRegion: config.region})
    try {
      const store = await releaseStore(aws, env, renderEnvironment(env))
      const releases = store ? await listReleases(store, flags.limit) : []
      this.out.result(formatReleases(releases))
      return {environment: env.name, releases}
    } finally {
      aws.destroy()
    }
  }
}
