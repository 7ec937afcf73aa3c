import type {ResolvedEnvironment, ServiceConfig} from '../lib/config/types.js'
import {ConfigError, type ConfigIssue} from '../lib/errors.js'
import {fitName, NameLimits, shortHash, stackName} from '../lib/naming.js'
import {defineStack, fromOutput, newTemplate, prefix, tagList} from './common.js'
import {
  assumeRolePolicy,
  ecrImageRepositoryArn,
  ecrRepositoryArn,
  parseEcrImage,
  policyDocument,
  type PolicyStatement,
  secretParameterArn,
  secretPathArn,
} from './iam.js'
import {repositoryName} from './registry.js'
import type {CfnResource, CfnTemplate, StackDefinition} from '../lib/stacks/types.js'

/** The catch-all route (`/` in config, `/*` on the ALB) is evaluated last. */
export const DEFAULT_ROUTE_PRIORITY = 50_000
/** Derived priorities: one band per literal-prefix length, this many slots each, below the default route. */
const PRIORITY_BAND = 750
const MAX_SPECIFICITY = 63
/** Seconds the ALB keeps sending in-flight requests to a draining task (ELB's 300 s default makes every deploy slow). */
export const DEREGISTRATION_DELAY_SECONDS = 30

/** `<project>-<env>-<service>`: the ECS service name (and task family) alarms and rollouts refer to. */
export function serviceName(env: ResolvedEnvironment, service: string): string {
  return fitName(`${prefix(env)}-${service}`, 255)
}

/** `/ecs/<project>-<env>/<service>`. */
export function logGroupName(env: ResolvedEnvironment, service: string): string {
  return fitName(`/ecs/${prefix(env)}/${service}`, NameLimits.logGroupName)
}

/**
 * The target group's name. The port is part of it because a port change replaces the target group,
 * and CloudFormation cannot create the replacement under the name the old one still holds.
 */
export function targetGroupName(env: ResolvedEnvironment, service: string): string {
  return fitName(`${prefix(env)}-${service}-${env.services[service].port}`, NameLimits.targetGroupName)
}

/** ALB path patterns of a config path: `/` is the catch-all `/*`. */
export function pathPatterns(path: string): string[] {
  return path === '/' || path === '/*' ? ['/*'] : [path]
}

/**
 * Listener rule priorities for every service. An explicit `priority` wins. The catch-all gets
 * {@link DEFAULT_ROUTE_PRIORITY}. Every other path gets a priority from its own text, not from its
 * position among the services, so that adding a service never renumbers the others (two stacks
 * cannot swap priorities in one deploy: ELB rejects a priority that is still in use): the band is
 * set by the length of the literal prefix before any wildcard (longer = more specific = evaluated
 * first, so `/api/v2/*` precedes `/api/*`), the slot in the band by a hash of the path. A slot
 * collision moves to the next free slot, in service-name order.
 */
export function rulePriorities(env: ResolvedEnvironment): Record<string, number> {
  const names = Object.keys(env.services).sort()
  const issues: ConfigIssue[] = []
  const issue = (service: string, field: string, message: string, hint?: string): void => {
    issues.push({file: 'platform.yaml', line: 0, column: 0, path: `environments.${env.name}.services.${service}.${field}`, message, hint})
  }
  const result: Record<string, number> = {}
  const used = new Map<number, string>()
  const seenPatterns = new Map<string, string>()
  for (const name of names) {
    const key = pathPatterns(env.services[name].path).join(',')
    const other = seenPatterns.get(key)
    if (other) issue(name, 'path', `path ${env.services[name].path} is already routed to service ${other}`)
    else seenPatterns.set(key, name)
  }
  for (const name of names) {
    const priority = env.services[name].priority
    if (priority === undefined) continue
    const other = used.get(priority)
    if (other) issue(name, 'priority', `priority ${priority} is already used by service ${other}`)
    used.set(priority, name)
    result[name] = priority
  }
  for (const name of names) {
    if (result[name] !== undefined) continue
    const path = env.services[name].path
    if (pathPatterns(path)[0] === '/*') {
      const other = used.get(DEFAULT_ROUTE_PRIORITY)
      if (other) issue(name, 'priority', `priority ${DEFAULT_ROUTE_PRIORITY} (the default route) is already used by service ${other}`, 'set an explicit priority')
      used.set(DEFAULT_ROUTE_PRIORITY, name)
      result[name] = DEFAULT_ROUTE_PRIORITY
      continue
    }
    const literal = path.split(/[*?]/)[0]
    const band = MAX_SPECIFICITY - Math.min(literal.length, MAX_SPECIFICITY)
    const start = Number.parseInt(shortHash(path, 8), 16) % PRIORITY_BAND
    let assigned: number | undefined
    for (let step = 0; step < PRIORITY_BAND; step++) {
      const candidate = band * PRIORITY_BAND + ((start + step) % PRIORITY_BAND) + 1
      if (!used.has(candidate)) {
        assigned = candidate
        break
      }
    }
    if (assigned === undefined) {
      issue(name, 'priority', `no free listener rule priority for path ${path}`, 'set an explicit priority')
      continue
    }
    used.set(assigned, name)
    result[name] = assigned
  }
  if (issues.length > 0) throw new ConfigError(issues)
  return result
}

