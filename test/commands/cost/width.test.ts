import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'

import {buildCli, repoRoot, runCli} from '../../helpers/built-cli.js'

const rootConfig = join(repoRoot, 'platform.yaml')
const widest = (text: string) => Math.max(...text.split('\n').map((l) => l.length))

/** The built CLI with COLUMNS set, as a terminal of that width would have it. */
function run(args: string[], columns: number) {
  const result = runCli([...args, '--config', rootConfig], {env: {COLUMNS: String(columns)}})
  expect(result.status, result.stderr).toBe(0)
  return result.stdout
}

describe('cost tables fit the terminal (built CLI, COLUMNS)', () => {
  let changed: string
  beforeAll(() => {
    buildCli()
    // prod's api on Graviton: a diff with changed lines.
    const dir = mkdtempSync(join(tmpdir(), 'platform-cost-width-'))
    changed = join(dir, 'platform.yaml')
    writeFileSync(changed, readFileSync(rootConfig, 'utf8').replace(/(      api:\n        cpu: 512\n)/, '$1        architecture: arm64\n'))
  }, 180_000)

  it('cost estimate ENV at 120 columns: every column, items wrapped onto more lines', () => {
    const out = run(['cost', 'estimate', 'prod'], 120)
    expect(widest(out)).toBeLessThanOrEqual(120)
    expect(out).toMatch(/^SERVICE +ITEM +QUANTITY +UNIT PRICE +MONTHLY$/m)
    expect(out).toMatch(/^ +Total per month +\$476\.99$/m)
  })

  it('cost estimate ENV at 60 columns: the unit price column gives way, the money stays', () => {
    const out = run(['cost', 'estimate', 'prod'], 60)
    expect(widest(out)).toBeLessThanOrEqual(60)
    expect(out).not.toContain('UNIT PRICE')
    expect(out).toMatch(/MONTHLY$/m)
    expect(out).toMatch(/^ +Total per month +\$476\.99$/m)
    expect(out).toMatch(/\(external\)/)
  })

  it('cost estimate without ENV, side by side, at 60 and 120 columns', () => {
    for (const columns of [60, 120]) {
      const out = run(['cost', 'estimate'], columns)
      expect(widest(out), `${columns}`).toBeLessThanOrEqual(columns)
      expect(out).toMatch(/^Total per month +\$476\.99 +\$\d+\.\d\d$/m)
    }
  })

  it('cost diff (ENV optional) at 60 and 120 columns', () => {
    for (const columns of [60, 120]) {
      const out = runCli(['cost', 'diff', '--config', changed, '--against', rootConfig], {env: {COLUMNS: String(columns)}}).stdout
      expect(widest(out), `${columns}`).toBeLessThanOrEqual(columns)
      expect(out).toContain('Cost change for prod')
      expect(out).toContain('Cost change for staging')
      expect(out).toMatch(/^Total change across 2 environments: -\$\d+\.\d\d per month\.$/m)
    }
  })

  it('without COLUMNS, into a pipe, lines are not wrapped', () => {
    const result = runCli(['cost', 'estimate', 'prod', '--config', rootConfig], {env: {COLUMNS: ''}})
    expect(result.stdout).toMatch(/^SERVICE +ITEM +QUANTITY +UNIT PRICE +MONTHLY$/m)
    expect(widest(result.stdout)).toBeGreaterThan(120)
  })
})
