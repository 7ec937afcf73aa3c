import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {PlatformCommand} from '../../lib/cli/base-command.js'
import {createAwsClients} from '../../lib/aws/clients.js'
import {readDeployRole, writeDeployWorkflow, type CiInitResult} from '../../lib/ci/init.js'
import {awsFlags, configFlag} from '../../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../../lib/config/load.js'

export default class CiInit extends PlatformCommand {
  static override summary = 'Write .github/workflows/deploy.yml: deploy each environment when its branch is pushed.'
  static override description = `One job per environment (ci.branch in platform.yaml): install, test, then \`platform deploy ENV --yes\` with AWS credentials from GitHub's OIDC token through the deploy role of the environment's bootstrap stack: no long-lived keys. Actions are pinned to full commit SHAs, permissions are the least the job needs (id-token: write, contents: read), a concurrency group keeps two deploys of one environment from overlapping, and the job summary shows the release id and the monthly cost difference.

The role's ARN is read from the bootstrap stack's DeployRoleArn output; when it is not deployed yet (or --offline), the job reads the repository secret PLATFORM_DEPLOY_ROLE_ARN_<ENV> instead, and this command says so.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> prod --force', '<%= config.bin %> <%= command.id %> --offline --json']

  static override enableJsonFlag = true

  static override args = {env: Args.string({description: 'Only this environment (default: every environment).', required: false})}

  static override flags = {
    ...configFlag,
    ...awsFlags,
    force: Flags.boolean({char: 'f', summary: 'Overwrite an existing workflow.', default: false}),
    offline: Flags.boolean({summary: 'Do not read the deploy roles from AWS.', default: false}),
    dir: Flags.string({summary: 'Repository root to write under (default: the directory of platform.yaml).'}),
  }

  override async run(): Promise<CiInitResult> {
    const {args, flags} = await this.parse(CiInit)
    const config = await loadConfig(flags.config, {region: flags.region})
    if (args.env) getEnvironment(config, args.env)
    const clients = flags.offline ? undefined : createAwsClients({profile: flags.profile, local: flags.local, region: flags.region, configRegion: config.region})
    try {
      const result = await writeDeployWorkflow({
        config,
        environment: args.env,
        dir: flags.dir,
        force: flags.force,
        readRole: clients ? (env) => readDeployRole(clients, env) : undefined,
        warn: (m) => this.out.warn(m),
      })
      this.out.progress(`Wrote ${result.file} (${result.environments.map((e) => `${e.name} on ${e.branch}`).join(', ')}).`)
      return result
    } finally {
      clients?.destroy()
    }
  }
}