/**
 * One stack per service (`svc-<service>`), like Copilot: a release changes only the `ImageUri`
 * parameter of one small stack, and 60 services stay far below CloudFormation's 500-resource limit.
 */
export function renderServiceStacks(env: ResolvedEnvironment): StackDefinition[] {
  const priorities = rulePriorities(env)
  return Object.keys(env.services)
    .sort()
    .map((name) => renderServiceStack(env, name, priorities[name]))
}

function renderServiceStack(env: ResolvedEnvironment, name: string, priority: number): StackDefinition {
  const service = env.services[name]
  checkSecrets(env, name, service)
  const template = newTemplate(`${prefix(env)}: ECS service ${name}`)
  template.Parameters = {
    ImageUri: {Type: 'String', Description: `Image of ${name}, pinned by digest or immutable tag (a release changes only this)`},
    ClusterName: {Type: 'String', Description: 'ECS cluster'},
    ListenerArn: {Type: 'String', Description: 'ALB listener the path rule attaches to'},
    VpcId: {Type: 'AWS::EC2::VPC::Id', Description: 'VPC of the target group'},
    PrivateSubnetIds: {Type: 'List<AWS::EC2::Subnet::Id>', Description: 'Private subnets the tasks run in'},
    ServiceSecurityGroupId: {Type: 'AWS::EC2::SecurityGroup::Id', Description: 'Security group of the tasks'},
    AssetsBucketArn: {Type: 'String', Description: 'Static assets bucket the task may read and write'},
  }
  const tags = tagList(env, {service: name})
  const resources: Record<string, CfnResource> = {
    LogGroup: {
      Type: 'AWS::Logs::LogGroup',
      Metadata: {'platform:description': `Log group ${logGroupName(env, name)}`},
      Properties: {LogGroupName: logGroupName(env, name), RetentionInDays: env.monitoring.logRetentionDays, Tags: tags},
    },
    ExecutionRole: {
      Type: 'AWS::IAM::Role',
      Metadata: {'platform:description': `Task execution role of ${name} (image pull, logs, secrets)`},
      Properties: {
        Description: `${prefix(env)} ${name}: ECS agent pulls the image, writes logs, reads secrets`,
        AssumeRolePolicyDocument: assumeRolePolicy('ecs-tasks.amazonaws.com'),
        Policies: [{PolicyName: 'execution', PolicyDocument: policyDocument(executionStatements(env, name, service))}],
        Tags: tags,
      },
    },
    TaskRole: {
      Type: 'AWS::IAM::Role',
      Metadata: {'platform:description': `Task role of ${name} (what the application may call)`},
      Properties: {
        Description: `${prefix(env)} ${name}: the application's own permissions`,
        // Only ECS tasks of this account may assume it (confused-deputy guard ECS documents for task roles).
        AssumeRolePolicyDocument: assumeRolePolicy('ecs-tasks.amazonaws.com', {
          ArnLike: {'aws:SourceArn': {'Fn::Sub': 'arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:*'}},
          StringEquals: {'aws:SourceAccount': {Ref: 'AWS::AccountId'}},
        }),
        Policies: [{PolicyName: 'task', PolicyDocument: policyDocument(taskStatements(service))}],
        Tags: tags,
      },
    },
    TaskDefinition: {
      Type: 'AWS::ECS::TaskDefinition',
      Metadata: {'platform:description': `Task definition of ${name} (${service.cpu} CPU, ${service.memory} MiB)`},
      Properties: {
        Family: serviceName(env, name),
        RequiresCompatibilities: ['FARGATE'],
        NetworkMode: 'awsvpc',
        // CloudFormation takes Fargate sizes as strings.
        Cpu: String(service.cpu),
        Memory: String(service.memory),
        RuntimePlatform: {OperatingSystemFamily: 'LINUX', CpuArchitecture: service.architecture === 'arm64' ? 'ARM64' : 'X86_64'},
        ExecutionRoleArn: {'Fn::GetAtt': ['ExecutionRole', 'Arn']},
        TaskRoleArn: {'Fn::GetAtt': ['TaskRole', 'Arn']},
        ContainerDefinitions: [containerDefinition(env, name, service)],
        Tags: tags,
      },
    },
    TargetGroup: {
      Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
      Metadata: {'platform:description': `Target group of ${name} (port ${service.port}, health ${service.healthCheck.path})`},
      Properties: {
        Name: targetGroupName(env, name),
        TargetType: 'ip',
        Protocol: 'HTTP',
        ProtocolVersion: 'HTTP1',
        Port: service.port,
        VpcId: {Ref: 'VpcId'},
        HealthCheckEnabled: true,
        HealthCheckProtocol: 'HTTP',
        HealthCheckPath: service.healthCheck.path,
        HealthyThresholdCount: service.healthCheck.healthyThreshold,
        UnhealthyThresholdCount: service.healthCheck.unhealthyThreshold,
        HealthCheckTimeoutSeconds: service.healthCheck.timeoutSeconds,
        HealthCheckIntervalSeconds: service.healthCheck.intervalSeconds,
        Matcher: {HttpCode: service.healthCheck.matcher},
        TargetGroupAttributes: targetGroupAttributes(service),
        Tags: tags,
      },
    },
    ListenerRule: {
      Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
      Metadata: {'platform:description': `Route ${pathPatterns(service.path).join(', ')} to ${name} (priority ${priority})`},
      Properties: {
        ListenerArn: {Ref: 'ListenerArn'},
        Priority: priority,
        Conditions: [{Field: 'path-pattern', PathPatternConfig: {Values: pathPatterns(service.path)}}],
        Actions: [{Type: 'forward', TargetGroupArn: {Ref: 'TargetGroup'}}],
      },
    },
    Service: {
      Type: 'AWS::ECS::Service',
      // ECS refuses a target group that no listener rule uses yet.
      DependsOn: 'ListenerRule',
      Metadata: {'platform:description': `ECS service ${serviceName(env, name)}`},
      Properties: ecsServiceProperties(env, name, service, tags),
    },
  }

  if (service.autoscaling) {
    const scaling = service.autoscaling
    resources.ScalableTarget = {
      Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
      Metadata: {'platform:description': `Autoscaling range of ${name} (${scaling.min}-${scaling.max} tasks)`},
      Properties: {
        // No RoleARN: Application Auto Scaling uses its service-linked role for ECS.
        ServiceNamespace: 'ecs',
        ScalableDimension: 'ecs:service:DesiredCount',
        ResourceId: {'Fn::Sub': 'service/${ClusterName}/${Service.Name}'},
        MinCapacity: scaling.min,
        MaxCapacity: scaling.max,
        ...(scaling.schedules.length > 0
          ? {
              ScheduledActions: scaling.schedules.map((schedule) => ({
                ScheduledActionName: schedule.name,
                Schedule: schedule.schedule,
                Timezone: schedule.timezone,
                ScalableTargetAction: {MinCapacity: schedule.min, MaxCapacity: schedule.max},
              })),
            }
          : {}),
      },
    }
    resources.CpuScalingPolicy = {
      Type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
      Metadata: {'platform:description': `Keep ${name}'s average CPU at ${scaling.cpuTarget}%`},
      Properties: {
        PolicyName: `${serviceName(env, name)}-cpu`,
        PolicyType: 'TargetTrackingScaling',
        ScalingTargetId: {Ref: 'ScalableTarget'},
        TargetTrackingScalingPolicyConfiguration: {
          PredefinedMetricSpecification: {PredefinedMetricType: 'ECSServiceAverageCPUUtilization'},
          TargetValue: scaling.cpuTarget,
          ScaleInCooldown: scaling.scaleInCooldownSeconds,
          ScaleOutCooldown: scaling.scaleOutCooldownSeconds,
        },
      },
    }
  }
  template.Resources = resources
  template.Outputs = serviceOutputs(name)

  const extraDependsOn = service.build ? [stackName(env.project, env.name, 'registry')] : []
  return defineStack(env, `svc-${name}`, template, {
    parameters: {
      ImageUri: {from: 'image', service: name},
      ClusterName: fromOutput(env, 'cluster', 'ClusterName'),
      ListenerArn: fromOutput(env, 'cluster', 'ListenerArn'),
      VpcId: fromOutput(env, 'network', 'VpcId'),
      PrivateSubnetIds: fromOutput(env, 'network', 'PrivateSubnetIds'),
      ServiceSecurityGroupId: fromOutput(env, 'network', 'ServiceSecurityGroupId'),
      AssetsBucketArn: fromOutput(env, 'storage', 'AssetsBucketArn'),
    },
    // The image lives in the registry stack's repository: it must exist before the first push and deploy.
    extraDependsOn,
  })
}

