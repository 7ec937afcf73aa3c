import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {PlatformCommand} from '../lib/cli/base-command.js'
import {createAwsClients} from '../lib/aws/clients.js'
import {awsFlags, configFlag} from '../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../lib/config/load.js'
import {BUILDERS} from '../lib/images/builder.js'
import {type BuildCommandResult, buildEnvironmentImages} from '../lib/images/command.js'

export default class Build extends PlatformCommand {
  static override summary = "Build and push an environment's service images to ECR; print their digests."
  static override description = `Builds each service that has a \`build\` (or the SERVICEs named) with the builder found on the machine (a running docker, podman or buildah; --builder to choose), in parallel, and pushes it to the service's ECR repository. The tag is immutable: the git commit that last changed the build context (with a suffix from its content when uncommitted), or --tag; "latest" is refused. A tag already in the repository is neither rebuilt nor pushed.

Prints SERVICE=REPOSITORY@sha256:... lines on stdout, ready for: platform deploy ENV --skip-build --image SERVICE=URI@digest. PLATFORM_REGISTRY=host[:port] pushes to another registry than ECR's (a local one).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> prod',
    '<%= config.bin %> <%= command.id %> prod web --tag v1.4.2 --json',
    '<%= config.bin %> <%= command.id %> staging --local --builder buildah',
  ]

  static override strict = false
  static override args = {
    env: Args.string({description: 'Environment name from platform.yaml.', required: true}),
    service: Args.string({description: 'Services to build (default: every service with a build).', required: false}),
  }

  static override enableJsonFlag = true
  static override flags = {
    ...configFlag,
    ...awsFlags,
    tag: Flags.string({summary: 'Immutable tag for every image built (default: the git commit of each build context). "latest" is refused.'}),
    builder: Flags.option({options: BUILDERS, summary: 'Image builder (default: the first found of a running docker, podman, buildah).'})(),
  }

  override async run(): Promise<BuildCommandResult> {
    const {args, argv, flags} = await this.parse(Build)
    const config = await loadConfig(flags.config, {region: flags.region})
    const env = getEnvironment(config, args.env)
    const services = (argv as string[]).slice(1)
    const aws = createAwsClients({profile: flags.profile, local: flags.local, region: flags.region, configRegion: config.region})
    try {
      const result = await buildEnvironmentImages({
        env,
        configDir: config.dir,
        aws,
        services,
        tag: flags.tag,
        builder: flags.builder,
        emit: (event) => this.out.progress(`${event.service}:${event.tag} ${event.phase === 'existing' ? 'already in the registry, not rebuilt' : event.phase}`),
      })
      for (const image of result.images) this.out.result(`${image.service}=${image.uri}`)
      return result
    } finally {
      aws.destroy()
    }
  }
}
