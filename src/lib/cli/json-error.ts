import type {ErrorReport} from '../errors.js'

/**
 * The final error object `--json` promises on stdout, and how it is written. Imports nothing at
 * run time: bin/run.js's early Ctrl-C handler prints it before the CLI has loaded.
 */
export interface JsonError {
  code: string
  message: string
  suggestions: string[]
  exitCode: number
  /** What the error knows beyond that (config `issues`, deploy `failures`). */
  [detail: string]: unknown
}

/** The object for one error report. */
export function jsonError(report: Pick<ErrorReport, 'code' | 'message' | 'suggestions' | 'exitCode' | 'details'>): JsonError {
  return {code: report.code, message: report.message, suggestions: report.suggestions, exitCode: report.exitCode, ...report.details}
}

/**
 * Its text on stdout: one `{"type":"error", ...}` line for a command that streams JSON lines
 * (deploy's events), else the object itself, indented as oclif prints a command's result.
 */
export function jsonErrorText(error: JsonError, jsonLines: boolean): string {
  return jsonLines ? `${JSON.stringify({type: 'error', ...error})}\n` : `${JSON.stringify(error, null, 2)}\n`
}

/** Whether the command line asks for JSON: `--json` before any `--` (after it, it is an argument). */
export function jsonRequested(argv: string[]): boolean {
  const end = argv.indexOf('--')
  const json = argv.indexOf('--json')
  return json !== -1 && (end === -1 || json < end)
}
