import {Errors} from '@oclif/core'

/**
 * Exit codes, listed in every command's help. oclif itself exits 2 for usage errors.
 */
export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  invalidConfig: 3,
  awsAuth: 4,
  deployFailed: 5,
  aborted: 6,
} as const

export const EXIT_CODES_HELP = [
  '0  success',
  '1  unexpected error (a bug: rerun with DEBUG=platform* and report it)',
  '2  usage error (unknown flag or argument)',
  '3  invalid platform.yaml',
  '4  AWS credentials, permissions or wrong account',
  '5  deploy failed, was rolled back, or was refused by a safety check',
  '6  aborted by the user',
].join('\n')

export interface PlatformErrorOptions {
  code?: string
  exit?: number
  suggestions?: string[]
  cause?: unknown
}

/**
 * Every error a user should see without a stack trace. oclif prints `message`, `code` and
 * `suggestions`; `exitCode` is read by `Command.catch` under --json.
 */
export class PlatformError extends Errors.CLIError {
  readonly exitCode: number

  constructor(message: string, options: PlatformErrorOptions = {}) {
    const exit = options.exit ?? ExitCode.unexpected
    super(message, {code: options.code, exit, suggestions: options.suggestions})
    this.exitCode = exit
    if (options.cause !== undefined) (this as {cause?: unknown}).cause = options.cause
    this.name = new.target.name
  }
}

/** One problem in platform.yaml, with where it is and how to fix it. */
export interface ConfigIssue {
  file: string
  line: number
  column: number
  /** YAML path, e.g. `environments.prod.services.web.cpu`. */
  path: string
  message: string
  hint?: string
}

export function formatConfigIssue(issue: ConfigIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`
  const path = issue.path ? ` ${issue.path}:` : ''
  const hint = issue.hint ? `\n    hint: ${issue.hint}` : ''
  return `${where}${path} ${issue.message}${hint}`
}

/** The user must fix platform.yaml. */
export class ConfigError extends PlatformError {
  readonly issues: ConfigIssue[]

  constructor(issues: ConfigIssue[], message?: string) {
    super(message ?? `${issues.length} problem${issues.length === 1 ? '' : 's'} in platform.yaml:\n${issues.map(formatConfigIssue).join('\n')}`, {
      code: 'INVALID_CONFIG',
      exit: ExitCode.invalidConfig,
    })
    this.issues = issues
  }
}

/** Credentials missing, expired, lacking permission, or for the wrong account. */
export class AwsAuthError extends PlatformError {
  constructor(message: string, options: PlatformErrorOptions = {}) {
    super(message, {
      code: 'AWS_AUTH',
      exit: ExitCode.awsAuth,
      suggestions: options.suggestions ?? ['Run `aws sso login` (or set AWS_PROFILE) and try again.', 'Use --local to run against the local AWS from `platform local start`.'],
      cause: options.cause,
    })
  }
}

export interface FailedResource {
  stack: string
  logicalId: string
  type?: string
  status: string
  reason?: string
}

/** CloudFormation failed or rolled back, or a safety check refused the deploy. */
export class DeployFailedError extends PlatformError {
  readonly failures: FailedResource[]

  constructor(message: string, failures: FailedResource[] = [], options: PlatformErrorOptions = {}) {
    const detail = failures.map((f) => `  ${f.stack} ${f.logicalId}${f.type ? ` (${f.type})` : ''}: ${f.status}${f.reason ? ` - ${f.reason}` : ''}`).join('\n')
    super(detail ? `${message}\n${detail}` : message, {code: options.code ?? 'DEPLOY_FAILED', exit: ExitCode.deployFailed, suggestions: options.suggestions, cause: options.cause})
    this.failures = failures
  }
}

/** The user declined, or a prompt was needed where none can be shown. */
export class AbortedError extends PlatformError {
  constructor(message = 'Aborted.', suggestions?: string[]) {
    super(message, {code: 'ABORTED', exit: ExitCode.aborted, suggestions})
  }
}

/** A prompt is needed but stdin is not a terminal (or CI is set). */
export class NonInteractiveError extends PlatformError {
  constructor(flag: string, what: string) {
    super(`${what} needs confirmation, and this terminal cannot prompt (no TTY, or CI is set).`, {
      code: 'NEEDS_FLAG',
      exit: ExitCode.usage,
      suggestions: [`Pass ${flag} to proceed without a prompt.`],
    })
  }
}
