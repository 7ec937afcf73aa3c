import {createServer, type Server} from 'node:http'
import {CloudFormationClient, DescribeStacksCommand} from '@aws-sdk/client-cloudformation'
import {HeadObjectCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {afterEach, describe, expect, it} from 'vitest'
import {awsErrorName, awsHttpStatus, isAwsError, isConditionalWriteRefused, isStackNotFound} from '../../src/lib/aws/aws-error.js'

// The errors below are what the real SDK clients throw for these answers, read off HTTP on
// loopback, so the helpers are checked against the SDK's own deserialisation, not a guess at it.
let server: Server | undefined
async function answering(status: number, body: string): Promise<string> {
  server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(status, {'content-type': 'application/xml'})
      res.end(req.method === 'HEAD' ? undefined : body)
    })
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server!.address() as {port: number}).port}`
}
afterEach(() => {
  server?.closeAllConnections()
  server?.close()
})

const credentials = {accessKeyId: 'a', secretAccessKey: 'b'}
const s3Error = (code: string, message: string) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>R</RequestId></Error>`

async function s3Fails(status: number, body: string, send: 'put-if-absent' | 'put-if-match' | 'head'): Promise<unknown> {
  const s3 = new S3Client({region: 'ap-northeast-1', endpoint: await answering(status, body), forcePathStyle: true, credentials, maxAttempts: 1})
  const command =
    send === 'head'
      ? new HeadObjectCommand({Bucket: 'b', Key: 'k'})
      : new PutObjectCommand({Bucket: 'b', Key: 'k', Body: '{}', ...(send === 'put-if-absent' ? {IfNoneMatch: '*'} : {IfMatch: '"e1"'})})
  return s3.send(command as PutObjectCommand).then(
    () => expect.unreachable('the call should have failed'),
    (error: unknown) => error,
  )
}

async function describeStacksFails(status: number, code: string, message: string): Promise<unknown> {
  const cfn = new CloudFormationClient({region: 'ap-northeast-1', endpoint: await answering(status, `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>R</RequestId></ErrorResponse>`), credentials, maxAttempts: 1})
  return cfn.send(new DescribeStacksCommand({StackName: 'app-prod-network'})).then(
    () => expect.unreachable('the call should have failed'),
    (error: unknown) => error,
  )
}

