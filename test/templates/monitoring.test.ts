import {lintStacks as lint} from '../helpers/cfn-lint.js'
import {beforeAll, describe, expect, it} from 'vitest'
import {getEnvironment, loadConfig} from '../../src/lib/config/load.js'
import type {ResolvedEnvironment} from '../../src/lib/config/types.js'
import {renderMonitoringStack} from '../../src/templates/monitoring.js'
import type {StackDefinition} from '../../src/lib/stacks/types.js'
import {manyServicesEnv, minimalEnv, prodEnv, ROOT_CONFIG, stagingEnv} from '../helpers/env.js'

function props(stack: StackDefinition, id: string): Record<string, any> {
  return stack.template.Resources[id].Properties as Record<string, any>
}

/** Datadog and Atlas both enabled. */
function integrationsEnv(): ResolvedEnvironment {
  const base = prodEnv()
  return {
    ...base,
    monitoring: {...base.monitoring, datadog: {...base.monitoring.datadog, enabled: true}},
    mongodbAtlas: {...base.mongodbAtlas, enabled: true, projectId: '0123456789abcdef01234567'},
  }
}

describe('renderMonitoringStack', () => {
  let root: ResolvedEnvironment
  let prod: StackDefinition

  beforeAll(async () => {
    root = getEnvironment(await loadConfig(ROOT_CONFIG), 'prod')
    prod = renderMonitoringStack(root)
  })

  it('sends alarms to an SNS topic e-mailed to the alarm address', () => {
    expect(props(prod, 'AlarmTopic').TopicName).toBe('bookmark-manager-prod-alarms')
    expect(props(prod, 'AlarmEmailSubscription')).toEqual({TopicArn: {Ref: 'AlarmTopic'}, Protocol: 'email', Endpoint: 'ops@example.com'})
    expect(prod.template.Outputs).toEqual({AlarmTopicArn: expect.objectContaining({Value: {Ref: 'AlarmTopic'}})})
    expect(renderMonitoringStack(stagingEnv()).template.Resources.AlarmEmailSubscription).toBeUndefined()
  })

  it('alarms on each service above 80% CPU and 80% memory, by the deterministic cluster and service names', () => {
    expect(props(prod, 'WebCpuAlarm')).toMatchObject({
      Namespace: 'AWS/ECS',
      MetricName: 'CPUUtilization',
      Statistic: 'Average',
      Threshold: 80,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{Ref: 'AlarmTopic'}],
      Dimensions: [
        {Name: 'ClusterName', Value: 'bookmark-manager-prod-cluster'},
        {Name: 'ServiceName', Value: 'bookmark-manager-prod-web'},
      ],
    })
    expect(props(prod, 'ApiMemoryAlarm')).toMatchObject({MetricName: 'MemoryUtilization', Threshold: 80, Dimensions: [expect.anything(), {Name: 'ServiceName', Value: 'bookmark-manager-prod-api'}]})
    const custom = renderMonitoringStack(prodEnv({monitoring: {...prodEnv().monitoring, alarms: {cpu: 65, memory: 90, http5xxPercent: 2}}}))
    expect(props(custom, 'WebCpuAlarm').Threshold).toBe(65)
    expect(props(custom, 'WebMemoryAlarm').Threshold).toBe(90)
    expect(props(custom, 'Alb5xxRateAlarm').Threshold).toBe(2)
  })

  it('alarms on the ALB 5xx rate (target and ELB 5xx over requests) above 5%', () => {
    const alarm = props(prod, 'Alb5xxRateAlarm')
    expect(alarm).toMatchObject({Threshold: 5, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching'})
    const byId = Object.fromEntries(alarm.Metrics.map((m: any) => [m.Id, m]))
    expect(byId.target5xx.MetricStat.Metric).toEqual({Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count', Dimensions: [{Name: 'LoadBalancer', Value: {Ref: 'LoadBalancerFullName'}}]})
    expect(byId.elb5xx.MetricStat.Metric.MetricName).toBe('HTTPCode_ELB_5XX_Count')
    expect(byId.requests.MetricStat.Metric.MetricName).toBe('RequestCount')
    expect(byId.rate).toMatchObject({ReturnData: true, Expression: expect.stringContaining('100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests')})
    expect(alarm.Metrics.filter((m: any) => m.ReturnData).map((m: any) => m.Id)).toEqual(['rate'])
    expect(prod.parameters.LoadBalancerFullName).toEqual({from: 'output', stack: 'bookmark-manager-prod-cluster', output: 'LoadBalancerFullName'})
  })

  it('alarms on Aurora connections over the threshold when there is a database', () => {
    expect(props(prod, 'DatabaseConnectionsAlarm')).toMatchObject({
      Namespace: 'AWS/RDS',
      MetricName: 'DatabaseConnections',
      Dimensions: [{Name: 'DBClusterIdentifier', Value: {Ref: 'ClusterIdentifier'}}],
      Threshold: 100,
    })
    expect(prod.parameters.ClusterIdentifier).toEqual({from: 'output', stack: 'bookmark-manager-prod-data', output: 'ClusterIdentifier'})
    const noDatabase = renderMonitoringStack(minimalEnv())
    expect(noDatabase.template.Resources.DatabaseConnectionsAlarm).toBeUndefined()
    expect(noDatabase.parameters.ClusterIdentifier).toBeUndefined()
  })

  it("renders the Datadog API error-rate monitor (critical 5%, warning 3%) when enabled, as root prod does", () => {
    const monitor = prod.template.Resources.ApiErrorRateMonitor
    expect(monitor.Type).toBe('Datadog::Monitors::Monitor')
    expect(monitor.Properties).toMatchObject({
      Type: 'query alert',
      Options: {Thresholds: {Critical: 5, Warning: 3}},
      Query: 'sum(last_5m):(sum:trace.express.request.errors{env:prod,service:api}.as_count() / sum:trace.express.request.hits{env:prod,service:api}.as_count()) * 100 > 5',
    })
    expect(renderMonitoringStack(stagingEnv()).template.Resources.ApiErrorRateMonitor).toBeUndefined()
  })

  it('renders the MongoDB Atlas cluster only when enabled with a project id', () => {
    expect(prod.template.Resources.MongoAtlasCluster).toBeUndefined()
    const atlas = renderMonitoringStack(integrationsEnv()).template.Resources.MongoAtlasCluster
    expect(atlas.Type).toBe('MongoDB::Atlas::Cluster')
    expect(atlas.Properties).toMatchObject({
      ProjectId: '0123456789abcdef01234567',
      ClusterType: 'REPLICASET',
      MongoDBMajorVersion: '8.0',
      DiskSizeGB: 10,
      ReplicationSpecs: [
        {
          NumShards: 1,
          AdvancedRegionConfigs: [
            {ProviderName: 'AWS', RegionName: 'AP_NORTHEAST_1', ElectableSpecs: {InstanceSize: 'M10', NodeCount: 3}, AutoScaling: {DiskGB: {Enabled: true}}},
          ],
        },
      ],
    })
    expect(atlas.DeletionPolicy).toBe('Retain')
    const noProject = prodEnv({mongodbAtlas: {...prodEnv().mongodbAtlas, enabled: true}})
    expect(renderMonitoringStack(noProject).template.Resources.MongoAtlasCluster).toBeUndefined()
  })

  it('tags the topic and every alarm', () => {
    const tagged = Object.entries(prod.template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm' || r.Type === 'AWS::SNS::Topic')
    expect(tagged.length).toBe(7)
    for (const [id, resource] of tagged) expect(resource.Properties!.Tags, id).toEqual(expect.arrayContaining([{Key: 'environment', Value: 'prod'}]))
  })

  it('stays far below 500 resources with 60 services', () => {
    expect(Object.keys(renderMonitoringStack(manyServicesEnv(60)).template.Resources).length).toBeLessThan(200)
  })

  it('passes cfn-lint with Datadog and Atlas (registry types), and without a database', async () => {
    expect(await lint([renderMonitoringStack(integrationsEnv()), renderMonitoringStack(prodEnv({database: undefined}))])).toBe('')
  }, 120_000)
})
