import {AbortedError, ExitCode, NonInteractiveError, PlatformError} from '../errors.js'

export interface ConfirmIO {
  canPrompt: () => boolean
  confirm: (message: string) => Promise<boolean>
  input: (message: string) => Promise<string>
}

/**
 * Make sure a person (or a CI job) means to destroy this environment.
 * - A protected environment (prod): type its name on a terminal, or pass `--confirm NAME` (the
 *   Heroku convention); `--yes` alone is not enough, so a copied command cannot take prod down.
 * - Any other: a yes/no question, or `--yes` (or `--confirm NAME`).
 */
export async function confirmDestroy(env: {name: string; protect: boolean}, flags: {yes: boolean; confirm?: string}, io: ConfirmIO): Promise<void> {
  if (flags.confirm !== undefined) {
    if (flags.confirm === env.name) return
    throw new PlatformError(`--confirm ${JSON.stringify(flags.confirm)} does not match the environment ${env.name}; nothing was deleted.`, {code: 'CONFIRM_MISMATCH', exit: ExitCode.usage})
  }
  if (!env.protect && flags.yes) return
  if (!io.canPrompt()) {
    if (env.protect) {
      throw new PlatformError(`${env.name} is protected: destroying it needs --confirm ${env.name}${flags.yes ? ' (--yes alone is not enough)' : ''}.`, {code: 'NEEDS_CONFIRM', exit: ExitCode.usage, suggestions: [`Pass --confirm ${env.name} to destroy it without a prompt.`]})
    }
    throw new NonInteractiveError('--yes', `Destroying ${env.name}`)
  }
  if (env.protect) {
    const typed = await io.input(`Type ${env.name} to delete its stacks`)
    if (typed.trim() !== env.name) throw new AbortedError(`You typed ${JSON.stringify(typed.trim())}, not ${env.name}; nothing was deleted.`)
    return
  }
  if (!(await io.confirm(`Delete the stacks of ${env.name}?`))) throw new AbortedError()
}
