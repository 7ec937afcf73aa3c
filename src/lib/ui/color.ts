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