function checkSecrets(env: ResolvedEnvironment, name: string, service: ServiceConfig): void {
  const unknown = service.secrets.filter((secret) => !env.secrets.includes(secret))
  if (unknown.length === 0) return
  throw new ConfigError(
    unknown.map((secret) => ({
      file: 'platform.yaml',
      line: 0,
      column: 0,
      path: `environments.${env.name}.services.${name}.secrets`,
      message: `secret ${secret} is not declared in the environment's secrets`,
      hint: `add ${secret} to secrets`,
    })),
  )
}

function containerDefinition(env: ResolvedEnvironment, name: string, service: ServiceConfig): Record<string, unknown> {
  // PORT tells Next.js and most Node servers where to listen, so the container matches the target
  // group; DD_ENV/DD_SERVICE are Datadog's unified service tags, which the monitoring stack's monitor queries.
  const datadog: Record<string, string> = env.monitoring.datadog.enabled ? {DD_ENV: env.name, DD_SERVICE: name} : {}
  const environment: Record<string, string> = {PORT: String(service.port), ...datadog, ...service.environment}
  const container: Record<string, unknown> = {
    Name: name,
    Image: {Ref: 'ImageUri'},
    Essential: true,
    PortMappings: [{ContainerPort: service.port, Protocol: 'tcp'}],
    LogConfiguration: {
      LogDriver: 'awslogs',
      Options: {'awslogs-group': {Ref: 'LogGroup'}, 'awslogs-region': {Ref: 'AWS::Region'}, 'awslogs-stream-prefix': name},
    },
    Environment: Object.keys(environment)
      .sort()
      .map((key) => ({Name: key, Value: environment[key]})),
    // Writable on purpose: Next.js writes its image-optimisation and ISR cache under .next/cache at
    // run time, and Fargate has no tmpfs to redirect it to; a read-only root breaks those pages.
    ReadonlyRootFilesystem: false,
    // No container health check: images need not ship curl; the ALB's target health check decides.
  }
  if (service.secrets.length > 0) {
    // By ARN, resolved by the ECS agent at start: the value never appears in the template or the task definition.
    container.Secrets = [...service.secrets].sort().map((secret) => ({Name: secret, ValueFrom: secretParameterArn(env, secret)}))
  }
  // ECS Exec runs the SSM agent inside the task; an init process reaps its child processes.
  if (service.execEnabled) container.LinuxParameters = {InitProcessEnabled: true}
  return container
}

