import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {PlatformCommand} from '../lib/cli/base-command.js'
import {ExitCode} from '../lib/errors.js'
import {awsFlags, configFlag} from '../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../lib/config/load.js'
import {type DiffCommandResult, diffEnvironment} from '../lib/deploy/run-environment.js'
import {stacksThatDiffer} from '../lib/deploy/plan-summary.js'
import {createDeploySdkClients} from '../lib/deploy/sdk-clients.js'
import {colorIsOn} from '../lib/ui/color.js'
import {formatDiff, formatEventLine} from '../lib/ui/deploy-progress.js'
import {renderEnvironment} from '../templates/index.js'

export default class Diff extends PlatformCommand {
  static override summary = 'Show what deploying an environment would change, stack by stack.'
  static override description = `For every stack: the resources to Add, Modify or Remove, with replacements marked [REPLACEMENT] or [MAY REPLACE], parameter changes, and a summary count. Updates are read from a change set (created, read and deleted again); new stacks, and stacks whose inputs are not deployed yet, from the template comparison. Replacement is also predicted from the resources' create-only properties. Deployed stacks of the environment that platform.yaml no longer renders are listed at the end ("orphaned" in --json); a deploy leaves them alone. Nothing is executed.

A diff takes no deploy lock, so it never holds up a deploy (yours or CI's). While a deploy of the environment is running, it says so: that deploy may be changing the stacks it compares with.

Exit 0 whether or not there are changes; with --fail, exit 5 when any stack would change (created, updated, recreated, recovered, or deferred for want of an image), after printing the diff (or its --json) as usual: a CI gate, like cdk diff --fail. Stacks no longer rendered do not count (a deploy leaves them alone).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> prod',
    '<%= config.bin %> <%= command.id %> prod --stack data --json',
    '<%= config.bin %> <%= command.id %> prod --fail --json > diff.json',
  ]

  static override enableJsonFlag = true

  static override args = {
    env: Args.string({description: 'Environment name from platform.yaml.', required: true}),
  }

  static override flags = {
    ...configFlag,
    ...awsFlags,
    stack: Flags.string({summary: 'Only this stack part (repeatable).', multiple: true, multipleNonGreedy: true}),
    image: Flags.string({summary: 'Image for a service, SERVICE=URI (repeatable).', multiple: true, multipleNonGreedy: true}),
    force: Flags.boolean({summary: 'Compare through a change set even for stacks that look unchanged.', default: false}),
    fail: Flags.boolean({summary: 'Exit 5 when anything would change (for CI).', default: false}),
  }

  override async run(): Promise<DiffCommandResult> {
    const {args, flags} = await this.parse(Diff)
    const config = await loadConfig(flags.config, {region: flags.region})
    const env = getEnvironment(config, args.env)
    const stacks = renderEnvironment(env)
    const result = await diffEnvironment({
      env,
      stacks,
      aws: await createDeploySdkClients(flags, config.region),
      flags: {json: this.jsonEnabled(), stack: flags.stack, image: flags.image, force: flags.force},
      notice: (event) => this.out.warn(formatEventLine(event)!),
    })
    this.out.result(formatDiff(result, {color: colorIsOn()}))
    const differing = stacksThatDiffer(result.stacks)
    if (flags.fail && differing.length > 0) {
      // Not an error: the diff (or its JSON) is the output, and only the exit code tells CI to stop.
      this.out.warn(`--fail: ${differing.length} stack(s) would change (${differing.map((p) => p.part).join(', ')}); exit ${ExitCode.deployFailed}.`)
      process.exitCode = ExitCode.deployFailed
    }
    return result
  }
}
