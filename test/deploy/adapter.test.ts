/** src/lib/deploy/adapter.ts: errors that reach the engine name the AWS call that failed; Ctrl-C cancels reads in flight before any change. */
import type {CloudFormationClient} from '@aws-sdk/client-cloudformation'
import {describe, expect, it} from 'vitest'
import {createDeployAws, type DeploySdkClients} from '../../src/lib/deploy/adapter.js'
import {asStackFailure} from '../../src/lib/deploy/stack-failure.js'
import {AbortedError, AwsAuthError, DeployFailedError} from '../../src/lib/errors.js'

function clientsFailingWith(error: Error): DeploySdkClients {
  const client = {send: async () => Promise.reject(error), middlewareStack: {add: () => undefined}} as unknown as CloudFormationClient
  const never = async () => Promise.reject(new Error('not used'))
  return {cloudFormation: () => client, s3: never, sts: never, rds: never, ssm: never, ec2: never}
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

/** A CloudFormation client whose calls answer only when `answer()` is called, or fail when their abortSignal fires. */
function slowClients() {
  const pending: Array<{name: string; signal?: AbortSignal; resolve: (value: unknown) => void}> = []
  const client = {
    middlewareStack: {add: () => undefined},
    send: (command: object, options?: {abortSignal?: AbortSignal}) =>
      new Promise((resolve, reject) => {
        pending.push({name: command.constructor.name, signal: options?.abortSignal, resolve})
        options?.abortSignal?.addEventListener('abort', () => reject(Object.assign(new Error('Request aborted'), {name: 'AbortError'})))
      }),
  } as unknown as CloudFormationClient
  const never = async () => Promise.reject(new Error('not used'))
  const clients: DeploySdkClients = {cloudFormation: () => client, s3: never, sts: never, rds: never, ssm: never, ec2: never}
  return {clients, pending}
}

describe('Ctrl-C and the calls in flight', () => {
  it('cancels a read in flight before anything was changed: AbortedError (exit 6), nothing to clean up', async () => {
    const {clients, pending} = slowClients()
    const interrupt = new AbortController()
    const reading = createDeployAws(clients, {interrupt: interrupt.signal}).cloudFormation('ap-northeast-1').describeStack('app-prod-network').catch((e) => e)
    await Promise.resolve()
    expect(pending.map((p) => p.name)).toEqual(['DescribeStacksCommand'])
    interrupt.abort()
    const error = await reading
    expect(error).toBeInstanceOf(AbortedError)
    expect(error).toMatchObject({exitCode: 6, message: 'Interrupted while reading what is deployed; nothing was changed.'})
  })

  it('lets every call finish once this run changed something, so the engine can delete what it made', async () => {
    const {clients, pending} = slowClients()
    const interrupt = new AbortController()
    const cfn = createDeployAws(clients, {interrupt: interrupt.signal}).cloudFormation('ap-northeast-1')
    const creating = cfn.createChangeSet({stackName: 's', changeSetName: 'c', changeSetType: 'UPDATE', parameters: [], tags: {}, clientToken: 'c'})
    const describing = cfn.describeChangeSet('c')
    await Promise.resolve()
    interrupt.abort()
    // Neither call was cancelled: both answer.
    pending.find((p) => p.name === 'CreateChangeSetCommand')!.resolve({Id: 'cs-id', StackId: 'stack-id'})
    pending.find((p) => p.name === 'DescribeChangeSetCommand')!.resolve({ChangeSetId: 'cs-id', Status: 'CREATE_COMPLETE', Changes: []})
    await expect(creating).resolves.toEqual({id: 'cs-id', stackId: 'stack-id'})
    await expect(describing).resolves.toMatchObject({id: 'cs-id', status: 'CREATE_COMPLETE'})
  })
})
