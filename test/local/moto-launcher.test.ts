/**
 * The patched moto launcher (local/moto_server_5_2_1.py): each patch in local/README.md is checked
 * here against the real server, through the SDK, as deploy uses it.
 */
import {execFile} from 'node:child_process'
import {mkdtemp, mkdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  type CreateChangeSetCommandInput,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListChangeSetsCommand,
  ListExportsCommand,
  type Stack,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation'
import {DescribeDBClustersCommand, DescribeDBEngineVersionsCommand, DescribeDBInstancesCommand, RDSClient} from '@aws-sdk/client-rds'
import {DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, UpdateServiceCommand, waitUntilServicesStable} from '@aws-sdk/client-ecs'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {launcherPath, pythonCommand} from '../../src/lib/local/processes.js'
import {type LocalAws, startLocalAws} from '../helpers/local-aws.js'

const execFileAsync = promisify(execFile)
const region = 'ap-northeast-1'

let aws: LocalAws
let cfn: CloudFormationClient
let rds: RDSClient
let ecs: ECSClient

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
beforeEach(() => aws.reset())

/** A template with a parameter, a real resource, and outputs that read both. */
function topicTemplate(extraOutputs: Record<string, unknown> = {}): string {
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

let counter = 0
async function changeSet(input: Omit<CreateChangeSetCommandInput, 'ChangeSetName'>) {
  const created = await cfn.send(new CreateChangeSetCommand({...input, ChangeSetName: `cs-${++counter}`}))
  const described = await cfn.send(new DescribeChangeSetCommand({ChangeSetName: created.Id}))
  return {id: created.Id!, described}
}

async function deploy(stackName: string, type: 'CREATE' | 'UPDATE', template: string, parameters: Record<string, string>) {
  const {id, described} = await changeSet({
    StackName: stackName,
    ChangeSetType: type,
    TemplateBody: template,
    Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({ParameterKey, ParameterValue})),
  })
  expect(described.Status).toBe('CREATE_COMPLETE')
  await cfn.send(new ExecuteChangeSetCommand({ChangeSetName: id}))
  return describeStack(stackName)
}

async function describeStack(stackName: string): Promise<Stack> {
  const out = await cfn.send(new DescribeStacksCommand({StackName: stackName}))
  return out.Stacks![0]
}

function outputs(stack: Stack): Record<string, string> {
  return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]))
}

