import {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import {nearest} from '../config/issues.js'
import {describeError, type ErrorReport} from '../errors.js'
import {createDebugLog, isDebugEnabled} from './debug.js'
import {jsonError, jsonErrorText, jsonRequested} from './json-error.js'
import {createOutput, type Output} from './output.js'

/**
 * The base of every `platform` command. It owns what must be the same everywhere:
 * - errors: one shape, {code, message, suggestions, exitCode} (plus what the error knows, such as
 *   `issues` or `failures`), on stdout under --json, and always as "error:" / "hint:" lines on
 *   stderr; the exit code from the README's table; stack traces only with DEBUG=platform*.
 * - a mistyped flag names the nearest real one and the usage line, not the whole help;
 * - output through {@link Output} (result on stdout, progress and warnings on stderr);
 * - `--no-color` in every help (bin/run.js applies it before anything prints), and the exit codes
 *   at the end of every help (src/lib/cli/help.ts).
 *
 * A command extends it, sets `enableJsonFlag` when it returns a result (or `jsonLines` when it
 * streams JSON lines itself, like deploy), and throws PlatformErrors; nothing else.
 */
export abstract class PlatformCommand extends Command {
  static override baseFlags = {
    color: Flags.boolean({summary: 'Colour the output (--no-color, NO_COLOR, --json, TERM=dumb and non-terminals turn it off).', allowNo: true, helpGroup: 'GLOBAL'}),
  }

  /**
   * The command prints one JSON object per line itself under its own --json flag (deploy's
   * events): its final error is then one line too, `{"type":"error", code, message, ...}`.
   */
  static jsonLines = false

  protected readonly debugLog = createDebugLog('command')
  private cachedOutput: Output | undefined

  /** Result, progress and warnings, following the --json policy. */
  protected get out(): Output {
    this.cachedOutput ??= createOutput({json: this.wantsJson()})
    return this.cachedOutput
  }

  /** True when stdout must carry only JSON: --json (before any `--`), on a command that has it. */
  protected wantsJson(): boolean {
    if (this.jsonEnabled()) return true
    return (this.constructor as typeof PlatformCommand).jsonLines && jsonRequested(this.argv)
  }

  override async init(): Promise<void> {
    // oclif reads a missing optional argument from stdin when stdin is not a terminal: a wait on
    // every run in CI and from scripts, and `echo x | platform validate` would take x as ENV.
    // No platform command takes an argument from stdin.
    for (const arg of Object.values((this.constructor as typeof PlatformCommand).args ?? {})) arg.ignoreStdin ??= true
    await super.init()
    this.debugLog('%s %s, node %s, argv %o', this.config.bin, this.id, process.version, this.argv)
  }

  /** Print the error once, in the one shape, then exit with its code (oclif prints nothing more). */
  override async catch(error: Error & {exitCode?: number}): Promise<never> {
    const report = this.withFlagSuggestion(describeError(error))
    if (isDebugEnabled('platform:error')) process.stderr.write(`platform:error ${formatCauses(error)}\n`)
    if (this.wantsJson()) process.stdout.write(jsonErrorText(jsonError(report), (this.constructor as typeof PlatformCommand).jsonLines))
    // Also under --json: stdout goes to a program, stderr is what a person reads in the CI log.
    process.stderr.write(formatErrorForHumans(report))
    process.exitCode = report.exitCode
    // Rethrown for callers (and @oclif/test), but oclif's handler must neither print it again nor
    // pick another exit code: it exits with `oclif.exit`.
    const handled = error instanceof Error ? error : new Error(String(error))
    Object.assign(handled, {skipOclifErrorHandling: true, oclif: {...(handled as {oclif?: object}).oclif, exit: report.exitCode}})
    throw handled
  }

  /** An unknown flag: the nearest flag this command has, and its usage line. */
  private withFlagSuggestion(report: ErrorReport): ErrorReport {
    const unknown = /^Nonexistent flags?: (.+)$/m.exec(report.message)
    if (!unknown) return report
    const ctor = this.constructor as typeof PlatformCommand
    const names = [...Object.keys({...ctor.baseFlags, ...ctor.flags}), ...(ctor.enableJsonFlag ? ['json'] : [])]
    const guesses = unknown[1].split(/,\s*/).flatMap((given) => {
      const guess = nearest(given.replace(/^-+/, '').split('=')[0], names)
      return guess ? [`Did you mean --${guess}?`] : []
    })
    return {...report, suggestions: [...guesses, `Usage: ${this.usageLine()}  (all flags: ${this.config.bin} ${this.displayId()} --help)`]}
  }

  private displayId(): string {
    return (this.id ?? '').replaceAll(':', ' ')
  }

  private usageLine(): string {
    const args = Object.entries((this.constructor as typeof PlatformCommand).args ?? {}).map(([name, arg]) => (arg.required ? name.toUpperCase() : `[${name.toUpperCase()}]`))
    return [this.config.bin, this.displayId(), ...args, '[FLAGS]'].join(' ')
  }
}

/** "error: what" then one "hint: how to fix" per suggestion; no class names, no stack trace. */
export function formatErrorForHumans(report: ErrorReport): string {
  const lines = [`error: ${report.message}`, ...report.suggestions.map((s) => `hint: ${s}`)]
  return `${lines.join('\n')}\n`
}

/** The stack trace, then each `cause` in turn (an SDK error wrapped by a PlatformError). */
function formatCauses(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    parts.push(current instanceof Error ? (current.stack ?? current.message) : String(current))
    current = current instanceof Error ? (current as {cause?: unknown}).cause : undefined
  }
  return parts.join('\ncaused by: ')
}