describe('awsErrorName, awsHttpStatus and isAwsError on what the SDK throws', () => {
  it('name the error code and status of an S3 answer with a body', async () => {
    const error = await s3Fails(412, s3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold'), 'put-if-absent')
    expect(awsErrorName(error)).toBe('PreconditionFailed')
    expect(awsHttpStatus(error)).toBe(412)
    expect(isAwsError(error, 'NoSuchKey', 'PreconditionFailed')).toBe(true)
    expect(isAwsError(error, 'NoSuchKey')).toBe(false)
  })

  it('name a HEAD 404, which has no body, by the status the SDK turned into NotFound', async () => {
    const error = await s3Fails(404, '', 'head')
    expect(awsErrorName(error)).toBe('NotFound')
    expect(awsHttpStatus(error)).toBe(404)
  })

  it('name a query-protocol (CloudFormation) error by its Code', async () => {
    const error = await describeStacksFails(400, 'ValidationError', 'Stack with id app-prod-network does not exist')
    expect(awsErrorName(error)).toBe('ValidationError')
    expect(awsHttpStatus(error)).toBe(400)
  })
})

describe('awsErrorName, awsHttpStatus and isAwsError on anything else', () => {
  it('a plain Error, a Node socket error and non-objects carry no AWS code', () => {
    expect(awsErrorName(new Error('boom'))).toBeUndefined()
    expect(awsErrorName(Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'}))).toBeUndefined()
    for (const thrown of [undefined, null, 'NoSuchKey', 42]) {
      expect(awsErrorName(thrown)).toBeUndefined()
      expect(awsHttpStatus(thrown)).toBeUndefined()
      expect(isAwsError(thrown, 'NoSuchKey')).toBe(false)
    }
  })

  it('an error only named Error falls back to the Code field AWS sent; a named one keeps its name', () => {
    expect(awsErrorName(Object.assign(new Error('expired'), {Code: 'ExpiredToken'}))).toBe('ExpiredToken')
    expect(awsErrorName(Object.assign(new Error('x'), {name: 'AccessDenied', Code: 'Other'}))).toBe('AccessDenied')
    expect(awsErrorName({name: '', Code: ''})).toBeUndefined()
    expect(awsErrorName({name: 7, Code: 8})).toBeUndefined()
  })

  it('a status that is not a number is no status', () => {
    expect(awsHttpStatus({$metadata: {httpStatusCode: '404'}})).toBeUndefined()
    expect(awsHttpStatus({$metadata: {}})).toBeUndefined()
    expect(awsHttpStatus({name: 'X'})).toBeUndefined()
  })

  it('isAwsError with no names matches nothing', () => {
    expect(isAwsError(Object.assign(new Error('x'), {name: 'NoSuchKey'}))).toBe(false)
  })
})

describe('isConditionalWriteRefused', () => {
  it('412 PreconditionFailed: If-None-Match on a key that exists, or If-Match on a changed ETag', async () => {
    expect(isConditionalWriteRefused(await s3Fails(412, s3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold'), 'put-if-absent'))).toBe(true)
    expect(isConditionalWriteRefused(await s3Fails(412, s3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold'), 'put-if-match'))).toBe(true)
  })

  it('409 ConditionalRequestConflict: another conditional write to the key is in flight', async () => {
    expect(isConditionalWriteRefused(await s3Fails(409, s3Error('ConditionalRequestConflict', 'A conflicting conditional operation is currently in progress against this resource.'), 'put-if-absent'))).toBe(true)
  })

  it('404 NoSuchKey: If-Match on a key that is gone', async () => {
    expect(isConditionalWriteRefused(await s3Fails(404, s3Error('NoSuchKey', 'The specified key does not exist.'), 'put-if-match'))).toBe(true)
  })

  it('counts 412 and 409 by status even when the error is named otherwise', () => {
    expect(isConditionalWriteRefused({name: 'Unknown', $metadata: {httpStatusCode: 412}})).toBe(true)
    expect(isConditionalWriteRefused({name: 'Unknown', $metadata: {httpStatusCode: 409}})).toBe(true)
  })

  it('is not fooled by a missing bucket (also a 404), a refusal or a server error: no retry of the race can win those', async () => {
    expect(isConditionalWriteRefused(await s3Fails(404, s3Error('NoSuchBucket', 'The specified bucket does not exist'), 'put-if-absent'))).toBe(false)
    expect(isConditionalWriteRefused(await s3Fails(403, s3Error('AccessDenied', 'Access Denied'), 'put-if-match'))).toBe(false)
    expect(isConditionalWriteRefused({name: 'InternalError', $metadata: {httpStatusCode: 500}})).toBe(false)
    expect(isConditionalWriteRefused(new Error('socket hang up'))).toBe(false)
  })
})

describe('isStackNotFound', () => {
  it('is the ValidationError CloudFormation answers for a stack that does not exist', async () => {
    expect(isStackNotFound(await describeStacksFails(400, 'ValidationError', 'Stack with id app-prod-network does not exist'))).toBe(true)
  })

  it('is not any other ValidationError, nor "does not exist" under another code', async () => {
    expect(isStackNotFound(await describeStacksFails(400, 'ValidationError', 'Stack:arn:aws:cloudformation:ap-northeast-1:123456789012:stack/app-prod-network/1 is in UPDATE_IN_PROGRESS state and can not be updated.'))).toBe(false)
    expect(isStackNotFound(await describeStacksFails(403, 'AccessDenied', 'User is not authorized; the role does not exist'))).toBe(false)
    expect(isStackNotFound(Object.assign(new Error(), {name: 'ValidationError', message: undefined}))).toBe(false)
    expect(isStackNotFound(undefined)).toBe(false)
  })
})
