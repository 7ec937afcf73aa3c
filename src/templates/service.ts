import type {ResolvedEnvironment, ServiceConfig} from '../lib/config/types.js'
import {fitName, NameLimits, shortHash, stackName} from '../lib/naming.js'
import {assertRenderable} from '../lib/stacks/invariant.js'
import {servicePart} from '../lib/stacks/parts.js'
import {defineStack, fromOutput, newTemplate, prefix, tagList} from './common.js'
import {
  assumeRolePolicy,
  ecrImageRepositoryArn,
  ecrRepositoryArn,
  parseEcrImage,
  policyDocument,
  type PolicyStatement,
  secretParameterArn,
} from './iam.js'
import {repositoryName} from './registry.js'
import type {CfnResource, CfnTemplate, StackDefinition} from '../lib/stacks/types.js'

/** The catch-all route (`/` in config, `/*` on the ALB) is evaluated last. */
export const DEFAULT_ROUTE_PRIORITY = 50_000
/** Derived priorities: one band per literal-prefix length, this many slots each, below the default route. */
const PRIORITY_BAND = 750
const MAX_SPECIFICITY = 63
/** Port the Datadog Agent sidecar receives traces on (DD_TRACE_AGENT_PORT's default). */
export const DATADOG_APM_PORT = 8126
/** Memory the Datadog Agent sidecar is limited to; the application container gets the rest of the task. */
export const DATADOG_AGENT_MEMORY_MIB = 256
/** Memory of the Agent's init container, which only copies its configuration and exits before the Agent starts. */
export const DATADOG_INIT_MEMORY_MIB = 32
/**
 * Where the Datadog Agent writes (Datadog's read-only root filesystem guide): its configuration,
 * which it completes at start, its run state, and temporary files. Each is a task-scoped volume;
 * the configuration volume is filled from the image by the init container first.
 */
const DATADOG_VOLUMES = {config: 'datadog-config', run: 'datadog-run', tmp: 'datadog-tmp'} as const
const DATADOG_CONFIG_DIR = '/etc/datadog-agent'
const DATADOG_RUN_DIR = '/opt/datadog-agent/run'
/** Where the init container mounts the configuration volume to copy the image's configuration into it. */
const DATADOG_CONFIG_COPY_DIR = '/datadog-config'
/** The Agent's public image (ECR Public needs no credentials); major version 7 takes the fixes without breaking changes. */
export const DATADOG_AGENT_IMAGE = 'public.ecr.aws/datadog/agent:7'
/** The secret the Datadog Agent reads its API key from. */
export const DATADOG_API_KEY_SECRET = 'DATADOG_API_KEY'
/** Header a blue/green test request carries to reach the new (green) tasks before the traffic shift. */
export const BLUE_GREEN_TEST_HEADER = 'x-platform-test'

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

/** The blue/green alternate target group: the primary's name with `-alt`, kept when shortened. */
export function alternateTargetGroupName(env: ResolvedEnvironment, service: string): string {
  return fitName(`${prefix(env)}-${service}-${env.services[service].port}-alt`, NameLimits.targetGroupName, '-alt')
}

/**
 * The task count a service is created with: the larger of `desiredCount` and the autoscaling
 * minimum. ECS creates a service without DesiredCount with one task, and target tracking raises
 * the count only on a scale-out alarm, so a production service would start on one task.
 */