function executionStatements(env: ResolvedEnvironment, name: string, service: ServiceConfig): PolicyStatement[] {
  const statements: PolicyStatement[] = []
  const repositoryArn = service.build
    ? ecrRepositoryArn(repositoryName(env, name))
    : service.image && parseEcrImage(service.image)
      ? ecrImageRepositoryArn(parseEcrImage(service.image)!)
      : undefined
  if (repositoryArn) {
    // GetAuthorizationToken is account-wide: IAM has no resource to scope it to.
    statements.push({Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*'})
    statements.push({Sid: 'EcrPull', Effect: 'Allow', Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: repositoryArn})
  }
  // The log group ARN attribute ends in `:*`, which covers its streams.
  statements.push({Sid: 'WriteLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: {'Fn::GetAtt': ['LogGroup', 'Arn']}})
  if (service.secrets.length > 0) {
    statements.push({Sid: 'ReadSecrets', Effect: 'Allow', Action: 'ssm:GetParameters', Resource: secretPathArn(env)})
    statements.push({
      Sid: 'DecryptSecrets',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      // SecureString keys are not known at render time (aws/ssm or a customer key): any key of the
      // account, but only when SSM asks on the task's behalf.
      Resource: {'Fn::Sub': 'arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*'},
      Condition: {StringEquals: {'kms:ViaService': {'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com'}}},
    })
  }
  return statements
}

function taskStatements(service: ServiceConfig): PolicyStatement[] {
  const statements: PolicyStatement[] = []
  if (service.execEnabled) {
    // ECS Exec's Session Manager channels have no resource ARN to scope to.
    statements.push({
      Sid: 'EcsExec',
      Effect: 'Allow',
      Action: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
      Resource: '*',
    })
    // ECS Exec records each session into the container's awslogs group (the cluster's DEFAULT
    // exec logging); the agent inside the task writes there with the task role.
    statements.push(
      {Sid: 'ExecSessionLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], Resource: {'Fn::GetAtt': ['LogGroup', 'Arn']}},
      {Sid: 'ExecFindLogGroup', Effect: 'Allow', Action: 'logs:DescribeLogGroups', Resource: {'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*'}},
    )
  }
  statements.push(
    {Sid: 'ListAssets', Effect: 'Allow', Action: 's3:ListBucket', Resource: {Ref: 'AssetsBucketArn'}},
    {Sid: 'ReadWriteAssets', Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], Resource: {'Fn::Sub': '${AssetsBucketArn}/*'}},
  )
  return statements
}

function targetGroupAttributes(service: ServiceConfig): Array<{Key: string; Value: string}> {
  const attributes = [
    {Key: 'deregistration_delay.timeout_seconds', Value: String(DEREGISTRATION_DELAY_SECONDS)},
    {Key: 'stickiness.enabled', Value: String(service.stickiness.enabled)},
  ]
  if (service.stickiness.enabled) {
    attributes.push({Key: 'stickiness.type', Value: 'lb_cookie'}, {Key: 'stickiness.lb_cookie.duration_seconds', Value: String(service.stickiness.durationSeconds)})
  }
  return attributes
}

function ecsServiceProperties(env: ResolvedEnvironment, name: string, service: ServiceConfig, tags: unknown): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    ServiceName: serviceName(env, name),
    Cluster: {Ref: 'ClusterName'},
    TaskDefinition: {Ref: 'TaskDefinition'},
    LaunchType: 'FARGATE',
    PlatformVersion: 'LATEST',
    NetworkConfiguration: {
      AwsvpcConfiguration: {AssignPublicIp: 'DISABLED', Subnets: {Ref: 'PrivateSubnetIds'}, SecurityGroups: [{Ref: 'ServiceSecurityGroupId'}]},
    },
    LoadBalancers: [{ContainerName: name, ContainerPort: service.port, TargetGroupArn: {Ref: 'TargetGroup'}}],
    DeploymentController: {Type: 'ECS'},
    DeploymentConfiguration: {
      // A release that cannot become healthy rolls back by itself instead of leaving CloudFormation waiting for hours.
      DeploymentCircuitBreaker: {Enable: true, Rollback: true},
      MinimumHealthyPercent: 100,
      MaximumPercent: 200,
    },
    // Time for a new task to start before failed ALB health checks count against it.
    HealthCheckGracePeriodSeconds: Math.max(60, service.healthCheck.intervalSeconds * service.healthCheck.healthyThreshold),
    EnableExecuteCommand: service.execEnabled,
    EnableECSManagedTags: true,
    PropagateTags: 'SERVICE',
    Tags: tags,
  }
  // With autoscaling the scalable target owns the task count: a DesiredCount in the template would
  // reset it on every deploy (a scaled-out service dropping back mid-traffic). The first deploy starts
  // one task and the scalable target's minimum raises it at once.
  if (!service.autoscaling) properties.DesiredCount = service.desiredCount
  return properties
}

function serviceOutputs(name: string): NonNullable<CfnTemplate['Outputs']> {
  return {
    ServiceName: {Description: `ECS service name of ${name}`, Value: {'Fn::GetAtt': ['Service', 'Name']}},
    ServiceArn: {Description: `ECS service ARN of ${name}`, Value: {Ref: 'Service'}},
    TargetGroupArn: {Description: `Target group ARN of ${name}`, Value: {Ref: 'TargetGroup'}},
    TargetGroupFullName: {Description: `Target group full name of ${name} (CloudWatch dimension)`, Value: {'Fn::GetAtt': ['TargetGroup', 'TargetGroupFullName']}},
    LogGroupName: {Description: `Log group of ${name}`, Value: {Ref: 'LogGroup'}},
    TaskDefinitionArn: {Description: `Task definition ARN of ${name}`, Value: {Ref: 'TaskDefinition'}},
  }
}
