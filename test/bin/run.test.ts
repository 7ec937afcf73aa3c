import {beforeAll, describe, expect, it} from 'vitest'

import {buildCli, runCli} from '../helpers/built-cli.js'

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
})
