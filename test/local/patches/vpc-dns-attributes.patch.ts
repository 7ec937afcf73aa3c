/** local/patches/vpc_dns_attributes.py: a CloudFormation VPC keeps EnableDnsHostnames, so awsvpc tasks start in it. */
import {DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand} from '@aws-sdk/client-ecs'
import {describe, expect, it} from 'vitest'
import {usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

const template = JSON.stringify({
  AWSTemplateFormatVersion: '2010-09-09',
  Resources: {
    Vpc: {Type: 'AWS::EC2::VPC', Properties: {CidrBlock: '10.0.0.0/16', EnableDnsHostnames: true, EnableDnsSupport: true}},
    Subnet: {Type: 'AWS::EC2::Subnet', Properties: {VpcId: {Ref: 'Vpc'}, CidrBlock: '10.0.11.0/24', AvailabilityZone: 'ap-northeast-1a'}},
    Tasks: {Type: 'AWS::EC2::SecurityGroup', Properties: {GroupDescription: 'tasks', VpcId: {Ref: 'Vpc'}}},
    Cluster: {Type: 'AWS::ECS::Cluster', Properties: {ClusterName: 'private'}},
    Task: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
        Family: 'private-web',
        Cpu: '256',
        Memory: '512',
        NetworkMode: 'awsvpc',
        RequiresCompatibilities: ['FARGATE'],
        ContainerDefinitions: [{Name: 'web', Image: 'app:1', Essential: true, PortMappings: [{ContainerPort: 3000}]}],
      },
    },
    Service: {
      Type: 'AWS::ECS::Service',
      Properties: {
        Cluster: {Ref: 'Cluster'},
        ServiceName: 'web',
        TaskDefinition: {Ref: 'Task'},
        DesiredCount: 2,
        LaunchType: 'FARGATE',
        NetworkConfiguration: {AwsvpcConfiguration: {AssignPublicIp: 'DISABLED', Subnets: [{Ref: 'Subnet'}], SecurityGroups: [{'Fn::GetAtt': ['Tasks', 'GroupId']}]}},
      },
    },
  },
})

describe('a VPC made by CloudFormation', () => {
  it('keeps DNS hostnames on, so a service starts its awsvpc tasks there with private DNS names', async () => {
    // stock moto: CREATE fails with "'NetworkInterface' object has no attribute 'private_dns_name'"
    const stack = await moto.deploy('private-web', 'CREATE', template, {})
    expect(stack.StackStatus).toBe('CREATE_COMPLETE')
    const service = (await moto.ecs().send(new DescribeServicesCommand({cluster: 'private', services: ['web']}))).services![0]
    expect(service.desiredCount).toBe(2)
    const taskArns = (await moto.ecs().send(new ListTasksCommand({cluster: 'private', serviceName: 'web'}))).taskArns ?? []
    expect(taskArns.length).toBeGreaterThan(0)
    const tasks = (await moto.ecs().send(new DescribeTasksCommand({cluster: 'private', tasks: taskArns}))).tasks ?? []
    const dnsNames = tasks.flatMap((t) => t.attachments?.flatMap((a) => a.details?.filter((d) => d.name === 'privateDnsName').map((d) => d.value) ?? []) ?? [])
    expect(dnsNames.length).toBe(tasks.length)
    for (const name of dnsNames) expect(name).toMatch(/^ip-\d+-\d+-\d+-\d+\./)
  })
})
