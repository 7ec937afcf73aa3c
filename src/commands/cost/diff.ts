import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {PlatformCommand} from '../../lib/cli/base-command.js'
import {configFlag} from '../../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../../lib/config/load.js'
import type {CostDiffReport} from '../../lib/cost/diff.js'
import {formatDiff} from '../../lib/cost/format.js'
import {diffConfig} from '../../lib/cost/run.js'
import {terminalWidth} from '../../lib/ui/table.js'

export default class CostDiffCommand extends PlatformCommand {
  static override summary = 'Show what a change to platform.yaml does to the monthly bill.'
  static override description = `Estimates ENV in the current platform.yaml and in another version of it (a file, or a git revision read with \`git show REF:platform.yaml\`), with the same prices, and prints each line that changes and the total change.

Without ENV, every environment of either version: one that only one side has counts as entirely added or removed. Tables fit the terminal's width (or COLUMNS).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> prod --against main',
    '<%= config.bin %> <%= command.id %> --against HEAD',
    '<%= config.bin %> <%= command.id %> prod --against HEAD~1 --json',
    '<%= config.bin %> <%= command.id %> staging --against ../old/platform.yaml',
  ]

  static override enableJsonFlag = true

  static override args = {
    env: Args.string({description: 'Environment name from platform.yaml; all of them when omitted.', required: false}),
  }

  static override flags = {
    ...configFlag,
    against: Flags.string({summary: 'The other version: a path to a platform.yaml, or a git revision.', required: true}),
    region: Flags.string({summary: 'Price in this region instead of the environment\'s own.'}),
    live: Flags.boolean({summary: 'Refresh prices from the AWS Price List API.', default: false}),
    profile: Flags.string({summary: 'AWS profile for --live.'}),
  }

  override async run(): Promise<CostDiffReport> {
    const {args, flags} = await this.parse(CostDiffCommand)
    const report = await diffConfig({
      configFile: flags.config,
      against: flags.against,
      envName: args.env,
      load: (file) => loadConfig(file),
      getEnvironment,
      region: flags.region,
      live: flags.live,
      profile: flags.profile,
      warn: (m) => this.out.warn(m),
    })
    this.out.result(formatDiff(report, {width: terminalWidth()}).trimEnd())
    return report
  }
}