describe('change sets: create, update, no-op with parameters and outputs', () => {
  it('builds Outputs and Exports after executing a CREATE and an UPDATE change set, and calls a repeat empty', async () => {
    // GIVEN a stack created through a change set with a parameter
    const created = await deploy('app', 'CREATE', topicTemplate(), {Env: 'dev'})
    expect(created.StackStatus).toBe('CREATE_COMPLETE')
    expect(outputs(created).EnvName).toBe('dev')
    expect(outputs(created).TopicArn).toMatch(/^arn:aws:sns:ap-northeast-1:123456789012:/)

    // WHEN the parameter changes
    const update = await changeSet({StackName: 'app', ChangeSetType: 'UPDATE', TemplateBody: topicTemplate(), Parameters: [{ParameterKey: 'Env', ParameterValue: 'prod'}]})
    // THEN the resource that reads it is listed as modified (stock moto listed nothing)
    expect(update.described.Changes?.map((c) => [c.ResourceChange?.Action, c.ResourceChange?.LogicalResourceId])).toEqual([['Modify', 'Topic']])
    await cfn.send(new ExecuteChangeSetCommand({ChangeSetName: update.id}))
    const updated = await describeStack('app')
    expect(updated.StackStatus).toBe('UPDATE_COMPLETE')
    expect(outputs(updated).EnvName).toBe('prod')
    expect(updated.Parameters).toContainEqual({ParameterKey: 'Env', ParameterValue: 'prod'})
    const exports = await cfn.send(new ListExportsCommand({}))
    expect(exports.Exports?.find((e) => e.Name === 'app-Env')?.Value).toBe('prod')

    // AND the same input again makes a FAILED change set with AWS's reason (not "No updates are to be performed.")
    const noop = await changeSet({StackName: 'app', ChangeSetType: 'UPDATE', TemplateBody: topicTemplate(), Parameters: [{ParameterKey: 'Env', ParameterValue: 'prod'}]})
    expect(noop.described.Status).toBe('FAILED')
    expect(noop.described.StatusReason).toBe("The submitted information didn't contain changes. Submit different information to create a change set.")

    // AND UsePreviousValue counts as the same value
    const previous = await changeSet({StackName: 'app', ChangeSetType: 'UPDATE', TemplateBody: topicTemplate(), Parameters: [{ParameterKey: 'Env', UsePreviousValue: true}, {ParameterKey: 'Size', UsePreviousValue: true}]})
    expect(previous.described.Status).toBe('FAILED')
  })

  it('adds an output on update and executes a tags-only change', async () => {
    await deploy('app', 'CREATE', topicTemplate(), {Env: 'dev'})
    const withMore = await deploy('app', 'UPDATE', topicTemplate({Extra: {Value: {'Fn::Join': ['-', [{Ref: 'Env'}, 'x']]}}}), {Env: 'dev'})
    expect(outputs(withMore).Extra).toBe('dev-x')

    const tagged = await changeSet({StackName: 'app', ChangeSetType: 'UPDATE', TemplateBody: topicTemplate({Extra: {Value: {'Fn::Join': ['-', [{Ref: 'Env'}, 'x']]}}}), Parameters: [{ParameterKey: 'Env', ParameterValue: 'dev'}], Tags: [{Key: 'team', Value: 'web'}]})
    expect(tagged.described.Status).toBe('CREATE_COMPLETE')
    await cfn.send(new ExecuteChangeSetCommand({ChangeSetName: tagged.id}))
    expect((await describeStack('app')).Tags).toEqual([{Key: 'team', Value: 'web'}])
  })

  it('refuses missing and unknown parameters at CreateChangeSet, as AWS does', async () => {
    await expect(changeSet({StackName: 'app', ChangeSetType: 'CREATE', TemplateBody: topicTemplate(), Parameters: []})).rejects.toThrow('Parameters: [Env] must have values')
    await expect(
      changeSet({StackName: 'app', ChangeSetType: 'CREATE', TemplateBody: topicTemplate(), Parameters: [{ParameterKey: 'Env', ParameterValue: 'x'}, {ParameterKey: 'Nope', ParameterValue: 'y'}]}),
    ).rejects.toThrow('Parameters: [Nope] do not exist in the template')
  })

  it('lists only the named stack\'s change sets, and drops the others once one is executed', async () => {
    await deploy('one', 'CREATE', topicTemplate(), {Env: 'a'})
    await deploy('two', 'CREATE', topicTemplate(), {Env: 'b'})
    const pending = await changeSet({StackName: 'one', ChangeSetType: 'UPDATE', TemplateBody: topicTemplate(), Parameters: [{ParameterKey: 'Env', ParameterValue: 'c'}]})
    const listed = await cfn.send(new ListChangeSetsCommand({StackName: 'one'}))
    expect(listed.Summaries?.map((c) => c.StackName)).toEqual(['one', 'one'])
    await cfn.send(new ExecuteChangeSetCommand({ChangeSetName: pending.id}))
    expect((await cfn.send(new ListChangeSetsCommand({StackName: 'one'}))).Summaries?.map((c) => c.ChangeSetId)).toEqual([pending.id])
  })

  it('refuses a CREATE change set for a stack that exists', async () => {
    await deploy('app', 'CREATE', topicTemplate(), {Env: 'dev'})
    await expect(changeSet({StackName: 'app', ChangeSetType: 'CREATE', TemplateBody: topicTemplate(), Parameters: [{ParameterKey: 'Env', ParameterValue: 'dev'}]})).rejects.toMatchObject({
      name: 'AlreadyExistsException',
    })
  })
})

