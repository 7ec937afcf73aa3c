import type {ResolvedEnvironment, VpcEndpointName} from '../lib/config/types.js'
import {fitName, NameLimits} from '../lib/naming.js'
import {carveSubnets} from '../lib/cidr.js'
import {albOriginPort, albOriginProtocol} from './cdn.js'
import {defineStack, newTemplate, prefix, tagList} from './common.js'
import type {CfnResource, StackDefinition} from '../lib/stacks/types.js'

/**
 * CloudFront's origin-facing addresses (IPv4), the list AWS documents for admitting CloudFront to an
 * origin's security group. Its id differs per region, so the deploy looks it up by this name.
 */
export const CLOUDFRONT_ORIGIN_FACING = 'com.amazonaws.global.cloudfront.origin-facing'
const CLOUDFRONT_PREFIX_LIST_PARAMETER = 'CloudFrontOriginFacingPrefixListId'

/** AZ slot names: subnet logical ids read `PublicSubnetA`, like the design's `public_a`. */
const AZ_LETTERS = 'ABCDEFGHIJKLMNOP'
const POSTGRES_PORT = 5432
const HTTPS_PORT = 443
const MONGODB_PORT = 27017

/**
 * The services talk to MongoDB Atlas (the design's logs database) over the internet when Atlas is
 * enabled or a `MONGODB_URI` secret is configured; Atlas restricts who connects by its own IP access list.
 */
function usesMongoAtlas(env: ResolvedEnvironment): boolean {
  return env.mongodbAtlas.enabled || env.secrets.includes('MONGODB_URI')
}

/** Interface endpoints per configured name (`ecr` needs both the API and the Docker registry endpoint). */
const INTERFACE_ENDPOINTS: Partial<Record<VpcEndpointName, Array<{id: string; service: string}>>> = {
  ecr: [
    {id: 'EcrApiEndpoint', service: 'ecr.api'},
    {id: 'EcrDkrEndpoint', service: 'ecr.dkr'},
  ],
  logs: [{id: 'LogsEndpoint', service: 'logs'}],
  ssm: [{id: 'SsmEndpoint', service: 'ssm'}],
  secretsmanager: [{id: 'SecretsManagerEndpoint', service: 'secretsmanager'}],
}

/**
 * A VPC security group created with no egress keeps AWS's default allow-all rule. Declaring this
 * one impossible rule (ICMP type 252, code 86, to the broadcast address) replaces the default, so
 * the only egress is what the stack adds explicitly. CDK uses the same rule for `allowAllOutbound: false`.
 */
