import * as Flags from '@oclif/core/flags'
import {PlatformCommand} from '../lib/cli/base-command.js'
import {parseServices} from '../lib/init/answers.js'
import {initPlatformYaml, type InitResult} from '../lib/init/init.js'
import {canPrompt} from '../lib/ui/prompt.js'

export default class Init extends PlatformCommand {
  static override summary = 'Write a platform.yaml: the production design for prod, and a small staging.'
  static override description = `On a terminal it asks for the project name, region, domain, services, database and alarm e-mail, offering the design's values; every question has a flag, and a question answered by a flag is not asked. With --yes it asks nothing: the flags given and the design's values for the rest. Without a terminal (CI, a pipe) it does not fall back to defaults: unless --yes is given or every question has its flag, it exits 2 naming the flags.

The scaling schedules use the region's local time zone (e.g. Europe/Dublin for eu-west-1). Services other than web and api get the path /<name>/* (the first one / when no service has it) and the health check /<name>/health. Without a database there is no database secret, security group or rule.

The file starts with a yaml-language-server $schema line so that editors complete and check it: ./node_modules/platform-cli/schema/platform.schema.json when platform-cli is installed in the project (npm i -D platform-cli), else the published schema of this version on unpkg.com. It passes \`platform validate\`, which warns while the domain or alarm e-mail are still example.com placeholders. An existing platform.yaml is never overwritten without --force.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --yes',
    '<%= config.bin %> <%= command.id %> --yes --project shop --region us-east-1 --domain shop.example.com --services web,api,worker --no-database --alarm-email ops@shop.example.org',
    '<%= config.bin %> <%= command.id %> --dir infra --force',
  ]

  static override enableJsonFlag = true

  static override flags = {
    yes: Flags.boolean({char: 'y', summary: 'Do not ask: use the flags and the design\'s values.', default: false}),
    force: Flags.boolean({char: 'f', summary: 'Overwrite an existing platform.yaml.', default: false}),
    project: Flags.string({summary: 'Project name, the prefix of every AWS name (default: bookmark-manager).'}),
    region: Flags.string({summary: 'AWS region (default: ap-northeast-1).'}),
    domain: Flags.string({summary: 'Custom domain for prod; "" for none (default: example.com).'}),
    services: Flags.string({summary: 'Comma-separated service names (default: web,api).'}),
    database: Flags.boolean({summary: 'Include Aurora PostgreSQL Serverless v2 (default: yes).', allowNo: true}),
    'alarm-email': Flags.string({summary: 'E-mail for prod\'s CloudWatch alarms (default: ops@example.com, which validate flags).'}),
    dir: Flags.string({summary: 'Directory to write platform.yaml in.', default: '.'}),
  }

  override async run(): Promise<InitResult> {
    const {flags} = await this.parse(Init)
    const result = await initPlatformYaml({
      dir: flags.dir,
      yes: flags.yes,
      force: flags.force,
      canPrompt: canPrompt(),
      given: {
        project: flags.project,
        region: flags.region,
        domain: flags.domain,
        services: flags.services === undefined ? undefined : parseServices(flags.services),
        database: flags.database,
        alarmEmail: flags['alarm-email'],
      },
    })
    if (result.containerfiles.length > 0) this.out.progress(`Wrote starter images (FROM scratch, one static page) where none existed: ${result.containerfiles.join(', ')}.`)
    this.out.progress(`Wrote ${result.file} (environments ${result.environments.join(', ')}). Next: platform validate, then platform deploy staging.`)
    return result
  }
}
