import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {PlatformCommand} from '../lib/cli/base-command.js'
import {configFlag} from '../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../lib/config/load.js'
import {defaultOutDir, formatRenderSummary, renderToDirectory, type RenderResult} from '../lib/render/write.js'

export default class Render extends PlatformCommand {
  static override summary = 'Render the CloudFormation templates of an environment.'
  static override description = `Writes one template per stack, DIR/<stack>.template.json, and DIR/manifest.json (deploy order, regions, and which stack outputs feed which parameters). Nothing is sent to AWS. The same platform.yaml always renders the same bytes.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> prod',
    '<%= config.bin %> <%= command.id %> staging --out build/cfn',
    '<%= config.bin %> <%= command.id %> prod --json',
  ]

  static override enableJsonFlag = true

  static override args = {
    env: Args.string({description: 'Environment name from platform.yaml.', required: true}),
  }

  static override flags = {
    ...configFlag,
    out: Flags.string({char: 'o', summary: 'Output directory.', description: 'Default: .platform/out/<ENV>.'}),
  }

  override async run(): Promise<RenderResult> {
    const {args, flags} = await this.parse(Render)
    const config = await loadConfig(flags.config)
    const env = getEnvironment(config, args.env)
    const result = await renderToDirectory(env, flags.out ?? defaultOutDir(env.name))
    this.out.progress(formatRenderSummary(result))
    return result
  }
}
