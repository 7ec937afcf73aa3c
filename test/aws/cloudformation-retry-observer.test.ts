import {createServer, type Server} from 'node:http'
import {CloudFormationClient, DescribeStacksCommand} from '@aws-sdk/client-cloudformation'
import {afterEach, describe, expect, it} from 'vitest'
import {createCloudFormationApi, installRetryObserver, type RetryNotice} from '../../src/lib/aws/cloudformation.js'

// A scripted HTTP endpoint: each request gets the next answer. The SDK's real retry strategy runs.
let server: Server | undefined
async function endpoint(answers: Array<{status: number; body: string} | 'drop' | 'hang'>, seen: string[], bodies: string[] = []): Promise<string> {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      seen.push(/Action=(\w+)/.exec(body)?.[1] ?? '?')
      bodies.push(decodeURIComponent(body))
      const answer = answers.shift() ?? {status: 500, body: 'exhausted'}
      if (answer === 'hang') return
      if (answer === 'drop') return req.socket.destroy()
      res.writeHead(answer.status, {'content-type': 'text/xml'})
      res.end(answer.body)
    })
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server!.address() as {port: number}).port}`
}
afterEach(() => {
  server?.closeAllConnections()
  server?.close()
})

const client = (url: string) => new CloudFormationClient({region: 'ap-northeast-1', endpoint: url, credentials: {accessKeyId: 'a', secretAccessKey: 'b'}, maxAttempts: 4, retryMode: 'standard'})
const throttle = {status: 400, body: '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>'}
const stacks = {status: 200, body: '<DescribeStacksResponse><DescribeStacksResult><Stacks></Stacks></DescribeStacksResult></DescribeStacksResponse>'}

describe('installRetryObserver', () => {
  it('reports each retried attempt with the error before it', async () => {
    const seen: string[] = []
    const cfn = client(await endpoint([throttle, 'drop', stacks], seen))
    const notices: RetryNotice[] = []
    installRetryObserver(cfn, (n) => notices.push(n))
    await cfn.send(new DescribeStacksCommand({}))
    expect(notices.map((n) => [n.operation, n.attempt, n.previousError])).toEqual([
      ['DescribeStacks', 2, 'Throttling'],
      ['DescribeStacks', 3, expect.any(String)],
    ])
    expect(seen).toEqual(['DescribeStacks', 'DescribeStacks', 'DescribeStacks'])
  })

  it('retries an HTTP 500 whose body is not an AWS error (a proxy or load balancer page), as the SDK does', async () => {
    const seen: string[] = []
    const cfn = client(await endpoint([{status: 500, body: '<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>'}, stacks], seen))
    const notices: RetryNotice[] = []
    installRetryObserver(cfn, (n) => notices.push(n))
    await cfn.send(new DescribeStacksCommand({}))
    expect(seen).toEqual(['DescribeStacks', 'DescribeStacks'])
    expect(notices.map((n) => [n.operation, n.attempt])).toEqual([['DescribeStacks', 2]])
  })

  it('re-sends a change set execution whose answer was lost with the same ClientRequestToken, so CloudFormation de-duplicates it', async () => {
    const seen: string[] = []
    const bodies: string[] = []
    const executed = {status: 200, body: '<ExecuteChangeSetResponse><ExecuteChangeSetResult></ExecuteChangeSetResult></ExecuteChangeSetResponse>'}
    const cfn = client(await endpoint(['drop', executed], seen, bodies))
    installRetryObserver(cfn, () => undefined)
    await createCloudFormationApi(cfn, 'ap-northeast-1').executeChangeSet('arn:cs', 'platform-run-1-execute')
    expect(seen).toEqual(['ExecuteChangeSet', 'ExecuteChangeSet'])
    expect(bodies.map((b) => /ClientRequestToken=([^&]+)/.exec(b)?.[1])).toEqual(['platform-run-1-execute', 'platform-run-1-execute'])
  })

  it('re-sends a CreateChangeSet whose answer was lost with the same ClientToken', async () => {
    const seen: string[] = []
    const bodies: string[] = []
    const created = {status: 200, body: '<CreateChangeSetResponse><CreateChangeSetResult><Id>arn:cs</Id><StackId>arn:stack</StackId></CreateChangeSetResult></CreateChangeSetResponse>'}
    const cfn = client(await endpoint(['drop', created], seen, bodies))
    const api = createCloudFormationApi(cfn, 'ap-northeast-1')
    const out = await api.createChangeSet({stackName: 's', changeSetName: 'platform-x-1', changeSetType: 'CREATE', templateBody: '{}', parameters: [], tags: {}, clientToken: 'platform-x-1'})
    expect(out).toEqual({id: 'arn:cs', stackId: 'arn:stack'})
    expect(bodies.map((b) => /ClientToken=([^&]+)/.exec(b)?.[1])).toEqual(['platform-x-1', 'platform-x-1'])
  })

  it('fails a request that gets no answer once throwOnRequestTimeout is set (without it the SDK only warns and waits)', async () => {
    const seen: string[] = []
    const url = await endpoint(['hang', 'hang'], seen)
    const cfn = new CloudFormationClient({
      region: 'ap-northeast-1',
      endpoint: url,
      credentials: {accessKeyId: 'a', secretAccessKey: 'b'},
      maxAttempts: 2,
      requestHandler: {requestTimeout: 200, throwOnRequestTimeout: true},
    })
    const error = await cfn.send(new DescribeStacksCommand({})).catch((e) => e)
    expect(error.name).toBe('TimeoutError')
    // the timed-out attempt was retried once, then given up
    expect(seen).toEqual(['DescribeStacks', 'DescribeStacks'])
  })
})
