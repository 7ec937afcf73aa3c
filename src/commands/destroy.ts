import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {PlatformCommand} from '../lib/cli/base-command.js'
import {createAwsClients} from '../lib/aws/clients.js'
import {type CloudFormationApi, createCloudFormationApi} from '../lib/aws/cloudformation.js'
import {awsFlags, configFlag} from '../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../lib/config/load.js'
import {estimateConfig} from '../lib/cost/run.js'
import {confirmDestroy} from '../lib/destroy/confirm.js'
import {destroyEnvironment, formatDestroy, type DestroyResult} from '../lib/destroy/destroy.js'
import {ongoingCosts, planDestroy} from '../lib/destroy/plan.js'
import {canPrompt, confirm, input} from '../lib/ui/prompt.js'
import {renderEnvironment} from '../templates/index.js'

export default class Destroy extends PlatformCommand {
  static override summary = 'Delete an environment\'s stacks in reverse dependency order, keeping its data.'
  static override description = `Deletes every stack a stack depends on only after that stack is gone, across regions. What holds data stays: the data stack (the Aurora cluster) and the network it lives in are not deleted, and resources with DeletionPolicy Retain (buckets, ECR repositories, the hosted zone, protected log groups) are left behind by their stacks. Both are listed with what they go on costing each month (from the offline price book).

Termination protection is lifted for each stack only while it is deleted; a stack whose delete fails gets it back, and the destroy stops there.

A protected environment (prod) asks you to type its name; in CI pass --confirm ENV (--yes alone is refused for it). Other environments ask yes/no, or take --yes. --dry-run prints the plan and changes nothing.`

  static override examples = ['<%= config.bin %> <%= command.id %> staging --dry-run', '<%= config.bin %> <%= command.id %> staging --yes', '<%= config.bin %> <%= command.id %> prod --confirm prod --json']

  static override enableJsonFlag = true

  static override args = {env: Args.string({description: 'Environment name from platform.yaml.', required: true})}

  static override flags = {
    ...configFlag,
    ...awsFlags,
    yes: Flags.boolean({char: 'y', summary: 'Do not ask (not enough for a protected environment: use --confirm).', default: false}),
    confirm: Flags.string({summary: 'The environment\'s name, to destroy it without a prompt (required for protected ones in CI).'}),
    'dry-run': Flags.boolean({summary: 'Print what would be deleted and kept; change nothing.', default: false}),
    'poll-interval': Flags.integer({summary: 'Milliseconds between status checks.', default: 2000, min: 0, hidden: true}),
  }

  override async run(): Promise<DestroyResult> {
    const {args, flags} = await this.parse(Destroy)
    const config = await loadConfig(flags.config, {region: flags.region})
    const env = getEnvironment(config, args.env)
    const plan = planDestroy(renderEnvironment(env))
    const [estimate] = await estimateConfig(config, args.env, () => env, {warn: (m) => this.out.warn(m)})
    const costs = ongoingCosts(plan, estimate.lines)
    if (!flags['dry-run']) await confirmDestroy(env, {yes: flags.yes, confirm: flags.confirm}, {canPrompt: () => canPrompt(), confirm: (m) => confirm(m), input: (m) => input(m)})
    const clients = createAwsClients({profile: flags.profile, local: flags.local, region: env.region})
    try {
      const loaded = await clients.load('cloudFormation')
      const apis = new Map<string, CloudFormationApi>()
      const cloudFormation = (region: string) => {
        if (!apis.has(region)) apis.set(region, createCloudFormationApi(loaded.cloudFormation(region), region))
        return apis.get(region)!
      }
      const result = await destroyEnvironment({env, plan, costs, cloudFormation, dryRun: flags['dry-run'], pollMs: flags['poll-interval'], progress: (m) => this.out.progress(m)})
      this.out.result(formatDestroy(result))
      return result
    } finally {
      clients.destroy()
    }
  }
}
