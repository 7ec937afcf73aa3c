/**
 * A deploy through a faulty network: a proxy in front of the patched moto answers a seeded share
 * of requests with ThrottlingException (HTTP 400, AWS's error body), HTTP 500, or a dropped
 * connection - before the request reaches moto, or after (the change took effect, the answer is
 * lost). The deploy must still complete, apply nothing twice, and say what it retried.
 */
import {spawn} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CloudFormationClient, DescribeStackEventsCommand, DescribeStacksCommand} from '@aws-sdk/client-cloudformation'
import {describe, expect, it} from 'vitest'
// @ts-expect-error plain ESM helper shared with bench/deploy.mjs, no type declarations
import {startProxy} from '../helpers/fault-proxy.mjs'
import {builtCliBin, rootConfigWithoutAssets} from '../helpers/built-cli.js'
import {putExampleSecrets, useLocalAws} from '../helpers/e2e-setup.js'

const PREFIX = 'bookmark-manager-prod-'
const credentials = {accessKeyId: 'test', secretAccessKey: 'test'}
const local = useLocalAws()

describe('deploy through throttling, 5xx and dropped connections', () => {
  it('completes, applies every change set once, and reports the retries', async () => {
    await putExampleSecrets(local, 'prod')
    // Deterministic: the same seed gives the same faults for the same request order, and the
    // script makes sure the hard cases happen: the first CreateChangeSet and ExecuteChangeSet
    // reach moto and their answers are lost, so the retry must not create or execute again.
    const proxy = await startProxy({
      target: local.endpoint,
      faultRate: 0.15,
      seed: 20261128,
      maxFaults: 40,
      script: {CreateChangeSet: ['drop-after'], ExecuteChangeSet: ['drop-after', 'throttle', 'http500'], DescribeStacks: ['throttle']},
    })
    try {
      const result = await new Promise<{code: number | null; stdout: string; stderr: string}>((done, fail) => {
        const child = spawn(
          process.execPath,
          [builtCliBin(), 'deploy', 'prod', '--yes', '--config', rootConfigWithoutAssets(), '--image', 'web=repo/web:v1', '--image', 'api=repo/api:v1'],
          {env: {...process.env, ...local.env, AWS_ENDPOINT_URL: proxy.endpoint, PLATFORM_LOCK_DIR: mkdtempSync(join(tmpdir(), 'locks-')), CI: '1'}, stdio: ['ignore', 'pipe', 'pipe']},
        )
        let stdout = ''
        let stderr = ''
        child.stdout.on('data', (c) => (stdout += c))
        child.stderr.on('data', (c) => (stderr += c))
        child.on('error', fail)
        child.on('close', (code) => done({code, stdout, stderr}))
      })
      expect(result.code, result.stderr).toBe(0)
      expect(proxy.faults.length).toBeGreaterThanOrEqual(5)
      const kinds = new Set(proxy.faults.map((f: {kind: string}) => f.kind))
      for (const kind of ['throttle', 'http500', 'drop-after']) expect(kinds.has(kind), kind).toBe(true)
      // The plain renderer says what was retried, and the summary counts it.
      expect(result.stderr).toMatch(/retried ExecuteChangeSet in ap-northeast-1 \(attempt 2\) after TimeoutError|retried ExecuteChangeSet in \S+ \(attempt 2\)/)
      expect(result.stderr).toMatch(/retried \w+ in \S+ \(attempt \d\) after ThrottlingException/)
      expect(result.stderr).toMatch(/AWS call\(s\) retried/)

      // Nothing applied twice: every stack was created by exactly one execution.
      for (const region of ['ap-northeast-1', 'us-east-1']) {
        const cfn = new CloudFormationClient({region, endpoint: local.endpoint, credentials})
        const stacks = (await cfn.send(new DescribeStacksCommand({}))).Stacks?.filter((s) => s.StackName?.startsWith(PREFIX)) ?? []
        expect(stacks.length).toBeGreaterThan(0)
        for (const stack of stacks) {
          expect(stack.StackStatus, stack.StackName).toBe('CREATE_COMPLETE')
          const events = (await cfn.send(new DescribeStackEventsCommand({StackName: stack.StackId}))).StackEvents ?? []
          const own = events.filter((e) => e.LogicalResourceId === stack.StackName)
          expect(own.filter((e) => e.ResourceStatus === 'CREATE_IN_PROGRESS'), stack.StackName).toHaveLength(1)
          expect(own.filter((e) => e.ResourceStatus === 'CREATE_COMPLETE'), stack.StackName).toHaveLength(1)
        }
      }
    } finally {
      await proxy.close()
    }
  }, 180_000)
})