describe('placeholders for types moto does not model', () => {
  const edgeTemplate = JSON.stringify({
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      Certificate: {Type: 'AWS::CertificateManager::Certificate', Properties: {DomainName: 'example.com', ValidationMethod: 'DNS'}},
      Oac: {Type: 'AWS::CloudFront::OriginAccessControl', Properties: {OriginAccessControlConfig: {Name: 'oac'}}},
      Acl: {Type: 'AWS::WAFv2::WebACL', Properties: {Name: 'edge-acl', Scope: 'CLOUDFRONT', DefaultAction: {Allow: {}}}},
      Cdn: {Type: 'AWS::CloudFront::Distribution', Properties: {DistributionConfig: {WebACLId: {'Fn::GetAtt': ['Acl', 'Arn']}, Enabled: true}}},
      Alarm: {Type: 'AWS::CloudWatch::Alarm', Properties: {AlarmName: 'cpu-high'}},
      Monitor: {Type: 'Datadog::Monitors::Monitor', Properties: {Name: 'errors'}},
    },
    Outputs: {
      CertificateArn: {Value: {Ref: 'Certificate'}},
      OacId: {Value: {'Fn::GetAtt': ['Oac', 'Id']}},
      AclArn: {Value: {'Fn::GetAtt': ['Acl', 'Arn']}},
      DistributionId: {Value: {Ref: 'Cdn'}},
      DistributionDomain: {Value: {'Fn::GetAtt': ['Cdn', 'DomainName']}},
      AlarmName: {Value: {Ref: 'Alarm'}},
      MonitorId: {Value: {Ref: 'Monitor'}},
    },
  })

  it('resolves Ref and Fn::GetAtt of ignored types to deterministic values in AWS formats', async () => {
    const first = outputs(await deploy('edge', 'CREATE', edgeTemplate, {}))
    expect(first.CertificateArn).toMatch(/^arn:aws:acm:ap-northeast-1:123456789012:certificate\/[0-9a-f-]{36}$/)
    expect(first.OacId).toMatch(/^E[A-Z0-9]{13}$/)
    expect(first.AclArn).toMatch(/^arn:aws:wafv2:us-east-1:123456789012:global\/webacl\/edge-acl\/[0-9a-f-]{36}$/)
    expect(first.DistributionId).toMatch(/^E[A-Z0-9]{13}$/)
    expect(first.DistributionDomain).toMatch(/^d[0-9a-f]{13}\.cloudfront\.net$/)
    expect(first.AlarmName).toBe('cpu-high')
    expect(first.MonitorId).toMatch(/^\d+$/)

    // The same stack made again gives the same ids (snapshots and repeated runs agree).
    await aws.reset()
    const second = outputs(await deploy('edge', 'CREATE', edgeTemplate, {}))
    expect(second).toEqual(first)
  })

  it('creates Aurora clusters and instances in moto RDS, with endpoint, port and secret attributes', async () => {
    const template = JSON.stringify({
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {
        Vpc: {Type: 'AWS::EC2::VPC', Properties: {CidrBlock: '10.0.0.0/16'}},
        SubnetA: {Type: 'AWS::EC2::Subnet', Properties: {VpcId: {Ref: 'Vpc'}, CidrBlock: '10.0.0.0/24', AvailabilityZone: 'ap-northeast-1a'}},
        SubnetC: {Type: 'AWS::EC2::Subnet', Properties: {VpcId: {Ref: 'Vpc'}, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'ap-northeast-1c'}},
        Subnets: {Type: 'AWS::RDS::DBSubnetGroup', Properties: {DBSubnetGroupDescription: 'db', SubnetIds: [{Ref: 'SubnetA'}, {Ref: 'SubnetC'}]}},
        Params: {Type: 'AWS::RDS::DBClusterParameterGroup', Properties: {Family: 'aurora-postgresql17', Description: 'p', Parameters: {}}},
        Cluster: {
          Type: 'AWS::RDS::DBCluster',
          DeletionPolicy: 'Snapshot',
          Properties: {
            Engine: 'aurora-postgresql',
            EngineVersion: '17.9',
            DatabaseName: 'bookmarkdb',
            MasterUsername: 'dbadmin',
            ManageMasterUserPassword: true,
            DBSubnetGroupName: {Ref: 'Subnets'},
            DBClusterParameterGroupName: {Ref: 'Params'},
            ServerlessV2ScalingConfiguration: {MinCapacity: 0.5, MaxCapacity: 16},
          },
        },
        Writer: {Type: 'AWS::RDS::DBInstance', Properties: {Engine: 'aurora-postgresql', DBClusterIdentifier: {Ref: 'Cluster'}, DBInstanceClass: 'db.serverless', DBSubnetGroupName: {Ref: 'Subnets'}}},
      },
      Outputs: {
        Endpoint: {Value: {'Fn::GetAtt': ['Cluster', 'Endpoint.Address']}},
        Port: {Value: {'Fn::GetAtt': ['Cluster', 'Endpoint.Port']}},
        SecretArn: {Value: {'Fn::GetAtt': ['Cluster', 'MasterUserSecret.SecretArn']}},
        ClusterId: {Value: {Ref: 'Cluster'}},
      },
    })
    const out = outputs(await deploy('data', 'CREATE', template, {}))
    expect(out.Endpoint).toMatch(new RegExp(`^${out.ClusterId}\\.cluster-[a-z0-9]+\\.ap-northeast-1\\.rds\\.amazonaws\\.com$`))
    expect(out.Port).toBe('5432')
    expect(out.SecretArn).toMatch(/^arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:/)

    const clusters = await rds.send(new DescribeDBClustersCommand({}))
    expect(clusters.DBClusters?.map((c) => [c.DBClusterIdentifier, c.Engine, c.DatabaseName])).toEqual([[out.ClusterId, 'aurora-postgresql', 'bookmarkdb']])
    const instances = await rds.send(new DescribeDBInstancesCommand({}))
    expect(instances.DBInstances?.[0]?.DBClusterIdentifier).toBe(out.ClusterId)
  })
})

