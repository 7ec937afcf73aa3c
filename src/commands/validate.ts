import * as Args from '@oclif/core/args'
import {PlatformCommand} from '../lib/cli/base-command.js'
import {configFlag} from '../lib/cli/flags.js'
import {formatSummary, type ValidateResult} from '../lib/config/summary.js'
import {validateConfigFile} from '../lib/config/validate.js'
import {formatConfigIssue} from '../lib/errors.js'

export default class Validate extends PlatformCommand {
  static override summary = 'Check platform.yaml: schema, and what a deploy would otherwise fail on.'
  static override description = `Reports every problem with its file:line:column, YAML path, what is wrong and how to fix it. Beyond the schema it checks Fargate CPU/memory pairs, Aurora capacity and engine version, autoscaling ranges, subnets against the VPC CIDR, ALB paths and ports, AZ counts per region, declared secrets, schedule expressions and names AWS would reject. Nothing is sent to AWS.

ENV arguments limit the summary to those environments (they must exist); the whole file is always checked.

With --json, stdout holds {valid, file, issues: [{file, line, column, path, message, hint}], warnings, environments}; when invalid it also has the error's code, message, suggestions and exitCode, and the exit code is 3.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> prod',
    '<%= config.bin %> <%= command.id %> --config infra/platform.yaml --json',
  ]

  static override enableJsonFlag = true
  static override strict = false

  static override args = {
    env: Args.string({description: 'Environments to summarize (default: all).', required: false}),
  }

  static override flags = {...configFlag}

  override async run(): Promise<ValidateResult> {
    const {argv, flags} = await this.parse(Validate)
    // Warnings go to stderr also when the file is invalid: fixing the errors alone would hide them until the next run.
    const result = await validateConfigFile(flags.config, argv as string[], (warnings) => {
      for (const warning of warnings) this.out.warn(formatConfigIssue(warning))
    })
    this.out.result(formatSummary(result))
    return result
  }
}
