import {Flags} from '@oclif/core'
import {PlatformCommand} from '../lib/cli/base-command.js'
import {parseServices} from '../lib/init/answers.js'
import {initPlatformYaml, type InitResult} from '../lib/init/init.js'
import {canPrompt} from '../lib/ui/prompt.js'

export default class Init extends PlatformCommand {
  static override summary = 'Write a platform.yaml: the production design for prod, and a small staging.'
  static override description = `On a terminal it asks for the project name, region, domain, services and database, offering the design's values; every question has a flag. With --yes (or when not on a terminal) flags and the design's values are used without asking; without --yes and without a terminal it fails naming the flags.

The file starts with a yaml-language-server $schema line so that editors complete and check it, and it passes \`platform validate\`. An existing platform.yaml is never overwritten without --force.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --yes',
    '<%= config.bin %> <%= command.id %> --yes --project shop --region us-east-1 --domain shop.example.com --services web,api,worker --no-database',
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
      },
    })
    this.out.progress(`Wrote ${result.file} (environments ${result.environments.join(', ')}). Next: platform validate, then platform deploy staging.`)
    return result
  }
}
