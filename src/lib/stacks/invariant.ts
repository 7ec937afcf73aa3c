import {PlatformError} from '../errors.js'

/**
 * A renderer met a config that validation should have refused: a bug in platform (exit 1), not
 * the user's mistake, so it names no file position it cannot know and asks for a report.
 */
export class RenderInvariantError extends PlatformError {
  constructor(problems: string[]) {
    super(`Rendering hit a case config validation should have refused (a bug in platform):\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      code: 'RENDER_INVARIANT',
      suggestions: ['run `platform validate` to see whether the config has a problem it does not report, and report this error with the config'],
    })
  }
}

/** Throw a {@link RenderInvariantError} listing `problems`, if any. */
export function assertRenderable(problems: string[]): void {
  if (problems.length > 0) throw new RenderInvariantError(problems)
}

/**
 * A renderer called for an environment that lacks what its stack is for (`needs`): the stack cut
 * (lib/stacks/parts.ts) alone decides which stacks are rendered, so this is a bug, never a skip.
 */
export function outsideStackCut(part: string, needs: string): RenderInvariantError {
  return new RenderInvariantError([`the ${part} stack is rendered only for an environment with ${needs}, which the stack cut decides`])
}
