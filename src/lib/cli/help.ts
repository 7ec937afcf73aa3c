import {CommandHelp, Help} from '@oclif/core/help'
import {EXIT_CODES_HELP} from '../errors.js'

/** Every command's help ends with the exit codes (as Salesforce's ERROR CODES), kept in one place. */
class PlatformCommandHelp extends CommandHelp {
  protected override sections(): ReturnType<CommandHelp['sections']> {
    return [...super.sections(), {header: 'EXIT CODES', generate: () => EXIT_CODES_HELP}]
  }
}

export default class PlatformHelp extends Help {
  protected override CommandHelpClass = PlatformCommandHelp
}
