import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {PlatformCommand} from '../../lib/cli/base-command.js'
import {configFlag} from '../../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../../lib/config/load.js'
import {formatEstimate, formatSideBySide} from '../../lib/cost/format.js'
import {estimateConfig} from '../../lib/cost/run.js'
import type {EnvironmentEstimate} from '../../lib/cost/types.js'
import {terminalWidth} from '../../lib/ui/table.js'

export interface CostEstimateResult {
  environments: EnvironmentEstimate[]
}

export default class CostEstimate extends PlatformCommand {
  static override summary = 'Estimate what an environment costs each month, from platform.yaml and published prices.'
  static override description = `Prices every component the config creates (Fargate, Aurora Serverless v2, ALB, NAT, endpoints, public IPv4, CloudFront, WAF, Route 53, S3, CloudWatch, ...) and the external services it names (MongoDB Atlas, Datadog, Sentry), with on-demand list prices from the offline price book in prices/. Usage the config cannot know comes from cost.usage; every assumption is printed. Then each saving measure, computed.

Without ENV, every environment side by side. --json returns every line with quantity, unit, unit price, monthly cost and source, the assumptions and the savings. Tables fit the terminal's width (or COLUMNS).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> prod',
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> prod --region us-east-1',
    '<%= config.bin %> <%= command.id %> prod --live --json',
  ]

  static override enableJsonFlag = true

  static override args = {
    env: Args.string({description: 'Environment name from platform.yaml; all of them when omitted.', required: false}),
  }

  static override flags = {
    ...configFlag,
    region: Flags.string({summary: 'Price in this region instead of the environment\'s own.'}),
    live: Flags.boolean({summary: 'Refresh prices from the AWS Price List API (cached a day in ~/.platform/cache).', default: false}),
    profile: Flags.string({summary: 'AWS profile for --live.'}),
  }

  override async run(): Promise<CostEstimateResult> {
    const {args, flags} = await this.parse(CostEstimate)
    const config = await loadConfig(flags.config)
    const environments = await estimateConfig(config, args.env, getEnvironment, {
      region: flags.region,
      live: flags.live,
      profile: flags.profile,
      warn: (m) => this.out.warn(m),
    })
    const width = terminalWidth()
    this.out.result((args.env ? formatEstimate(environments[0], {width}) : formatSideBySide(environments, {width})).trimEnd())
    return {environments}
  }
}
