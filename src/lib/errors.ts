import {CLIError} from '@oclif/core/errors'

/**
 * Exit codes, listed in every command's help (the base command's help adds them) and in the README.
 * oclif itself exits 2 for usage errors.
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
  '2  usage error (unknown command, flag or argument), a prompt needed where none can be shown,',
  '   or something the command needs is missing (the local AWS, python)',
  '3  invalid platform.yaml',
  '4  AWS credentials, permissions or wrong account',
  '5  deploy failed, was rolled back, or was refused by a safety check; diff --fail found changes',
  '6  aborted by the user',
].join('\n')

export interface PlatformErrorOptions {
  code?: string
  exit?: number
  suggestions?: string[]
  cause?: unknown
}

/**
 * Every error a user should see without a stack trace: what is wrong (`message`) and how to fix it
 * (`suggestions`). The base command prints it (see {@link describeError}). Without `exit` it is a
 * usage error (2): exit 1 is kept for bugs, which are never PlatformErrors.
 */
export class PlatformError extends CLIError {
  readonly exitCode: number

  constructor(message: string, options: PlatformErrorOptions = {}) {
    const exit = options.exit ?? ExitCode.usage
    super(message, {code: options.code, exit, suggestions: options.suggestions})
    this.exitCode = exit
    if (options.cause !== undefined) (this as {cause?: unknown}).cause = options.cause
    this.name = new.target.name
  }

  /** Structured detail for `--json` beside {code, message, suggestions, exitCode} (issues, failures). */
  get details(): Record<string, unknown> {
    return {}
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
  /** Advice for `validate` only (e.g. a placeholder domain); other commands do not repeat it. */
  advisory?: boolean
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
  private readonly context: Record<string, unknown>

  override get details(): Record<string, unknown> {
    return {...this.context, issues: this.issues}
  }

  /** `context`: more for --json beside the issues (validate adds `valid`, `file`, `warnings`). */
  constructor(issues: ConfigIssue[], message?: string, context: Record<string, unknown> = {}) {
    super(message ?? `${issues.length} problem${issues.length === 1 ? '' : 's'} in platform.yaml:\n${issues.map(formatConfigIssue).join('\n')}`, {
      code: 'INVALID_CONFIG',
      exit: ExitCode.invalidConfig,
    })
    this.issues = issues
    this.context = context
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

  override get details(): Record<string, unknown> {
    return {failures: this.failures}
  }

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

/**
 * The one shape of every error: what `--json` prints and what the human output is made of.
 * `details` holds what a subclass knows beyond it (config issues, failed resources).
 */
export interface ErrorReport {
  code: string
  message: string
  suggestions: string[]
  exitCode: number
  details: Record<string, unknown>
  /** False for a bug (not a PlatformError): the human output then asks for a report. */
  expected: boolean
}

/** oclif's parser errors (unknown flag, missing argument, bad value): usage errors, exit 2. */
function isParseError(error: unknown): error is CLIError {
  return error instanceof CLIError && 'parse' in error
}

/** Reduce any thrown value to an {@link ErrorReport}. */
export function describeError(error: unknown): ErrorReport {
  if (error instanceof PlatformError) {
    return {code: error.code ?? 'ERROR', message: error.message, suggestions: error.suggestions ?? [], exitCode: error.exitCode, details: error.details, expected: true}
  }
  if (isParseError(error)) {
    // oclif appends "See more help with --help" to its parser messages: that is a fix, not the problem.
    const lines = error.message.split('\n').filter((line) => line.trim() !== '')
    const seeHelp = lines.filter((line) => /see more help with --help/i.test(line))
    const message = lines.filter((line) => !seeHelp.includes(line)).join('\n')
    return {code: 'USAGE', message, suggestions: error.suggestions ?? [], exitCode: ExitCode.usage, details: {}, expected: true}
  }
  const message = error instanceof Error ? error.message : String(error)
  return {
    code: 'UNEXPECTED',
    message: message || 'Unexpected error.',
    suggestions: ['This is a bug in platform: rerun with DEBUG=platform* for the stack trace, and report it.'],
    exitCode: ExitCode.unexpected,
    details: {},
    expected: false,
  }
}