export function initialDesiredCount(service: ServiceConfig): number {
  return Math.max(service.desiredCount, service.autoscaling?.min ?? 0)
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
  // Config validation refuses duplicate paths and priorities first; reaching one here is a bug.
  const issues: string[] = []
  const issue = (service: string, field: string, message: string, hint?: string): void => {
    issues.push(`services.${service}.${field}: ${message}${hint ? ` (${hint})` : ''}`)
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
  // Blue/green test rules match the path plus a header, so they must be evaluated before every
  // production rule: the first band (1..PRIORITY_BAND), which only paths with a 63-character
  // literal prefix share. Keyed `<service>:test`.
  for (const name of names) {
    if (env.services[name].deployment.strategy !== 'blue-green') continue
    const start = Number.parseInt(shortHash(`${env.services[name].path}:test`, 8), 16) % PRIORITY_BAND
    const free = Array.from({length: PRIORITY_BAND}, (_, step) => ((start + step) % PRIORITY_BAND) + 1).find((candidate) => !used.has(candidate))
    if (free === undefined) {
      issue(name, 'deployment', 'no free listener rule priority for the blue/green test rule')
      continue
    }
    used.set(free, `${name}:test`)
    result[`${name}:test`] = free
  }
  assertRenderable(issues)
  return result
}

/** The service stack parameter through which `platform rollback` returns a service to a retained revision. */
export const PINNED_TASK_DEFINITION = 'PinnedTaskDefinitionArn'
const PINNED_CONDITION = 'TaskDefinitionPinned'

/** The service runs the pinned revision when a rollback set one, else this template's task definition. */
const servedTaskDefinition = {'Fn::If': [PINNED_CONDITION, {Ref: PINNED_TASK_DEFINITION}, {Ref: 'TaskDefinition'}]}

/**
 * One stack per service (`svc-<service>`), like Copilot: a release changes only the `ImageUri`
 * parameter of one small stack, and 60 services stay far below CloudFormation's 500-resource limit.
 */
export function renderServiceStacks(env: ResolvedEnvironment): StackDefinition[] {
  const priorities = rulePriorities(env)
  return Object.keys(env.services)
    .sort()
    .map((name) => renderServiceStack(env, name, priorities[name], priorities[`${name}:test`]))
}

function renderServiceStack(env: ResolvedEnvironment, name: string, priority: number, testPriority: number | undefined): StackDefinition {
  const service = env.services[name]
  checkSecrets(env, name, service)
  const blueGreen = service.deployment.strategy === 'blue-green'
  const database = usesDatabase(env, service)
  const template = newTemplate(`${prefix(env)}: ECS service ${name}`)
  template.Parameters = {
    ImageUri: {Type: 'String', Description: `Image of ${name}, pinned by digest or immutable tag (a release changes only this)`},
    ClusterName: {Type: 'String', Description: 'ECS cluster'},
    ListenerArn: {Type: 'String', Description: 'ALB listener the path rule attaches to'},
    VpcId: {Type: 'AWS::EC2::VPC::Id', Description: 'VPC of the target group'},
    PrivateSubnetIds: {Type: 'List<AWS::EC2::Subnet::Id>', Description: 'Private subnets the tasks run in'},
    ServiceSecurityGroupId: {Type: 'AWS::EC2::SecurityGroup::Id', Description: 'Security group of the tasks'},
    // A rollback runs the very revision a previous release ran (retained, so still ACTIVE): its image,
    // environment and sizes, not today's template rendered around an old image.
    [PINNED_TASK_DEFINITION]: {Type: 'String', Default: '', Description: 'Retained task definition revision to run instead of this template\'s (set by platform rollback; empty otherwise)'},
    // No assets bucket: only the release writes it, and CloudFront serves it; the tasks never touch it.
    ...(database
      ? {
          DatabaseSecretArn: {Type: 'String', Description: 'Secrets Manager secret RDS manages (and rotates) for the database user'},
          DatabaseHost: {Type: 'String', Description: 'Aurora writer endpoint'},
          DatabasePort: {Type: 'String', Description: 'Aurora port'},
        }
      : {}),
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
        // The application gets nothing it does not use: without ECS Exec the role has no policy at all.
        ...(taskStatements(service).length > 0 ? {Policies: [{PolicyName: 'task', PolicyDocument: policyDocument(taskStatements(service))}]} : {}),
        Tags: tags,
      },
    },
    TaskDefinition: {
      Type: 'AWS::ECS::TaskDefinition',
      // A new image replaces the task definition; by default CloudFormation then deregisters the old
      // revision (INACTIVE), leaving a rollback nothing to return to. Retained, every revision stays
      // ACTIVE and `platform rollback` can point the service back at it.
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
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
        ContainerDefinitions: containerDefinitions(env, name, service),
        ...(taskVolumes(env, service).length > 0 ? {Volumes: taskVolumes(env, service).map((volume) => ({Name: volume}))} : {}),
        Tags: tags,
      },
    },
    TargetGroup: targetGroup(env, name, service, targetGroupName(env, name), tags),
    ListenerRule: {
      Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
      Metadata: {'platform:description': `Route ${pathPatterns(service.path).join(', ')} to ${name} (priority ${priority})`},
      Properties: {
        ListenerArn: {Ref: 'ListenerArn'},
        Priority: priority,
        Conditions: [{Field: 'path-pattern', PathPatternConfig: {Values: pathPatterns(service.path)}}],
        Actions: [forwardAction(blueGreen)],
      },
    },
    Service: {
      Type: 'AWS::ECS::Service',
      // ECS refuses a target group that no listener rule uses yet (a blue/green service Refs both rules instead).
      ...(blueGreen ? {} : {DependsOn: 'ListenerRule'}),
      Metadata: {'platform:description': `ECS service ${serviceName(env, name)}`},
      Properties: ecsServiceProperties(env, name, service, tags),
    },
  }
  if (blueGreen) Object.assign(resources, blueGreenResources(env, name, service, testPriority!, tags))

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
  template.Conditions = {[PINNED_CONDITION]: {'Fn::Not': [{'Fn::Equals': [{Ref: PINNED_TASK_DEFINITION}, '']}]}}
  template.Outputs = serviceOutputs(name)

  const extraDependsOn = service.build ? [stackName(env.project, env.name, 'registry')] : []
  return defineStack(env, servicePart(name), template, {
    parameters: {
      ImageUri: {from: 'image', service: name},
      ClusterName: fromOutput(env, 'cluster', 'ClusterName'),
      ListenerArn: fromOutput(env, 'cluster', 'ListenerArn'),
      VpcId: fromOutput(env, 'network', 'VpcId'),
      PrivateSubnetIds: fromOutput(env, 'network', 'PrivateSubnetIds'),
      ServiceSecurityGroupId: fromOutput(env, 'network', 'ServiceSecurityGroupId'),
      // A deploy always runs this template's task definition; only a rollback pins another.
      [PINNED_TASK_DEFINITION]: {from: 'value', value: ''},
      ...(database
        ? {
            DatabaseSecretArn: fromOutput(env, 'data', 'MasterSecretArn'),
            DatabaseHost: fromOutput(env, 'data', 'ClusterEndpoint'),
            DatabasePort: fromOutput(env, 'data', 'Port'),
          }
        : {}),
    },
    // The image lives in the registry stack's repository: it must exist before the first push and deploy.
    extraDependsOn,
  })
}

