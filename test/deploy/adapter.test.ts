/** src/lib/deploy/adapter.ts: errors that reach the engine name the AWS call that failed. */
import type {CloudFormationClient} from '@aws-sdk/client-cloudformation'
import {describe, expect, it} from 'vitest'
import {createDeployAws, type DeploySdkClients} from '../../src/lib/deploy/adapter.js'
import {asStackFailure} from '../../src/lib/deploy/stack-failure.js'
import {AwsAuthError, DeployFailedError} from '../../src/lib/errors.js'

function clientsFailingWith(error: Error): DeploySdkClients {
  const client = {send: async () => Promise.reject(error), middlewareStack: {add: () => undefined}} as unknown as CloudFormationClient
  const never = async () => Promise.reject(new Error('not used'))
  return {cloudFormation: () => client, s3: never, sts: never, rds: never, ssm: never}
}

describe('createDeployAws', () => {
  it('tags an error with the API call it came from, and the engine names stack and call', async () => {
    const sdkError = Object.assign(new Error('Rate exceeded'), {name: 'Throttling', $metadata: {httpStatusCode: 400}})
    const aws = createDeployAws(clientsFailingWith(sdkError))
    const error = await aws.cloudFormation('ap-northeast-1').describeStack('app-prod-network').catch((e) => e)
    expect(error.awsCall).toBe('DescribeStacks')
    const failure = asStackFailure(error, 'app-prod-network') as DeployFailedError
    expect(failure).toBeInstanceOf(DeployFailedError)
    expect(failure.failures[0]).toMatchObject({stack: 'app-prod-network', status: 'AWS_CALL_FAILED', reason: 'DescribeStacks: Throttling: Rate exceeded (HTTP 400)'})
  })

  it('leaves credential errors as auth errors (exit 4)', async () => {
    const sdkError = Object.assign(new Error('The security token included in the request is expired'), {name: 'ExpiredTokenException', $metadata: {httpStatusCode: 403}})
    const error = await createDeployAws(clientsFailingWith(sdkError)).cloudFormation('ap-northeast-1').getTemplate('x').catch((e) => e)
    expect(error).toBeInstanceOf(AwsAuthError)
    expect(asStackFailure(error, 'x')).toBe(error)
  })
})
