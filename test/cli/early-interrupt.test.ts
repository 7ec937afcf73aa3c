import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {earlyInterruptOutput, INTERRUPTED} from '../../src/lib/cli/early-interrupt.js'
import {jsonError, jsonErrorText} from '../../src/lib/cli/json-error.js'
import {AbortedError, describeError} from '../../src/lib/errors.js'

/** Ctrl-C before a command takes it over: what bin/run.js prints (the built CLI: test/bin/run.test.ts). */
describe('earlyInterruptOutput', () => {
  const dir = mkdtempSync(join(tmpdir(), 'early-interrupt-'))
  const manifest = join(dir, 'oclif.manifest.json')
  writeFileSync(manifest, JSON.stringify({commands: {deploy: {jsonLines: true}, validate: {enableJsonFlag: true}, 'cost:estimate': {enableJsonFlag: true}, 'cost:diff': {jsonLines: true}}}))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('reports what a command reports for the same abort: code ABORTED, exit 6', () => {
    expect(INTERRUPTED).toEqual(jsonError(describeError(new AbortedError('Interrupted.'))))
  })

  it('prints only the line on stderr without --json', () => {
    expect(earlyInterruptOutput(['deploy', 'prod', '--yes'], manifest)).toEqual({stdout: '', stderr: '\nInterrupted.\n'})
    // After `--`, --json is an argument, not the flag.
    expect(earlyInterruptOutput(['logs', 'prod', '--', '--json'], manifest).stdout).toBe('')
  })

  it('prints the final error object under --json, in the shape of the command named', () => {
    const line = earlyInterruptOutput(['deploy', 'prod', '--json'], manifest)
    expect(line.stderr).toBe('\nInterrupted.\n')
    expect(line.stdout).toBe(jsonErrorText(INTERRUPTED, true))
    expect(JSON.parse(line.stdout)).toEqual({type: 'error', code: 'ABORTED', message: 'Interrupted.', suggestions: [], exitCode: 6})
    expect(earlyInterruptOutput(['validate', '--json'], manifest).stdout).toBe(`${JSON.stringify(INTERRUPTED, null, 2)}\n`)
    // A topic's command is found by its longest name, with its arguments after it.
    expect(earlyInterruptOutput(['cost', 'diff', 'prod', '--json'], manifest).stdout).toBe(jsonErrorText(INTERRUPTED, true))
    expect(earlyInterruptOutput(['cost', 'estimate', 'prod', '--json'], manifest).stdout).toBe(jsonErrorText(INTERRUPTED, false))
  })

  it('prints the object whole when the command or the manifest is unknown', () => {
    expect(earlyInterruptOutput(['nope', '--json'], manifest).stdout).toBe(jsonErrorText(INTERRUPTED, false))
    expect(earlyInterruptOutput(['deploy', '--json'], join(dir, 'missing.json')).stdout).toBe(jsonErrorText(INTERRUPTED, false))
  })
})