const NO_EGRESS = [{IpProtocol: 'icmp', FromPort: 252, ToPort: 86, CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic'}]

/** A contiguous run of service ports, e.g. 3000-3001. */
export interface PortRange {
  from: number
  to: number
}

/**
 * The services' container ports merged into contiguous ranges: the ALB→service rules are one
 * rule per range, so 60 services on consecutive ports stay far below the 60-rules-per-group quota.
 */
export function servicePortRanges(env: ResolvedEnvironment): PortRange[] {
  const ports = [...new Set(Object.values(env.services).map((s) => s.port))].sort((a, b) => a - b)
  const ranges: PortRange[] = []
  for (const port of ports) {
    const last = ranges.at(-1)
    if (last && port === last.to + 1) last.to = port
    else ranges.push({from: port, to: port})
  }
  return ranges
}

/**
 * The VPC and everything inside it that changes rarely: subnets (one public and one private per
 * AZ), internet and NAT gateways, route tables, VPC endpoints, flow logs, and the three security
 * groups of the design (ALB, services, database).
 */
export function renderNetworkStack(env: ResolvedEnvironment): StackDefinition {
  const {network} = env
  const name = prefix(env)
  const azCount = network.availabilityZones
  const carved = carveSubnets(network.cidr, azCount)
  const publicCidrs = network.publicSubnets ?? carved.public
  const privateCidrs = network.privateSubnets ?? carved.private
  if (publicCidrs.length !== azCount || privateCidrs.length !== azCount) {
    // Config validation reports this to the user first; reaching here is a bug.
    throw new Error(`network: ${azCount} AZs need ${azCount} public and ${azCount} private subnets, got ${publicCidrs.length} and ${privateCidrs.length}`)
  }
  const letters = AZ_LETTERS.slice(0, azCount).split('')
  const template = newTemplate(`${name}: VPC ${network.cidr} over ${azCount} AZs, gateways, endpoints, flow logs, security groups`)
  const resources: Record<string, CfnResource> = {}

  resources.Vpc = {
    Type: 'AWS::EC2::VPC',
    Metadata: {'platform:description': `VPC ${network.cidr}`},
    // Interface endpoints with private DNS need both DNS settings on.
    Properties: {CidrBlock: network.cidr, EnableDnsHostnames: true, EnableDnsSupport: true, Tags: tagList(env, {Name: name})},
  }
  resources.InternetGateway = {
    Type: 'AWS::EC2::InternetGateway',
    Metadata: {'platform:description': 'Internet gateway'},
    Properties: {Tags: tagList(env, {Name: name})},
  }
  resources.InternetGatewayAttachment = {
    Type: 'AWS::EC2::VPCGatewayAttachment',
    Metadata: {'platform:description': 'Internet gateway attachment'},
    Properties: {VpcId: {Ref: 'Vpc'}, InternetGatewayId: {Ref: 'InternetGateway'}},
  }
  resources.PublicRouteTable = {
    Type: 'AWS::EC2::RouteTable',
    Metadata: {'platform:description': 'Public route table'},
    Properties: {VpcId: {Ref: 'Vpc'}, Tags: tagList(env, {Name: `${name}-public`})},
  }
  resources.PublicDefaultRoute = {
    Type: 'AWS::EC2::Route',
    DependsOn: 'InternetGatewayAttachment',
    Metadata: {'platform:description': 'Public default route to the internet gateway'},
    Properties: {RouteTableId: {Ref: 'PublicRouteTable'}, DestinationCidrBlock: '0.0.0.0/0', GatewayId: {Ref: 'InternetGateway'}},
  }

  const natCount = Math.min(network.natGateways, azCount)
  letters.forEach((letter, i) => {
    const az = {'Fn::Select': [i, {'Fn::GetAZs': ''}]}
    resources[`PublicSubnet${letter}`] = {
      Type: 'AWS::EC2::Subnet',
      Metadata: {'platform:description': `Public subnet ${publicCidrs[i]} (AZ ${letter})`},
      Properties: {VpcId: {Ref: 'Vpc'}, CidrBlock: publicCidrs[i], AvailabilityZone: az, MapPublicIpOnLaunch: false, Tags: tagList(env, {Name: `${name}-public-${letter.toLowerCase()}`})},
    }
    resources[`PublicSubnet${letter}RouteTableAssociation`] = {
      Type: 'AWS::EC2::SubnetRouteTableAssociation',
      Metadata: {'platform:description': `Public subnet ${letter} uses the public route table`},
      Properties: {SubnetId: {Ref: `PublicSubnet${letter}`}, RouteTableId: {Ref: 'PublicRouteTable'}},
    }
    resources[`PrivateSubnet${letter}`] = {
      Type: 'AWS::EC2::Subnet',
      Metadata: {'platform:description': `Private subnet ${privateCidrs[i]} (AZ ${letter})`},
      Properties: {VpcId: {Ref: 'Vpc'}, CidrBlock: privateCidrs[i], AvailabilityZone: az, MapPublicIpOnLaunch: false, Tags: tagList(env, {Name: `${name}-private-${letter.toLowerCase()}`})},
    }
    // One private route table per AZ, so a NAT per AZ (or a later change to it) needs no re-association.
    resources[`PrivateRouteTable${letter}`] = {
      Type: 'AWS::EC2::RouteTable',
      Metadata: {'platform:description': `Private route table (AZ ${letter})`},
      Properties: {VpcId: {Ref: 'Vpc'}, Tags: tagList(env, {Name: `${name}-private-${letter.toLowerCase()}`})},
    }
    resources[`PrivateSubnet${letter}RouteTableAssociation`] = {
      Type: 'AWS::EC2::SubnetRouteTableAssociation',
      Metadata: {'platform:description': `Private subnet ${letter} uses its route table`},
      Properties: {SubnetId: {Ref: `PrivateSubnet${letter}`}, RouteTableId: {Ref: `PrivateRouteTable${letter}`}},
    }
    if (i < natCount) {
      resources[`NatEip${letter}`] = {
        Type: 'AWS::EC2::EIP',
        DependsOn: 'InternetGatewayAttachment',
        Metadata: {'platform:description': `Elastic IP of NAT gateway ${letter}`},
        Properties: {Domain: 'vpc', Tags: tagList(env, {Name: `${name}-nat-${letter.toLowerCase()}`})},
      }
      resources[`NatGateway${letter}`] = {
        Type: 'AWS::EC2::NatGateway',
        Metadata: {'platform:description': `NAT gateway ${letter}`},
        Properties: {AllocationId: {'Fn::GetAtt': [`NatEip${letter}`, 'AllocationId']}, SubnetId: {Ref: `PublicSubnet${letter}`}, Tags: tagList(env, {Name: `${name}-nat-${letter.toLowerCase()}`})},
      }
    }
    if (natCount > 0) {
      const natLetter = letters[i % natCount]
      resources[`PrivateDefaultRoute${letter}`] = {
        Type: 'AWS::EC2::Route',
        Metadata: {'platform:description': `Private default route (AZ ${letter}) through NAT gateway ${natLetter}`},
        Properties: {RouteTableId: {Ref: `PrivateRouteTable${letter}`}, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: {Ref: `NatGateway${natLetter}`}},
      }
    }
  })

  const privateSubnetRefs = letters.map((l) => ({Ref: `PrivateSubnet${l}`}))
  if (network.vpcEndpoints.includes('s3')) {
    resources.S3GatewayEndpoint = {
      Type: 'AWS::EC2::VPCEndpoint',
      Metadata: {'platform:description': 'S3 gateway endpoint (ECR layers and assets without NAT)'},
      Properties: {
        VpcId: {Ref: 'Vpc'},
        VpcEndpointType: 'Gateway',
        ServiceName: {'Fn::Sub': 'com.amazonaws.${AWS::Region}.s3'},
        RouteTableIds: letters.map((l) => ({Ref: `PrivateRouteTable${l}`})),
      },
    }
  }
  const interfaceEndpoints = [...new Set(network.vpcEndpoints)].sort().flatMap((e) => INTERFACE_ENDPOINTS[e] ?? [])
  if (interfaceEndpoints.length > 0) {
    resources.EndpointSecurityGroup = {
      Type: 'AWS::EC2::SecurityGroup',
      Metadata: {'platform:description': 'Security group of the interface endpoints (HTTPS from the VPC)'},
      Properties: {
        GroupDescription: `${name} VPC interface endpoints`,
        VpcId: {Ref: 'Vpc'},
        SecurityGroupIngress: [{IpProtocol: 'tcp', FromPort: HTTPS_PORT, ToPort: HTTPS_PORT, CidrIp: {'Fn::GetAtt': ['Vpc', 'CidrBlock']}, Description: 'HTTPS from inside the VPC'}],
        SecurityGroupEgress: NO_EGRESS,
        Tags: tagList(env, {Name: `${name}-endpoints`}),
      },
    }
    for (const endpoint of interfaceEndpoints) {
      resources[endpoint.id] = {
        Type: 'AWS::EC2::VPCEndpoint',
        Metadata: {'platform:description': `${endpoint.service} interface endpoint`},
        Properties: {
          VpcId: {Ref: 'Vpc'},
          VpcEndpointType: 'Interface',
          ServiceName: {'Fn::Sub': `com.amazonaws.\${AWS::Region}.${endpoint.service}`},
          PrivateDnsEnabled: true,
          SubnetIds: privateSubnetRefs,
          SecurityGroupIds: [{Ref: 'EndpointSecurityGroup'}],
        },
      }
    }
  }

  if (network.flowLogs) Object.assign(resources, renderFlowLogs(env))
  Object.assign(resources, renderSecurityGroups(env))

  template.Resources = resources
  template.Outputs = {
    VpcId: {Description: 'VPC id', Value: {Ref: 'Vpc'}},
    VpcCidr: {Description: 'VPC CIDR block', Value: {'Fn::GetAtt': ['Vpc', 'CidrBlock']}},
    PublicSubnetIds: {Description: 'Public subnet ids, comma-separated', Value: {'Fn::Join': [',', letters.map((l) => ({Ref: `PublicSubnet${l}`}))]}},
    PrivateSubnetIds: {Description: 'Private subnet ids, comma-separated', Value: {'Fn::Join': [',', privateSubnetRefs]}},
    AlbSecurityGroupId: {Description: 'Security group of the load balancer', Value: {'Fn::GetAtt': ['AlbSecurityGroup', 'GroupId']}},
    ServiceSecurityGroupId: {Description: 'Security group of the ECS services', Value: {'Fn::GetAtt': ['ServiceSecurityGroup', 'GroupId']}},
    ...(env.database ? {DatabaseSecurityGroupId: {Description: 'Security group of the database', Value: {'Fn::GetAtt': ['DatabaseSecurityGroup', 'GroupId']}}} : {}),
    // What external services that allow-list by address (MongoDB Atlas, partner APIs) must admit.
    ...(natCount > 0
      ? {NatPublicIps: {Description: 'Public IPs the tasks reach the internet from (NAT gateways), comma-separated', Value: {'Fn::Join': [',', letters.slice(0, natCount).map((l) => ({Ref: `NatEip${l}`}))]}}}
      : {}),
  }
  template.Parameters = {
    [CLOUDFRONT_PREFIX_LIST_PARAMETER]: {Type: 'String', Description: `Id of the AWS-managed prefix list ${CLOUDFRONT_ORIGIN_FACING} in this region`, AllowedPattern: '^pl-[a-z0-9]+$'},
  }
  return defineStack(env, 'network', template, {parameters: {[CLOUDFRONT_PREFIX_LIST_PARAMETER]: {from: 'prefix-list', name: CLOUDFRONT_ORIGIN_FACING}}})
}

function renderFlowLogs(env: ResolvedEnvironment): Record<string, CfnResource> {
  const name = prefix(env)
  return {
    FlowLogGroup: {
      Type: 'AWS::Logs::LogGroup',
      // Flow logs expire by retention anyway; a retained named group would block re-creating the stack.
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Metadata: {'platform:description': 'VPC flow log group'},
      Properties: {LogGroupName: fitName(`/vpc/${name}/flow-logs`, NameLimits.logGroupName), RetentionInDays: env.monitoring.logRetentionDays, Tags: tagList(env)},
    },
    FlowLogRole: {
      Type: 'AWS::IAM::Role',
      Metadata: {'platform:description': 'Role VPC flow logs write with'},
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: {Service: 'vpc-flow-logs.amazonaws.com'},
              Action: 'sts:AssumeRole',
              Condition: {StringEquals: {'aws:SourceAccount': {Ref: 'AWS::AccountId'}}},
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'write-flow-logs',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:DescribeLogGroups'],
                  Resource: [{'Fn::GetAtt': ['FlowLogGroup', 'Arn']}, {'Fn::Sub': '${FlowLogGroup.Arn}:*'}],
                },
              ],
            },
          },
        ],
        Tags: tagList(env),
      },
    },
    FlowLog: {
      Type: 'AWS::EC2::FlowLog',
      Metadata: {'platform:description': 'VPC flow log (all traffic)'},
      Properties: {
        ResourceId: {Ref: 'Vpc'},
        ResourceType: 'VPC',
        TrafficType: 'ALL',
        LogDestinationType: 'cloud-watch-logs',
        LogDestination: {'Fn::GetAtt': ['FlowLogGroup', 'Arn']},
        DeliverLogsPermissionArn: {'Fn::GetAtt': ['FlowLogRole', 'Arn']},
        Tags: tagList(env, {Name: `${name}-flow-log`}),
      },
    },
  }
}

