import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'
import type {ResolvedEnvironment} from '../../src/lib/config/types.js'
import {type DeployEnvironmentInput, deployEnvironment as deployWithView} from '../../src/lib/deploy/run-environment.js'
import {createDeployView} from '../../src/lib/ui/deploy-progress.js'
import {checkDelegation, compareDelegation, delegationCheckNeeded, type NameServerResolver} from '../../src/lib/deploy/delegation.js'
import {DeployFailedError} from '../../src/lib/errors.js'
import {FakeAws} from '../helpers/fake-cloudformation.js'
import {captureStreams as capture} from '../helpers/streams.js'
import {env as baseEnv, stack} from './stacks.js'

/** The deploy with the view the command would give it, on the test's streams. */
const deployEnvironment = (input: Omit<DeployEnvironmentInput, 'createView'>) => deployWithView({...input, createView: () => createDeployView({json: input.flags.json, streams: input.streams, isTty: false})})

const ZONE_NS = ['ns-1.awsdns-01.com', 'ns-2.awsdns-02.net', 'ns-3.awsdns-03.org', 'ns-4.awsdns-04.co.uk']
const env = {...baseEnv, domain: 'example.com', services: {}} as unknown as ResolvedEnvironment

/** A fake DNS: what the resolver answers for the domain's NS records, or the error it throws. */
function resolver(answer: string[] | string): NameServerResolver & {queries: string[]} {
  const queries: string[] = []
  return {
    server: 'test-dns:53',
    queries,
    async resolveNs(domain) {
      queries.push(domain)
      if (typeof answer === 'string') throw Object.assign(new Error(`query${answer} ${domain}`), {code: answer})
      return answer
    },
  }
}

/** The real cut, small: the zone, the us-east-1 edge stack whose certificate validates in it, and a stack without a certificate. */
function zoneStacks() {
  return [
    stack('zone', {resources: {HostedZone: {Type: 'AWS::Route53::HostedZone', Properties: {Name: 'example.com'}}}, outputs: {HostedZoneId: 'Z123', NameServers: ZONE_NS.join(',')}}),
    stack('network'),
    stack('edge', {
      region: 'us-east-1',
      parameters: {HostedZoneId: {from: 'output', stack: 'app-prod-zone', output: 'HostedZoneId'}},
      resources: {
        Certificate: {
          Type: 'AWS::CertificateManager::Certificate',
          Properties: {DomainName: 'example.com', ValidationMethod: 'DNS', DomainValidationOptions: [{DomainName: 'example.com', HostedZoneId: {Ref: 'HostedZoneId'}}]},
        },
      },
    }),
  ]
}

const executed = (aws: FakeAws) => [...aws.regions.values()].reduce((n, r) => n + r.count('ExecuteChangeSet'), 0)

beforeEach(() => {
  process.env.PLATFORM_LOCK_DIR = mkdtempSync(join(tmpdir(), 'locks-'))
})

describe('compareDelegation', () => {
  it('is delegated when every answered name server is the zone’s, whatever the case or trailing dot', () => {
    const check = compareDelegation('example.com', ZONE_NS, ['NS-1.AWSDNS-01.COM.', 'ns-2.awsdns-02.net', 'ns-3.awsdns-03.org.', 'ns-4.awsdns-04.co.uk'])
    expect(check).toMatchObject({status: 'delegated', foreign: [], missing: []})
  })

  it('a partial delegation still reaches the zone: delegated, naming the missing servers', () => {
    expect(compareDelegation('example.com', ZONE_NS, ZONE_NS.slice(0, 2))).toMatchObject({status: 'delegated', missing: ZONE_NS.slice(2)})
  })

  it('the registrar’s old servers, alone or beside the zone’s, are not a delegation', () => {
    expect(compareDelegation('example.com', ZONE_NS, ['dns1.registrar-servers.com'])).toMatchObject({status: 'not-delegated', foreign: ['dns1.registrar-servers.com']})
    expect(compareDelegation('example.com', ZONE_NS, [...ZONE_NS, 'dns1.registrar-servers.com'])).toMatchObject({status: 'not-delegated', foreign: ['dns1.registrar-servers.com']})
    expect(compareDelegation('example.com', ZONE_NS, [])).toMatchObject({status: 'not-delegated', missing: ZONE_NS})
  })
})

