/** local/patches/route53_record_sets.py: record sets identified by name, type and set identifier, and checked as Route 53 checks them. */
import {beforeEach, describe, expect, it} from 'vitest'
import {changeRecordSets, hostedZoneId, listRecordSets, type RecordChange, Route53Error} from '../../helpers/route53.js'
import {usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

const CLOUDFRONT = {dnsName: 'd111111abcdef8.cloudfront.net', hostedZoneId: 'Z2FDTNDATAQYW2'}
const MAINTENANCE = {dnsName: 'd-abc123.execute-api.ap-northeast-1.amazonaws.com', hostedZoneId: 'Z1YSHQZHG15GKL'}

/** A zone made by a stack (as the zone stack does), then its id. */
async function zone(): Promise<string> {
  const template = JSON.stringify({Resources: {Zone: {Type: 'AWS::Route53::HostedZone', Properties: {Name: 'example.com'}}}})
  await moto.deploy('zone', 'CREATE', template, {})
  return hostedZoneId(moto.aws().endpoint, 'example.com')
}

async function refusal(attempt: Promise<unknown>): Promise<Route53Error> {
  const error = await attempt.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(Route53Error)
  return error as Route53Error
}

/** `www.example.com. A` records as `setIdentifier failover`, or `simple`. */
async function wwwRecords(zoneId: string): Promise<string[]> {
  const records = (await listRecordSets(moto.aws().endpoint, zoneId)).filter((r) => r.name === 'www.example.com.' && r.type === 'A')
  return records.map((r) => (r.setIdentifier ? `${r.setIdentifier} ${r.failover}${r.healthCheckId ? ' checked' : ''}` : 'simple')).sort()
}

const primary: RecordChange = {action: 'CREATE', name: 'www.example.com.', type: 'A', setIdentifier: 'cloudfront', failover: 'PRIMARY', alias: CLOUDFRONT}
const secondary: RecordChange = {action: 'CREATE', name: 'www.example.com.', type: 'A', setIdentifier: 'maintenance', failover: 'SECONDARY', alias: MAINTENANCE}
const simple: RecordChange = {action: 'CREATE', name: 'www.example.com.', type: 'A', alias: CLOUDFRONT}

describe('ChangeResourceRecordSets', () => {
  let zoneId: string
  beforeEach(async () => {
    zoneId = await zone()
  })

  it('refuses a simple record beside failover records of its name and type, and a failover record beside a simple one', async () => {
    await changeRecordSets(moto.aws().endpoint, zoneId, [primary, secondary])
    // stock moto: created, three records of www A
    const besideFailover = await refusal(changeRecordSets(moto.aws().endpoint, zoneId, [simple]))
    expect([besideFailover.status, besideFailover.code]).toEqual([400, 'InvalidChangeBatch'])
    expect(besideFailover.message).toContain('RRSet with DNS name www.example.com., type A cannot be created as other RRSets exist with the same name and type.')
    expect(await wwwRecords(zoneId)).toEqual(['cloudfront PRIMARY', 'maintenance SECONDARY'])

    await changeRecordSets(moto.aws().endpoint, zoneId, [{...simple, name: 'api.example.com.'}])
    const besideSimple = await refusal(changeRecordSets(moto.aws().endpoint, zoneId, [{...primary, name: 'api.example.com.'}]))
    expect(besideSimple.message).toContain('RRSet with DNS name api.example.com., type A, SetIdentifier cloudfront cannot be created as a non-failover set exists with the same name and type.')
    // Another type of the same name is another record set.
    await changeRecordSets(moto.aws().endpoint, zoneId, [{...primary, name: 'api.example.com.', type: 'AAAA'}])
  })

  it('refuses a second record set of the same name, type and set identifier', async () => {
    await changeRecordSets(moto.aws().endpoint, zoneId, [primary])
    const again = await refusal(changeRecordSets(moto.aws().endpoint, zoneId, [{...primary, alias: MAINTENANCE}]))
    expect(again.message).toContain("Tried to create resource record set [name='www.example.com.', type='A', set-identifier='cloudfront'] but it already exists")
    // UPSERT of that identity replaces it.
    await changeRecordSets(moto.aws().endpoint, zoneId, [{...primary, action: 'UPSERT', alias: MAINTENANCE}])
    expect((await listRecordSets(moto.aws().endpoint, zoneId)).filter((r) => r.name === 'www.example.com.').map((r) => r.aliasDnsName)).toEqual([MAINTENANCE.dnsName])
  })

  it('applies a batch whole or not at all', async () => {
    await changeRecordSets(moto.aws().endpoint, zoneId, [simple])
    // The first change is fine alone; the second conflicts: neither is kept (stock moto kept the first).
    await refusal(changeRecordSets(moto.aws().endpoint, zoneId, [{...simple, name: 'api.example.com.'}, primary]))
    expect((await listRecordSets(moto.aws().endpoint, zoneId)).filter((r) => r.type === 'A').map((r) => r.name)).toEqual(['www.example.com.'])
  })
})

describe('AWS::Route53::RecordSet in a stack', () => {
  function records(zoneId: string, pair: {primary: 'simple' | 'failover' | 'checked'; secondary: boolean}): string {
    const check = {Check: {Type: 'AWS::Route53::HealthCheck', Properties: {HealthCheckConfig: {Type: 'HTTPS', FullyQualifiedDomainName: CLOUDFRONT.dnsName, Port: 443, ResourcePath: '/'}}}}
    const routing = {simple: {}, failover: {SetIdentifier: 'cloudfront', Failover: 'PRIMARY'}, checked: {SetIdentifier: 'cloudfront', Failover: 'PRIMARY', HealthCheckId: {Ref: 'Check'}}}[pair.primary]
    const alias = (target: typeof CLOUDFRONT) => ({DNSName: target.dnsName, HostedZoneId: target.hostedZoneId, EvaluateTargetHealth: false})
    return JSON.stringify({
      Resources: {
        ...check,
        Primary: {Type: 'AWS::Route53::RecordSet', Properties: {HostedZoneId: zoneId, Name: 'www.example.com.', Type: 'A', AliasTarget: alias(CLOUDFRONT), ...routing}},
        ...(pair.secondary
          ? {Secondary: {Type: 'AWS::Route53::RecordSet', DependsOn: 'Primary', Properties: {HostedZoneId: zoneId, Name: 'www.example.com.', Type: 'A', AliasTarget: alias(MAINTENANCE), SetIdentifier: 'maintenance', Failover: 'SECONDARY'}}}
          : {}),
        // Another type of the same name, which no update of the A records may touch.
        Ipv6: {Type: 'AWS::Route53::RecordSet', Properties: {HostedZoneId: zoneId, Name: 'www.example.com.', Type: 'AAAA', AliasTarget: alias(CLOUDFRONT)}},
      },
    })
  }

  it('updates one record set in place, leaving the others of its name alone, and deletes only the one dropped', async () => {
    const zoneId = await zone()
    expect((await moto.deploy('dns', 'CREATE', records(zoneId, {primary: 'checked', secondary: true}), {})).StackStatus).toBe('CREATE_COMPLETE')
    expect(await wwwRecords(zoneId)).toEqual(['cloudfront PRIMARY checked', 'maintenance SECONDARY'])
    // The health check goes from the primary: stock moto's update deleted every record of the name first.
    expect((await moto.deploy('dns', 'UPDATE', records(zoneId, {primary: 'failover', secondary: true}), {})).StackStatus).toBe('UPDATE_COMPLETE')
    expect(await wwwRecords(zoneId)).toEqual(['cloudfront PRIMARY', 'maintenance SECONDARY'])
    // The secondary goes: stock moto's delete took the primary with it (same name and type).
    expect((await moto.deploy('dns', 'UPDATE', records(zoneId, {primary: 'failover', secondary: false}), {})).StackStatus).toBe('UPDATE_COMPLETE')
    expect(await wwwRecords(zoneId)).toEqual(['cloudfront PRIMARY'])
    expect((await listRecordSets(moto.aws().endpoint, zoneId)).filter((r) => r.name === 'www.example.com.' && r.type === 'AAAA')).toHaveLength(1)
    // A lone primary turns simple and back in place.
    expect((await moto.deploy('dns', 'UPDATE', records(zoneId, {primary: 'simple', secondary: false}), {})).StackStatus).toBe('UPDATE_COMPLETE')
    expect(await wwwRecords(zoneId)).toEqual(['simple'])
    expect((await moto.deploy('dns', 'UPDATE', records(zoneId, {primary: 'checked', secondary: true}), {})).StackStatus).toBe('UPDATE_COMPLETE')
    expect(await wwwRecords(zoneId)).toEqual(['cloudfront PRIMARY checked', 'maintenance SECONDARY'])
  })

  it('fails an update that turns a primary simple beside its secondary, and changes no record', async () => {
    const zoneId = await zone()
    await moto.deploy('dns', 'CREATE', records(zoneId, {primary: 'checked', secondary: true}), {})
    // The secondary is dropped too, but a stack deletes what it drops only in its cleanup, after
    // the primary's update: Route 53 refuses that update (stock moto: done, records of the name lost).
    const stack = await moto.deploy('dns', 'UPDATE', records(zoneId, {primary: 'simple', secondary: false}), {})
    expect(stack.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE')
    expect(stack.StackStatusReason).toContain('[Primary]')
    expect(stack.StackStatusReason).toContain('RRSet with DNS name www.example.com., type A cannot be created as other RRSets exist with the same name and type.')
    expect(await wwwRecords(zoneId)).toEqual(['cloudfront PRIMARY checked', 'maintenance SECONDARY'])
  })
})