describe('ECS rollouts', () => {
  const serviceTemplate = JSON.stringify({
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

  it('repoints the service at the new task definition revision, which keeps its containers, and reaches steady state', async () => {
    await deploy('web', 'CREATE', serviceTemplate, {Image: 'app:1'})
    // WHEN only the image changes
    const updated = outputs(await deploy('web', 'UPDATE', serviceTemplate, {Image: 'app:2'}))
    // THEN revision 2 carries the image, cpu and memory (stock moto registered empty containers)
    expect(updated.TaskDefinitionArn).toMatch(/task-definition\/web:2$/)
    const task = (await ecs.send(new DescribeTaskDefinitionCommand({taskDefinition: updated.TaskDefinitionArn}))).taskDefinition!
    expect({cpu: task.cpu, memory: task.memory, images: task.containerDefinitions?.map((c) => c.image)}).toEqual({cpu: '512', memory: '1024', images: ['app:2']})
    // AND the service runs it, steady (stock moto: still revision 1, runningCount 0, IN_PROGRESS)
    const service = (await ecs.send(new DescribeServicesCommand({cluster: 'apps', services: ['web']}))).services![0]
    expect(service.taskDefinition).toBe(updated.TaskDefinitionArn)
    expect(service.runningCount).toBe(2)
    expect(service.deployments?.map((d) => [d.status, d.rolloutState, d.taskDefinition])).toEqual([['PRIMARY', 'COMPLETED', updated.TaskDefinitionArn]])
    await waitUntilServicesStable({client: ecs, maxWaitTime: 10, minDelay: 1}, {cluster: 'apps', services: ['web']})

    // AND UpdateService by family:revision reports the full ARN, as AWS does
    const rolledBack = await ecs.send(new UpdateServiceCommand({cluster: 'apps', service: 'web', taskDefinition: 'web:1'}))
    expect(rolledBack.service?.taskDefinition).toBe('arn:aws:ecs:ap-northeast-1:123456789012:task-definition/web:1')
  })
})

describe('RDS engine versions', () => {
  it('answers DescribeDBEngineVersions from the same data cfn-lint checks templates with', async () => {
    const offered = await rds.send(new DescribeDBEngineVersionsCommand({Engine: 'aurora-postgresql', EngineVersion: '17.9'}))
    expect(offered.DBEngineVersions).toEqual([expect.objectContaining({Engine: 'aurora-postgresql', EngineVersion: '17.9', DBParameterGroupFamily: 'aurora-postgresql17'})])
    // The design's original 17.2 is no longer offered (cfn-lint E3690 says the same).
    const withdrawn = await rds.send(new DescribeDBEngineVersionsCommand({Engine: 'aurora-postgresql', EngineVersion: '17.2'}))
    expect(withdrawn.DBEngineVersions).toEqual([])
    const all = await rds.send(new DescribeDBEngineVersionsCommand({Engine: 'aurora-postgresql'}))
    const versions = (all.DBEngineVersions ?? []).map((v) => v.EngineVersion)
    expect(versions).toContain('16.6')
    expect(versions.indexOf('17.4')).toBeLessThan(versions.indexOf('17.9'))
  })
})

describe('failed executions roll back as on AWS', () => {
  it('leaves a failed first create in ROLLBACK_COMPLETE with the reason and a resource event, deletable and re-creatable', async () => {
    // GIVEN a subnet outside its VPC's CIDR, which moto rejects
    const bad = JSON.stringify({
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {
        Vpc: {Type: 'AWS::EC2::VPC', Properties: {CidrBlock: '10.0.0.0/16'}},
        Subnet: {Type: 'AWS::EC2::Subnet', Properties: {VpcId: {Ref: 'Vpc'}, CidrBlock: '192.168.0.0/24'}},
      },
    })
    const {id} = await changeSet({StackName: 'net', ChangeSetType: 'CREATE', TemplateBody: bad})
    // WHEN it executes (stock moto answered HTTP 500 here)
    await cfn.send(new ExecuteChangeSetCommand({ChangeSetName: id}))
    // THEN
    const stack = await describeStack('net')
    expect(stack.StackStatus).toBe('ROLLBACK_COMPLETE')
    expect(stack.StackStatusReason).toMatch(/^The following resource\(s\) failed to create: \[Subnet\]\. /)
    const events = await cfn.send(new DescribeStackEventsCommand({StackName: 'net'}))
    const failed = events.StackEvents?.find((e) => e.LogicalResourceId === 'Subnet' && e.ResourceStatus === 'CREATE_FAILED')
    expect(failed?.ResourceType).toBe('AWS::EC2::Subnet')
    expect(failed?.ResourceStatusReason).toBeTruthy()
    expect(events.StackEvents?.some((e) => e.LogicalResourceId === 'Vpc' && e.ResourceStatus === 'CREATE_COMPLETE')).toBe(true)

    // AND an UPDATE change set is refused; the stack can be deleted and created again
    await expect(changeSet({StackName: 'net', ChangeSetType: 'UPDATE', TemplateBody: bad})).rejects.toThrow(/ROLLBACK_COMPLETE state and can not be updated/)
    await cfn.send(new DeleteStackCommand({StackName: 'net'}))
    const good = await deploy('net', 'CREATE', topicTemplate(), {Env: 'again'})
    expect(good.StackStatus).toBe('CREATE_COMPLETE')
  })

  it('keeps the previous template, parameters and outputs after a failed update', async () => {
    await deploy('app', 'CREATE', topicTemplate(), {Env: 'dev'})
    const broken = JSON.stringify({
      ...JSON.parse(topicTemplate()),
      Resources: {
        Topic: {Type: 'AWS::SNS::Topic', Properties: {DisplayName: {'Fn::Sub': 'topic-${Env}'}}},
        Vpc: {Type: 'AWS::EC2::VPC', Properties: {CidrBlock: '10.0.0.0/16'}},
        Subnet: {Type: 'AWS::EC2::Subnet', Properties: {VpcId: {Ref: 'Vpc'}, CidrBlock: '192.168.0.0/24'}},
      },
    })
    const {id} = await changeSet({StackName: 'app', ChangeSetType: 'UPDATE', TemplateBody: broken, Parameters: [{ParameterKey: 'Env', ParameterValue: 'prod'}]})
    await cfn.send(new ExecuteChangeSetCommand({ChangeSetName: id}))
    const stack = await describeStack('app')
    expect(stack.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE')
    expect(outputs(stack).EnvName).toBe('dev')
    // A retry of the old input is a no-op again.
    const again = await changeSet({StackName: 'app', ChangeSetType: 'UPDATE', TemplateBody: topicTemplate(), Parameters: [{ParameterKey: 'Env', ParameterValue: 'dev'}]})
    expect(again.described.Status).toBe('FAILED')
  })
})

describe('termination protection', () => {
  it('stores the flag, reports it, and refuses to delete a protected stack', async () => {
    await deploy('app', 'CREATE', topicTemplate(), {Env: 'dev'})
    await cfn.send(new UpdateTerminationProtectionCommand({StackName: 'app', EnableTerminationProtection: true}))
    expect((await describeStack('app')).EnableTerminationProtection).toBe(true)
    await expect(cfn.send(new DeleteStackCommand({StackName: 'app'}))).rejects.toThrow('Stack [app] cannot be deleted while TerminationProtection is enabled')
    expect((await describeStack('app')).StackStatus).toBe('CREATE_COMPLETE')

    await cfn.send(new UpdateTerminationProtectionCommand({StackName: 'app', EnableTerminationProtection: false}))
    expect((await describeStack('app')).EnableTerminationProtection).toBe(false)
    await cfn.send(new DeleteStackCommand({StackName: 'app'}))
    await expect(describeStack('app')).rejects.toThrow(/does not exist/)
  })
})

describe('the launcher itself', () => {
  it('refuses a moto version it was not written for', async () => {
    const fake = await mkdtemp(join(tmpdir(), 'fake-moto-'))
    try {
      await mkdir(join(fake, 'moto'))
      await writeFile(join(fake, 'moto', '__init__.py'), '__version__ = "9.9.9"\n')
      const run = execFileAsync(pythonCommand(), [launcherPath(), '--check'], {env: {...process.env, PYTHONPATH: fake}})
      await expect(run).rejects.toMatchObject({code: 3, stderr: expect.stringContaining('moto 9.9.9 found, but moto_server_5_2_1.py patches moto 5.2.1 exactly')})
    } finally {
      await rm(fake, {recursive: true, force: true})
    }
  })
})
