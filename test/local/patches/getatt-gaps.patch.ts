/** local/patches/getatt_gaps.py: attributes of modelled types that stock moto cannot compute. */
import {describe, expect, it} from 'vitest'
import {loadBalancerResources, outputs, usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

describe('Fn::GetAtt of modelled types', () => {
  it('resolves hosted zone, target group and load balancer attributes in AWS formats', async () => {
    const template = JSON.stringify({
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {...loadBalancerResources, Zone: {Type: 'AWS::Route53::HostedZone', Properties: {Name: 'example.com'}}},
      Outputs: {
        ZoneRef: {Value: {Ref: 'Zone'}},
        ZoneId: {Value: {'Fn::GetAtt': ['Zone', 'Id']}},
        NameServers: {Value: {'Fn::Join': [',', {'Fn::GetAtt': ['Zone', 'NameServers']}]}},
        TargetGroupFullName: {Value: {'Fn::GetAtt': ['Targets', 'TargetGroupFullName']}},
        TargetGroupName: {Value: {'Fn::GetAtt': ['Targets', 'TargetGroupName']}},
        LoadBalancerFullName: {Value: {'Fn::GetAtt': ['Alb', 'LoadBalancerFullName']}},
        CanonicalHostedZoneID: {Value: {'Fn::GetAtt': ['Alb', 'CanonicalHostedZoneID']}},
      },
    })
    const out = outputs(await moto.deploy('net', 'CREATE', template, {}))
    // the bare zone id, not the "/hostedzone/..." path nor a Python object
    expect(out.ZoneRef).toMatch(/^[A-Z0-9]{10,32}$/)
    expect(out.ZoneId).toBe(out.ZoneRef)
    expect(out.NameServers.split(',')).toHaveLength(4)
    expect(out.TargetGroupFullName).toMatch(/^targetgroup\/web\/[0-9a-f]+$/)
    expect(out.TargetGroupName).toBe('web')
    expect(out.LoadBalancerFullName).toMatch(/^app\/web\/[0-9a-f]+$/)
    // AWS's published ALB hosted zone id for ap-northeast-1
    expect(out.CanonicalHostedZoneID).toBe('Z14GRHDCWA56QT')
  })
})
