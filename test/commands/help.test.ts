/**
 * The help of every command, snapshotted: a renamed flag or a changed default is a reviewed change.
 * Commands are read from the oclif manifest of the build, so a new command is picked up by itself.
 * After adding or changing a command, regenerate with `npx vitest run test/commands/help.test.ts -u`
 * and review the diff of test/commands/__snapshots__/help.test.ts.snap like code.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {buildCli, runCli} from '../helpers/built-cli.js'

const WIDE = {OCLIF_COLUMNS: '100'}

describe('help of every command', () => {
  let ids: string[] = []

  beforeAll(() => {
    const manifest = JSON.parse(readFileSync(join(buildCli(), 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {hidden?: boolean}>}
    ids = Object.entries(manifest.commands)
      .filter(([, command]) => !command.hidden)
      .map(([id]) => id.replaceAll(':', ' '))
      .sort()
  }, 180_000)

  it('the command list', () => {
    const run = runCli(['--help'], {env: WIDE})
    expect(run.status).toBe(0)
    // The version line names this machine's Node and platform.
    expect(run.stdout.replace(/^ {2}platform-cli\/.*$/m, '  platform-cli/<version>')).toMatchSnapshot()
  })

  it('every command: usage, flags (with --no-color), examples and exit codes', () => {
    expect(ids).toContain('validate')
    for (const id of ids) {
      const run = runCli([...id.split(' '), '--help'], {env: WIDE})
      expect(run.status, id).toBe(0)
      expect(run.stdout, id).toContain(`USAGE\n  $ platform ${id}`)
      expect(run.stdout, id).toContain('--[no-]color')
      expect(run.stdout, id).toContain('EXAMPLES')
      expect(run.stdout, id).toContain('EXIT CODES\n  0  success')
      expect(run.stdout).toMatchSnapshot(id)
    }
  }, 600_000)
})
