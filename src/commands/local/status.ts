import * as Flags from '@oclif/core/flags'
import {PlatformCommand} from '../../lib/cli/base-command.js'
import {configFlag} from '../../lib/cli/flags.js'
import {listLocalStacks} from '../../lib/aws/list-stacks.js'
import {statusRegions} from '../../lib/local/regions.js'
import {formatExports, localStatus, type LocalStatusResult} from '../../lib/local/stack.js'

export default class LocalStatus extends PlatformCommand {
  static override summary = 'Show whether the local AWS runs, and the CloudFormation stacks it holds.'
  static override description = `Reads $PLATFORM_HOME/local/state.json, checks that moto and the registry answer, and lists the stacks in the region(s) of platform.yaml (with us-east-1, where the edge stack lives), or in --region, AWS_REGION, or ap-northeast-1 when there is no platform.yaml. Exits 0 whether or not it runs: check "running" in --json.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json', '<%= config.bin %> <%= command.id %> --region us-east-1']

  static override enableJsonFlag = true

  static override flags = {
    ...configFlag,
    region: Flags.string({summary: 'List stacks of this region only.'}),
  }

  override async run(): Promise<LocalStatusResult> {
    const {flags} = await this.parse(LocalStatus)
    const regions = await statusRegions({region: flags.region, configFile: flags.config, warn: (m) => this.out.warn(m)})
    const result = await localStatus({regions, listStacks: (region) => listLocalStacks(region)})
    if (this.jsonEnabled()) return result
    if (!result.moto) {
      this.log(`The local AWS is not running (no ${result.stateFile}). Start it with \`${this.config.bin} local start\`.`)
      return result
    }
    const up = (running: boolean) => (running ? 'running' : 'NOT RUNNING')
    this.log(`AWS API (moto)  ${up(result.moto.running)}  ${result.moto.endpoint}  pid ${result.moto.pid}`)
    if (result.registry) this.log(`registry (ECR)  ${up(result.registry.running)}  ${result.registry.host}  pid ${result.registry.pid}`)
    else this.log('registry (ECR)  not started (--no-registry)')
    if (!result.running) {
      this.log(`moto does not answer: restart with \`${this.config.bin} local stop && ${this.config.bin} local start\` (log: ${result.moto.log}).`)
      return result
    }
    this.log('')
    this.log(`Stacks in ${result.regions.join(', ')}:`)
    if (result.stacks.length === 0) this.log('  (none)')
    const width = Math.max(0, ...result.stacks.map((s) => s.name.length))
    for (const s of result.stacks) this.log(`  ${s.region.padEnd(15)} ${s.name.padEnd(width)}  ${s.status}`)
    if (result.env) this.logToStderr(`\nTo use it from other tools:\n${formatExports(result.env)}`)
    return result
  }
}
