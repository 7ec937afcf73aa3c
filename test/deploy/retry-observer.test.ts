import {createServer, type Server} from 'node:http'
import {CloudFormationClient, DescribeStacksCommand, ExecuteChangeSetCommand} from '@aws-sdk/client-cloudformation'
import {afterEach, describe, expect, it} from 'vitest'
import {createCloudFormationApi, installRetryObserver, type RetryNotice} from '../../src/lib/aws/cloudformation.js'

// A scripted HTTP endpoint: each request gets the next answer. The SDK's real retry strategy runs.
let server: Server | undefined
async function endpoint(answers: Array<{status: number; body: string} | 'drop'>, seen: string[]): Promise<string> {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      seen.push(/Action=(\w+)/.exec(body)?.[1] ?? '?')
      const answer = answers.shift() ?? {status: 500, body: 'exhausted'}
      if (answer === 'drop') return req.socket.destroy()
      res.writeHead(answer.status, {'content-type': 'text/xml'})
      res.end(answer.body)
    })
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server!.address() as {port: number}).port}`
}
afterEach(() => server?.close())

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

  it('stops retrying an HTTP 500 that is not an AWS error (moto\'s page for an action it does not implement)', async () => {
    const seen: string[] = []
    const cfn = client(await endpoint([{status: 500, body: '<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>'}, stacks], seen))
    installRetryObserver(cfn, () => undefined)
    const error = await cfn.send(new DescribeStacksCommand({})).catch((e) => e)
    expect(error.name).toBe('NotImplementedByEndpoint')
    expect(seen).toHaveLength(1)
  })

  it('does not execute a change set again when the first attempt took effect and its answer was lost', async () => {
    const seen: string[] = []
    const executed = {status: 200, body: '<DescribeChangeSetResponse><DescribeChangeSetResult><ChangeSetId>arn:cs</ChangeSetId><ExecutionStatus>EXECUTE_COMPLETE</ExecutionStatus><Status>CREATE_COMPLETE</Status></DescribeChangeSetResult></DescribeChangeSetResponse>'}
    const url = await endpoint(['drop', executed], seen)
    const cfn = client(url)
    installRetryObserver(cfn, () => undefined)
    await createCloudFormationApi(cfn, 'ap-northeast-1').executeChangeSet('arn:cs', 'token')
    // The retry asked whether the change set had run, and did not send ExecuteChangeSet again.
    expect(seen).toEqual(['ExecuteChangeSet', 'DescribeChangeSet'])
    await expect(cfn.send(new ExecuteChangeSetCommand({ChangeSetName: 'arn:cs'}))).rejects.toBeDefined()
  })
})
