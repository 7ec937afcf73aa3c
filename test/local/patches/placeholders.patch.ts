/** local/patches/placeholders.py: types moto does not model get deterministic ids and attributes in AWS's formats. */
import {describe, expect, it} from 'vitest'
import {loadBalancerResources, outputs, usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

const edgeTemplate = JSON.stringify({
  AWSTemplateFormatVersion: '2010-09-09',
  Resources: {
    Certificate: {Type: 'AWS::CertificateManager::Certificate', Properties: {DomainName: 'example.com', ValidationMethod: 'DNS'}},
    Oac: {Type: 'AWS::CloudFront::OriginAccessControl', Properties: {OriginAccessControlConfig: {Name: 'oac'}}},
    HostFunction: {Type: 'AWS::CloudFront::Function', Properties: {Name: 'forward-host', FunctionCode: 'function handler(event) { return event.request }'}},
    VpcOrigin: {Type: 'AWS::CloudFront::VpcOrigin', Properties: {VpcOriginEndpointConfig: {Name: 'alb', Arn: 'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/alb/0123456789abcdef'}}},
    Acl: {Type: 'AWS::WAFv2::WebACL', Properties: {Name: 'edge-acl', Scope: 'CLOUDFRONT', DefaultAction: {Allow: {}}}},
    Cdn: {Type: 'AWS::CloudFront::Distribution', Properties: {DistributionConfig: {WebACLId: {'Fn::GetAtt': ['Acl', 'Arn']}, Enabled: true}}},
    Alarm: {Type: 'AWS::CloudWatch::Alarm', Properties: {AlarmName: 'cpu-high'}},
    Monitor: {Type: 'Datadog::Monitors::Monitor', Properties: {Name: 'errors'}},
  },
  Outputs: {
    CertificateArn: {Value: {Ref: 'Certificate'}},
    OacId: {Value: {'Fn::GetAtt': ['Oac', 'Id']}},
    VpcOriginId: {Value: {'Fn::GetAtt': ['VpcOrigin', 'Id']}},
    FunctionRef: {Value: {Ref: 'HostFunction'}},
    FunctionArn: {Value: {'Fn::GetAtt': ['HostFunction', 'FunctionARN']}},
    AclArn: {Value: {'Fn::GetAtt': ['Acl', 'Arn']}},
    DistributionId: {Value: {Ref: 'Cdn'}},
    DistributionDomain: {Value: {'Fn::GetAtt': ['Cdn', 'DomainName']}},
    AlarmName: {Value: {Ref: 'Alarm'}},
    MonitorId: {Value: {Ref: 'Monitor'}},
  },
})

describe('placeholders for types moto does not model', () => {
  it('resolve Ref and Fn::GetAtt to deterministic values in AWS formats', async () => {
    const first = outputs(await moto.deploy('edge', 'CREATE', edgeTemplate, {}))
    expect(first.CertificateArn).toMatch(/^arn:aws:acm:ap-northeast-1:123456789012:certificate\/[0-9a-f-]{36}$/)
    expect(first.OacId).toMatch(/^E[A-Z0-9]{13}$/)
    expect(first.VpcOriginId).toMatch(/^E[A-Z0-9]{13}$/)
    // the pattern CloudFormation checks a distribution's FunctionAssociations against
    expect(first.FunctionArn).toMatch(/^arn:aws:cloudfront::[0-9]{12}:function\/[a-zA-Z0-9-_]{1,64}$/)
    expect(first.FunctionRef).toBe(first.FunctionArn)
    expect(first.AclArn).toMatch(/^arn:aws:wafv2:us-east-1:123456789012:global\/webacl\/edge-acl\/[0-9a-f-]{36}$/)
    expect(first.DistributionId).toMatch(/^E[A-Z0-9]{13}$/)
    expect(first.DistributionDomain).toMatch(/^d[0-9a-f]{13}\.cloudfront\.net$/)
    expect(first.AlarmName).toBe('cpu-high')
    expect(first.MonitorId).toMatch(/^\d+$/)

    // the same stack made again gives the same ids (snapshots and repeated runs agree)
    await moto.aws().reset()
    const second = outputs(await moto.deploy('edge', 'CREATE', edgeTemplate, {}))
    expect(second).toEqual(first)
  })

  it('store a certificate in ACM too, so an HTTPS listener accepts it', async () => {
    // stock moto: "Supplied certificate was not found"
    const template = JSON.stringify({
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {
        ...loadBalancerResources,
        Certificate: {Type: 'AWS::CertificateManager::Certificate', Properties: {DomainName: 'example.com', ValidationMethod: 'DNS'}},
        Https: {
          Type: 'AWS::ElasticLoadBalancingV2::Listener',
          Properties: {
            LoadBalancerArn: {Ref: 'Alb'},
            Port: 443,
            Protocol: 'HTTPS',
            Certificates: [{CertificateArn: {Ref: 'Certificate'}}],
            DefaultActions: [{Type: 'forward', TargetGroupArn: {Ref: 'Targets'}}],
          },
        },
      },
      Outputs: {ListenerArn: {Value: {Ref: 'Https'}}},
    })
    const stack = await moto.deploy('edge', 'CREATE', template, {})
    expect(stack.StackStatus).toBe('CREATE_COMPLETE')
    expect(outputs(stack).ListenerArn).toMatch(/:listener\/app\/web\//)
  })
})
