import type {PreflightEnvironment} from '../../src/lib/deploy/preflight.js'
import type {CfnTemplate, ParameterSource, StackDefinition} from '../../src/lib/stacks/types.js'

/** Hand-written stack definitions in the renderers' shape, for engine tests. */
export function stack(
  part: string,
  options: {
    region?: string
    resources?: CfnTemplate['Resources']
    outputs?: Record<string, unknown>
    parameters?: Record<string, ParameterSource>
    protect?: boolean
  } = {},
): StackDefinition {
  const parameters = options.parameters ?? {}
  const template: CfnTemplate = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `test ${part}`,
    Resources: options.resources ?? {Topic: {Type: 'AWS::SNS::Topic', Metadata: {'platform:description': `${part} topic`}}},
  }
  if (Object.keys(parameters).length > 0) template.Parameters = Object.fromEntries(Object.keys(parameters).map((k) => [k, {Type: 'String'}]))
  if (options.outputs) template.Outputs = Object.fromEntries(Object.entries(options.outputs).map(([k, v]) => [k, {Value: v}]))
  const deps = new Set<string>()
  for (const source of Object.values(parameters)) if (source.from === 'output') deps.add(source.stack)
  return {
    part,
    name: `app-prod-${part}`,
    region: options.region ?? 'ap-northeast-1',
    template,
    dependsOn: [...deps].sort(),
    parameters,
    tags: {environment: 'prod', 'managed-by': 'platform', project: 'app'},
    terminationProtection: options.protect ?? false,
  }
}

export const env: PreflightEnvironment = {
  project: 'app',
  name: 'prod',
  region: 'ap-northeast-1',
  account: '123456789012',
  services: {},
  // What the third-party types' configuration is built from (Datadog's site); the rest is not read.
  monitoring: {datadog: {enabled: true, site: 'datadoghq.com'}} as PreflightEnvironment['monitoring'],
}

/** The shape of the real cut, small: network → data, edge in us-east-1 → cdn. */
export function sampleStacks(): StackDefinition[] {
  return [
    stack('network', {outputs: {VpcId: 'vpc-1', PrivateSubnetIds: 'subnet-1,subnet-2'}}),
    stack('edge', {region: 'us-east-1', outputs: {WebAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/x'}}),
    stack('data', {
      parameters: {PrivateSubnetIds: {from: 'output', stack: 'app-prod-network', output: 'PrivateSubnetIds'}},
      resources: {
        Cluster: {Type: 'AWS::RDS::DBCluster', Properties: {DatabaseName: 'bookmarkdb', Engine: 'aurora-postgresql', MasterUsername: 'a', MasterUserPassword: 'password123', SubnetIds: {Ref: 'PrivateSubnetIds'}}},
      },
      outputs: {ClusterIdentifier: 'app-prod'},
    }),
    stack('cdn', {parameters: {WebAclArn: {from: 'output', stack: 'app-prod-edge', output: 'WebAclArn'}}}),
  ]
}
