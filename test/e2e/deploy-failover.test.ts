/**
 * Turning Route 53 failover off and on again on a deployed environment, each in one `platform
 * deploy`: the BUILT CLI against the patched moto, whose Route 53 refuses a simple record beside
 * failover records and whose stack updates delete dropped resources only in their cleanup, as AWS
 * does (local/patches/route53_record_sets.py, update_cleanup_last.py), so a design that needs a hand
 * step on AWS fails here too.
 */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CloudFormationClient, DescribeStacksCommand} from '@aws-sdk/client-cloudformation'
import {describe, expect, it} from 'vitest'
import {repoRoot as root, rootConfigWithoutAssets, spawnCli} from '../helpers/built-cli.js'
import {exampleImages, putExampleSecrets, useLocalAws} from '../helpers/e2e-setup.js'
import {hostedZoneId, listRecordSets} from '../helpers/route53.js'

const TOKYO = 'ap-northeast-1'
const DNS_STACK = 'bookmark-manager-prod-dns'
const SITE_NAMES = ['example.com.', 'www.example.com.']

const local = useLocalAws()

const withFailover = rootConfigWithoutAssets()

/** The same config with `failover: false` in the dns block (the root one leaves it to its default, on). */
function withoutFailover(): string {
  const text = readFileSync(withFailover, 'utf8')
  const changed = text.replace(/^( *dns: \{.*healthCheckPath: \/api\/health)\}$/m, '$1, failover: false}')
  expect(changed).not.toBe(text)
  const file = join(mkdtempSync(join(tmpdir(), 'platform-failover-')), 'platform.yaml')
  writeFileSync(file, changed)
  return file
}

function deploy(config: string) {
  return spawnCli(['deploy', 'prod', '--yes', '--json', '--config', config, ...exampleImages('prod')], {cwd: root, env: local.cliEnv})
}

async function dnsStack() {
  const cfn = new CloudFormationClient({region: TOKYO, endpoint: local.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}})
  return (await cfn.send(new DescribeStacksCommand({StackName: DNS_STACK}))).Stacks![0]
}

/** The zone's A and AAAA records of the site's names, as `name type setIdentifier failover [health check] → target`. */
async function siteRecords(): Promise<string[]> {
  const zoneId = await hostedZoneId(local.endpoint, 'example.com')
  const records = (await listRecordSets(local.endpoint, zoneId)).filter((r) => SITE_NAMES.includes(r.name) && (r.type === 'A' || r.type === 'AAAA'))
  return records.map((r) => [r.name, r.type, r.setIdentifier ?? 'simple', r.failover, r.healthCheckId ? `checked by ${r.healthCheckId}` : undefined, `→ ${r.aliasDnsName}`].filter(Boolean).join(' ')).sort()
}

/** What Route 53 must hold: each name and type a PRIMARY to CloudFront, with the check and the maintenance SECONDARY when failover is on. */
function expected(distribution: string, failover: {healthCheckId: string; maintenance: Record<string, string>} | undefined): string[] {
  return SITE_NAMES.flatMap((name) =>
    ['A', 'AAAA'].flatMap((type) => [
      `${name} ${type} cloudfront PRIMARY${failover ? ` checked by ${failover.healthCheckId}` : ''} → ${distribution}`,
      ...(failover ? [`${name} ${type} maintenance SECONDARY → ${failover.maintenance[name]}`] : []),
    ]),
  ).sort()
}

describe('platform deploy turning dns.failover off and on again (built CLI, patched moto)', () => {
  it('each deploy succeeds in one go, and Route 53 holds exactly the records of the configuration after each', async () => {
    await local.reset()
    await putExampleSecrets(local, 'prod')

    // GIVEN an environment deployed with failover (the default)
    const first = await deploy(withFailover)
    expect(first.error, first.stderr).toBeUndefined()
    expect(first.code, first.stderr).toBe(0)
    const output = (stack: Awaited<ReturnType<typeof dnsStack>>, key: string) => stack.Outputs?.find((o) => o.OutputKey === key)?.OutputValue
    const created = await dnsStack()
    const healthCheckId = output(created, 'HealthCheckId')!
    expect(healthCheckId).toBeTruthy()
    const before = await siteRecords()
    // The distribution and the maintenance page's regional names, as the first deploy wrote them.
    const distribution = /cloudfront PRIMARY .*→ (\S+)$/.exec(before[0])![1]
    const maintenance = Object.fromEntries(SITE_NAMES.map((name) => [name, /→ (\S+)$/.exec(before.find((r) => r.startsWith(`${name} A maintenance`))!)![1]]))
    expect(before).toEqual(expected(distribution, {healthCheckId, maintenance}))

    // WHEN failover is turned off THEN one deploy updates the dns stack, and each name is its PRIMARY alone, unchecked
    const off = await deploy(withoutFailover())
    expect(off.error, off.stderr).toBeUndefined()
    expect(off.code, off.stderr).toBe(0)
    expect(off.result!.stacks.find((s: any) => s.part === 'dns')).toMatchObject({outcome: 'updated'})
    const afterOff = await dnsStack()
    expect(afterOff.StackStatus).toBe('UPDATE_COMPLETE')
    expect(output(afterOff, 'MaintenanceApiId')).toBeUndefined()
    expect(await siteRecords()).toEqual(expected(distribution, undefined))

    // WHEN failover is turned on again THEN one deploy brings back the check and the SECONDARY records
    const on = await deploy(withFailover)
    expect(on.error, on.stderr).toBeUndefined()
    expect(on.code, on.stderr).toBe(0)
    expect(on.result!.stacks.find((s: any) => s.part === 'dns')).toMatchObject({outcome: 'updated'})
    const afterOn = await dnsStack()
    expect(afterOn.StackStatus).toBe('UPDATE_COMPLETE')
    // The same health check (it stayed, with dns.healthCheck); a new maintenance page, on its own regional names.
    expect(output(afterOn, 'HealthCheckId')).toBe(healthCheckId)
    const again = await siteRecords()
    const maintenanceAgain = Object.fromEntries(SITE_NAMES.map((name) => [name, /→ (\S+)$/.exec(again.find((r) => r.startsWith(`${name} A maintenance`)) ?? '→ missing')![1]]))
    expect(again).toEqual(expected(distribution, {healthCheckId, maintenance: maintenanceAgain}))
  }, 900_000)
})
