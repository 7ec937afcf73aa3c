/**
 * The three kinds of output a command has, and where each goes:
 * - result: stdout, what the user asked for (a table, a summary). Under --json the command's
 *   returned object is the result instead, so text results are dropped.
 * - progress: stderr, what is happening; quiet under --json so machine runs stay terse.
 * - warning: stderr, always, also under --json (a fallback or a suspicious value is never silent).
 */
export interface Output {
  result(text: string): void
  progress(text: string): void
  warn(text: string): void
}

export interface OutputOptions {
  json: boolean
  stdout?: NodeJS.WritableStream
  stderr?: NodeJS.WritableStream
}

export function createOutput(options: OutputOptions): Output {
  const stdout = options.stdout ?? process.stdout
  const stderr = options.stderr ?? process.stderr
  const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`)
  return {
    result: (text) => {
      if (!options.json) stdout.write(line(text))
    },
    progress: (text) => {
      if (!options.json) stderr.write(line(text))
    },
    warn: (text) => {
      stderr.write(line(text.startsWith('warning: ') ? text : `warning: ${text}`))
    },
  }
}
