import {PlatformCommand} from '../../lib/cli/base-command.js'
import {type LocalStopResult, stopLocalStack} from '../../lib/local/stack.js'

export default class LocalStop extends PlatformCommand {
  static override summary = 'Stop the local AWS started by `platform local start`.'
  static override description = `Stops the moto server and the registry recorded in $PLATFORM_HOME/local/state.json (only those processes) and removes the state. Emulated resources are lost; registry images stay on disk. Nothing running is not an error.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  static override enableJsonFlag = true

  override async run(): Promise<LocalStopResult> {
    await this.parse(LocalStop)
    const result = await stopLocalStack()
    if (!result.wasRecorded) this.out.result('The local AWS was not running.')
    else if (result.stopped.length === 0) this.out.result('The local AWS had already exited; removed its state.')
    else this.out.result(`Stopped ${result.stopped.join(' and ')}.`)
    return result
  }
}
