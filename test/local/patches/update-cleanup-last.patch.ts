/** local/patches/update_cleanup_last.py: a stack update deletes the resources it drops last, and not at all when it fails. */
import {DescribeStackResourcesCommand} from '@aws-sdk/client-cloudformation'
import {describe, expect, it} from 'vitest'
import {hostedZoneId, listRecordSets} from '../../helpers/route53.js'
import {usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

const record = (zoneId: string, name: string) => ({Type: 'AWS::Route53::RecordSet', Properties: {HostedZoneId: zoneId, Name: name, Type: 'A', TTL: '60', ResourceRecords: ['192.0.2.1']}})

/** `www.example.com. A` under the logical id `id`, and `old.example.com. A` (Old) unless dropped. */
function template(zoneId: string, id: string, old: boolean): string {
  return JSON.stringify({Resources: {[id]: record(zoneId, 'www.example.com.'), ...(old ? {Old: record(zoneId, 'old.example.com.')} : {})}})
}

async function zone(): Promise<string> {
  await moto.deploy('zone', 'CREATE', JSON.stringify({Resources: {Zone: {Type: 'AWS::Route53::HostedZone', Properties: {Name: 'example.com'}}}}), {})
  return hostedZoneId(moto.aws().endpoint, 'example.com')
}

const names = async (zoneId: string) => (await listRecordSets(moto.aws().endpoint, zoneId)).filter((r) => r.type === 'A').map((r) => r.name).sort()
const logicalIds = async (stack: string) => (await moto.cfn().send(new DescribeStackResourcesCommand({StackName: stack}))).StackResources!.map((r) => r.LogicalResourceId).sort()

describe('resources an update drops', () => {
  it('are deleted after the update, so a new resource cannot take what a dropped one still holds', async () => {
    const zoneId = await zone()
    await moto.deploy('site', 'CREATE', template(zoneId, 'Record', true), {})
    // Record renamed: AWS creates Renamed while Record still holds the record set, and fails
    // (stock moto deleted Record first, and the update succeeded).
    const renamed = await moto.deploy('site', 'UPDATE', template(zoneId, 'Renamed', false), {})
    expect(renamed.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE')
    expect(renamed.StackStatusReason).toContain("Tried to create resource record set [name='www.example.com.', type='A'] but it already exists")
    // A failed update deletes nothing it dropped (stock moto had deleted Old and Record).
    expect(await names(zoneId)).toEqual(['old.example.com.', 'www.example.com.'])
    expect(await logicalIds('site')).toEqual(['Old', 'Record'])
  })

  it('are deleted once the update has made everything else', async () => {
    const zoneId = await zone()
    await moto.deploy('site', 'CREATE', template(zoneId, 'Record', true), {})
    const dropped = await moto.deploy('site', 'UPDATE', template(zoneId, 'Record', false), {})
    expect(dropped.StackStatus).toBe('UPDATE_COMPLETE')
    expect(await names(zoneId)).toEqual(['www.example.com.'])
    expect(await logicalIds('site')).toEqual(['Record'])
  })
})
