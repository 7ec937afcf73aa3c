import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {CostEstimateResult} from '../../../src/commands/cost/estimate.js'
import {buildCli} from '../../helpers/built-cli.js'

/**
 * `--live` end to end: the built CLI, the real @aws-sdk/client-pricing, and a local HTTP endpoint
 * that speaks the Price List API's JSON protocol (moto has none). AWS_ENDPOINT_URL points the SDK
 * at it, as it would at any emulator.
 */
const root = resolve(import.meta.dirname, '../../..')
const run = promisify(execFile)
const sample = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../cost/fixtures/get-products-sample.json'), 'utf8')) as {PriceList: string[]}

interface Filter {
  Type: string
  Field: string
  Value: string
}

/** The caller's environment without anything that would steer the SDK elsewhere. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = {...process.env}
  for (const key of Object.keys(env)) if (key === 'PLATFORM_LOCAL' || key === 'AWS_PROFILE' || key.startsWith('AWS_ENDPOINT_URL')) delete env[key]
  return env
}

let server: Server
let endpoint: string
const targets: string[] = []

beforeAll(async () => {
  buildCli()
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      targets.push(String(req.headers['x-amz-target']))
      const input = JSON.parse(body) as {ServiceCode: string; Filters: Filter[]}
      const PriceList = sample.PriceList.filter((raw) => {
        const item = JSON.parse(raw)
        const attrs = {...item.product.attributes, productFamily: item.product.productFamily}
        return item.serviceCode === input.ServiceCode && input.Filters.every((f) => (f.Type === 'TERM_MATCH' ? attrs[f.Field] === f.Value : String(attrs[f.Field] ?? '').includes(f.Value)))
      })
      res.writeHead(200, {'content-type': 'application/x-amz-json-1.1'})
      res.end(JSON.stringify({FormatVersion: 'aws_v1', PriceList}))
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}, 180_000)

afterAll(() => new Promise<void>((ok) => server.close(() => ok())))

describe('platform cost estimate --live', () => {
  it('refreshes prices through GetProducts, caches them under PLATFORM_HOME, and says which it kept', async () => {
    // GIVEN an empty PLATFORM_HOME and the fake Price List endpoint
    const home = mkdtempSync(join(tmpdir(), 'platform-home-'))
    const env = {...baseEnv(), PLATFORM_HOME: home, AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'ap-northeast-1'}
    // WHEN estimating prod with --live
    const {stdout, stderr} = await run(process.execPath, [join(buildCli(), 'bin/run.js'), 'cost', 'estimate', 'prod', '--live', '--json', '--config', join(root, 'platform.yaml')], {cwd: root, env})
    // THEN the SDK called GetProducts, refreshed lines cite the API, and the cache holds the book
    expect(new Set(targets)).toEqual(new Set(['AWSPriceListService.GetProducts']))
    const prod = (JSON.parse(stdout) as CostEstimateResult).environments[0]
    expect(prod.priceBook).toMatchObject({live: true, files: [join(home, 'cache', 'prices-ap-northeast-1.json')]})
    expect(prod.lines.find((l) => l.id === 'fargate.web.vcpu')).toMatchObject({unitPrice: 0.05056, source: expect.stringContaining('AWS Price List API: GetProducts AmazonECS APN1-Fargate-vCPU-Hours:perCPU')})
    expect(prod.lines.find((l) => l.id === 'nat.hours')?.source).toBe('https://aws.amazon.com/vpc/pricing/')
    expect(stderr).toMatch(/^warning: \d+ price\(s\) kept from the offline book: /m)
    expect(existsSync(join(home, 'cache', 'prices-ap-northeast-1.json'))).toBe(true)
  })

  it('falls back to the offline book with a warning when the endpoint is unreachable', async () => {
    const home = mkdtempSync(join(tmpdir(), 'platform-home-'))
    const env = {...baseEnv(), PLATFORM_HOME: home, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_MAX_ATTEMPTS: '1'}
    const {stdout, stderr} = await run(process.execPath, [join(buildCli(), 'bin/run.js'), 'cost', 'estimate', 'prod', '--live', '--json', '--config', join(root, 'platform.yaml')], {cwd: root, env})
    expect((JSON.parse(stdout) as CostEstimateResult).environments[0].priceBook.live).toBe(false)
    expect(stderr).toMatch(/^warning: Could not reach the AWS Price List API \(.+\); using the offline price book of 2026-11-28\.$/m)
  })
})
