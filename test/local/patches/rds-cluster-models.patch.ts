/** local/patches/rds_cluster_models.py: Aurora clusters and instances made by CloudFormation exist in moto's RDS. */
import {DescribeDBClustersCommand, DescribeDBInstancesCommand} from '@aws-sdk/client-rds'
import {describe, expect, it} from 'vitest'
import {outputs, usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

describe('AWS::RDS::DBCluster and AWS::RDS::DBInstance', () => {
  it('are created in moto RDS, with endpoint, port and secret attributes', async () => {
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
        SubnetGroup: {Value: {Ref: 'Subnets'}},
      },
    })
    const out = outputs(await moto.deploy('data', 'CREATE', template, {}))
    expect(out.Endpoint).toMatch(new RegExp(`^${out.ClusterId}\\.cluster-[a-z0-9]+\\.ap-northeast-1\\.rds\\.amazonaws\\.com$`))
    expect(out.Port).toBe('5432')
    expect(out.SecretArn).toMatch(/^arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:/)
    // Ref of a DB subnet group is its name (stock moto handed on the Python object)
    expect(out.SubnetGroup).not.toMatch(/object at 0x/)

    const clusters = await moto.rds().send(new DescribeDBClustersCommand({}))
    expect(clusters.DBClusters?.map((c) => [c.DBClusterIdentifier, c.Engine, c.DatabaseName])).toEqual([[out.ClusterId, 'aurora-postgresql', 'bookmarkdb']])
    const instances = await moto.rds().send(new DescribeDBInstancesCommand({}))
    expect(instances.DBInstances?.[0]?.DBClusterIdentifier).toBe(out.ClusterId)
    expect(instances.DBInstances?.[0]?.DBSubnetGroup?.DBSubnetGroupName).toBe(out.SubnetGroup)
  })
})
