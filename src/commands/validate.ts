import {Args, Command} from '@oclif/core'
import {configFlag} from '../lib/cli/flags.js'
import {getEnvironment, readAndParse} from '../lib/config/load.js'
import {formatSummary, summarizeEnvironments, type ValidateResult} from '../lib/config/summary.js'
import {ConfigError, EXIT_CODES_HELP, PlatformError, formatConfigIssue, type ConfigIssue} from '../lib/errors.js'

export default class Validate extends Command {
  static override summary = 'Check platform.yaml: schema, and what a deploy would otherwise fail on.'
  static override description = `Reports every problem with its file:line:column, YAML path, what is wrong and how to fix it. Beyond the schema it checks Fargate CPU/memory pairs, Aurora capacity and engine version, autoscaling ranges, subnets against the VPC CIDR, ALB paths and ports, AZ counts per region, declared secrets, schedule expressions and names AWS would reject. Nothing is sent to AWS.

ENV arguments limit the summary to those environments (they must exist); the whole file is always checked.

With --json, stdout holds {valid, file, issues: [{file, line, column, path, message, hint}], warnings, environments} and the exit code is 3 when invalid.

EXIT CODES
${EXIT_CODES_HELP}`

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

  private warnings: ConfigIssue[] = []
  private file = ''

  override async run(): Promise<ValidateResult> {
    const {argv, flags} = await this.parse(Validate)
    this.file = flags.config
    const result = await readAndParse(flags.config)
    this.file = result.issues[0]?.file ?? flags.config
    this.warnings = result.warnings
    for (const warning of result.warnings) this.logToStderr(`warning: ${formatConfigIssue(warning)}`)
    if (!result.config) {
      // The list goes to stderr unwrapped (oclif would wrap and prefix every line of the error).
      for (const issue of result.issues) this.logToStderr(`error: ${formatConfigIssue(issue)}`)
      const count = result.issues.length
      throw new ConfigError(result.issues, `${this.file} has ${count} problem${count === 1 ? '' : 's'}; fix ${count === 1 ? 'it' : 'them'} and run validate again.`)
    }
    const names = argv.length > 0 ? (argv as string[]) : Object.keys(result.config.environments)
    for (const name of names) getEnvironment(result.config, name)
    const summary: ValidateResult = {
      valid: true,
      file: flags.config,
      issues: [],
      warnings: result.warnings,
      project: result.config.project,
      environments: summarizeEnvironments(result.config, names),
    }
    this.log(formatSummary(summary))
    return summary
  }

  /** Under --json an invalid file is still a result on stdout, with the exit code of the error (3). */
  protected override toErrorJson(error: unknown): unknown {
    if (error instanceof ConfigError) return {valid: false, file: this.file, issues: error.issues, warnings: this.warnings}
    if (error instanceof PlatformError) {
      return {valid: false, file: this.file, issues: [], warnings: this.warnings, error: {code: error.code, message: error.message, suggestions: error.suggestions}}
    }
    return super.toErrorJson(error)
  }
}
