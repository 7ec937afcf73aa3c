import type {Hook} from '@oclif/core/hooks'
import {ExitError} from '@oclif/core/errors'
import {nearest} from '../config/issues.js'
import {ExitCode} from '../errors.js'
import {formatErrorForHumans} from './base-command.js'
import {jsonErrorText} from './json-error.js'

/**
 * A mistyped command: name the nearest real one with its arguments, in the spaced form users type
 * (`platform deploy staging`, never `deploy:staging`), and exit 2 like any usage error.
 * oclif's plugin-not-found is not used: without a terminal (CI, scripts, our tests) it prints no
 * suggestion at all, and it exits 127, which the README's exit codes do not have.
 */
const commandNotFound: Hook<'command_not_found'> = async function (options) {
  const words = options.id.split(':')
  const ids = options.config.commandIDs.filter((id) => !options.config.findCommand(id)?.hidden).map((id) => id.replaceAll(':', ' '))
  let suggestion: string | undefined
  for (let n = Math.min(words.length, 3); n >= 1 && !suggestion; n--) {
    const guess = nearest(words.slice(0, n).join(' '), ids.filter((id) => id.split(' ').length === n))
    if (guess) suggestion = [guess, ...words.slice(n), ...(options.argv ?? [])].join(' ')
  }
  const report = {
    code: 'UNKNOWN_COMMAND',
    message: `"${words[0]}" is not a ${options.config.bin} command.`,
    suggestions: [...(suggestion ? [`Did you mean \`${options.config.bin} ${suggestion}\`?`] : []), `Run \`${options.config.bin} help\` for the list of commands.`],
    exitCode: ExitCode.usage,
  }
  if ((options.argv ?? []).includes('--json')) process.stdout.write(jsonErrorText(report, false))
  else process.stderr.write(formatErrorForHumans({...report, details: {}, expected: true}))
  throw new ExitError(ExitCode.usage)
}

export default commandNotFound
