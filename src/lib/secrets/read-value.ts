import {ExitCode, NonInteractiveError, PlatformError} from '../errors.js'
import {canPrompt, password} from '../ui/prompt.js'

/** Where a secret's value comes from: a pipe (CI, password managers) or a masked prompt. */
export interface SecretInput {
  stdin: NodeJS.ReadableStream & {isTTY?: boolean}
  /** Whether a person can answer a prompt (src/lib/ui/prompt.ts canPrompt). */
  canPrompt: () => boolean
  prompt: (message: string) => Promise<string>
}

export const processSecretInput = (): SecretInput => ({stdin: process.stdin, canPrompt: () => canPrompt(), prompt: (message) => password(message)})

/**
 * The value of a secret, never from an argument (it would land in the shell history and in `ps`).
 * Piped stdin is read whole and one trailing newline is dropped (`echo VALUE |` adds one; use
 * `printf %s VALUE |` when the value itself ends in a newline). A terminal gets a masked prompt.
 */
export async function readSecretValue(name: string, input: SecretInput): Promise<string> {
  if (input.stdin.isTTY) {
    if (!input.canPrompt()) throw new NonInteractiveError('the value on stdin (`printf %s VALUE | platform secrets set ...`)', `Setting ${name}`)
    return input.prompt(`Value of ${name} (input hidden)`)
  }
  const chunks: Buffer[] = []
  for await (const chunk of input.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer))
  const text = Buffer.concat(chunks).toString('utf8')
  const value = text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text
  if (value.length === 0) {
    throw new PlatformError(`No value for ${name} on stdin; nothing was stored.`, {code: 'EMPTY_SECRET', exit: ExitCode.usage, suggestions: ['Pipe it in: `printf %s "$VALUE" | platform secrets set ENV NAME`, or run in a terminal to be asked.']})
  }
  return value
}