/** Config validation refuses an undeclared secret first; reaching one here is a bug. */
function checkSecrets(env: ResolvedEnvironment, name: string, service: ServiceConfig): void {
  const needed = [...service.secrets, ...(env.monitoring.datadog.enabled ? [DATADOG_API_KEY_SECRET] : [])]
  assertRenderable(needed.filter((secret) => !env.secrets.includes(secret)).map((secret) => `service ${name} reads secret ${secret}, which the environment does not declare`))
}

/** Whether the service gets the database's connection (PG* variables and the managed secret). */
export function usesDatabase(env: ResolvedEnvironment, service: ServiceConfig): boolean {
  return env.database !== undefined && service.database
}

/**
 * libpq's standard variables, which node-postgres reads too. User and password come from the
 * secret RDS manages for the master user, by JSON key, resolved by the ECS agent at task start:
 * RDS rotates that password every 7 days, and a task started after a rotation gets the new one
 * (a pasted DATABASE_URL would break within a week). Running tasks keep the password they started
 * with: a rotation does not end existing sessions, and new connections need a new task (the
 * next release or scale-out) or an application that re-reads the secret.
 */
function databaseConnection(env: ResolvedEnvironment): {environment: Record<string, unknown>; secrets: Array<{Name: string; ValueFrom: unknown}>} {
  return {
    environment: {PGHOST: {Ref: 'DatabaseHost'}, PGPORT: {Ref: 'DatabasePort'}, PGDATABASE: env.database!.name},
    secrets: [
      {Name: 'PGPASSWORD', ValueFrom: {'Fn::Sub': '${DatabaseSecretArn}:password::'}},
      {Name: 'PGUSER', ValueFrom: {'Fn::Sub': '${DatabaseSecretArn}:username::'}},
    ],
  }
}

