import {lintStacks as lint} from '../helpers/cfn-lint.js'
import {beforeAll, describe, expect, it} from 'vitest'
import {getEnvironment, loadConfig} from '../../src/lib/config/load.js'
import type {ResolvedEnvironment, ServiceConfig} from '../../src/lib/config/types.js'
import {RenderInvariantError} from '../../src/lib/stacks/invariant.js'
import {serializeTemplate} from '../../src/lib/stacks/serialize.js'
import {BLUE_GREEN_TEST_HEADER, DEFAULT_ROUTE_PRIORITY, renderServiceStacks, rulePriorities} from '../../src/templates/service.js'
import type {CfnResource, StackDefinition} from '../../src/lib/stacks/types.js'
import {manyServicesEnv, minimalEnv, prodEnv, ROOT_CONFIG, stagingEnv} from '../helpers/env.js'

function byPart(stacks: StackDefinition[], part: string): StackDefinition {
  const stack = stacks.find((s) => s.part === part)
  if (!stack) throw new Error(`no stack ${part} among ${stacks.map((s) => s.part).join(', ')}`)
  return stack
}

function props(stack: StackDefinition, id: string): Record<string, any> {
  return stack.template.Resources[id].Properties as Record<string, any>
}

function container(stack: StackDefinition): Record<string, any> {
  return props(stack, 'TaskDefinition').ContainerDefinitions[0]
}

function statements(stack: StackDefinition, role: 'ExecutionRole' | 'TaskRole'): Array<Record<string, any>> {
  return (props(stack, role).Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement)
}

function withServices(services: Record<string, Partial<ServiceConfig>>): ResolvedEnvironment {
  const base = prodEnv()
  const template = base.services.api
  return {...base, services: Object.fromEntries(Object.entries(services).map(([name, s]) => [name, {...template, ...s}]))}
}

