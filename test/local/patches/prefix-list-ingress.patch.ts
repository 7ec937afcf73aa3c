/** local/patches/prefix_list_ingress.py: a CloudFormation security group keeps its inline rules from a managed prefix list. */
import {DescribeManagedPrefixListsCommand, DescribeSecurityGroupsCommand, EC2Client} from '@aws-sdk/client-ec2'
import {afterAll, describe, expect, it} from 'vitest'
import {outputs, region, usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()
let client: EC2Client | undefined
const ec2 = () => (client ??= new EC2Client({region, endpoint: moto.aws().endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}, maxAttempts: 1}))
afterAll(() => client?.destroy())

const template = JSON.stringify({
  AWSTemplateFormatVersion: '2010-09-09',
  Parameters: {PrefixListId: {Type: 'String'}},
  Resources: {
    Vpc: {Type: 'AWS::EC2::VPC', Properties: {CidrBlock: '10.0.0.0/16'}},
    Alb: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'alb',
        VpcId: {Ref: 'Vpc'},
        SecurityGroupIngress: [{IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourcePrefixListId: {Ref: 'PrefixListId'}, Description: 'CloudFront'}],
      },
    },
  },
  Outputs: {GroupId: {Value: {'Fn::GetAtt': ['Alb', 'GroupId']}}},
})

async function cloudFrontPrefixList(): Promise<string> {
  const out = await ec2().send(new DescribeManagedPrefixListsCommand({Filters: [{Name: 'prefix-list-name', Values: ['com.amazonaws.global.cloudfront.origin-facing']}]}))
  expect(out.PrefixLists).toHaveLength(1)
  return out.PrefixLists![0].PrefixListId!
}

describe('a security group rule from a managed prefix list, made by CloudFormation', () => {
  it('is kept with its prefix list, and nothing else is admitted', async () => {
    // stock moto: the group is created with no ingress rule at all
    const prefixListId = await cloudFrontPrefixList()
    const stack = await moto.deploy('edge', 'CREATE', template, {PrefixListId: prefixListId})
    expect(stack.StackStatus).toBe('CREATE_COMPLETE')
    const group = (await ec2().send(new DescribeSecurityGroupsCommand({GroupIds: [outputs(stack).GroupId]}))).SecurityGroups![0]
    expect(group.IpPermissions).toEqual([expect.objectContaining({IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [expect.objectContaining({PrefixListId: prefixListId})], IpRanges: []})])
  })

  it('fails the resource when the prefix list does not exist in the region', async () => {
    const stack = await moto.deploy('edge', 'CREATE', template, {PrefixListId: 'pl-00000000'})
    expect(stack.StackStatus).toBe('ROLLBACK_COMPLETE')
    expect(stack.StackStatusReason).toContain("The prefix list ID 'pl-00000000' does not exist")
  })
})