function containerDefinitions(env: ResolvedEnvironment, name: string, service: ServiceConfig): Array<Record<string, unknown>> {
  const datadog = env.monitoring.datadog.enabled
  // PORT tells Next.js and most Node servers where to listen, so the container matches the target
  // group; DD_ENV/DD_SERVICE are Datadog's unified service tags, which the monitoring stack's
  // monitor queries, and the tracer sends to the sidecar on localhost (tasks share one network namespace).
  const datadogEnvironment: Record<string, unknown> = datadog ? {DD_ENV: env.name, DD_SERVICE: name, DD_AGENT_HOST: 'localhost', DD_TRACE_AGENT_PORT: String(DATADOG_APM_PORT)} : {}
  const database = usesDatabase(env, service) ? databaseConnection(env) : undefined
  const environment: Record<string, unknown> = {PORT: String(service.port), ...datadogEnvironment, ...database?.environment, ...service.environment}
  const secrets = [
    // By ARN, resolved by the ECS agent at start: the value never appears in the template or the task definition.
    ...service.secrets.map((secret) => ({Name: secret, ValueFrom: secretParameterArn(env, secret)})),
    ...(database?.secrets ?? []).filter((entry) => !service.secrets.includes(entry.Name)),
  ].sort((a, b) => (a.Name < b.Name ? -1 : 1))
  const container: Record<string, unknown> = {
    Name: name,
    Image: {Ref: 'ImageUri'},
    Essential: true,
    // A hard limit per container, so the sidecar can never starve the application or the reverse.
    Memory: service.memory - (datadog ? DATADOG_AGENT_MEMORY_MIB + DATADOG_INIT_MEMORY_MIB : 0),
    PortMappings: [{ContainerPort: service.port, Protocol: 'tcp'}],
    LogConfiguration: awsLogs(name),
    Environment: Object.keys(environment)
      .sort()
      .map((key) => ({Name: key, Value: environment[key]})),
    // Not root, on a read-only root filesystem (Control Tower CT.ECS.PR.3 and CT.ECS.PR.6): a
    // compromised process can neither change the application nor gain root in the container. It
    // writes only to its scratch volumes (scratchVolumes).
    User: service.user,
    ReadonlyRootFilesystem: service.readOnlyRootFilesystem,
    // No container health check: images need not ship curl; the ALB's target health check decides.
  }
  if (secrets.length > 0) container.Secrets = secrets
  const volumes = scratchVolumes(service)
  if (volumes.length > 0) container.MountPoints = volumes.map((volume) => ({SourceVolume: volume.name, ContainerPath: volume.path, ReadOnly: false}))
  // ECS Exec runs the SSM agent inside the task; an init process reaps its child processes.
  if (service.execEnabled) container.LinuxParameters = {InitProcessEnabled: true}
  return datadog ? [container, datadogInit(), datadogAgent(env, name)] : [container]
}

/** The task's volumes: the application's scratch volumes, and the Datadog Agent's when it runs. */
function taskVolumes(env: ResolvedEnvironment, service: ServiceConfig): string[] {
  return [...scratchVolumes(service).map((volume) => volume.name), ...(env.monitoring.datadog.enabled ? Object.values(DATADOG_VOLUMES) : [])]
}

/**
 * ECS Exec runs the SSM agent inside the application container, and it writes its binaries, state
 * and logs under these paths; under a read-only root they must be writable or Exec fails.
 */
const ECS_EXEC_WRITABLE_PATHS = ['/managed-agents', '/var/lib/amazon/ssm', '/var/log/amazon/ssm']

/**
 * The writable paths of the application container, each an empty volume on the task's ephemeral
 * storage (Fargate has no tmpfs). None when the root filesystem stays writable: nothing needs them.
 */
export function scratchVolumes(service: ServiceConfig): Array<{name: string; path: string}> {
  if (!service.readOnlyRootFilesystem) return []
  const paths = [...new Set([...service.writablePaths, ...(service.execEnabled ? ECS_EXEC_WRITABLE_PATHS : [])])]
  // Volume names allow letters, digits, hyphens and underscores; the index keeps `/a.b` and `/a-b` apart.
  return paths.map((path, index) => ({name: `scratch${index}${path.replace(/[^A-Za-z0-9]+/g, '-')}`.replace(/-$/, ''), path}))
}