describe('checkDelegation', () => {
  it('NXDOMAIN and no NS records are answers (not delegated); a timeout or SERVFAIL is unknown, never delegated', async () => {
    expect((await checkDelegation('example.com', ZONE_NS, resolver('ENOTFOUND'))).status).toBe('not-delegated')
    expect((await checkDelegation('example.com', ZONE_NS, resolver('ENODATA'))).status).toBe('not-delegated')
    const timeout = await checkDelegation('example.com', ZONE_NS, resolver('ETIMEOUT'))
    expect(timeout).toMatchObject({status: 'unknown', error: expect.stringMatching(/^ETIMEOUT: /)})
    expect((await checkDelegation('example.com', ZONE_NS, resolver('ESERVFAIL'))).status).toBe('unknown')
  })
})

describe('delegationCheckNeeded', () => {
  const settled = {stackId: 'id', stackName: 'n', status: 'UPDATE_COMPLETE', parameters: {}, tags: {}, outputs: {}}
  it('only while the zone or a certificate stack is not settled (a settled certificate stack means ACM issued it)', () => {
    expect(delegationCheckNeeded(undefined, [undefined])).toBe(true)
    expect(delegationCheckNeeded(settled, [undefined])).toBe(true)
    expect(delegationCheckNeeded(settled, [{...settled, status: 'CREATE_IN_PROGRESS'}])).toBe(true)
    expect(delegationCheckNeeded(settled, [{...settled, status: 'ROLLBACK_COMPLETE'}])).toBe(true)
    expect(delegationCheckNeeded(settled, [settled, {...settled, status: 'CREATE_COMPLETE'}])).toBe(false)
  })
})

