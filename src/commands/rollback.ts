import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {PlatformCommand} from '../lib/cli/base-command.js'
import {createAwsClients} from '../lib/aws/clients.js'
import {awsFlags, configFlag} from '../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../lib/config/load.js'
import {createDeploySdkClients} from '../lib/deploy/sdk-clients.js'
import type {ReleaseResult} from '../lib/release/release.js'
import {ROLLBACK_LIMITS, runRollback} from '../lib/release/rollback.js'
import {canPrompt, confirm} from '../lib/ui/prompt.js'
import {renderEnvironment} from '../templates/index.js'

export default class Rollback extends PlatformCommand {
  static override summary = 'Put back the previous successful release (or --to vN): its task definition revisions and service stack parameters, through a watched rollout.'
  static override description = `Reads the release history (platform releases ENV), picks the newest successful release before the current one (or --to vN), and deploys the service stacks that differ from it, with the parameters it recorded and the task definition revisions it ran, through the same change-set path and the same watched ECS rollout as deploy. Only service stacks change. A rollout still in progress is first stopped with ECS's own rollback. The rollback is recorded as a release ("rollback to vN"). On a terminal it asks first; in CI pass --yes.

${ROLLBACK_LIMITS}

--json prints one JSON object per line on stdout (progress, then {"type":"result"} or {"type":"error"}).`

  static override examples = ['<%= config.bin %> <%= command.id %> prod', '<%= config.bin %> <%= command.id %> prod --to v3 --yes']
  static override jsonLines = true
  static override args = {env: Args.string({description: 'Environment name from platform.yaml.', required: true})}
  static override flags = {
    ...configFlag,
    ...awsFlags,
    to: Flags.string({summary: 'Release to return to (v3 or 3); default: the last successful one before the current.'}),
    yes: Flags.boolean({char: 'y', summary: 'Roll back without asking (CI).', default: false}),
    json: Flags.boolean({summary: 'One JSON object per line on stdout (events, then the result).', default: false}),
    timeout: Flags.integer({summary: 'Minutes to wait for each ECS rollout.', default: 15, min: 1}),
  }

  override async run(): Promise<ReleaseResult> {
    const {args, flags} = await this.parse(Rollback)
    const config = await loadConfig(flags.config, {region: flags.region})
    const env = getEnvironment(config, args.env)
    const stacks = renderEnvironment(env)
    const aws = createAwsClients({profile: flags.profile, local: flags.local, region: flags.region, configRegion: config.region})
    try {
      return await runRollback({
        env,
        stacks,
        configDir: config.dir,
        aws,
        deployClients: await createDeploySdkClients(flags, config.region),
        prompt: {canPrompt: () => canPrompt(), confirm: (message: string) => confirm(message)},
        to: flags.to,
        flags: {json: flags.json, yes: flags.yes, timeoutMs: flags.timeout * 60_000},
      })
    } finally {
      aws.destroy()
    }
  }
}
