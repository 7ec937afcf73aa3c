import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {PlatformCommand} from '../lib/cli/base-command.js'
import {awsFlags, configFlag} from '../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../lib/config/load.js'
import {createAwsClients} from '../lib/aws/clients.js'
import {realWaiting, snapshotBeforeDatabaseChange} from '../lib/db/db.js'
import {createDbApi} from '../lib/db/rds.js'
import {deployEnvironment, type DeployCommandResult} from '../lib/deploy/run-environment.js'
import {createDeploySdkClients} from '../lib/deploy/sdk-clients.js'
import {BUILDERS} from '../lib/images/builder.js'
import {type ReleaseResult, runRelease} from '../lib/release/release.js'
import {createDeployView} from '../lib/ui/deploy-progress.js'
import {canPrompt, confirm} from '../lib/ui/prompt.js'
import {renderEnvironment} from '../templates/index.js'

export default class Deploy extends PlatformCommand {
  static override summary = 'Deploy an environment: every stack through a reviewed change set, in dependency order, across regions.'
  static override description = `Renders the environment, then deploys its stacks: independent stacks in parallel (--concurrency), each as soon as the stacks it reads outputs from are done, outputs passed to parameters across regions.

A stack whose deployed template, parameters, tags and termination protection already match is skipped without creating a change set (--force creates one anyway). On a terminal the change review is shown and confirmed; in CI pass --yes.

Safety: a change that replaces or deletes a database, bucket, log group, hosted zone, ECR repository or the VPC is refused unless --allow-replace names it. Preflight checks the account, the Aurora engine version and the services' SSM parameters before anything changes. A stack left in ROLLBACK_COMPLETE is deleted and created again; UPDATE_ROLLBACK_FAILED is recovered with continue-update-rollback (--skip-resources); a stack another deploy is changing is waited for. Ctrl-C cancels an update in progress (CloudFormation rolls it back) and leaves a create to finish; the next run picks either up.

A new hosted zone (dns.createZone) is deployed first and its name servers printed; the stacks with certificates run only once the domain's NS records (resolved through PLATFORM_DNS_SERVER=host:port, else the system's resolvers) are the zone's, because ACM validates through them and CloudFormation would otherwise wait up to 72 hours. Without the delegation the deploy stops (exit 5) saying which NS records to set at the registrar; --skip-delegation-check skips this. Once the certificates are issued, nothing is checked.

Stacks of the environment that platform.yaml no longer renders (e.g. after removing database or domain) are listed with a warning and left alone, never deleted.

A release (the default): every service with a \`build\` is built and pushed to its ECR repository under an immutable tag (the git commit that last changed its build context, with a suffix when uncommitted; or --tag), unless ECR already holds that tag; the pushed digest (repo@sha256:...) goes to the service stack's ImageUri parameter in the same change-set path. Each service whose stack changed is watched through ECS's service deployments until it is done: a rollout that ECS rolled back, or that leaves another revision serving, fails the release (exit 5). The release is recorded in the environment's bootstrap bucket (platform releases ENV); platform rollback ENV puts the previous one back. When nothing changed, nothing is built, pushed or recorded, and no change set is made.

--skip-build deploys only the images --image names (SERVICE=URI@sha256:..., e.g. from platform build) and keeps the others; --infra-only (or --stack) deploys stacks only: no build, no rollout watch, no record, and service stacks with no image yet are deferred.

--json prints one JSON object per line on stdout (the progress events, then {"type":"result"} or {"type":"error"}).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> prod',
    '<%= config.bin %> <%= command.id %> prod --yes --json',
    '<%= config.bin %> <%= command.id %> prod --stack data --allow-replace data.DatabaseCluster',
    '<%= config.bin %> <%= command.id %> prod --skip-build --image web=123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/shop/prod/web@sha256:...',
    '<%= config.bin %> <%= command.id %> staging --local --yes',
  ]

  static override jsonLines = true

  static override args = {
    env: Args.string({description: 'Environment name from platform.yaml.', required: true}),
  }

  static override flags = {
    ...configFlag,
    ...awsFlags,
    json: Flags.boolean({summary: 'One JSON object per line on stdout (events, then the result).', default: false}),
    yes: Flags.boolean({char: 'y', summary: 'Deploy without the review prompt (CI).', default: false}),
    force: Flags.boolean({summary: 'Create a change set even for stacks that look unchanged.', default: false}),
    'infra-only': Flags.boolean({summary: 'Deploy the stacks only; defer service stacks that have no image yet.', default: false}),
    stack: Flags.string({summary: 'Deploy only this stack part (repeatable); the others are only read for their outputs.', multiple: true, multipleNonGreedy: true}),
    'allow-replace': Flags.string({summary: 'Let the replacement guard pass this resource: LogicalId (when only one stack has it), or PART.LogicalId (repeatable).', multiple: true, multipleNonGreedy: true}),
    image: Flags.string({summary: 'Image for a service, SERVICE=URI (repeatable).', multiple: true, multipleNonGreedy: true}),
    'skip-resources': Flags.string({summary: 'Logical ids continue-update-rollback may skip, as PART.LogicalId (repeatable).', multiple: true, multipleNonGreedy: true}),
    concurrency: Flags.integer({summary: 'Stacks deployed at once.', default: 4, min: 1, max: 32}),
    'poll-interval': Flags.integer({summary: 'Milliseconds between CloudFormation polls (default 2000).', env: 'PLATFORM_POLL_INTERVAL', min: 0}),
    'skip-build': Flags.boolean({summary: 'Build nothing: deploy the images --image names (and keep the others).', default: false}),
    tag: Flags.string({summary: 'Immutable tag for the images built (default: the git commit of each build context). "latest" is refused.'}),
    builder: Flags.option({options: BUILDERS, summary: 'Image builder (default: the first found of a running docker, podman, buildah).'})(),
    snapshot: Flags.boolean({summary: 'Snapshot the Aurora cluster before a change set that modifies it (--no-snapshot to skip).', default: true, allowNo: true}),
    'skip-delegation-check': Flags.boolean({summary: 'With a new hosted zone (dns.createZone), create the certificates without checking that the domain is delegated to it.', default: false}),
    timeout: Flags.integer({summary: 'Minutes to wait for each ECS rollout; past it ECS rolls the service back and the release fails.', default: 15, min: 1}),
  }

  override async run(): Promise<DeployCommandResult | ReleaseResult> {
    const {args, flags} = await this.parse(Deploy)
    const config = await loadConfig(flags.config, {region: flags.region})
    const env = getEnvironment(config, args.env)
    const stacks = renderEnvironment(env)
    const deployFlags = {
      json: flags.json,
      yes: flags.yes,
      force: flags.force,
      infraOnly: flags['infra-only'],
      stack: flags.stack,
      allowReplace: flags['allow-replace'],
      image: flags.image,
      skipResources: flags['skip-resources'],
      concurrency: flags.concurrency,
      pollInterval: flags['poll-interval'],
      skipDelegationCheck: flags['skip-delegation-check'],
    }
    const prompt = {canPrompt: () => canPrompt(), confirm: (message: string) => confirm(message)}
    const deployClients = await createDeploySdkClients(flags, config.region)
    const aws = createAwsClients({profile: flags.profile, local: flags.local, region: flags.region, configRegion: config.region})
    const region = env.region
    const beforeExecute = flags.snapshot ? snapshotBeforeDatabaseChange(env, () => createDbApi(aws, region), realWaiting({timeoutMs: 3_600_000, pollMs: flags['poll-interval'] === undefined ? undefined : Math.max(flags['poll-interval'], 100)})) : undefined
    try {
      // Stacks only (--infra-only, or a --stack selection): no build, no rollout watch, no record.
      if (flags['infra-only'] || flags.stack) {
        // What to run next targets what this run did: the same file, region and AWS.
        const releaseCommand = [this.config.bin, 'deploy', env.name, ...(this.argv.some((a) => a === '-c' || a.startsWith('--config')) ? ['--config', flags.config] : []), ...(flags.local ? ['--local'] : []), ...(flags.region ? ['--region', flags.region] : []), ...(flags.profile ? ['--profile', flags.profile] : [])].join(' ')
        return await deployEnvironment({env, stacks, aws: deployClients, prompt, flags: deployFlags, beforeExecute, createView: () => createDeployView({json: flags.json}), releaseCommand})
      }
      return await runRelease({
        beforeExecute,
        env,
        stacks,
        configDir: config.dir,
        aws,
        deployClients,
        prompt,
        flags: {...deployFlags, skipBuild: flags['skip-build'], tag: flags.tag, builder: flags.builder, timeoutMs: flags.timeout * 60_000},
      })
    } finally {
      aws.destroy()
    }
  }
}
