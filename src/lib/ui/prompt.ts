/**
 * The only place that talks to @inquirer/prompts. Every prompt has a flag that replaces it;
 * commands check {@link canPrompt} first and throw NonInteractiveError naming that flag.
 *
 * Prompts draw on stderr, so stdout keeps carrying only the command's result. @inquirer/prompts
 * is imported on first use: commands that never prompt (validate, render) do not pay for it.
 * Tests replace the implementation with {@link setPromptImplementation}.
 */
import {AbortedError} from '../errors.js'

export interface Choice<T> {
  name: string
  value: T
  description?: string
  checked?: boolean
}

export interface PromptImplementation {
  confirm(options: {message: string; default?: boolean}): Promise<boolean>
  input(options: {message: string; default?: string; validate?: (value: string) => true | string}): Promise<string>
  select<T>(options: {message: string; choices: Array<Choice<T>>; default?: T}): Promise<T>
  checkbox<T>(options: {message: string; choices: Array<Choice<T>>; validate?: (values: readonly T[]) => true | string}): Promise<T[]>
  /** Masked input (secrets): the answer is never echoed. Optional so existing test doubles stay valid. */
  password?(options: {message: string; mask: string}): Promise<string>
}

let override: PromptImplementation | undefined

/** Tests: answer prompts without a terminal. Pass undefined to restore the real prompts. */
export function setPromptImplementation(implementation: PromptImplementation | undefined): void {
  override = implementation
}

/**
 * True when a person can answer: stdin, stdout and stderr are terminals and CI is not set
 * (some CI systems allocate a TTY, so CI wins).
 */
export function canPrompt(env: NodeJS.ProcessEnv = process.env, streams = {stdin: process.stdin, stdout: process.stdout, stderr: process.stderr}): boolean {
  if (override) return true
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false'
  return Boolean(streams.stdin.isTTY && streams.stdout.isTTY && streams.stderr.isTTY) && !ci
}

async function inquirer(): Promise<PromptImplementation> {
  if (override) return override
  const prompts = await import('@inquirer/prompts')
  const context = {output: process.stderr}
  return {
    confirm: (options) => prompts.confirm(options, context),
    input: (options) => prompts.input(options, context),
    select: (options) => prompts.select(options, context),
    checkbox: <T>(options: {message: string; choices: Array<Choice<T>>; validate?: (values: readonly T[]) => true | string}) =>
      prompts.checkbox<T>({message: options.message, choices: options.choices, validate: options.validate ? (picked) => options.validate!(picked.map((c) => c.value)) : undefined}, context),
    password: (options) => prompts.password(options, context),
  }
}

/** Ctrl-C in a prompt means "no": an AbortedError (exit 6), not a stack trace. */
async function asked<T>(question: () => Promise<T>): Promise<T> {
  try {
    return await question()
  } catch (error) {
    if (error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')) throw new AbortedError()
    throw error
  }
}

/** Yes or no. @default answer false */
export async function confirm(message: string, defaultAnswer = false): Promise<boolean> {
  const prompts = await inquirer()
  return asked(() => prompts.confirm({message, default: defaultAnswer}))
}

/** A line of text; `validate` returns true or the message to show. */
export async function input(message: string, options: {default?: string; validate?: (value: string) => true | string} = {}): Promise<string> {
  const prompts = await inquirer()
  return asked(() => prompts.input({message, ...options}))
}

/** One of `choices`. */
export async function select<T>(message: string, choices: Array<Choice<T>>, defaultValue?: T): Promise<T> {
  const prompts = await inquirer()
  return asked(() => prompts.select({message, choices, default: defaultValue}))
}

/** Any of `choices` (those with `checked` start selected). */
export async function checkbox<T>(message: string, choices: Array<Choice<T>>, validate?: (values: readonly T[]) => true | string): Promise<T[]> {
  const prompts = await inquirer()
  return asked(() => prompts.checkbox({message, choices, validate}))
}

/** A secret typed on the terminal, shown as `*`; never echoed, never in a history. */
export async function password(message: string): Promise<string> {
  const prompts = await inquirer()
  if (!prompts.password) throw new Error('The prompt implementation in use has no password prompt.')
  return asked(() => prompts.password!({message, mask: '*'}))
}
