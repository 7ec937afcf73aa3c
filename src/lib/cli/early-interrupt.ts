/**
 * Ctrl-C before a command takes it over (interrupts.ts): bin/run.js calls this from its first
 * moment, while oclif and the command are still loading or the command has not reached the work it
 * stops cleanly. It imports nothing that loads oclif (errors.ts does), so it costs nothing at start.
 */
import {readFileSync} from 'node:fs'
import {type JsonError, jsonErrorText, jsonRequested} from './json-error.js'

/**
 * What a command prints under --json for `new AbortedError('Interrupted.')` (code ABORTED, exit 6,
 * "aborted by the user"): spelled here because errors.ts loads oclif; a test holds the two equal.
 */
export const INTERRUPTED: JsonError = {code: 'ABORTED', message: 'Interrupted.', suggestions: [], exitCode: 6}

/** What oclif's manifest says of a command that decides its --json output. */
interface ManifestCommand {
  jsonLines?: boolean
}

/** The command the words of `argv` name (`cost estimate prod` → `cost:estimate`), longest first. */
function commandOf(argv: string[], commands: Record<string, ManifestCommand>): ManifestCommand | undefined {
  const firstFlag = argv.findIndex((arg) => arg.startsWith('-'))
  const words = firstFlag === -1 ? argv : argv.slice(0, firstFlag)
  for (let length = words.length; length > 0; length--) {
    const command = commands[words.slice(0, length).join(':')]
    if (command) return command
  }
  return undefined
}

/**
 * What to print: the line a person reads on stderr and, when `--json` asked for it, the final error
 * object on stdout in the command's shape (a JSON line for a command that streams them). The
 * manifest is read only now, when Ctrl-C came; without it the object is printed whole.
 */
export function earlyInterruptOutput(argv: string[], manifestFile: URL | string): {stdout: string; stderr: string} {
  const stderr = '\nInterrupted.\n'
  if (!jsonRequested(argv)) return {stdout: '', stderr}
  let commands: Record<string, ManifestCommand> = {}
  try {
    commands = (JSON.parse(readFileSync(manifestFile, 'utf8')) as {commands?: Record<string, ManifestCommand>}).commands ?? {}
  } catch {
    // No manifest (a development build): the object form, which most commands print.
  }
  return {stdout: jsonErrorText(INTERRUPTED, commandOf(argv, commands)?.jsonLines === true), stderr}
}

/** The handler itself: print, then exit 6 rather than die by the signal. */
export function exitOnEarlyInterrupt(manifestFile: URL | string): never {
  const {stdout, stderr} = earlyInterruptOutput(process.argv.slice(2), manifestFile)
  process.stdout.write(stdout)
  process.stderr.write(stderr)
  process.exit(INTERRUPTED.exitCode)
}
