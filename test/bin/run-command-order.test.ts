import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'

import {buildCli, repoRoot} from '../helpers/built-cli.js'

/**
 * The bundle sorts each plugin's commands by code unit instead of oclif's `localeCompare`
 * (scripts/bundle.mjs, ordinal-command-sort): the same order, as long as every id sorts alike both
 * ways. These are the ids oclif sorts: ours and the bundled plugins'.
 */
describe('ordinal command sort', () => {
  let manifests: Record<string, string[]>

  beforeAll(() => {
    const idsOf = (file: string) => Object.keys((JSON.parse(readFileSync(file, 'utf8')) as {commands: Record<string, unknown>}).commands)
    manifests = {
      'platform-cli': idsOf(join(buildCli(), 'oclif.manifest.json')),
      '@oclif/plugin-help': idsOf(join(repoRoot, 'node_modules/@oclif/plugin-help/oclif.manifest.json')),
      '@oclif/plugin-autocomplete': idsOf(join(repoRoot, 'node_modules/@oclif/plugin-autocomplete/oclif.manifest.json')),
    }
  }, 180_000)

  it('orders every bundled manifest\'s command ids as localeCompare does', () => {
    for (const [plugin, ids] of Object.entries(manifests)) {
      const byLocale = [...ids].sort((a, b) => a.localeCompare(b))
      const byCodeUnit = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      expect(byCodeUnit, plugin).toEqual(byLocale)
    }
  })

  it('covers the ids where the two orders could part: topics with sub-commands beside plain commands', () => {
    // ':' sorts before letters both ways, so `cost:diff` comes before `costs` in either; an id with
    // an upper-case letter or '_' would not be safe, and none exists.
    expect(manifests['platform-cli']).toEqual(expect.arrayContaining(['validate', 'cost:estimate', 'secrets:set', 'db:snapshots']))
    expect(manifests['@oclif/plugin-help']).toContain('help')
    expect(manifests['@oclif/plugin-autocomplete']).toContain('autocomplete')
    for (const ids of Object.values(manifests)) for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9:-]*$/)
  })
})