function awsLogs(streamPrefix: string): Record<string, unknown> {
  return {
    LogDriver: 'awslogs',
    Options: {'awslogs-group': {Ref: 'LogGroup'}, 'awslogs-region': {Ref: 'AWS::Region'}, 'awslogs-stream-prefix': streamPrefix},
  }
}

/**
 * Copies the Agent image's configuration into the configuration volume and exits, so the Agent can
 * run on a read-only root filesystem yet complete its configuration at start (Datadog's read-only
 * setup). Same image, so the copy always matches the Agent's version.
 */
function datadogInit(): Record<string, unknown> {
  return {
    Name: 'datadog-init',
    Image: DATADOG_AGENT_IMAGE,
    Essential: false,
    Memory: DATADOG_INIT_MEMORY_MIB,
    Command: ['/bin/sh', '-c', `cp -R ${DATADOG_CONFIG_DIR}/. ${DATADOG_CONFIG_COPY_DIR}/`],
    MountPoints: [{SourceVolume: DATADOG_VOLUMES.config, ContainerPath: DATADOG_CONFIG_COPY_DIR, ReadOnly: false}],
    LogConfiguration: awsLogs('datadog-init'),
    ReadonlyRootFilesystem: true,
  }
}

/**
 * The Datadog Agent as a sidecar in Fargate mode: it reads the task's metrics from the ECS task
 * metadata endpoint and receives the application's traces (APM) on localhost, so the API error-rate
 * monitor has data. Not essential: an Agent that fails must not take the application down.
 * Read-only root filesystem: it writes only to its three volumes, after the init container has
 * filled the configuration one. It still runs as the image's user (root): see docs/controls.md.
 */
