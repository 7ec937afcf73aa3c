/**
 * Stand-in for `confirm`/`canPrompt` of src/lib/ui/prompt.ts until that lands (the integrator
 * points the deploy command at it). A prompt needs a terminal on both ends and CI unset.
 */
export function canPromptHere(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY) && !env.CI
}

/** Ask a yes/no question on stderr; default no. */
export async function confirmHere(message: string): Promise<boolean> {
  const {confirm} = await import('@inquirer/prompts')
  return confirm({message, default: false}, {output: process.stderr})
}
