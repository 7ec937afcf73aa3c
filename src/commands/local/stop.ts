import {Command} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../lib/errors.js'
import {type LocalStopResult, stopLocalStack} from '../../lib/local/stack.js'

export default class LocalStop extends Command {
  static override summary = 'Stop the local AWS started by `platform local start`.'
  static override description = `Stops the moto server and the registry recorded in $PLATFORM_HOME/local/state.json (only those processes) and removes the state. Emulated resources are lost; registry images stay on disk. Nothing running is not an error.

EXIT CODES
${EXIT_CODES_HELP}`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  static override enableJsonFlag = true

  override async run(): Promise<LocalStopResult> {
    await this.parse(LocalStop)
    const result = await stopLocalStack()
    if (!result.wasRecorded) this.log('The local AWS was not running.')
    else if (result.stopped.length === 0) this.log('The local AWS had already exited; removed its state.')
    else this.log(`Stopped ${result.stopped.join(' and ')}.`)
    return result
  }
}
