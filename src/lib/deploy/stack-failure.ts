import {awsErrorName, awsHttpStatus} from '../aws/aws-error.js'
import {DeployFailedError, PlatformError} from '../errors.js'

/**
 * An AWS call that still failed after the SDK's retries, as a deploy failure of the stack it was
 * for (exit 5, naming the stack and the call) instead of a raw SDK error. Errors the CLI already
 * explains (auth, refusals, Ctrl-C) pass through unchanged.
 */
export function asStackFailure(error: unknown, stack: string): unknown {
  if (error instanceof PlatformError || !(error instanceof Error)) return error
  const call = (error as {awsCall?: string}).awsCall
  const name = awsErrorName(error)
  const status = awsHttpStatus(error)
  const what = `${name ? `${name}: ` : ''}${error.message}${status ? ` (HTTP ${status})` : ''}`
  return new DeployFailedError(`${stack}: ${call ?? 'an AWS call'} failed${call ? ' after retries' : ''}.`, [{stack, logicalId: stack, type: 'AWS::CloudFormation::Stack', status: 'AWS_CALL_FAILED', reason: call ? `${call}: ${what}` : what}], {
    code: 'AWS_CALL_FAILED',
    suggestions: ['Run the deploy again: it continues from what CloudFormation has.'],
    cause: error,
  })
}
