import type {ResolvedEnvironment} from '../lib/config/types.js'
import {ATLAS_PROFILE, fitName, logicalId, NameLimits} from '../lib/naming.js'
import {clusterName} from './cluster.js'
import {defineStack, fromOutput, newTemplate, prefix, tagList} from './common.js'
import {serviceName} from './service.js'
import type {CfnResource, ParameterSource, StackDefinition} from '../lib/stacks/types.js'

/**
 * cfn-lint ships AWS's own resource schemas only; third-party registry types (activated per account)
 * are unknown to it and reported as E3006. The resource still deploys once the type is activated.
 */
const REGISTRY_TYPE_LINT = {'cfn-lint': {config: {ignore_checks: ['E3006']}}}

/** Alarms fire on a condition held for five consecutive minutes: short spikes (deploys, cold starts) stay quiet. */
const PERIOD_SECONDS = 60
const EVALUATION_PERIODS = 5

/** The service whose error rate the Datadog monitor watches: `api` by name, else the one routed at `/api`. */
export function apiServiceName(env: ResolvedEnvironment): string | undefined {
  const names = Object.keys(env.services).sort()
  return names.find((name) => name === 'api') ?? names.find((name) => env.services[name].path.startsWith('/api'))
}

/**
 * Whether the monitoring stack renders the `MongoDB::Atlas::Cluster` (mongodbAtlas enabled, with its
 * project): then the bootstrap stack also renders the role the Atlas types run with.
 */
export function rendersAtlasCluster(env: ResolvedEnvironment): boolean {
  return env.mongodbAtlas.enabled && Boolean(env.mongodbAtlas.projectId)
}

/**
 * Whether the monitoring stack renders Datadog's API error-rate monitor (Datadog enabled, with an API
 * service): then whoever deploys it reads the secret Datadog's type configuration references.
 */
export function rendersDatadogMonitor(env: ResolvedEnvironment): boolean {
  return env.monitoring.datadog.enabled && apiServiceName(env) !== undefined
}

/**
 * Alarms and where they go: an SNS topic (e-mailed when `monitoring.alarmEmail` is set), CPU and
 * memory alarms per ECS service, the ALB 5xx rate, Aurora connections; and, when enabled, the
 * Datadog API error-rate monitor and the MongoDB Atlas cluster as their registry resource types.
 */