describe('renderServiceStacks', () => {
  let stacks: StackDefinition[]
  let api: StackDefinition
  let web: StackDefinition

  beforeAll(async () => {
    stacks = renderServiceStacks(getEnvironment(await loadConfig(ROOT_CONFIG), 'prod'))
    api = byPart(stacks, 'svc-api')
    web = byPart(stacks, 'svc-web')
  })

  it('renders one stack per service, named <project>-<env>-svc-<service>, in the project region', () => {
    expect(stacks.map((s) => s.name)).toEqual(['bookmark-manager-prod-svc-api', 'bookmark-manager-prod-svc-web'])
    expect(stacks.map((s) => s.region)).toEqual(['ap-northeast-1', 'ap-northeast-1'])
  })

  describe('task definition', () => {
    it('runs on Fargate in awsvpc mode with the design size as strings and the CPU architecture', () => {
      expect(props(web, 'TaskDefinition')).toMatchObject({
        Family: 'bookmark-manager-prod-web',
        RequiresCompatibilities: ['FARGATE'],
        NetworkMode: 'awsvpc',
        Cpu: '512',
        Memory: '1024',
        RuntimePlatform: {OperatingSystemFamily: 'LINUX', CpuArchitecture: 'X86_64'},
        ExecutionRoleArn: {'Fn::GetAtt': ['ExecutionRole', 'Arn']},
        TaskRoleArn: {'Fn::GetAtt': ['TaskRole', 'Arn']},
      })
      const arm = renderServiceStacks(withServices({api: {architecture: 'arm64'}}))[0]
      expect(props(arm, 'TaskDefinition').RuntimePlatform).toEqual({OperatingSystemFamily: 'LINUX', CpuArchitecture: 'ARM64'})
    })

    it('takes the image from the ImageUri parameter, which the image pipeline fills in', () => {
      expect(container(web).Image).toEqual({Ref: 'ImageUri'})
      expect(web.template.Parameters!.ImageUri.Type).toBe('String')
      expect(web.parameters.ImageUri).toEqual({from: 'image', service: 'web'})
    })

    it('exposes the port and logs through awslogs to the service log group', () => {
      expect(container(web).PortMappings).toEqual([{ContainerPort: 3000, Protocol: 'tcp'}])
      expect(container(api).PortMappings).toEqual([{ContainerPort: 3001, Protocol: 'tcp'}])
      expect(container(web).LogConfiguration).toEqual({
        LogDriver: 'awslogs',
        Options: {'awslogs-group': {Ref: 'LogGroup'}, 'awslogs-region': {Ref: 'AWS::Region'}, 'awslogs-stream-prefix': 'web'},
      })
      expect(props(web, 'LogGroup')).toMatchObject({LogGroupName: '/ecs/bookmark-manager-prod/web', RetentionInDays: 30})
    })

    it('sets the environment sorted by name, with PORT, the Datadog tags and agent address, and the database address', () => {
      expect(container(api).Environment).toEqual([
        {Name: 'DD_AGENT_HOST', Value: 'localhost'},
        {Name: 'DD_ENV', Value: 'prod'},
        {Name: 'DD_SERVICE', Value: 'api'},
        {Name: 'DD_TRACE_AGENT_PORT', Value: '8126'},
        {Name: 'NODE_ENV', Value: 'production'},
        {Name: 'PGDATABASE', Value: 'bookmarkdb'},
        {Name: 'PGHOST', Value: {Ref: 'DatabaseHost'}},
        {Name: 'PGPORT', Value: {Ref: 'DatabasePort'}},
        {Name: 'PORT', Value: '3001'},
      ])
      const noDatadog = renderServiceStacks(stagingEnv())[0]
      expect(container(noDatadog).Environment.map((e: any) => e.Name)).toEqual(['NODE_ENV', 'PGDATABASE', 'PGHOST', 'PGPORT', 'PORT'])
      const noDatabase = renderServiceStacks({...stagingEnv(), database: undefined})[0]
      expect(container(noDatabase).Environment.map((e: any) => e.Name)).toEqual(['NODE_ENV', 'PORT'])
      const optedOut = renderServiceStacks(withServices({api: {database: false}}))[0]
      expect(container(optedOut).Environment.map((e: any) => e.Name)).not.toContain('PGHOST')
      expect(optedOut.template.Parameters!.DatabaseSecretArn).toBeUndefined()
    })

    it('gives the services the RDS-managed secret by JSON key, so the weekly rotation never breaks their login (issue 10 item 5)', () => {
      const secrets = container(api).Secrets as Array<{Name: string; ValueFrom: unknown}>
      expect(secrets.filter((s) => s.Name.startsWith('PG'))).toEqual([
        {Name: 'PGPASSWORD', ValueFrom: {'Fn::Sub': '${DatabaseSecretArn}:password::'}},
        {Name: 'PGUSER', ValueFrom: {'Fn::Sub': '${DatabaseSecretArn}:username::'}},
      ])
      expect(api.parameters.DatabaseSecretArn).toEqual({from: 'output', stack: 'bookmark-manager-prod-data', output: 'MasterSecretArn'})
      expect(api.parameters.DatabaseHost).toEqual({from: 'output', stack: 'bookmark-manager-prod-data', output: 'ClusterEndpoint'})
      expect(statements(api, 'ExecutionRole')).toContainEqual({Sid: 'ReadDatabaseSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: {Ref: 'DatabaseSecretArn'}})
      // DATABASE_URL stays possible for those who set it.
      expect(secrets.map((s) => s.Name)).toContain('DATABASE_URL')
    })

    it('runs the Datadog Agent as a non-essential Fargate sidecar with the API key from its secret (issue 10 item 10)', () => {
      const definitions = props(api, 'TaskDefinition').ContainerDefinitions
      expect(definitions.map((c: any) => c.Name)).toEqual(['api', 'datadog-init', 'datadog-agent'])
      const agent = definitions[2]
      expect(agent).toMatchObject({Image: 'public.ecr.aws/datadog/agent:7', Essential: false, Memory: 256, PortMappings: [{ContainerPort: 8126, Protocol: 'tcp'}]})
      expect(agent.Environment).toEqual(expect.arrayContaining([{Name: 'ECS_FARGATE', Value: 'true'}, {Name: 'DD_APM_ENABLED', Value: 'true'}, {Name: 'DD_SITE', Value: 'datadoghq.com'}]))
      expect(agent.Secrets).toEqual([{Name: 'DD_API_KEY', ValueFrom: {'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/bookmark-manager/prod/DATADOG_API_KEY'}}])
      // Container memory limits add up to the task's memory.
      expect(definitions[0].Memory + definitions[1].Memory + agent.Memory).toBe(1024)
      // The web service does not list DATADOG_API_KEY itself, yet its agent may read it.
      const webReads = statements(web, 'ExecutionRole').find((s) => s.Sid === 'ReadSecrets')!.Resource as unknown[]
      expect(JSON.stringify(webReads)).toContain('/DATADOG_API_KEY')
      expect(props(renderServiceStacks(stagingEnv())[0], 'TaskDefinition').ContainerDefinitions).toHaveLength(1)
    })

    it("runs the Datadog Agent on a read-only root filesystem, writing only to task volumes its init container prepared (Datadog's read-only setup)", () => {
      const task = props(api, 'TaskDefinition')
      const [, init, agent] = task.ContainerDefinitions
      const volumes = (task.Volumes as Array<{Name: string}>).map((v) => v.Name)
      for (const container of [init, agent]) {
        expect(container.ReadonlyRootFilesystem, container.Name).toBe(true)
        // Every mount is a volume of the task.
        for (const mount of container.MountPoints) expect(volumes, container.Name).toContain(mount.SourceVolume)
      }
      // The init container copies the image's configuration into the volume the Agent mounts as its configuration directory.
      expect(init).toMatchObject({Image: agent.Image, Essential: false, Command: ['/bin/sh', '-c', 'cp -R /etc/datadog-agent/. /datadog-config/']})
      const configVolume = init.MountPoints.find((m: any) => m.ContainerPath === '/datadog-config').SourceVolume
      expect(agent.MountPoints).toContainEqual({SourceVolume: configVolume, ContainerPath: '/etc/datadog-agent', ReadOnly: false})
      expect(agent.MountPoints.map((m: any) => m.ContainerPath).sort()).toEqual(['/etc/datadog-agent', '/opt/datadog-agent/run', '/tmp'])
      // The Agent starts only after the copy succeeded, and logs to a writable path.
      expect(agent.DependsOn).toEqual([{ContainerName: 'datadog-init', Condition: 'SUCCESS'}])
      expect(agent.Environment).toContainEqual({Name: 'DD_LOG_FILE', Value: '/opt/datadog-agent/run/agent.log'})
      // Every container has a hard memory limit and logs to the service's log group.
      for (const container of task.ContainerDefinitions) {
        expect(container.Memory, container.Name).toBeGreaterThan(0)
        expect(container.LogConfiguration.Options['awslogs-group'], container.Name).toEqual({Ref: 'LogGroup'})
      }
    })

    it('injects secrets by the full SSM parameter ARN, never by value', () => {
      expect(container(api).Secrets.filter((s: any) => !s.Name.startsWith('PG'))).toEqual(
        ['DATABASE_URL', 'DATADOG_API_KEY', 'JWT_SECRET', 'MONGODB_URI', 'SENTRY_DSN'].map((name) => ({
          Name: name,
          ValueFrom: {'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/bookmark-manager/prod/${name}`},
        })),
      )
      // A secret is never a plain variable, and no stack creates a parameter (it would hold the value).
      const plain = container(api).Environment.map((e: any) => e.Name)
      for (const secret of ['DATABASE_URL', 'DATADOG_API_KEY', 'JWT_SECRET', 'MONGODB_URI', 'SENTRY_DSN']) expect(plain).not.toContain(secret)
      for (const stack of stacks) {
        expect(Object.values(stack.template.Resources).map((r) => r.Type)).not.toContain('AWS::SSM::Parameter')
        expect(serializeTemplate(stack.template)).not.toMatch(/SecureString|postgres(ql)?:\/\/|mongodb(\+srv)?:\/\//)
      }
    })

    it('refuses a secret the environment does not declare', () => {
      // Validation reports it with its line first; a renderer that meets one anyway reports a bug.
      expect(() => renderServiceStacks(withServices({api: {secrets: ['NOT_DECLARED']}}))).toThrow(RenderInvariantError)
    })

    it('runs as a non-root numeric user on a read-only root, writing only to scratch volumes (ECS Exec paths included)', () => {
      const api = renderServiceStacks(withServices({api: {}}))[0]
      expect(container(api)).toMatchObject({User: '1000:1000', ReadonlyRootFilesystem: true})
      expect(container(api).LinuxParameters).toEqual({InitProcessEnabled: true})
      const paths = ['/tmp', '/managed-agents', '/var/lib/amazon/ssm', '/var/log/amazon/ssm']
      expect(container(api).MountPoints.map((m: any) => m.ContainerPath)).toEqual(paths)
      expect(container(api).MountPoints.every((m: any) => m.ReadOnly === false)).toBe(true)
      // Each mount point names a volume of the task definition (empty, on the task's ephemeral storage).
      const volumes = props(api, 'TaskDefinition').Volumes as Array<{Name: string}>
      expect(volumes.map((v) => v.Name)).toEqual(container(api).MountPoints.map((m: any) => m.SourceVolume))
      expect(volumes.every((v) => /^[A-Za-z0-9_-]{1,255}$/.test(v.Name) && Object.keys(v).length === 1)).toBe(true)
    })

    it('keeps each writable path apart and adds no ECS Exec paths without Exec', () => {
      const api = renderServiceStacks(withServices({api: {execEnabled: false, writablePaths: ['/tmp', '/app/.next/cache', '/app/.next-cache']}}))[0]
      expect(container(api).MountPoints.map((m: any) => m.ContainerPath)).toEqual(['/tmp', '/app/.next/cache', '/app/.next-cache'])
      const names = (props(api, 'TaskDefinition').Volumes as Array<{Name: string}>).map((v) => v.Name)
      expect(new Set(names).size).toBe(3)
    })

    it('lets a service opt out: a writable root needs no scratch volumes, and the user is the one it sets', () => {
      const api = renderServiceStacks(withServices({api: {readOnlyRootFilesystem: false, user: 'app'}}))[0]
      expect(container(api)).toMatchObject({User: 'app', ReadonlyRootFilesystem: false})
      expect(container(api).MountPoints).toBeUndefined()
      expect(props(api, 'TaskDefinition').Volumes).toBeUndefined()
    })

    it('gives the root config\'s Next.js web service its cache directory as a scratch volume', () => {
      expect(container(web).ReadonlyRootFilesystem).toBe(true)
      expect(container(web).MountPoints.map((m: any) => m.ContainerPath)).toContain('/app/.next/cache')
    })
  })

  describe('ECS service', () => {
    it('rolls back a failing deployment by itself and keeps full capacity during it', () => {
      expect(props(web, 'Service').DeploymentConfiguration).toEqual({
        DeploymentCircuitBreaker: {Enable: true, Rollback: true},
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
      })
      const tuned = renderServiceStacks(withServices({api: {deployment: {...prodEnv().services.api.deployment, minimumHealthyPercent: 50, maximumPercent: 150, circuitBreaker: false, deregistrationDelaySeconds: 120}}}))[0]
      expect(props(tuned, 'Service').DeploymentConfiguration).toEqual({DeploymentCircuitBreaker: {Enable: false, Rollback: false}, MinimumHealthyPercent: 50, MaximumPercent: 150})
      expect(props(tuned, 'TargetGroup').TargetGroupAttributes[0]).toEqual({Key: 'deregistration_delay.timeout_seconds', Value: '120'})
    })

    it('keeps earlier task definition revisions ACTIVE for rollbacks (issue 9)', () => {
      for (const stack of stacks) {
        expect(stack.template.Resources.TaskDefinition).toMatchObject({DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain'})
      }
    })

    it('renders ECS native blue/green: alternate target group, test rule, infrastructure role, bake time', () => {
      const [bg] = renderServiceStacks(withServices({api: {deployment: {...prodEnv().services.api.deployment, strategy: 'blue-green', bakeMinutes: 10}}}))
      const resources = bg.template.Resources
      expect(props(bg, 'Service').DeploymentConfiguration).toEqual({DeploymentCircuitBreaker: {Enable: true, Rollback: true}, Strategy: 'BLUE_GREEN', BakeTimeInMinutes: 10})
      expect(props(bg, 'Service').LoadBalancers).toEqual([
        {
          ContainerName: 'api',
          ContainerPort: 3001,
          TargetGroupArn: {Ref: 'TargetGroup'},
          AdvancedConfiguration: {
            AlternateTargetGroupArn: {Ref: 'AlternateTargetGroup'},
            ProductionListenerRule: {Ref: 'ListenerRule'},
            TestListenerRule: {Ref: 'TestListenerRule'},
            RoleArn: {'Fn::GetAtt': ['InfrastructureRole', 'Arn']},
          },
        },
      ])
      const weighted = {Type: 'forward', ForwardConfig: {TargetGroups: [{TargetGroupArn: {Ref: 'TargetGroup'}, Weight: 100}, {TargetGroupArn: {Ref: 'AlternateTargetGroup'}, Weight: 0}]}}
      expect(props(bg, 'ListenerRule').Actions).toEqual([weighted])
      expect(props(bg, 'TestListenerRule').Actions).toEqual([weighted])
      expect(props(bg, 'TestListenerRule').Conditions).toContainEqual({Field: 'http-header', HttpHeaderConfig: {HttpHeaderName: BLUE_GREEN_TEST_HEADER, Values: ['green']}})
      expect(props(bg, 'TestListenerRule').Priority).toBeLessThan(props(bg, 'ListenerRule').Priority)
      expect(props(bg, 'AlternateTargetGroup').Name).not.toBe(props(bg, 'TargetGroup').Name)
      expect(props(bg, 'AlternateTargetGroup').Name).toMatch(/-alt$/)
      expect(props(bg, 'InfrastructureRole').ManagedPolicyArns).toEqual([{'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers'}])
      expect(props(bg, 'InfrastructureRole').AssumeRolePolicyDocument.Statement[0].Principal).toEqual({Service: 'ecs.amazonaws.com'})
      expect(resources.Service.DependsOn).toBeUndefined()
    })

    it('runs Fargate tasks in the private subnets without public IPs, with ECS Exec and tag propagation', () => {
      expect(props(web, 'Service')).toMatchObject({
        ServiceName: 'bookmark-manager-prod-web',
        Cluster: {Ref: 'ClusterName'},
        LaunchType: 'FARGATE',
        NetworkConfiguration: {AwsvpcConfiguration: {AssignPublicIp: 'DISABLED', Subnets: {Ref: 'PrivateSubnetIds'}, SecurityGroups: [{Ref: 'ServiceSecurityGroupId'}]}},
        LoadBalancers: [{ContainerName: 'web', ContainerPort: 3000, TargetGroupArn: {Ref: 'TargetGroup'}}],
        EnableExecuteCommand: true,
        PropagateTags: 'SERVICE',
        HealthCheckGracePeriodSeconds: 60,
      })
      expect(web.template.Resources.Service.DependsOn).toBe('ListenerRule')
    })

    it('creates a service at the larger of desiredCount and the autoscaling minimum, never one task in production (issue 10 item 4)', () => {
      expect(props(web, 'Service').DesiredCount).toBe(2)
      expect(props(renderServiceStacks(stagingEnv())[0], 'Service').DesiredCount).toBe(1)
      expect(props(renderServiceStacks(withServices({api: {autoscaling: undefined, desiredCount: 2}}))[0], 'Service').DesiredCount).toBe(2)
      const scaling = prodEnv().services.api.autoscaling!
      expect(props(renderServiceStacks(withServices({api: {desiredCount: 1, autoscaling: {...scaling, min: 3}}}))[0], 'Service').DesiredCount).toBe(3)
      expect(props(renderServiceStacks(withServices({api: {desiredCount: 4, autoscaling: {...scaling, min: 3}}}))[0], 'Service').DesiredCount).toBe(4)
      // The same config renders the same value, so CloudFormation never sends a reset to ECS.
      expect(props(renderServiceStacks(prodEnv())[1], 'Service').DesiredCount).toBe(props(renderServiceStacks(prodEnv())[1], 'Service').DesiredCount)
    })
  })

  describe('target group and routing', () => {
    it("checks health with the design's values", () => {
      expect(props(api, 'TargetGroup')).toMatchObject({
        TargetType: 'ip',
        Protocol: 'HTTP',
        Port: 3001,
        VpcId: {Ref: 'VpcId'},
        HealthCheckPath: '/api/health',
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 3,
        HealthCheckTimeoutSeconds: 5,
        HealthCheckIntervalSeconds: 30,
        Matcher: {HttpCode: '200'},
      })
    })

    it('sets stickiness (lb_cookie) from config and a short deregistration delay', () => {
      expect(props(web, 'TargetGroup').TargetGroupAttributes).toEqual([
        {Key: 'deregistration_delay.timeout_seconds', Value: '30'},
        {Key: 'stickiness.enabled', Value: 'true'},
        {Key: 'stickiness.type', Value: 'lb_cookie'},
        {Key: 'stickiness.lb_cookie.duration_seconds', Value: '86400'},
      ])
      const noSticky = renderServiceStacks(minimalEnv())[0]
      expect(props(noSticky, 'TargetGroup').TargetGroupAttributes).toEqual([
        {Key: 'deregistration_delay.timeout_seconds', Value: '30'},
        {Key: 'stickiness.enabled', Value: 'false'},
      ])
    })

    it('names target groups within 32 characters, distinct even when long names are shortened', () => {
      const env = {...prodEnv({project: 'bookmark-manager', name: 'production'})}
      const names = renderServiceStacks(env).map((s) => props(s, 'TargetGroup').Name as string)
      for (const name of names) expect(name.length).toBeLessThanOrEqual(32)
      expect(new Set(names).size).toBe(names.length)
    })

    it('routes /api/* before the catch-all, which / becomes with the lowest priority', () => {
      expect(props(api, 'ListenerRule')).toMatchObject({
        ListenerArn: {Ref: 'ListenerArn'},
        Conditions: [{Field: 'path-pattern', PathPatternConfig: {Values: ['/api/*']}}],
        Actions: [{Type: 'forward', TargetGroupArn: {Ref: 'TargetGroup'}}],
      })
      expect(props(web, 'ListenerRule').Conditions).toEqual([{Field: 'path-pattern', PathPatternConfig: {Values: ['/*']}}])
      expect(props(web, 'ListenerRule').Priority).toBe(DEFAULT_ROUTE_PRIORITY)
      expect(props(api, 'ListenerRule').Priority).toBeLessThan(DEFAULT_ROUTE_PRIORITY)
    })

    it('orders more specific paths first and honours an explicit priority', () => {
      const priorities = rulePriorities(withServices({web: {path: '/'}, api: {path: '/api/*'}, v2: {path: '/api/v2/*'}, admin: {path: '/admin/*', priority: 7}}))
      expect(priorities.v2).toBeLessThan(priorities.api)
      expect(priorities.api).toBeLessThan(priorities.web)
      expect(priorities.admin).toBe(7)
    })

    it("keeps a service's priority when other services come and go", () => {
      const two = rulePriorities(withServices({web: {path: '/'}, api: {path: '/api/*'}}))
      const more = rulePriorities(withServices({web: {path: '/'}, api: {path: '/api/*'}, admin: {path: '/admin/*'}, docs: {path: '/docs/*'}}))
      expect(more.api).toBe(two.api)
      expect(more.web).toBe(two.web)
    })

    it('gives 60 services 60 distinct valid priorities', () => {
      const priorities = Object.values(rulePriorities(manyServicesEnv(60)))
      expect(new Set(priorities).size).toBe(60)
      for (const p of priorities) expect(p >= 1 && p <= 50_000).toBe(true)
    })

    it('refuses two services on one path, or on one explicit priority', () => {
      expect(() => rulePriorities(withServices({a: {path: '/api/*'}, b: {path: '/api/*'}}))).toThrow(RenderInvariantError)
      expect(() => rulePriorities(withServices({a: {path: '/a/*', priority: 5}, b: {path: '/b/*', priority: 5}}))).toThrow(RenderInvariantError)
    })
  })

  describe('IAM', () => {
    it("lets the execution role pull only its own repository, write its own log group and read only its own secrets (issue 10 item 9)", () => {
      const execution = statements(api, 'ExecutionRole')
      expect(execution).toEqual([
        {Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*'},
        {
          Sid: 'EcrPull',
          Effect: 'Allow',
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          Resource: {'Fn::Sub': 'arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/bookmark-manager/prod/api'},
        },
        {Sid: 'WriteLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: {'Fn::GetAtt': ['LogGroup', 'Arn']}},
        {
          Sid: 'ReadSecrets',
          Effect: 'Allow',
          Action: 'ssm:GetParameters',
          Resource: ['DATABASE_URL', 'DATADOG_API_KEY', 'JWT_SECRET', 'MONGODB_URI', 'SENTRY_DSN'].map((name) => ({
            'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/bookmark-manager/prod/${name}`,
          })),
        },
        {
          Sid: 'DecryptSecrets',
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: {'Fn::Sub': 'arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*'},
          Condition: {StringEquals: {'kms:ViaService': {'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com'}}},
        },
        {Sid: 'ReadDatabaseSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: {Ref: 'DatabaseSecretArn'}},
      ])
      for (const stack of stacks) expect(serializeTemplate(stack.template)).not.toContain('parameter/bookmark-manager/prod/*')
      expect(props(api, 'ExecutionRole').AssumeRolePolicyDocument.Statement[0].Principal).toEqual({Service: 'ecs-tasks.amazonaws.com'})
    })

    it('scopes ECR to a prebuilt private image, and grants no ECR at all for a public one', () => {
      const privateImage = renderServiceStacks(withServices({api: {build: undefined, image: '111122223333.dkr.ecr.us-east-1.amazonaws.com/shared/api:1.4.2', secrets: []}}))[0]
      expect(statements(privateImage, 'ExecutionRole').find((s) => s.Sid === 'EcrPull')!.Resource).toEqual({
        'Fn::Sub': 'arn:${AWS::Partition}:ecr:us-east-1:111122223333:repository/shared/api',
      })
      expect(privateImage.dependsOn).not.toContain('bookmark-manager-prod-registry')
      const publicImage = renderServiceStacks(minimalEnv())[0]
      expect(statements(publicImage, 'ExecutionRole').map((s) => s.Sid)).toEqual(['WriteLogs'])
    })

    it('lets the task role open ECS Exec channels and log its sessions, and nothing else: only the release writes the assets bucket', () => {
      expect(statements(web, 'TaskRole')).toEqual([
        {
          Sid: 'EcsExec',
          Effect: 'Allow',
          Action: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
          Resource: '*',
        },
        {
          Sid: 'ExecSessionLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
          Resource: {'Fn::GetAtt': ['LogGroup', 'Arn']},
        },
        {
          Sid: 'ExecFindLogGroup',
          Effect: 'Allow',
          Action: 'logs:DescribeLogGroups',
          Resource: {'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*'},
        },
      ])
      for (const stack of stacks) expect(serializeTemplate(stack.template)).not.toMatch(/s3:PutObject|s3:DeleteObject|AssetsBucket/)
      const noExec = renderServiceStacks(withServices({api: {execEnabled: false}}))[0]
      expect(props(noExec, 'TaskRole').Policies).toBeUndefined()
      expect(props(noExec, 'Service').EnableExecuteCommand).toBe(false)
    })

    it('uses a * resource only where IAM has nothing narrower', () => {
      for (const stack of stacks) {
        const wildcards = [...statements(stack, 'ExecutionRole'), ...statements(stack, 'TaskRole')].filter((s) => s.Resource === '*').map((s) => s.Sid)
        expect(wildcards).toEqual(['EcrLogin', 'EcsExec'])
      }
    })
  })

  describe('autoscaling', () => {
    it('scales between min 2 and max 10 through the service-linked role', () => {
      expect(props(web, 'ScalableTarget')).toMatchObject({
        ServiceNamespace: 'ecs',
        ScalableDimension: 'ecs:service:DesiredCount',
        ResourceId: {'Fn::Sub': 'service/${ClusterName}/${Service.Name}'},
        MinCapacity: 2,
        MaxCapacity: 10,
      })
      expect(props(web, 'ScalableTarget').RoleARN).toBeUndefined()
    })

    it('tracks 70% average CPU with the configured cooldowns', () => {
      expect(props(web, 'CpuScalingPolicy')).toMatchObject({
        PolicyType: 'TargetTrackingScaling',
        ScalingTargetId: {Ref: 'ScalableTarget'},
        TargetTrackingScalingPolicyConfiguration: {
          PredefinedMetricSpecification: {PredefinedMetricType: 'ECSServiceAverageCPUUtilization'},
          TargetValue: 70,
          ScaleInCooldown: 300,
          ScaleOutCooldown: 60,
        },
      })
    })

    it('scales down at night and back up in the morning on the configured schedules', () => {
      expect(props(web, 'ScalableTarget').ScheduledActions).toEqual([
        {ScheduledActionName: 'night', Schedule: 'cron(0 22 ? * MON-FRI *)', Timezone: 'Asia/Tokyo', ScalableTargetAction: {MinCapacity: 1, MaxCapacity: 2}},
        {ScheduledActionName: 'morning', Schedule: 'cron(0 8 ? * MON-FRI *)', Timezone: 'Asia/Tokyo', ScalableTargetAction: {MinCapacity: 2, MaxCapacity: 10}},
      ])
    })

    it('renders no scaling resources for a service without autoscaling', () => {
      const fixed = renderServiceStacks(stagingEnv())[0].template.Resources
      expect(fixed.ScalableTarget).toBeUndefined()
      expect(fixed.CpuScalingPolicy).toBeUndefined()
    })
  })

  describe('stack contract', () => {
    it('declares the contract outputs', () => {
      expect(Object.keys(web.template.Outputs!).sort()).toEqual(['LogGroupName', 'ServiceArn', 'ServiceName', 'TargetGroupArn', 'TargetGroupFullName', 'TaskDefinitionArn'])
    })

    it('takes typed parameters from cluster, network and data, and deploys after the registry', () => {
      const types = Object.fromEntries(Object.entries(web.template.Parameters!).map(([name, p]) => [name, p.Type]))
      expect(types).toEqual({
        ImageUri: 'String',
        ClusterName: 'String',
        ListenerArn: 'String',
        VpcId: 'AWS::EC2::VPC::Id',
        PrivateSubnetIds: 'List<AWS::EC2::Subnet::Id>',
        ServiceSecurityGroupId: 'AWS::EC2::SecurityGroup::Id',
        DatabaseSecretArn: 'String',
        DatabaseHost: 'String',
        DatabasePort: 'String',
        PinnedTaskDefinitionArn: 'String',
      })
      expect(web.parameters.ListenerArn).toEqual({from: 'output', stack: 'bookmark-manager-prod-cluster', output: 'ListenerArn'})
      expect(web.dependsOn).toEqual([
        'bookmark-manager-prod-cluster',
        'bookmark-manager-prod-data',
        'bookmark-manager-prod-network',
        'bookmark-manager-prod-registry',
      ])
    })

    it('runs its own task definition unless a rollback pins a retained revision (PinnedTaskDefinitionArn)', () => {
      // A deploy always passes the empty value; only platform rollback sets a revision.
      expect(web.parameters.PinnedTaskDefinitionArn).toEqual({from: 'value', value: ''})
      expect(web.template.Parameters!.PinnedTaskDefinitionArn.Default).toBe('')
      expect(web.template.Conditions).toEqual({TaskDefinitionPinned: {'Fn::Not': [{'Fn::Equals': [{Ref: 'PinnedTaskDefinitionArn'}, '']}]}})
      const served = {'Fn::If': ['TaskDefinitionPinned', {Ref: 'PinnedTaskDefinitionArn'}, {Ref: 'TaskDefinition'}]}
      expect(web.template.Resources.Service.Properties!.TaskDefinition).toEqual(served)
      // What the release watches and records is the revision that runs.
      expect(web.template.Outputs!.TaskDefinitionArn.Value).toEqual(served)
    })

    it('tags every taggable resource', () => {
      const taggable = (r: CfnResource): boolean => ['AWS::Logs::LogGroup', 'AWS::IAM::Role', 'AWS::ECS::TaskDefinition', 'AWS::ElasticLoadBalancingV2::TargetGroup', 'AWS::ECS::Service'].includes(r.Type)
      const resources = Object.entries(web.template.Resources).filter(([, r]) => taggable(r))
      expect(resources).toHaveLength(6)
      for (const [id, resource] of resources) {
        expect(resource.Properties!.Tags, id).toEqual(expect.arrayContaining([{Key: 'project', Value: 'bookmark-manager'}, {Key: 'service', Value: 'web'}]))
      }
    })

    it('renders 60 services as 60 small stacks', () => {
      const many = renderServiceStacks(manyServicesEnv(60))
      expect(many).toHaveLength(60)
      for (const stack of many) expect(Object.keys(stack.template.Resources).length).toBeLessThan(20)
    })
  })

  it('passes cfn-lint for arm64, a prebuilt ECR image, no autoscaling and no ECS Exec', async () => {
    const variant = withServices({
      api: {architecture: 'arm64', autoscaling: undefined, execEnabled: false},
      worker: {path: '/jobs/*', build: undefined, image: '111122223333.dkr.ecr.ap-northeast-1.amazonaws.com/worker:7', secrets: [], priority: 42},
    })
    const blueGreen = withServices({api: {deployment: {...prodEnv().services.api.deployment, strategy: 'blue-green'}}})
    expect(await lint([...renderServiceStacks(variant), api, web, ...renderServiceStacks(blueGreen).map((s) => ({...s, name: `${s.name}-bg`}))])).toBe('')
  }, 120_000)
})
