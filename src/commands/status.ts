import * as Args from '@oclif/core/args'
import {PlatformCommand} from '../lib/cli/base-command.js'
import {createAwsClients} from '../lib/aws/clients.js'
import {awsFlags, configFlag} from '../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../lib/config/load.js'
import {createDbApi} from '../lib/db/rds.js'
import {createStatusApi} from '../lib/status/aws.js'
import {formatStatus, readStatus, type StatusReport} from '../lib/status/status.js'
import {renderEnvironment} from '../templates/index.js'

export default class Status extends PlatformCommand {
  static override summary = 'Show what runs in an environment: stacks, services, the current release, alarms and the database.'
  static override description = `Each stack's status, last update and drift (when a drift detection ran), each service's running/desired tasks, rollout, task definition and image digest, the last release recorded in the bootstrap bucket, the alarms in ALARM, and the Aurora cluster's status and capacity. The reads run in parallel; nothing is changed.

--json prints one object (schema: schema/status.schema.json).`

  static override examples = ['<%= config.bin %> <%= command.id %> prod', '<%= config.bin %> <%= command.id %> prod --json']

  static override enableJsonFlag = true

  static override args = {env: Args.string({description: 'Environment name from platform.yaml.', required: true})}

  static override flags = {...configFlag, ...awsFlags}

  override async run(): Promise<StatusReport> {
    const {args, flags} = await this.parse(Status)
    const env = getEnvironment(await loadConfig(flags.config, {region: flags.region}), args.env)
    const clients = createAwsClients({profile: flags.profile, local: flags.local, region: env.region})
    try {
      const report = await readStatus(env, renderEnvironment(env), createStatusApi(clients), createDbApi(clients, env.region))
      this.out.result(formatStatus(report))
      return report
    } finally {
      clients.destroy()
    }
  }
}
