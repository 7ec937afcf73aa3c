/**
 * `platform local start|status|stop` end to end: the private build of the CLI (test/helpers/built-cli.ts)
 * in a private PLATFORM_HOME, real moto and registry processes.
 */
import {execFile} from 'node:child_process'
import {copyFile, mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {promisify} from 'node:util'
import {CloudFormationClient, CreateChangeSetCommand, DescribeTypeCommand, ExecuteChangeSetCommand} from '@aws-sdk/client-cloudformation'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {isAlive, killPid} from '../../src/lib/local/processes.js'
import type {LocalStartResult, LocalStatusResult, LocalStopResult} from '../../src/lib/local/stack.js'
import {readLocalState} from '../../src/lib/local/state.js'
import {buildCli} from '../helpers/built-cli.js'

const execFileAsync = promisify(execFile)
const repo = resolve(import.meta.dirname, '..', '..')
let bin: string

interface Run {
  code: number
  stdout: string
  stderr: string
}

let home: string
let cwd: string
let python: string

/** Run the CLI with a private PLATFORM_HOME and nothing of the machine's AWS settings. */
async function platform(args: string[], env: Record<string, string> = {}): Promise<Run> {
  // Wide columns: oclif wraps error text at the terminal width, which would split the lines asserted on.
  const base: NodeJS.ProcessEnv = {PATH: process.env.PATH, HOME: home, PLATFORM_HOME: home, NO_COLOR: '1', PLATFORM_PYTHON: python, OCLIF_COLUMNS: '500'}
  try {
    const {stdout, stderr} = await execFileAsync(process.execPath, [bin, ...args], {cwd, env: {...base, ...env}, timeout: 60_000})
    return {code: 0, stdout, stderr}
  } catch (error) {
    const e = error as {code?: number; stdout?: string; stderr?: string}
    return {code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? ''}
  }
}

/** Whether the local AWS has the Datadog monitor type activated in a region (DescribeType, as on AWS). */
async function datadogActivated(endpoint: string, region: string): Promise<boolean> {
  const cfn = new CloudFormationClient({region, endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}, maxAttempts: 1})
  try {
    return (await cfn.send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName: 'Datadog::Monitors::Monitor'}))).IsActivated === true
  } catch (error) {
    if ((error as Error).name === 'TypeNotFoundException') return false
    throw error
  } finally {
    cfn.destroy()
  }
}

async function createStack(endpoint: string, region: string, name: string): Promise<void> {
  const cfn = new CloudFormationClient({region, endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}})
  try {
    const template = JSON.stringify({AWSTemplateFormatVersion: '2010-09-09', Resources: {Topic: {Type: 'AWS::SNS::Topic'}}})
    const cs = await cfn.send(new CreateChangeSetCommand({StackName: name, ChangeSetName: `${name}-1`, ChangeSetType: 'CREATE', TemplateBody: template}))
    await cfn.send(new ExecuteChangeSetCommand({ChangeSetName: cs.Id}))
  } finally {
    cfn.destroy()
  }
}

beforeAll(async () => {
  bin = join(buildCli(), 'bin', 'run.js')
  home = await mkdtemp(join(tmpdir(), 'platform-home-'))
  cwd = await mkdtemp(join(tmpdir(), 'platform-cwd-'))
  // The real interpreter, so a test can empty PATH and still find moto.
  python = (await execFileAsync('python3', ['-c', 'import sys; print(sys.executable)'])).stdout.trim()
})

afterAll(async () => {
  // Whatever a failed test left running: only the pids this file's state recorded.
  const state = await readLocalState({PLATFORM_HOME: home})
  if (state?.registry) await killPid(state.registry.pid)
  if (state) await killPid(state.moto.pid)
  await rm(home, {recursive: true, force: true})
  await rm(cwd, {recursive: true, force: true})
})