/**
 * The design's three groups. Rules that point at another group are separate Ingress/Egress
 * resources where inline rules would make two groups reference each other (a dependency cycle).
 */
function renderSecurityGroups(env: ResolvedEnvironment): Record<string, CfnResource> {
  const name = prefix(env)
  const originPort = albOriginPort(env)
  const resources: Record<string, CfnResource> = {
    AlbSecurityGroup: {
      Type: 'AWS::EC2::SecurityGroup',
      Metadata: {'platform:description': 'Load balancer security group'},
      Properties: {
        // GroupDescription is create-only: changing it would replace the group while the ALB (in the
        // cluster stack, updated after this one) still uses it, so it keeps its first wording.
        GroupDescription: `${name} load balancer: HTTP and HTTPS from inside the VPC (CloudFront VPC origin)`,
        VpcId: {Ref: 'Vpc'},
        // The ALB is internal and only CloudFront's VPC origin may reach it: not the whole VPC (a
        // compromised task could skip the WAF), only CloudFront's origin-facing addresses, on the one
        // port the VPC origin uses. AWS documents this list for VPC origins: "Option 1: Allow traffic
        // from the CloudFront managed prefix list. [...] This can be done before VPC origin created
        // as well" (CloudFront Developer Guide, "Restrict access with VPC origins"). Its option 2,
        // the service-managed group CloudFront-VPCOrigins-Service-SG, "can be done only after the
        // VPC origin is created", which is in the cdn stack, after the cluster stack's ALB. And no
        // CloudFront reaches an internal ALB but through a VPC origin this account created for it.
        // That managed list weighs 55 of the group's 60 inbound rules, so it admits one port, never
        // both.
        SecurityGroupIngress: [
          {
            IpProtocol: 'tcp',
            FromPort: originPort,
            ToPort: originPort,
            SourcePrefixListId: {Ref: CLOUDFRONT_PREFIX_LIST_PARAMETER},
            Description: `Port ${originPort} from CloudFront (VPC origin, ${albOriginProtocol(env)})`,
          },
        ],
        SecurityGroupEgress: NO_EGRESS,
        Tags: tagList(env, {Name: `${name}-alb`}),
      },
    },
    ServiceSecurityGroup: {
      Type: 'AWS::EC2::SecurityGroup',
      Metadata: {'platform:description': 'ECS services security group'},
      Properties: {
        GroupDescription: `${name} ECS services: from the load balancer only`,
        VpcId: {Ref: 'Vpc'},
        SecurityGroupEgress: [
          {IpProtocol: 'tcp', FromPort: HTTPS_PORT, ToPort: HTTPS_PORT, CidrIp: '0.0.0.0/0', Description: 'HTTPS to AWS APIs and the internet'},
          ...(usesMongoAtlas(env) ? [{IpProtocol: 'tcp', FromPort: MONGODB_PORT, ToPort: MONGODB_PORT, CidrIp: '0.0.0.0/0', Description: 'MongoDB Atlas'}] : []),
        ],
        Tags: tagList(env, {Name: `${name}-service`}),
      },
    },
  }
  // Only with a database: an unused group, and an egress rule towards it, would be open doors nobody uses.
  if (env.database) {
    Object.assign(resources, {
      DatabaseSecurityGroup: {
        Type: 'AWS::EC2::SecurityGroup',
        Metadata: {'platform:description': 'Database security group'},
        Properties: {
          GroupDescription: `${name} database: PostgreSQL from the ECS services only`,
          VpcId: {Ref: 'Vpc'},
          SecurityGroupIngress: [{IpProtocol: 'tcp', FromPort: POSTGRES_PORT, ToPort: POSTGRES_PORT, SourceSecurityGroupId: {'Fn::GetAtt': ['ServiceSecurityGroup', 'GroupId']}, Description: 'PostgreSQL from the ECS services'}],
          SecurityGroupEgress: NO_EGRESS,
          Tags: tagList(env, {Name: `${name}-database`}),
        },
      },
      ServiceToDatabaseEgress: {
        Type: 'AWS::EC2::SecurityGroupEgress',
        Metadata: {'platform:description': 'ECS services may reach the database on 5432'},
        Properties: {
          GroupId: {'Fn::GetAtt': ['ServiceSecurityGroup', 'GroupId']},
          IpProtocol: 'tcp',
          FromPort: POSTGRES_PORT,
          ToPort: POSTGRES_PORT,
          DestinationSecurityGroupId: {'Fn::GetAtt': ['DatabaseSecurityGroup', 'GroupId']},
          Description: 'PostgreSQL to the database',
        },
      },
    })
  }
  for (const range of servicePortRanges(env)) {
    const ports = range.from === range.to ? `${range.from}` : `${range.from}-${range.to}`
    const suffix = range.from === range.to ? `${range.from}` : `${range.from}To${range.to}`
    resources[`AlbToServicePorts${suffix}Egress`] = {
      Type: 'AWS::EC2::SecurityGroupEgress',
      Metadata: {'platform:description': `Load balancer may reach the services on ${ports}`},
      Properties: {
        GroupId: {'Fn::GetAtt': ['AlbSecurityGroup', 'GroupId']},
        IpProtocol: 'tcp',
        FromPort: range.from,
        ToPort: range.to,
        DestinationSecurityGroupId: {'Fn::GetAtt': ['ServiceSecurityGroup', 'GroupId']},
        Description: `Service ports ${ports}`,
      },
    }
    resources[`ServicePorts${suffix}FromAlbIngress`] = {
      Type: 'AWS::EC2::SecurityGroupIngress',
      Metadata: {'platform:description': `Services accept ${ports} from the load balancer`},
      Properties: {
        GroupId: {'Fn::GetAtt': ['ServiceSecurityGroup', 'GroupId']},
        IpProtocol: 'tcp',
        FromPort: range.from,
        ToPort: range.to,
        SourceSecurityGroupId: {'Fn::GetAtt': ['AlbSecurityGroup', 'GroupId']},
        Description: `Service ports ${ports} from the load balancer`,
      },
    }
  }
  return resources
}