function datadogAgent(env: ResolvedEnvironment, service: string): Record<string, unknown> {
  const environment: Record<string, string> = {
    ECS_FARGATE: 'true',
    DD_SITE: env.monitoring.datadog.site,
    DD_APM_ENABLED: 'true',
    DD_APM_NON_LOCAL_TRAFFIC: 'true',
    DD_ENV: env.name,
    DD_SERVICE: service,
    // Its log file on a writable volume (the default, /var/log/datadog, is on the read-only root).
    DD_LOG_FILE: `${DATADOG_RUN_DIR}/agent.log`,
  }
  return {
    Name: 'datadog-agent',
    Image: DATADOG_AGENT_IMAGE,
    Essential: false,
    Memory: DATADOG_AGENT_MEMORY_MIB,
    PortMappings: [{ContainerPort: DATADOG_APM_PORT, Protocol: 'tcp'}],
    LogConfiguration: awsLogs('datadog-agent'),
    Environment: Object.keys(environment)
      .sort()
      .map((key) => ({Name: key, Value: environment[key]})),
    Secrets: [{Name: 'DD_API_KEY', ValueFrom: secretParameterArn(env, DATADOG_API_KEY_SECRET)}],
    DependsOn: [{ContainerName: 'datadog-init', Condition: 'SUCCESS'}],
    MountPoints: [
      {SourceVolume: DATADOG_VOLUMES.config, ContainerPath: DATADOG_CONFIG_DIR, ReadOnly: false},
      {SourceVolume: DATADOG_VOLUMES.run, ContainerPath: DATADOG_RUN_DIR, ReadOnly: false},
      {SourceVolume: DATADOG_VOLUMES.tmp, ContainerPath: '/tmp', ReadOnly: false},
    ],
    ReadonlyRootFilesystem: true,
  }
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
  const parameters = [...new Set([...service.secrets, ...(env.monitoring.datadog.enabled ? [DATADOG_API_KEY_SECRET] : [])])].sort()
  if (parameters.length > 0) {
    // Exactly the parameters this service's containers name, never the environment's whole path.
    statements.push({Sid: 'ReadSecrets', Effect: 'Allow', Action: 'ssm:GetParameters', Resource: parameters.map((secret) => secretParameterArn(env, secret))})
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
  if (usesDatabase(env, service)) {
    // The RDS-managed secret is encrypted with the aws/secretsmanager key, which needs no grant here.
    statements.push({Sid: 'ReadDatabaseSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: {Ref: 'DatabaseSecretArn'}})
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
  return statements
}

function targetGroupAttributes(service: ServiceConfig): Array<{Key: string; Value: string}> {
  const attributes = [
    // ELB's default of 300 s holds every rolling deployment for five minutes per task set.
    {Key: 'deregistration_delay.timeout_seconds', Value: String(service.deployment.deregistrationDelaySeconds)},
    {Key: 'stickiness.enabled', Value: String(service.stickiness.enabled)},
  ]
  if (service.stickiness.enabled) {
    attributes.push({Key: 'stickiness.type', Value: 'lb_cookie'}, {Key: 'stickiness.lb_cookie.duration_seconds', Value: String(service.stickiness.durationSeconds)})
  }
  return attributes
}

function targetGroup(env: ResolvedEnvironment, name: string, service: ServiceConfig, groupName: string, tags: unknown): CfnResource {
  const hc = service.healthCheck
  return {
    Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
    Metadata: {'platform:description': `Target group ${groupName} of ${name} (port ${service.port}, health ${hc.path})`},
    Properties: {
      Name: groupName,
      TargetType: 'ip',
      Protocol: 'HTTP',
      ProtocolVersion: 'HTTP1',
      Port: service.port,
      VpcId: {Ref: 'VpcId'},
      HealthCheckEnabled: true,
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: hc.path,
      // A new task takes healthyThreshold x interval to receive traffic: with the defaults
      // (2 x 10 s) 20 s rather than ELB's 5 x 30 s.
      HealthyThresholdCount: hc.healthyThreshold,
      UnhealthyThresholdCount: hc.unhealthyThreshold,
      HealthCheckTimeoutSeconds: hc.timeoutSeconds,
      HealthCheckIntervalSeconds: hc.intervalSeconds,
      Matcher: {HttpCode: hc.matcher},
      TargetGroupAttributes: targetGroupAttributes(service),
      Tags: tags,
    },
  }
}

/**
 * A rolling service forwards to its one target group. A blue/green service forwards to both, the
 * primary at weight 100 and the alternate at 0: ECS moves the weights at the traffic shift (and
 * back on a rollback), so CloudFormation shows the rule as drifted after a blue/green release.
 */
function forwardAction(blueGreen: boolean): Record<string, unknown> {
  if (!blueGreen) return {Type: 'forward', TargetGroupArn: {Ref: 'TargetGroup'}}
  return {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: [
        {TargetGroupArn: {Ref: 'TargetGroup'}, Weight: 100},
        {TargetGroupArn: {Ref: 'AlternateTargetGroup'}, Weight: 0},
      ],
    },
  }
}

/**
 * ECS native blue/green: the alternate target group the new tasks start behind, a test rule
 * (the service's path plus the {@link BLUE_GREEN_TEST_HEADER} header) that reaches them before
 * the shift, and the infrastructure role ECS uses to move the listener rules' weights.
 */
function blueGreenResources(env: ResolvedEnvironment, name: string, service: ServiceConfig, testPriority: number, tags: unknown): Record<string, CfnResource> {
  return {
    AlternateTargetGroup: targetGroup(env, name, service, alternateTargetGroupName(env, name), tags),
    TestListenerRule: {
      Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
      Metadata: {'platform:description': `Blue/green test route of ${name}: ${service.path} with header ${BLUE_GREEN_TEST_HEADER}: green`},
      Properties: {
        ListenerArn: {Ref: 'ListenerArn'},
        Priority: testPriority,
        Conditions: [
          {Field: 'path-pattern', PathPatternConfig: {Values: pathPatterns(service.path)}},
          {Field: 'http-header', HttpHeaderConfig: {HttpHeaderName: BLUE_GREEN_TEST_HEADER, Values: ['green']}},
        ],
        Actions: [forwardAction(true)],
      },
    },
    InfrastructureRole: {
      Type: 'AWS::IAM::Role',
      Metadata: {'platform:description': `ECS infrastructure role of ${name} (moves traffic between blue and green)`},
      Properties: {
        Description: `${prefix(env)} ${name}: ECS shifts listener rule weights during blue/green deployments`,
        AssumeRolePolicyDocument: assumeRolePolicy('ecs.amazonaws.com', {StringEquals: {'aws:SourceAccount': {Ref: 'AWS::AccountId'}}}),
        ManagedPolicyArns: [{'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers'}],
        Tags: tags,
      },
    },
  }
}

function ecsServiceProperties(env: ResolvedEnvironment, name: string, service: ServiceConfig, tags: unknown): Record<string, unknown> {
  const rollout = service.deployment
  const blueGreen = rollout.strategy === 'blue-green'
  const loadBalancer: Record<string, unknown> = {ContainerName: name, ContainerPort: service.port, TargetGroupArn: {Ref: 'TargetGroup'}}
  if (blueGreen) {
    loadBalancer.AdvancedConfiguration = {
      AlternateTargetGroupArn: {Ref: 'AlternateTargetGroup'},
      ProductionListenerRule: {Ref: 'ListenerRule'},
      TestListenerRule: {Ref: 'TestListenerRule'},
      RoleArn: {'Fn::GetAtt': ['InfrastructureRole', 'Arn']},
    }
  }
  const properties: Record<string, unknown> = {
    ServiceName: serviceName(env, name),
    Cluster: {Ref: 'ClusterName'},
    TaskDefinition: servedTaskDefinition,
    LaunchType: 'FARGATE',
    PlatformVersion: 'LATEST',
    NetworkConfiguration: {
      AwsvpcConfiguration: {AssignPublicIp: 'DISABLED', Subnets: {Ref: 'PrivateSubnetIds'}, SecurityGroups: [{Ref: 'ServiceSecurityGroupId'}]},
    },
    LoadBalancers: [loadBalancer],
    DeploymentController: {Type: 'ECS'},
    DeploymentConfiguration: {
      // A release that cannot become healthy rolls back by itself instead of leaving CloudFormation
      // waiting for hours (and `platform deploy` reports the rollback as a failed release).
      DeploymentCircuitBreaker: {Enable: rollout.circuitBreaker, Rollback: rollout.circuitBreaker},
      ...(blueGreen
        ? // The old tasks stay registered for the bake time: a rollback until then only moves traffic back.
          {Strategy: 'BLUE_GREEN', BakeTimeInMinutes: rollout.bakeMinutes}
        : // 100/200: every new task starts at once next to the old ones, and capacity never drops.
          {MinimumHealthyPercent: rollout.minimumHealthyPercent, MaximumPercent: rollout.maximumPercent}),
    },
    // Time for a new task to start before failed ALB health checks count against it.
    HealthCheckGracePeriodSeconds: Math.max(60, service.healthCheck.intervalSeconds * service.healthCheck.healthyThreshold),
    EnableExecuteCommand: service.execEnabled,
    EnableECSManagedTags: true,
    PropagateTags: 'SERVICE',
    // Created at the larger of desiredCount and the autoscaling minimum (initialDesiredCount). The
    // value stays in the template even with autoscaling: CloudFormation sends DesiredCount to ECS
    // only when the template's value changes, so a deploy that leaves it alone never resets a count
    // autoscaling has raised. Changing desiredCount or autoscaling.min in platform.yaml does set the
    // count once, at that deploy, which is what the change asks for.
    DesiredCount: initialDesiredCount(service),
    Tags: tags,
  }
  return properties
}

function serviceOutputs(name: string): NonNullable<CfnTemplate['Outputs']> {
  return {
    ServiceName: {Description: `ECS service name of ${name}`, Value: {'Fn::GetAtt': ['Service', 'Name']}},
    ServiceArn: {Description: `ECS service ARN of ${name}`, Value: {Ref: 'Service'}},
    TargetGroupArn: {Description: `Target group ARN of ${name}`, Value: {Ref: 'TargetGroup'}},
    TargetGroupFullName: {Description: `Target group full name of ${name} (CloudWatch dimension)`, Value: {'Fn::GetAtt': ['TargetGroup', 'TargetGroupFullName']}},
    LogGroupName: {Description: `Log group of ${name}`, Value: {Ref: 'LogGroup'}},
    TaskDefinitionArn: {Description: `Task definition ARN ${name} runs (the pinned one after a rollback)`, Value: servedTaskDefinition},
  }
}