describe('platform local', () => {
  it('start, status, stop: runs detached, lists stacks through --local, and cleans up', async () => {
    // GIVEN nothing runs
    const before = await platform(['local', 'status', '--json'])
    expect(before.code).toBe(0)
    expect(JSON.parse(before.stdout)).toMatchObject({running: false, stacks: []})

    // WHEN it starts
    const started = await platform(['local', 'start', '--json'])
    expect(started.code, started.stderr).toBe(0)
    const start = JSON.parse(started.stdout) as LocalStartResult
    expect(start.alreadyRunning).toBe(false)
    expect(start.moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(start.registry?.host).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(start.env).toMatchObject({PLATFORM_LOCAL: '1', AWS_ENDPOINT_URL: start.moto.endpoint, AWS_ACCESS_KEY_ID: 'test', PLATFORM_HOME: home, PLATFORM_REGISTRY: start.registry!.host})
    // moto knows its registry, so ECR's DescribeImages answers for what is pushed there.
    expect(await (await fetch(`${start.moto.endpoint}/moto-api/platform-local/ecr/registry`)).json()).toEqual({endpoint: start.registry!.endpoint})
    expect(isAlive(start.moto.pid) && isAlive(start.registry!.pid)).toBe(true)
    // The registry takes ECR's static credentials.
    const auth = `Basic ${Buffer.from(`${start.registry!.username}:${start.registry!.password}`).toString('base64')}`
    expect((await fetch(`${start.registry!.endpoint}/v2/`, {headers: {authorization: auth}})).status).toBe(200)

    // THEN a second start changes nothing, and plain output is shell exports on stdout
    const again = await platform(['local', 'start'])
    expect(again.code).toBe(0)
    expect(again.stderr).toContain('already running')
    expect(again.stdout).toContain(`export AWS_ENDPOINT_URL='${start.moto.endpoint}'`)
    expect(again.stdout).not.toContain('already running')

    // AND a stack created through the SDK shows up in status (no platform.yaml: ap-northeast-1)
    await createStack(start.moto.endpoint, 'ap-northeast-1', 'demo-network')
    const status = JSON.parse((await platform(['local', 'status', '--json'])).stdout) as LocalStatusResult
    expect(status).toMatchObject({running: true, regions: ['ap-northeast-1'], moto: {running: true, pid: start.moto.pid}, registry: {running: true}})
    expect(status.stacks).toEqual([expect.objectContaining({name: 'demo-network', status: 'CREATE_COMPLETE', region: 'ap-northeast-1'})])

    // AND with a platform.yaml, its regions and us-east-1 (the edge stack) are listed
    await copyFile(join(repo, 'platform.yaml'), join(cwd, 'platform.yaml'))
    await createStack(start.moto.endpoint, 'us-east-1', 'demo-edge')
    const withConfig = JSON.parse((await platform(['local', 'status', '--json'])).stdout) as LocalStatusResult
    expect(withConfig.regions).toEqual(['ap-northeast-1', 'us-east-1'])
    expect(withConfig.stacks.map((s) => `${s.region}/${s.name}`)).toEqual(['ap-northeast-1/demo-network', 'us-east-1/demo-edge'])
    const text = await platform(['local', 'status'])
    expect(text.stdout).toMatch(/us-east-1\s+demo-edge\s+CREATE_COMPLETE/)

    // AND start activates the third-party types platform.yaml's templates use, in their regions (the
    // first start had no platform.yaml, and --no-activate-types leaves them alone)
    expect(await datadogActivated(start.moto.endpoint, 'ap-northeast-1')).toBe(false)
    expect((await platform(['local', 'start', '--no-activate-types'])).code).toBe(0)
    expect(await datadogActivated(start.moto.endpoint, 'ap-northeast-1')).toBe(false)
    const activating = await platform(['local', 'start'])
    expect(activating.code, activating.stderr).toBe(0)
    expect(activating.stderr).toContain('Datadog::Monitors::Monitor in ap-northeast-1: activated (minor versions update automatically); configuration set from the environment\'s secrets')
    expect(await datadogActivated(start.moto.endpoint, 'ap-northeast-1')).toBe(true)
    expect(await datadogActivated(start.moto.endpoint, 'us-east-1')).toBe(false)
    await rm(join(cwd, 'platform.yaml'))

    // WHEN it stops
    const stopped = await platform(['local', 'stop', '--json'])
    expect(stopped.code).toBe(0)
    expect((JSON.parse(stopped.stdout) as LocalStopResult).stopped).toHaveLength(2)
    // THEN the processes are gone, the state too, and stopping again is fine
    expect(isAlive(start.moto.pid) || isAlive(start.registry!.pid)).toBe(false)
    expect(await readLocalState({PLATFORM_HOME: home})).toBeUndefined()
    expect(JSON.parse((await platform(['local', 'status', '--json'])).stdout).running).toBe(false)
    expect((await platform(['local', 'stop'])).stdout).toContain('was not running')
  })

  it('a --local AWS command without a running local AWS fails and says to run `platform local start`', async () => {
    await copyFile(join(repo, 'platform.yaml'), join(cwd, 'platform.yaml'))
    try {
      const run = await platform(['deploy', 'prod', '--local', '--yes', '--infra-only'])
      expect(run.code).not.toBe(0)
      expect(run.stderr).toContain('platform local start')
      expect(run.stderr).not.toMatch(/\n\s+at /) // no stack trace
    } finally {
      await rm(join(cwd, 'platform.yaml'), {force: true})
    }
  })

  it('without the registry tools, start fails with the apt-get line, and --no-registry runs moto alone', async () => {
    const missing = await platform(['local', 'start'], {PATH: '/nonexistent'})
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toContain('apt-get install -y buildah skopeo docker-registry apache2-utils')
    expect(await readLocalState({PLATFORM_HOME: home})).toBeUndefined()

    // Two starts at once: one starts moto, the other waits for it and finds it running.
    const [alone, twin] = await Promise.all([
      platform(['local', 'start', '--no-registry', '--json'], {PATH: '/nonexistent'}),
      platform(['local', 'start', '--no-registry', '--json'], {PATH: '/nonexistent'}),
    ])
    expect(alone.code, alone.stderr).toBe(0)
    expect(twin.code, twin.stderr).toBe(0)
    const start = JSON.parse(alone.stdout) as LocalStartResult
    const other = JSON.parse(twin.stdout) as LocalStartResult
    expect(other.moto.pid).toBe(start.moto.pid)
    expect([start.alreadyRunning, other.alreadyRunning].sort()).toEqual([false, true])
    expect(start.registry).toBeUndefined()
    const status = JSON.parse((await platform(['local', 'status', '--json'])).stdout) as LocalStatusResult
    expect(status.running).toBe(true)
    expect(status.registry).toBeUndefined()
    expect((await platform(['local', 'stop'])).code).toBe(0)
    expect(isAlive(start.moto.pid)).toBe(false)
  })

  it('fails clearly when python has no moto', async () => {
    const run = await platform(['local', 'start', '--no-registry'], {PLATFORM_PYTHON: '/usr/bin/python3'})
    // Debian's python3 has no moto; the launcher says so and nothing is left running.
    expect(run.code).not.toBe(0)
    expect(run.stderr).toMatch(/moto is not installed|No module named 'moto'/)
    expect(await readLocalState({PLATFORM_HOME: home})).toBeUndefined()
  })
})
