/**
 * What an error thrown by an AWS SDK v3 call says about itself. The SDK names each service
 * exception after the error code AWS answered (`NoSuchKey`, `ValidationError`,
 * `ResourceNotFoundException`...) and records the HTTP status in `$metadata`. Every check of an
 * AWS answer reads it through these functions, so there is one reading of an SDK error.
 */

interface SdkErrorShape {
  name?: unknown
  Code?: unknown
  $metadata?: {httpStatusCode?: unknown}
}

/**
 * The AWS error code of an SDK error: its `name`, or, when that is only the generic `Error`, the
 * `Code` field AWS sent in the body (the SDK copies it onto the exception). Undefined for anything
 * that carries no code, such as a plain Error or a non-object.
 */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const {name, Code} = error as SdkErrorShape
  if (typeof name === 'string' && name !== '' && name !== 'Error') return name
  return typeof Code === 'string' && Code !== '' ? Code : undefined
}

/** The HTTP status AWS answered with, if the call got that far. */
export function awsHttpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const status = (error as SdkErrorShape).$metadata?.httpStatusCode
  return typeof status === 'number' ? status : undefined
}

/** Whether the error is the AWS answer with one of these error codes. */
export function isAwsError(error: unknown, ...names: readonly string[]): boolean {
  const name = awsErrorName(error)
  return name !== undefined && names.includes(name)
}

/**
 * Whether an S3 conditional write (PutObject with `If-None-Match: *` or `If-Match: <etag>`) was
 * refused because the object is not as the condition required: 412 PreconditionFailed (it exists,
 * or its ETag changed), 409 ConditionalRequestConflict (another conditional write to the key is in
 * flight) or NoSuchKey (`If-Match` on a key that is gone). 412 and 409 count by status too, as S3
 * documents these outcomes by status; a bare 404 does not, since it is also NoSuchBucket, which
 * no retry can win.
 */
export function isConditionalWriteRefused(error: unknown): boolean {
  if (isAwsError(error, 'PreconditionFailed', 'ConditionalRequestConflict', 'NoSuchKey')) return true
  const status = awsHttpStatus(error)
  return status === 412 || status === 409
}

/**
 * Whether CloudFormation answered that the stack does not exist: a ValidationError whose message
 * says so ("Stack with id X does not exist"). Other ValidationErrors (a malformed name, a stack in
 * a state that refuses the call) are real failures.
 */
export function isStackNotFound(error: unknown): boolean {
  const message = (error as {message?: unknown} | undefined)?.message
  return isAwsError(error, 'ValidationError') && typeof message === 'string' && /does not exist/.test(message)
}
