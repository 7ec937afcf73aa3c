import {describe, expect, it} from 'vitest'
import {renderNetworkStack, servicePortRanges} from '../../src/templates/network.js'
import type {CfnResource} from '../../src/lib/stacks/types.js'
import {manyServicesEnv, minimalEnv, prodEnv} from '../helpers/env.js'

function ofType(resources: Record<string, CfnResource>, type: string): Record<string, CfnResource> {
  return Object.fromEntries(Object.entries(resources).filter(([, r]) => r.Type === type))
}

describe('network stack (design row 4 VPC, row 15 security groups)', () => {
  const stack = renderNetworkStack(prodEnv())
  const resources = stack.template.Resources

  it('is the VPC 10.0.0.0/16 in the project region, with DNS for private endpoints', () => {
    expect(stack.name).toBe('bookmark-manager-prod-network')
    expect(stack.region).toBe('ap-northeast-1')
    expect(resources.Vpc.Properties).toMatchObject({CidrBlock: '10.0.0.0/16', EnableDnsHostnames: true, EnableDnsSupport: true})
  })

  it('has public 10.0.1.0/24 + 10.0.2.0/24 and private 10.0.11.0/24 + 10.0.12.0/24 in two different AZs', () => {
    const subnets = ofType(resources, 'AWS::EC2::Subnet')
    expect(Object.keys(subnets).sort()).toEqual(['PrivateSubnetA', 'PrivateSubnetB', 'PublicSubnetA', 'PublicSubnetB'])
    expect(subnets.PublicSubnetA.Properties).toMatchObject({CidrBlock: '10.0.1.0/24', AvailabilityZone: {'Fn::Select': [0, {'Fn::GetAZs': ''}]}})
    expect(subnets.PublicSubnetB.Properties).toMatchObject({CidrBlock: '10.0.2.0/24', AvailabilityZone: {'Fn::Select': [1, {'Fn::GetAZs': ''}]}})
    expect(subnets.PrivateSubnetA.Properties).toMatchObject({CidrBlock: '10.0.11.0/24', AvailabilityZone: {'Fn::Select': [0, {'Fn::GetAZs': ''}]}})
    expect(subnets.PrivateSubnetB.Properties).toMatchObject({CidrBlock: '10.0.12.0/24', AvailabilityZone: {'Fn::Select': [1, {'Fn::GetAZs': ''}]}})
  })

  it('routes public subnets through the IGW and both private route tables through the one NAT gateway', () => {
    expect(Object.keys(ofType(resources, 'AWS::EC2::InternetGateway'))).toEqual(['InternetGateway'])
    expect(resources.PublicDefaultRoute.Properties).toMatchObject({DestinationCidrBlock: '0.0.0.0/0', GatewayId: {Ref: 'InternetGateway'}})
    expect(Object.keys(ofType(resources, 'AWS::EC2::NatGateway'))).toEqual(['NatGatewayA'])
    expect(Object.keys(ofType(resources, 'AWS::EC2::EIP'))).toEqual(['NatEipA'])
    expect(resources.NatGatewayA.Properties).toMatchObject({SubnetId: {Ref: 'PublicSubnetA'}})
    expect(resources.PrivateDefaultRouteA.Properties).toMatchObject({RouteTableId: {Ref: 'PrivateRouteTableA'}, NatGatewayId: {Ref: 'NatGatewayA'}})
    expect(resources.PrivateDefaultRouteB.Properties).toMatchObject({RouteTableId: {Ref: 'PrivateRouteTableB'}, NatGatewayId: {Ref: 'NatGatewayA'}})
  })

  it('puts one NAT gateway per AZ when natGateways equals the AZ count, and none (no default route) for 0', () => {
    const perAz = renderNetworkStack(prodEnv({network: {...prodEnv().network, natGateways: 2}})).template.Resources
    expect(Object.keys(ofType(perAz, 'AWS::EC2::NatGateway')).sort()).toEqual(['NatGatewayA', 'NatGatewayB'])
    expect(perAz.PrivateDefaultRouteB.Properties).toMatchObject({NatGatewayId: {Ref: 'NatGatewayB'}})
    const none = renderNetworkStack(minimalEnv()).template.Resources
    expect(ofType(none, 'AWS::EC2::NatGateway')).toEqual({})
    expect(Object.values(ofType(none, 'AWS::EC2::Route')).map((r) => r.Properties?.GatewayId)).toEqual([{Ref: 'InternetGateway'}])
  })

  it('has the S3 gateway endpoint on the private route tables and ECR api+dkr and Logs interface endpoints', () => {
    const endpoints = ofType(resources, 'AWS::EC2::VPCEndpoint')
    const services = Object.values(endpoints).map((e) => [(e.Properties!.ServiceName as {'Fn::Sub': string})['Fn::Sub'], e.Properties!.VpcEndpointType])
    expect(services.sort()).toEqual([
      ['com.amazonaws.${AWS::Region}.ecr.api', 'Interface'],
      ['com.amazonaws.${AWS::Region}.ecr.dkr', 'Interface'],
      ['com.amazonaws.${AWS::Region}.logs', 'Interface'],
      ['com.amazonaws.${AWS::Region}.s3', 'Gateway'],
    ])
    expect(endpoints.S3GatewayEndpoint.Properties!.RouteTableIds).toEqual([{Ref: 'PrivateRouteTableA'}, {Ref: 'PrivateRouteTableB'}])
    for (const id of ['EcrApiEndpoint', 'EcrDkrEndpoint', 'LogsEndpoint']) {
      expect(endpoints[id].Properties).toMatchObject({PrivateDnsEnabled: true, SubnetIds: [{Ref: 'PrivateSubnetA'}, {Ref: 'PrivateSubnetB'}], SecurityGroupIds: [{Ref: 'EndpointSecurityGroup'}]})
    }
    expect(resources.EndpointSecurityGroup.Properties!.SecurityGroupIngress).toEqual([
      expect.objectContaining({IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: {'Fn::GetAtt': ['Vpc', 'CidrBlock']}}),
    ])
  })

  it('adds ssm and secretsmanager endpoints when configured', () => {
    const env = prodEnv({network: {...prodEnv().network, vpcEndpoints: ['s3', 'ecr', 'logs', 'ssm', 'secretsmanager']}})
    const ids = Object.keys(ofType(renderNetworkStack(env).template.Resources, 'AWS::EC2::VPCEndpoint')).sort()
    expect(ids).toEqual(['EcrApiEndpoint', 'EcrDkrEndpoint', 'LogsEndpoint', 'S3GatewayEndpoint', 'SecretsManagerEndpoint', 'SsmEndpoint'])
  })

  it('logs all VPC traffic to a log group with the configured retention', () => {
    expect(resources.FlowLog.Properties).toMatchObject({ResourceType: 'VPC', ResourceId: {Ref: 'Vpc'}, TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs'})
    expect(resources.FlowLogGroup.Properties).toMatchObject({LogGroupName: '/vpc/bookmark-manager-prod/flow-logs', RetentionInDays: 30})
    const trust = (resources.FlowLogRole.Properties!.AssumeRolePolicyDocument as {Statement: Array<{Principal: unknown}>}).Statement[0]
    expect(trust.Principal).toEqual({Service: 'vpc-flow-logs.amazonaws.com'})
    expect(renderNetworkStack(minimalEnv()).template.Resources.FlowLog).toBeUndefined()
  })

  it("lets the ALB in from CloudFront's origin-facing prefix list only, on the VPC origin's one port (443 with a domain), and out only to the Service SG on 3000-3001", () => {
    const alb = resources.AlbSecurityGroup.Properties!
    expect(alb.SecurityGroupIngress).toEqual([{IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourcePrefixListId: {Ref: 'CloudFrontOriginFacingPrefixListId'}, Description: 'Port 443 from CloudFront (VPC origin, https-only)'}])
    // Not the VPC (any task in it could skip CloudFront and the WAF), not the internet.
    expect(JSON.stringify(alb.SecurityGroupIngress)).not.toMatch(/CidrIp|SourceSecurityGroupId/)
    // The list's id differs per region: the deploy looks it up by name.
    expect(stack.template.Parameters!.CloudFrontOriginFacingPrefixListId).toMatchObject({Type: 'String'})
    expect(stack.parameters.CloudFrontOriginFacingPrefixListId).toEqual({from: 'prefix-list', name: 'com.amazonaws.global.cloudfront.origin-facing'})
    // The inline egress replaces AWS's default allow-all with a rule that matches nothing.
    expect(alb.SecurityGroupEgress).toEqual([expect.objectContaining({CidrIp: '255.255.255.255/32', IpProtocol: 'icmp'})])
    const albEgress = Object.values(ofType(resources, 'AWS::EC2::SecurityGroupEgress')).filter((r) => JSON.stringify(r.Properties!.GroupId).includes('AlbSecurityGroup'))
    expect(albEgress.map((r) => r.Properties)).toEqual([
      expect.objectContaining({IpProtocol: 'tcp', FromPort: 3000, ToPort: 3001, DestinationSecurityGroupId: {'Fn::GetAtt': ['ServiceSecurityGroup', 'GroupId']}}),
    ])
  })

  it('admits CloudFront on port 80 instead when there is no domain (the VPC origin is http-only)', () => {
    const env = prodEnv({domain: undefined})
    expect(renderNetworkStack(env).template.Resources.AlbSecurityGroup.Properties!.SecurityGroupIngress).toEqual([expect.objectContaining({FromPort: 80, ToPort: 80, SourcePrefixListId: {Ref: 'CloudFrontOriginFacingPrefixListId'}})])
  })

  it("stays within a security group's 60 inbound rules, where a prefix list weighs its 55 entries (AWS's published weight)", () => {
    const PREFIX_LIST_WEIGHT = 55
    for (const env of [prodEnv(), prodEnv({domain: undefined}), minimalEnv(), manyServicesEnv(60)]) {
      const ingress = renderNetworkStack(env).template.Resources.AlbSecurityGroup.Properties!.SecurityGroupIngress as Array<Record<string, unknown>>
      const weight = ingress.reduce((sum, rule) => sum + (rule.SourcePrefixListId ? PREFIX_LIST_WEIGHT : 1), 0)
      expect(weight).toBeLessThanOrEqual(60)
    }
  })

  it('lets the services in on 3000-3001 from the ALB SG only, and out on 443, to Atlas on 27017 and to the database on 5432', () => {
    expect(resources.ServiceSecurityGroup.Properties!.SecurityGroupIngress).toBeUndefined()
    const ingress = Object.values(ofType(resources, 'AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties)
    expect(ingress).toEqual([
      expect.objectContaining({GroupId: {'Fn::GetAtt': ['ServiceSecurityGroup', 'GroupId']}, FromPort: 3000, ToPort: 3001, SourceSecurityGroupId: {'Fn::GetAtt': ['AlbSecurityGroup', 'GroupId']}}),
    ])
    expect(resources.ServiceSecurityGroup.Properties!.SecurityGroupEgress).toEqual([
      expect.objectContaining({FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0'}),
      expect.objectContaining({FromPort: 27017, ToPort: 27017, CidrIp: '0.0.0.0/0', Description: 'MongoDB Atlas'}),
    ])
    const noMongo = renderNetworkStack(minimalEnv()).template.Resources.ServiceSecurityGroup.Properties!
    expect(noMongo.SecurityGroupEgress).toEqual([expect.objectContaining({FromPort: 443, ToPort: 443})])
    expect(resources.ServiceToDatabaseEgress.Properties).toMatchObject({FromPort: 5432, ToPort: 5432, DestinationSecurityGroupId: {'Fn::GetAtt': ['DatabaseSecurityGroup', 'GroupId']}})
  })

  it('lets the database in on 5432 from the Service SG only, with no other rule', () => {
    const db = resources.DatabaseSecurityGroup.Properties!
    expect(db.SecurityGroupIngress).toEqual([
      expect.objectContaining({IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: {'Fn::GetAtt': ['ServiceSecurityGroup', 'GroupId']}}),
    ])
    const extraDbIngress = Object.values(ofType(resources, 'AWS::EC2::SecurityGroupIngress')).filter((r) => JSON.stringify(r.Properties!.GroupId).includes('DatabaseSecurityGroup'))
    expect(extraDbIngress).toEqual([])
  })

  it('outputs exactly the contract names, lists comma-joined', () => {
    expect(Object.keys(stack.template.Outputs!).sort()).toEqual([
      'AlbSecurityGroupId', 'DatabaseSecurityGroupId', 'NatPublicIps', 'PrivateSubnetIds', 'PublicSubnetIds', 'ServiceSecurityGroupId', 'VpcCidr', 'VpcId',
    ])
    expect(stack.template.Outputs!.PrivateSubnetIds.Value).toEqual({'Fn::Join': [',', [{Ref: 'PrivateSubnetA'}, {Ref: 'PrivateSubnetB'}]]})
  })

  it("exports the NAT gateways' public IPs for allow-lists such as MongoDB Atlas's (issue 10 item 12), and none without NAT", () => {
    expect(stack.template.Outputs!.NatPublicIps.Value).toEqual({'Fn::Join': [',', [{Ref: 'NatEipA'}]]})
    const noNat = renderNetworkStack(prodEnv({network: {...prodEnv().network, natGateways: 0, vpcEndpoints: ['s3', 'ecr', 'logs', 'ssm']}}))
    expect(noNat.template.Outputs!.NatPublicIps).toBeUndefined()
  })

  it('uses explicit subnets from config when given', () => {
    const env = prodEnv({network: {...prodEnv().network, publicSubnets: ['10.0.100.0/24', '10.0.101.0/24'], privateSubnets: ['10.0.200.0/23', '10.0.202.0/23']}})
    const r = renderNetworkStack(env).template.Resources
    expect([r.PublicSubnetA, r.PublicSubnetB, r.PrivateSubnetA, r.PrivateSubnetB].map((s) => s.Properties!.CidrBlock)).toEqual(['10.0.100.0/24', '10.0.101.0/24', '10.0.200.0/23', '10.0.202.0/23'])
  })

  it('merges service ports into contiguous ranges (60 services on 3000-3059 are one rule)', () => {
    expect(servicePortRanges(manyServicesEnv(60))).toEqual([{from: 3000, to: 3059}])
    const env = prodEnv()
    env.services = {...env.services, admin: {...env.services.web, port: 8080}, metrics: {...env.services.web, port: 9090}}
    expect(servicePortRanges(env)).toEqual([{from: 3000, to: 3001}, {from: 8080, to: 8080}, {from: 9090, to: 9090}])
  })

  it('describes and tags every resource', () => {
    for (const [id, resource] of Object.entries(resources)) {
      expect((resource.Metadata as Record<string, string>)['platform:description'], id).toMatch(/\S/)
    }
    expect(resources.Vpc.Properties!.Tags).toEqual([
      {Key: 'Name', Value: 'bookmark-manager-prod'},
      {Key: 'environment', Value: 'prod'},
      {Key: 'managed-by', Value: 'platform'},
      {Key: 'project', Value: 'bookmark-manager'},
    ])
  })
})