describe('deploy with a new hosted zone', () => {
  it('creates the zone alone, then stops (exit 5) with the NS records to set, how to check them and what to run', async () => {
    const aws = new FakeAws()
    const io = capture()
    const dns = resolver('ENOTFOUND')
    const error = await deployEnvironment({env, stacks: zoneStacks(), aws, resolver: dns, flags: {json: true, yes: true, pollInterval: 0}, streams: io.streams}).catch((e) => e)
    expect(error).toBeInstanceOf(DeployFailedError)
    expect(error).toMatchObject({code: 'DELEGATION_MISSING', exitCode: 5})
    expect(error.message).toContain(`Name servers of the zone: ${ZONE_NS.join(', ')}.`)
    const advice = (error.suggestions as string[]).join('\n')
    expect(advice).toContain('example.com has no NS records yet (asked test-dns:53).')
    for (const ns of ZONE_NS) expect(advice).toContain(`example.com. NS ${ns}.`)
    expect(advice).toContain('`dig +short NS example.com`')
    expect(advice).toContain('`platform deploy prod`')
    expect(advice).toContain('--skip-delegation-check')
    expect(dns.queries).toEqual(['example.com'])
    // The zone and nothing else.
    expect(executed(aws)).toBe(1)
    expect(aws.cloudFormation('ap-northeast-1').count('ExecuteChangeSet')).toBe(1)
    expect(aws.cloudFormation('us-east-1').count('CreateChangeSet')).toBe(0)
    const lines = io.out().trim().split('\n').map((l) => JSON.parse(l))
    expect(lines.find((l) => l.type === 'delegation')).toMatchObject({type: 'delegation', domain: 'example.com', status: 'not-delegated', zoneNameServers: ZONE_NS, resolved: []})
    expect(lines.filter((l) => l.type === 'result')).toHaveLength(0)
  })

  it('once delegated, the rerun deploys the rest; the zone shows as created by the run that created it', async () => {
    const aws = new FakeAws()
    const stacks = zoneStacks()
    await deployEnvironment({env, stacks, aws, resolver: resolver('ENOTFOUND'), flags: {json: true, yes: true, pollInterval: 0}, streams: capture().streams}).catch((e) => e)
    const io = capture()
    const rerun = await deployEnvironment({env, stacks, aws, resolver: resolver(ZONE_NS), flags: {json: false, yes: true, pollInterval: 0}, streams: io.streams})
    expect(Object.fromEntries(rerun.stacks.map((s) => [s.part, s.outcome]))).toEqual({zone: 'skipped', network: 'created', edge: 'created'})
    expect(io.err()).toContain(`Hosted zone example.com: name servers ${ZONE_NS.join(', ')}; delegated.`)

    // A first deploy whose delegation is already in place (a registrar that was told beforehand) runs through.
    const fresh = new FakeAws()
    const first = await deployEnvironment({env, stacks: zoneStacks(), aws: fresh, resolver: resolver(ZONE_NS), flags: {json: false, yes: true, pollInterval: 0}, streams: capture().streams})
    expect(Object.fromEntries(first.stacks.map((s) => [s.part, s.outcome]))).toEqual({zone: 'created', network: 'created', edge: 'created'})
  })

  it('a first deploy through the new zone runs the preflight once, before the zone: the account and each third-party type are asked once', async () => {
    const aws = new FakeAws()
    aws.activatedTypes.add('ap-northeast-1/Datadog::Monitors::Monitor')
    const stacks = [...zoneStacks(), stack('monitoring', {resources: {Monitor: {Type: 'Datadog::Monitors::Monitor', Properties: {Name: 'x'}}}})]
    const first = await deployEnvironment({env, stacks, aws, resolver: resolver(ZONE_NS), flags: {json: true, yes: true, pollInterval: 0}, streams: capture().streams})
    expect(Object.fromEntries(first.stacks.map((s) => [s.part, s.outcome]))).toEqual({zone: 'created', network: 'created', edge: 'created', monitoring: 'created'})
    expect(aws.otherCalls.filter((c) => c === 'GetCallerIdentity' || c === 'DescribeType')).toEqual(['DescribeType', 'GetCallerIdentity'])
  })

  it('asks no DNS once the certificates are issued, and --skip-delegation-check asks none at all', async () => {
    const aws = new FakeAws()
    await deployEnvironment({env, stacks: zoneStacks(), aws, resolver: resolver(ZONE_NS), flags: {json: true, yes: true, pollInterval: 0}, streams: capture().streams})
    const dns = resolver('ETIMEOUT')
    await deployEnvironment({env, stacks: zoneStacks(), aws, resolver: dns, flags: {json: true, yes: true, pollInterval: 0}, streams: capture().streams})
    expect(dns.queries).toEqual([])

    const fresh = new FakeAws()
    const skipped = resolver('ENOTFOUND')
    const result = await deployEnvironment({env, stacks: zoneStacks(), aws: fresh, resolver: skipped, flags: {json: true, yes: true, pollInterval: 0, skipDelegationCheck: true}, streams: capture().streams})
    expect(skipped.queries).toEqual([])
    expect(result.stacks.every((s) => s.outcome === 'created')).toBe(true)
  })

  it('a DNS that does not answer stops the deploy too (DELEGATION_UNKNOWN), never a silent pass', async () => {
    const aws = new FakeAws()
    const error = await deployEnvironment({env, stacks: zoneStacks(), aws, resolver: resolver('ETIMEOUT'), flags: {json: true, yes: true, pollInterval: 0}, streams: capture().streams}).catch((e) => e)
    expect(error).toMatchObject({code: 'DELEGATION_UNKNOWN', exitCode: 5})
    expect(error.suggestions[0]).toMatch(/DNS did not answer the NS query for example.com \(ETIMEOUT: .*; asked test-dns:53\)/)
    expect(executed(aws)).toBe(1)
  })

  it('a deploy the preflight refuses (a missing secret) changes nothing, not even the zone', async () => {
    const aws = new FakeAws()
    const withService = {...env, services: {web: {secrets: ['JWT_SECRET']}}} as unknown as ResolvedEnvironment
    const error = await deployEnvironment({env: withService, stacks: [...zoneStacks(), stack('svc-web')], aws, resolver: resolver(ZONE_NS), flags: {json: true, yes: true, pollInterval: 0}, streams: capture().streams}).catch((e) => e)
    expect(error).toMatchObject({code: 'PREFLIGHT_FAILED', exitCode: 5})
    expect(executed(aws)).toBe(0)
  })

  it('--stack without a certificate stack checks nothing', async () => {
    const aws = new FakeAws()
    const dns = resolver('ENOTFOUND')
    await deployEnvironment({env, stacks: zoneStacks(), aws, resolver: dns, flags: {json: true, yes: true, pollInterval: 0, stack: ['zone', 'network']}, streams: capture().streams})
    expect(dns.queries).toEqual([])
  })
})
