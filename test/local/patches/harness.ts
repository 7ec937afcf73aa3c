/**
 * What the tests of local/patches/ share: one patched moto for all of them (emptied before each
 * test), SDK clients on it, and the change-set round trip deploy uses. The `*.patch.ts` files are
 * run by test/local/moto-patches.test.ts, one process and one moto start for all (a moto start
 * per file costs seconds of CPU each on a shared machine).
 *
 *   const moto = usePatchedMoto()   // the first call registers beforeAll/beforeEach/afterAll
 *   const stack = await moto.deploy('app', 'CREATE', template, {Env: 'dev'})
 */
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  type CreateChangeSetCommandInput,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation'
import {ECSClient} from '@aws-sdk/client-ecs'
import {RDSClient} from '@aws-sdk/client-rds'
import {afterAll, beforeAll, beforeEach, expect} from 'vitest'
import {type LocalAws, startLocalAws} from '../../helpers/local-aws.js'

export const region = 'ap-northeast-1'

export interface PatchedMoto {
  aws(): LocalAws
  cfn(): CloudFormationClient
  rds(): RDSClient
  ecs(): ECSClient
  /** CreateChangeSet (a fresh name each call), then DescribeChangeSet. */
  changeSet(input: Omit<CreateChangeSetCommandInput, 'ChangeSetName'>): Promise<{id: string; described: Awaited<ReturnType<typeof describeChangeSet>>}>
  /** A change set that must be executable, executed; returns the stack after. */
  deploy(stackName: string, type: 'CREATE' | 'UPDATE', template: string, parameters: Record<string, string>): Promise<Stack>
  describeStack(stackName: string): Promise<Stack>
}

async function describeChangeSet(cfn: CloudFormationClient, id: string) {
  return cfn.send(new DescribeChangeSetCommand({ChangeSetName: id}))
}

let shared: PatchedMoto | undefined

export function usePatchedMoto(): PatchedMoto {
  shared ??= startPatchedMoto()
  return shared
}

function startPatchedMoto(): PatchedMoto {
  let aws: LocalAws | undefined
  let cfn: CloudFormationClient | undefined
  let rds: RDSClient | undefined
  let ecs: ECSClient | undefined
  let counter = 0

  beforeAll(async () => {
    aws = await startLocalAws()
    const config = {region, endpoint: aws.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}, maxAttempts: 1}
    cfn = new CloudFormationClient(config)
    rds = new RDSClient(config)
    ecs = new ECSClient(config)
  })
  afterAll(async () => {
    cfn?.destroy()
    rds?.destroy()
    ecs?.destroy()
    await aws?.stop()
  })
  beforeEach(() => aws!.reset())

  const moto: PatchedMoto = {
    aws: () => aws!,
    cfn: () => cfn!,
    rds: () => rds!,
    ecs: () => ecs!,
    async changeSet(input) {
      const created = await cfn!.send(new CreateChangeSetCommand({...input, ChangeSetName: `cs-${++counter}`}))
      return {id: created.Id!, described: await describeChangeSet(cfn!, created.Id!)}
    },
    async deploy(stackName, type, template, parameters) {
      const {id, described} = await moto.changeSet({StackName: stackName, ChangeSetType: type, TemplateBody: template, Parameters: toParameters(parameters)})
      expect(described.Status).toBe('CREATE_COMPLETE')
      await cfn!.send(new ExecuteChangeSetCommand({ChangeSetName: id}))
      return moto.describeStack(stackName)
    },
    async describeStack(stackName) {
      const out = await cfn!.send(new DescribeStacksCommand({StackName: stackName}))
      return out.Stacks![0]
    },
  }
  return moto
}

export function toParameters(parameters: Record<string, string>) {
  return Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({ParameterKey, ParameterValue}))
}

export function outputs(stack: Stack): Record<string, string> {
  return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]))
}

/** A template with a parameter, a real resource, and exported outputs that read both. */
export function topicTemplate(extraOutputs: Record<string, unknown> = {}): string {
  return JSON.stringify({
    AWSTemplateFormatVersion: '2010-09-09',
    Parameters: {Env: {Type: 'String'}, Size: {Type: 'Number', Default: '1'}},
    Resources: {Topic: {Type: 'AWS::SNS::Topic', Properties: {DisplayName: {'Fn::Sub': 'topic-${Env}'}}}},
    Outputs: {
      TopicArn: {Value: {Ref: 'Topic'}, Export: {Name: {'Fn::Sub': '${AWS::StackName}-TopicArn'}}},
      EnvName: {Value: {Ref: 'Env'}, Export: {Name: {'Fn::Sub': '${AWS::StackName}-Env'}}},
      ...extraOutputs,
    },
  })
}

/** A Fargate service whose task definition takes the image from a parameter. */
export const serviceTemplate = JSON.stringify({
  AWSTemplateFormatVersion: '2010-09-09',
  Parameters: {Image: {Type: 'String'}},
  Resources: {
    Cluster: {Type: 'AWS::ECS::Cluster', Properties: {ClusterName: 'apps'}},
    Task: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
        Family: 'web',
        Cpu: '512',
        Memory: '1024',
        NetworkMode: 'awsvpc',
        RequiresCompatibilities: ['FARGATE'],
        ContainerDefinitions: [{Name: 'web', Image: {Ref: 'Image'}, Essential: true, PortMappings: [{ContainerPort: 3000}]}],
      },
    },
    Service: {Type: 'AWS::ECS::Service', Properties: {Cluster: {Ref: 'Cluster'}, ServiceName: 'web', TaskDefinition: {Ref: 'Task'}, DesiredCount: 2, LaunchType: 'FARGATE'}},
  },
  Outputs: {TaskDefinitionArn: {Value: {Ref: 'Task'}}},
})

/** Two resources, the second outside the first's CIDR, which moto rejects at execution. */
export const failingNetworkResources = {
  Vpc: {Type: 'AWS::EC2::VPC', Properties: {CidrBlock: '10.0.0.0/16'}},
  Subnet: {Type: 'AWS::EC2::Subnet', Properties: {VpcId: {Ref: 'Vpc'}, CidrBlock: '192.168.0.0/24'}},
}

/** A VPC with two subnets, an application load balancer and a target group. */
export const loadBalancerResources = {
  Vpc: {Type: 'AWS::EC2::VPC', Properties: {CidrBlock: '10.0.0.0/16'}},
  SubnetA: {Type: 'AWS::EC2::Subnet', Properties: {VpcId: {Ref: 'Vpc'}, CidrBlock: '10.0.0.0/24', AvailabilityZone: 'ap-northeast-1a'}},
  SubnetC: {Type: 'AWS::EC2::Subnet', Properties: {VpcId: {Ref: 'Vpc'}, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'ap-northeast-1c'}},
  Alb: {Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {Name: 'web', Type: 'application', Subnets: [{Ref: 'SubnetA'}, {Ref: 'SubnetC'}]}},
  Targets: {Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: {Name: 'web', Port: 3000, Protocol: 'HTTP', TargetType: 'ip', VpcId: {Ref: 'Vpc'}}},
}
