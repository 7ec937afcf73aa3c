import {execFileSync} from 'node:child_process'
import {copyFileSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {describe, expect, it} from 'vitest'

import CostDiffCommand from '../../../src/commands/cost/diff.js'
import type {CostDiffReport} from '../../../src/lib/cost/diff.js'
import {captureStdio} from './capture.js'

const root = resolve(import.meta.dirname, '../../..')
const rootConfig = join(root, 'platform.yaml')

/** The root platform.yaml with prod's api on Graviton and 7-day log retention. */
function changedConfig(dir: string): string {
  const text = readFileSync(rootConfig, 'utf8')
    .replace(/(    monitoring:\n      logRetentionDays: )30/, '$17')
    .replace(/(      api:\n        cpu: 512\n)/, '$1        architecture: arm64\n')
  expect(text).toContain('architecture: arm64')
  const file = join(dir, 'platform.yaml')
  writeFileSync(file, text)
  return file
}

/** A git repository whose HEAD commits the root platform.yaml. */
function repositoryWithRootConfig(): string {
  const repo = mkdtempSync(join(tmpdir(), 'platform-cost-git-'))
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', ...args], {cwd: repo})
  git('init', '-q')
  copyFileSync(rootConfig, join(repo, 'platform.yaml'))
  git('add', 'platform.yaml')
  git('commit', '-q', '-m', 'design')
  return repo
}

/** The work tree's platform.yaml gains a `qa` environment HEAD does not have. */
function addQaEnvironment(repo: string): void {
  writeFileSync(join(repo, 'platform.yaml'), readFileSync(rootConfig, 'utf8').replace('\n  staging:\n', '\n  qa:\n    network: {cidr: 10.2.0.0/16}\n\n  staging:\n'))
}

function diff(args: string[]) {
  return captureStdio(() => CostDiffCommand.run(args, root))
}

describe('platform cost diff', () => {
  it('prices both versions with the same book and shows each changed line and the total change', async () => {
    // GIVEN a copy of the root config with api on arm64 and logs kept 7 days
    const dir = mkdtempSync(join(tmpdir(), 'platform-cost-diff-'))
    const changed = changedConfig(dir)
    // WHEN diffing against the root file
    const {stdout, error} = await diff(['prod', '--config', changed, '--against', rootConfig, '--json'])
    expect(error).toBeUndefined()
    const report = JSON.parse(stdout) as CostDiffReport
    expect(report.environments.map((d) => d.environment)).toEqual(['prod'])
    const result = report.environments[0]
    // THEN only the api Fargate lines and log storage change, by the hand-computed amounts
    const changes = Object.fromEntries(result.lines.filter((l) => l.change !== 0).map((l) => [l.id, l.change]))
    const avgTasks = (98 + 140) / 168
    const cents = (n: number) => Math.round((n + Number.EPSILON) * 100) / 100
    expect(changes).toEqual({
      'fargate.api.vcpu': cents(cents(0.5 * avgTasks * 730 * 0.04045) - cents(0.5 * avgTasks * 730 * 0.05056)),
      'fargate.api.memory': cents(cents(avgTasks * 730 * 0.00442) - cents(avgTasks * 730 * 0.00553)),
      'logs.storage': cents(cents(((10 * 7) / (730 / 24)) * 0.033) - 0.33),
    })
    expect(result.totalChange).toBe(cents(Object.values(changes).reduce((n, c) => n + c, 0)))
    expect(result.before.total).toBe(476.99)
    expect(result.before.label).toBe(rootConfig)
    expect(report.totalChange).toBe(result.totalChange)
  })

  it('without ENV compares every environment, like cost estimate', async () => {
    // GIVEN the changed copy (prod changes, staging does not)
    const dir = mkdtempSync(join(tmpdir(), 'platform-cost-diff-'))
    // WHEN diffing with no ENV
    const {stdout, error} = await diff(['--config', changedConfig(dir), '--against', rootConfig, '--json'])
    expect(error).toBeUndefined()
    const report = JSON.parse(stdout) as CostDiffReport
    // THEN both environments are there, staging unchanged, and the total is prod's change
    expect(report.environments.map((d) => d.environment)).toEqual(['prod', 'staging'])
    expect(report.environments[1].totalChange).toBe(0)
    expect(report.totalChange).toBe(report.environments[0].totalChange)
    expect(report.totalChange).toBeLessThan(0)
  })

  it('prints a table of changed lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'platform-cost-diff-'))
    const {stdout} = await diff(['prod', '--config', changedConfig(dir), '--against', rootConfig])
    expect(stdout).toMatch(/^SERVICE +ITEM +BEFORE +AFTER +CHANGE$/m)
    expect(stdout).toMatch(/^ECS Fargate +api vCPU \(arm64, .*\$26\.14 +\$20\.92 +-\$5\.22$/m)
    expect(stdout).toMatch(/^ +Total per month +\$476\.99 +\$\d+\.\d\d +-\$\d+\.\d\d$/m)
    expect(stdout).toContain('3 lines changed')
  })

  it('reads the other version from git with --against REF', async () => {
    // GIVEN a repository whose HEAD has the root config and whose work tree has the change
    const repo = repositoryWithRootConfig()
    changedConfig(repo)
    // WHEN diffing the work tree against HEAD
    const {stdout, error} = await diff(['prod', '--config', join(repo, 'platform.yaml'), '--against', 'HEAD', '--json'])
    // THEN the before side is HEAD's file
    expect(error).toBeUndefined()
    const result = (JSON.parse(stdout) as CostDiffReport).environments[0]
    expect(result.before).toMatchObject({label: 'HEAD:platform.yaml', total: 476.99})
    expect(result.totalChange).toBeLessThan(0)
  })

  it('fails plainly when --against is neither a file nor a revision', async () => {
    const {error} = await diff(['prod', '--config', rootConfig, '--against', 'no-such-ref-or-file'])
    expect(error?.message).toMatch(/^--against no-such-ref-or-file is neither a file nor a git revision that has platform\.yaml/)
    expect(error?.oclif?.exit).toBe(2)
  })
})

describe('platform cost diff, a new environment', () => {
  it('says the other version lacks the environment, naming the revision', async () => {
    // GIVEN HEAD without a `qa` environment and a work tree that adds it
    const repo = repositoryWithRootConfig()
    addQaEnvironment(repo)
    // WHEN diffing qa against HEAD
    const {error} = await diff(['qa', '--config', join(repo, 'platform.yaml'), '--against', 'HEAD'])
    // THEN the error names HEAD, not a temporary file
    expect(error?.message).toBe('HEAD:platform.yaml has no environment "qa": nothing to compare with.')
    expect(error?.oclif?.exit).toBe(3)
  })

  it('without ENV, counts an environment only the work tree has as entirely added', async () => {
    const repo = repositoryWithRootConfig()
    addQaEnvironment(repo)
    const {stdout, error} = await diff(['--config', join(repo, 'platform.yaml'), '--against', 'HEAD', '--json'])
    expect(error).toBeUndefined()
    const report = JSON.parse(stdout) as CostDiffReport
    const qa = report.environments.find((d) => d.environment === 'qa')!
    expect(qa.before).toMatchObject({label: 'HEAD:platform.yaml (no qa)', total: 0})
    expect(qa.totalChange).toBe(qa.after.total)
    expect(qa.lines.every((l) => l.before === null)).toBe(true)
    expect(report.totalChange).toBe(qa.totalChange)
  })
})