export function renderMonitoringStack(env: ResolvedEnvironment): StackDefinition {
  const template = newTemplate(`${prefix(env)}: alarms and monitors`)
  const monitoring = env.monitoring
  template.Parameters = {LoadBalancerFullName: {Type: 'String', Description: 'ALB full name (CloudWatch dimension)'}}
  const parameters: Record<string, ParameterSource> = {LoadBalancerFullName: fromOutput(env, 'cluster', 'LoadBalancerFullName')}
  const alarmActions = [{Ref: 'AlarmTopic'}]

  const resources: Record<string, CfnResource> = {
    AlarmTopic: {
      Type: 'AWS::SNS::Topic',
      Metadata: {'platform:description': 'SNS topic for alarms'},
      Properties: {
        TopicName: fitName(`${prefix(env)}-alarms`, NameLimits.snsTopicName),
        DisplayName: `${prefix(env)} alarms`,
        // Not encrypted with alias/aws/sns on purpose: CloudWatch cannot use that AWS-managed key
        // (its key policy is fixed), so alarms would silently fail to publish. Alarm texts hold no secrets.
        Tags: tagList(env),
      },
    },
  }
  if (monitoring.alarmEmail) {
    resources.AlarmEmailSubscription = {
      Type: 'AWS::SNS::Subscription',
      Metadata: {'platform:description': `E-mail alarms to ${monitoring.alarmEmail} (confirm the subscription mail)`},
      Properties: {TopicArn: {Ref: 'AlarmTopic'}, Protocol: 'email', Endpoint: monitoring.alarmEmail},
    }
  }

  const alarm = (description: string, properties: Record<string, unknown>): CfnResource => ({
    Type: 'AWS::CloudWatch::Alarm',
    Metadata: {'platform:description': description},
    Properties: {
      AlarmDescription: description,
      AlarmActions: alarmActions,
      OKActions: alarmActions,
      // No data means no traffic or a stopped service, not a breach: stay quiet.
      TreatMissingData: 'notBreaching',
      EvaluationPeriods: EVALUATION_PERIODS,
      DatapointsToAlarm: EVALUATION_PERIODS,
      ComparisonOperator: 'GreaterThanThreshold',
      Tags: tagList(env),
      ...properties,
    },
  })

  const cluster = clusterName(env)
  for (const name of Object.keys(env.services).sort()) {
    const id = logicalId(name)
    const dimensions = [
      {Name: 'ClusterName', Value: cluster},
      {Name: 'ServiceName', Value: serviceName(env, name)},
    ]
    for (const [metric, key, threshold] of [
      ['CPUUtilization', 'cpu', monitoring.alarms.cpu],
      ['MemoryUtilization', 'memory', monitoring.alarms.memory],
    ] as const) {
      resources[`${id}${logicalId(key)}Alarm`] = alarm(`${name}: average ${key} above ${threshold}%`, {
        AlarmName: fitName(`${serviceName(env, name)}-${key}-high`, 255),
        Namespace: 'AWS/ECS',
        MetricName: metric,
        Dimensions: dimensions,
        Statistic: 'Average',
        Period: PERIOD_SECONDS,
        Threshold: threshold,
      })
    }
  }

  const lb = [{Name: 'LoadBalancer', Value: {Ref: 'LoadBalancerFullName'}}]
  const sum = (id: string, metric: string): Record<string, unknown> => ({
    Id: id,
    ReturnData: false,
    MetricStat: {Metric: {Namespace: 'AWS/ApplicationELB', MetricName: metric, Dimensions: lb}, Period: PERIOD_SECONDS, Stat: 'Sum'},
  })
  resources.Alb5xxRateAlarm = alarm(`ALB 5xx responses above ${monitoring.alarms.http5xxPercent}% of requests`, {
    AlarmName: fitName(`${prefix(env)}-alb-5xx-rate`, 255),
    Threshold: monitoring.alarms.http5xxPercent,
    // ELB's own 5xx (502/503/504: no healthy target, timeouts) count as much as the targets' 5xx.
    // Minutes without errors have no data points: FILL makes them 0 instead of dropping the minute.
    Metrics: [
      sum('target5xx', 'HTTPCode_Target_5XX_Count'),
      sum('elb5xx', 'HTTPCode_ELB_5XX_Count'),
      sum('requests', 'RequestCount'),
      {
        Id: 'rate',
        Label: '5xx % of requests',
        Expression: 'IF(requests > 0, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)',
        ReturnData: true,
      },
    ],
  })

  if (env.database) {
    template.Parameters.ClusterIdentifier = {Type: 'String', Description: 'Aurora cluster identifier'}
    parameters.ClusterIdentifier = fromOutput(env, 'data', 'ClusterIdentifier')
    resources.DatabaseConnectionsAlarm = alarm(`Aurora connections above ${env.database.connectionsAlarmThreshold}`, {
      AlarmName: fitName(`${prefix(env)}-db-connections`, 255),
      Namespace: 'AWS/RDS',
      MetricName: 'DatabaseConnections',
      Dimensions: [{Name: 'DBClusterIdentifier', Value: {Ref: 'ClusterIdentifier'}}],
      Statistic: 'Maximum',
      Period: PERIOD_SECONDS,
      Threshold: env.database.connectionsAlarmThreshold,
    })
  }

  const api = apiServiceName(env)
  if (rendersDatadogMonitor(env) && api) {
    const {critical, warning} = monitoring.datadog.apiErrorRate
    // APM trace metrics of the API's HTTP server spans (NestJS on Express), tagged by the unified
    // service tags the service stack sets (DD_ENV, DD_SERVICE).
    const scope = `env:${env.name},service:${api}`
    const notify = monitoring.alarmEmail ? ` @${monitoring.alarmEmail}` : ''
    resources.ApiErrorRateMonitor = {
      Type: 'Datadog::Monitors::Monitor',
      Metadata: {'platform:description': `Datadog monitor: ${api} error rate (critical ${critical}%, warning ${warning}%)`, ...REGISTRY_TYPE_LINT},
      Properties: {
        Name: `[${prefix(env)}] ${api} error rate`,
        Type: 'query alert',
        Query: `sum(last_5m):(sum:trace.express.request.errors{${scope}}.as_count() / sum:trace.express.request.hits{${scope}}.as_count()) * 100 > ${critical}`,
        Message: `${api} in ${env.name}: more than {{threshold}}% of requests fail (now {{value}}%).${notify}`,
        Options: {Thresholds: {Critical: critical, Warning: warning}, NotifyNoData: false, RequireFullWindow: false, IncludeTags: true},
        Tags: [`project:${env.project}`, `env:${env.name}`, 'managed-by:platform', `service:${api}`],
      },
    }
  }

  const atlas = env.mongodbAtlas
  if (rendersAtlasCluster(env)) {
    resources.MongoAtlasCluster = {
      Type: 'MongoDB::Atlas::Cluster',
      // The logs database outlives its stack unless the environment is unprotected.
      DeletionPolicy: env.protect ? 'Retain' : 'Delete',
      UpdateReplacePolicy: env.protect ? 'Retain' : 'Delete',
      Metadata: {'platform:description': `MongoDB Atlas ${atlas.tier} ${atlas.version} (${atlas.nodes} nodes)`, ...REGISTRY_TYPE_LINT},
      Properties: {
        Profile: ATLAS_PROFILE,
        ProjectId: atlas.projectId,
        Name: fitName(prefix(env), 64),
        ClusterType: 'REPLICASET',
        MongoDBMajorVersion: atlas.version,
        BackupEnabled: true,
        PitEnabled: true,
        DiskSizeGB: atlas.diskSizeGb,
        TerminationProtectionEnabled: env.protect,
        ReplicationSpecs: [
          {
            NumShards: 1,
            AdvancedRegionConfigs: [
              {
                ProviderName: 'AWS',
                // Atlas spells regions AP_NORTHEAST_1.
                RegionName: env.region.toUpperCase().replaceAll('-', '_'),
                Priority: 7,
                ElectableSpecs: {InstanceSize: atlas.tier, NodeCount: atlas.nodes, EbsVolumeType: 'STANDARD'},
                AutoScaling: {DiskGB: {Enabled: true}, Compute: {Enabled: false, ScaleDownEnabled: false}},
              },
            ],
          },
        ],
        Tags: tagList(env),
      },
    }
  }

  template.Resources = resources
  template.Outputs = {AlarmTopicArn: {Description: 'SNS topic alarms publish to', Value: {Ref: 'AlarmTopic'}}}
  return defineStack(env, 'monitoring', template, {parameters})
}
