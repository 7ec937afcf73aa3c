import {execFile} from 'node:child_process'
import {join, resolve} from 'node:path'
import {promisify} from 'node:util'
import {describe, expect, it} from 'vitest'

import CostEstimate, {type CostEstimateResult} from '../../../src/commands/cost/estimate.js'
import {buildCli} from '../../helpers/built-cli.js'
import {captureStdio} from './capture.js'

const root = resolve(import.meta.dirname, '../../..')
const rootConfig = join(root, 'platform.yaml')
const run = promisify(execFile)

/** Runs the command class (no build needed), capturing stdout, stderr and the error. */
function estimate(args: string[]) {
  return captureStdio(() => CostEstimate.run([...args, '--config', rootConfig], root))
}

describe('platform cost estimate', () => {
  it('--json returns every line with quantity, unit, unit price, monthly cost and source (snapshot)', async () => {
    const {stdout, error} = await estimate(['prod', '--json'])
    expect(error).toBeUndefined()
    const result = JSON.parse(stdout) as CostEstimateResult
    const prod = result.environments[0]
    for (const line of prod.lines) {
      expect(Object.keys(line)).toEqual(expect.arrayContaining(['id', 'service', 'item', 'unit', 'quantity', 'unitPrice', 'monthly', 'priceId', 'source', 'priceDate']))
    }
    expect(result).toMatchSnapshot()
  })

  it('prints the table, the total, the free-tier credits, the book date, assumptions and savings', async () => {
    const {stdout, stderr, error} = await estimate(['prod'])
    expect(error).toBeUndefined()
    expect(stderr).toBe('')
    expect(stdout).toContain('Estimate for prod in ap-northeast-1, USD per month')
    expect(stdout).toMatch(/^SERVICE +ITEM +QUANTITY +UNIT PRICE +MONTHLY$/m)
    expect(stdout).toMatch(/^ECS Fargate +web vCPU \(x86_64, 0\.5 vCPU x 1\.417 tasks x 730 h\) +517\.083 vCPU-hour +\$0\.05056\/vCPU-hour +\$26\.14$/m)
    expect(stdout).toMatch(/^Free tier +CloudFront: always free: 1024 GB transfer out +1,024 GB +\$0\.114\/GB +-\$116\.74$/m)
    expect(stdout).toMatch(/^ +Total per month +\$476\.99$/m)
    expect(stdout).toContain('Prices: ap-northeast-1 offline price book of 2026-11-28 (prices/ap-northeast-1.json, prices/global.json)')
    expect(stdout).toContain('natTrafficGb = 100 GB/month (default)')
    expect(stdout).toMatch(/^  Log retention 30 -> 7 days: -\$0\.25$/m)
    expect(stdout).not.toMatch(/design|\$373/i) // nothing refers to a document users do not have
    expect(stdout).not.toMatch(/\u001B\[/) // plain columns, no colour codes
  })

  it('reprices in another region with --region', async () => {
    const {stdout} = await estimate(['prod', '--region', 'us-east-1', '--json'])
    const prod = (JSON.parse(stdout) as CostEstimateResult).environments[0]
    expect(prod.region).toBe('us-east-1')
    expect(prod.lines.find((l) => l.id === 'nat.hours')).toMatchObject({unitPrice: 0.045, monthly: 32.85})
  })

  it('shows every environment side by side when ENV is omitted', async () => {
    const {stdout, error} = await estimate([])
    expect(error).toBeUndefined()
    expect(stdout).toMatch(/^SERVICE +prod \(ap-northeast-1\) +staging \(ap-northeast-1\)$/m)
    expect(stdout).toMatch(/^Total per month +\$476\.99 +\$\d+\.\d\d$/m)
    expect(stdout).toMatch(/^Route 53 +\$2\.40 +-$/m) // staging has no domain
  })

  it('fails plainly for a region without a price book, and for an unknown environment', async () => {
    const noBook = await estimate(['prod', '--region', 'eu-west-1'])
    expect(noBook.error?.message).toBe('No offline price book for region eu-west-1.')
    expect(noBook.error?.oclif?.exit).toBe(2)
    const unknown = await estimate(['prd'])
    expect(unknown.error?.message).toContain('Unknown environment "prd"')
    expect(unknown.error?.oclif?.exit).toBe(3)
  })

  it('runs from the built CLI without loading the AWS SDK', async () => {
    // GIVEN the built CLI and a hook that fails any @aws-sdk import
    const hook = join(import.meta.dirname, 'register-forbid.mjs')
    const bin = join(buildCli(), 'bin/run.js')
    // WHEN estimating prod as JSON
    const {stdout} = await run(process.execPath, ['--import', hook, bin, 'cost', 'estimate', 'prod', '--json', '--config', rootConfig], {cwd: root})
    // THEN it prints the same total as the in-process run
    expect((JSON.parse(stdout) as CostEstimateResult).environments[0].total).toBe(476.99)
  }, 180_000)
})
