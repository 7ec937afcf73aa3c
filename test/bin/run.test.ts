import {execFileSync, spawn, type SpawnSyncReturns} from 'node:child_process'
import {closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'

import {buildCli, builtCliBin, runCli} from '../helpers/built-cli.js'

/**
 * bin/run.js starts oclif with the package's own package.json and loads the bundled plugins (help,
 * autocomplete) only when a run can involve them: these pin that nothing a user types lost them.
 */
describe('bin/run.js start-up', () => {
  beforeAll(() => {
    buildCli()
  }, 180_000)

  it('never reads an argument from stdin: piped text is not taken as ENV', () => {
    const run = runCli(['validate', '--json'], {input: 'nope\n'})
    expect(run.status, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout).environments.map((e: {name: string}) => e.name)).toEqual(['prod', 'staging'])
  })

  it('runs a command of its own without the plugins, and the plugins\' commands with them', () => {
    expect(runCli(['cost', 'estimate', 'prod', '--json']).status).toBe(0)
    const help = runCli(['help', 'cost'])
    expect(help.status, help.stderr).toBe(0)
    expect(help.stdout).toContain('platform cost COMMAND')
    const autocomplete = runCli(['autocomplete', '--help'])
    expect(autocomplete.status, autocomplete.stderr).toBe(0)
    expect(autocomplete.stdout).toContain('autocomplete')
  })

  it('--version prints oclif\'s user agent without loading the plugins', () => {
    const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string}).version
    // oclif's config logs the plugins it loads under DEBUG=oclif:config
    const run = runCli(['--version'], {env: {DEBUG: 'oclif:config'}})
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toBe(`platform-cli/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
    expect(run.stderr).toContain('loading core plugin')
    expect(run.stderr).not.toContain('loading plugins')
    // the log is real: root help loads them
    const help = runCli(['--help'], {env: {DEBUG: 'oclif:config'}})
    expect(help.status, help.stderr).toBe(0)
    expect(help.stderr).toMatch(/loading plugins \[ '@oclif\/plugin-autocomplete', '@oclif\/plugin-help' \]/)
  })

  it('suggests among every command, plugins\' included, for a word that is none of them', () => {
    const run = runCli(['hlp'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('Did you mean `platform help`?')
  })

  it('root help lists the plugins\' commands', () => {
    const run = runCli(['--help'])
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/^ {2}autocomplete\b/m)
    expect(run.stdout).toMatch(/^ {2}help\b/m)
  })

  it('validate does not load node:crypto: 15 internal modules of start-up for a hash it never computes', () => {
    const {run, record} = runRecorded(['validate', '--json'], 'record-builtins.mjs', 'PLATFORM_TEST_BUILTINS_FILE')
    expect(run.status, run.stderr).toBe(0)
    const builtins = record.trim().split('\n')
    // the list is real: validate reads its file and parses the YAML
    expect(builtins).toContain('fs')
    expect(builtins.filter((name) => name === 'crypto' || name.startsWith('internal/crypto/'))).toEqual([])
  })

  it('validate compiles no yaml for a file the subset parser reads, and loads yaml for one it declines', () => {
    // The bundle keeps each bundled CommonJS module's path as its key: this one is yaml's entry.
    const loadsYaml = (args: string[]): boolean => {
      const {run, record} = runRecorded(args, 'record-modules.mjs', 'PLATFORM_TEST_MODULES_FILE')
      expect(run.status, run.stderr).toBe(args.includes('--config') ? 3 : 0)
      const files = record.trim().split('\n').filter((url) => url.startsWith('file:'))
      // the list is real: the command's own module is in it
      expect(files.some((url) => url.endsWith('/dist/commands/validate.js'))).toBe(true)
      return files.some((url) => readFileSync(new URL(url), 'utf8').includes('"node_modules/yaml/dist/index.js"'))
    }
    const dir = mkdtempSync(join(tmpdir(), 'platform-modules-'))
    try {
      expect(loadsYaml(['validate', '--json'])).toBe(false)
      const declined = join(dir, 'platform.yaml')
      writeFileSync(declined, 'version: 1\nversion: 2\n')
      expect(loadsYaml(['validate', '--json', '--config', declined])).toBe(true)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('validate, --version and --help never build ICU\'s collator (~11 ms of start-up): oclif\'s command sort is ordinal in the bundle', () => {
    for (const args of [['validate', '--json'], ['--version'], ['--help']]) {
      const {run, record} = runRecorded(args, 'record-collator.mjs', 'PLATFORM_TEST_COLLATOR_FILE')
      expect(run.status, run.stderr).toBe(0)
      expect(record, args.join(' ')).toBe('0\n')
    }
    // the count is real: a process that compares by locale is seen doing it
    const dir = mkdtempSync(join(tmpdir(), 'platform-collator-'))
    try {
      const collatorFile = join(dir, 'calls.txt')
      const preload = new URL('record-collator.mjs', import.meta.url).href
      execFileSync(process.execPath, ['--import', preload, '-e', "['b', 'a'].sort((x, y) => x.localeCompare(y)); new Intl.Collator()"], {env: {...process.env, PLATFORM_TEST_COLLATOR_FILE: collatorFile}})
      expect(readFileSync(collatorFile, 'utf8')).toBe('2\n')
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('Ctrl-C before a command handles it exits 6 with one line, not a death by signal', async () => {
    const run = await interruptWhileReadingConfig(['deploy', 'prod', '--yes'])
    expect(run.exit).toEqual({code: 6, signal: null})
    expect(run.stderr).toBe('\nInterrupted.\n')
    expect(run.stdout).toBe('')
  }, 60_000)

  it('under --json, that Ctrl-C also prints the final error object a command prints for ABORTED, in its shape', async () => {
    const aborted = {code: 'ABORTED', message: 'Interrupted.', suggestions: [], exitCode: 6}
    // deploy streams JSON lines: its error is the last line, typed
    const deploy = await interruptWhileReadingConfig(['deploy', 'prod', '--yes', '--json'])
    expect(deploy.exit).toEqual({code: 6, signal: null})
    expect(deploy.stderr).toBe('\nInterrupted.\n')
    expect(deploy.stdout.trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual([{type: 'error', ...aborted}])
    // validate returns one object: the error is that object
    const validate = await interruptWhileReadingConfig(['validate', '--json'])
    expect(validate.exit).toEqual({code: 6, signal: null})
    expect(JSON.parse(validate.stdout)).toEqual(aborted)
  }, 120_000)
})

/**
 * Run the built CLI with one of this folder's recorders preloaded (`--import`): it writes what it saw
 * to the file named by its environment variable, which this returns as `record`.
 */
function runRecorded(args: string[], recorder: string, fileVariable: string): {run: SpawnSyncReturns<string>; record: string} {
  const dir = mkdtempSync(join(tmpdir(), 'platform-record-'))
  try {
    const file = join(dir, 'record.txt')
    const preload = new URL(recorder, import.meta.url).href
    // NODE_ENV is vitest's `test`, for which oclif looks for TypeScript sources first (and loads
    // more): a user's shell has none.
    const run = runCli(args, {env: {NODE_ENV: '', NODE_OPTIONS: `--import ${preload}`, [fileVariable]: file}})
    // No record at all: the caller's status check then shows the run's stderr.
    return {run, record: existsSync(file) ? readFileSync(file, 'utf8') : ''}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

/**
 * Run the built CLI with `args` and `--config` a named pipe nobody writes, so that it waits reading
 * its config before any handler of its own exists (as a slow start-up would), then press Ctrl-C.
 */
async function interruptWhileReadingConfig(args: string[]): Promise<{exit: {code: number | null; signal: string | null}; stdout: string; stderr: string}> {
  const dir = mkdtempSync(join(tmpdir(), 'platform-sigint-'))
  const fifo = join(dir, 'platform.yaml')
  execFileSync('mkfifo', [fifo])
  const child = spawn(process.execPath, [builtCliBin(), ...args, '--config', fifo], {env: {...process.env, NO_COLOR: '1', CI: '1'}})
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const exited = new Promise<{code: number | null; signal: string | null}>((resolve) => child.on('exit', (code, signal) => resolve({code, signal})))
  const closed = new Promise((resolve) => child.on('close', resolve))
  // A writer can open the pipe without blocking only once the CLI has it open for reading.
  let writer: number | undefined
  for (let tries = 0; writer === undefined && tries < 600; tries++) {
    try {
      writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK)
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  try {
    expect(writer, 'the CLI never opened its config').toBeDefined()
    child.kill('SIGINT')
    // Node's exit waits for the read blocked on the pipe, so the pipe is closed once the handler ran.
    for (let tries = 0; !stderr.includes('Interrupted.') && tries < 600; tries++) await new Promise((resolve) => setTimeout(resolve, 50))
    closeSync(writer!)
    writer = undefined
    const exit = await exited
    await closed
    return {exit, stdout, stderr}
  } finally {
    if (writer !== undefined) closeSync(writer)
    child.kill('SIGKILL')
    rmSync(dir, {recursive: true, force: true})
  }
}
