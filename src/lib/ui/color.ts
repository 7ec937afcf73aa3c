/**
 * Colour is decided once at start-up: off for NO_COLOR, --no-color, --json, TERM=dumb, or when
 * stderr/stdout is not a terminal. Setting FORCE_COLOR=0 makes every library we use (oclif's
 * ansis, listr2, inquirer) agree without each being told separately.
 */
export function shouldUseColor(argv: string[], env: NodeJS.ProcessEnv = process.env, isTty = Boolean(process.stdout.isTTY && process.stderr.isTTY)): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (argv.includes('--no-color') || argv.includes('--json')) return false
  if (argv.includes('--color')) return true
  if (env.TERM === 'dumb') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true
  return isTty
}

/** `--color` / `--no-color` stay in argv: every command declares them (the base command's flag). */
export function applyColorPolicy(argv: string[]): void {
  if (!shouldUseColor(argv)) process.env.FORCE_COLOR = '0'
  else if (argv.includes('--color')) process.env.FORCE_COLOR = '1'
}

/**
 * Does this process colour its output? The start-up decision asked again (same inputs, same answer);
 * FORCE_COLOR=0, which applyColorPolicy sets when it is off, keeps every library and us in step.
 */
export function colorIsOn(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.FORCE_COLOR !== '0' && shouldUseColor(process.argv.slice(2), env)
}

const SGR = {green: 32, yellow: 33, red: 31} as const

/** `text` in a terminal colour; callers decide with {@link colorIsOn} (or their own flag) whether to. */
export function paint(text: string, color: keyof typeof SGR): string {
  return `\u001B[${SGR[color]}m${text}\u001B[39m`
}
