import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'
import type {ResolvedEnvironment} from '../../src/lib/config/types.js'
import {type DeployEnvironmentInput, deployEnvironment as deployWithView} from '../../src/lib/deploy/run-environment.js'
import {createDeployView} from '../../src/lib/ui/deploy-progress.js'
import {checkThirdPartyTypes, thirdPartyTypes} from '../../src/lib/deploy/third-party-types.js'
import {renderEnvironment} from '../../src/templates/index.js'
import {FakeAws} from '../helpers/fake-cloudformation.js'
import {rootEnvironments} from '../helpers/env.js'
import {captureStreams} from '../helpers/streams.js'
import {env as baseEnv, stack} from './stacks.js'

/** The deploy with the view the command would give it, on the test's streams. */
const deployEnvironment = (input: Omit<DeployEnvironmentInput, 'createView'>) => deployWithView({...input, createView: () => createDeployView({json: input.flags.json, streams: input.streams, isTty: false})})

const env = {...baseEnv, services: {}} as unknown as ResolvedEnvironment

function monitoringStacks() {
  return [stack('network'), stack('monitoring', {resources: {Monitor: {Type: 'Datadog::Monitors::Monitor', Properties: {Name: 'x'}}, Atlas: {Type: 'MongoDB::Atlas::Cluster'}, Topic: {Type: 'AWS::SNS::Topic'}}})]
}

beforeEach(() => {
  process.env.PLATFORM_LOCK_DIR = mkdtempSync(join(tmpdir(), 'locks-'))
})

describe('third-party resource types', () => {
  it('the root platform.yaml’s prod uses Datadog’s monitor, in its region (its MongoDB Atlas cluster is external, not rendered)', async () => {
    const prod = (await rootEnvironments()).find((e) => e.label === 'root-prod')!.env
    expect(Object.fromEntries(thirdPartyTypes(renderEnvironment(prod)))).toEqual({'ap-northeast-1': ['Datadog::Monitors::Monitor']})
  })

  it('refuses before any change, pointing at platform activate first, then the aws commands per type and region; keys are never on the command line', async () => {
    const aws = new FakeAws()
    aws.activatedTypes.add('ap-northeast-1/MongoDB::Atlas::Cluster')
    const error = await checkThirdPartyTypes(monitoringStacks(), aws, env).catch((e) => e)
    expect(error).toMatchObject({code: 'TYPES_NOT_ACTIVATED', exitCode: 5})
    expect(error.message).toContain('Third-party resource types not activated: Datadog::Monitors::Monitor (ap-northeast-1).')
    expect(error.suggestions[0]).toContain(`Run \`platform activate ${env.name}\``)
    const steps = error.suggestions[1]
    expect(steps).toContain('aws cloudformation activate-type --region ap-northeast-1 --type RESOURCE --type-name Datadog::Monitors::Monitor --publisher-id 7171b96e5d207b947eb72ca9ce05247c246de623 --auto-update')
    expect(steps).toContain('aws cloudformation set-type-configuration --region ap-northeast-1 --type RESOURCE --type-name Datadog::Monitors::Monitor --configuration-alias default')
    const secret = `${env.project}/${env.name}/datadog-type-configuration`
    expect(steps).toContain(`aws secretsmanager create-secret --region ap-northeast-1 --name ${secret} --secret-string file://keys.json   # keys.json: {"ApiKey": "<DATADOG_API_KEY>", "ApplicationKey": "<DATADOG_APP_KEY>"}, then delete it`)
    expect(steps).toContain(`{{resolve:secretsmanager:${secret}:SecretString:ApiKey}}`)
    expect(steps).toContain(`{{resolve:secretsmanager:${secret}:SecretString:ApplicationKey}}`)
    expect(steps).not.toContain('MongoDB::Atlas::Cluster in')
    expect(aws.otherCalls.filter((c) => c === 'DescribeType')).toHaveLength(2)
    // Atlas has no required configuration: only Datadog's would be read, and it is not activated.
    expect(aws.otherCalls).not.toContain('BatchDescribeTypeConfigurations')
  })

  it('an activated type whose configuration was never set is refused too (TYPES_NOT_CONFIGURED), with only the set-type-configuration step', async () => {
    const aws = new FakeAws()
    aws.activatedTypes.add('ap-northeast-1/Datadog::Monitors::Monitor')
    aws.activatedTypes.add('ap-northeast-1/MongoDB::Atlas::Cluster')
    aws.unconfiguredTypes.add('ap-northeast-1/Datadog::Monitors::Monitor')
    const error = await checkThirdPartyTypes(monitoringStacks(), aws, env).catch((e) => e)
    expect(error).toMatchObject({code: 'TYPES_NOT_CONFIGURED', exitCode: 5})
    expect(error.message).toContain('Third-party resource types without their configuration: Datadog::Monitors::Monitor (ap-northeast-1).')
    expect(error.message).not.toContain('not activated')
    expect(error.suggestions[0]).toContain(`platform activate ${env.name}`)
    expect(aws.otherCalls.filter((c) => c === 'BatchDescribeTypeConfigurations')).toHaveLength(1)
    aws.unconfiguredTypes.delete('ap-northeast-1/Datadog::Monitors::Monitor')
    await expect(checkThirdPartyTypes(monitoringStacks(), aws, env)).resolves.toBeUndefined()
  })

  it('outside US1 the configuration names Datadog\'s API URL for the site', async () => {
    const eu = {...env, monitoring: {...env.monitoring, datadog: {...env.monitoring.datadog, site: 'datadoghq.eu'}}} as ResolvedEnvironment
    const error = await checkThirdPartyTypes(monitoringStacks(), new FakeAws(), eu).catch((e) => e)
    expect(error.suggestions[1]).toContain('"ApiURL":"https://api.datadoghq.eu"')
    const us1 = await checkThirdPartyTypes(monitoringStacks(), new FakeAws(), env).catch((e) => e)
    expect(us1.suggestions[1]).not.toContain('ApiURL')
  })

  it('deploy stops on it before any change set; once activated and configured it deploys', async () => {
    const aws = new FakeAws()
    const error = await deployEnvironment({env, stacks: monitoringStacks(), aws, flags: {json: true, yes: true, pollInterval: 0}, streams: captureStreams().streams}).catch((e) => e)
    expect(error).toMatchObject({code: 'TYPES_NOT_ACTIVATED'})
    expect(aws.cloudFormation('ap-northeast-1').count('CreateChangeSet')).toBe(0)
    aws.activatedTypes.add('ap-northeast-1/Datadog::Monitors::Monitor')
    aws.activatedTypes.add('ap-northeast-1/MongoDB::Atlas::Cluster')
    aws.unconfiguredTypes.add('ap-northeast-1/Datadog::Monitors::Monitor')
    const unconfigured = await deployEnvironment({env, stacks: monitoringStacks(), aws, flags: {json: true, yes: true, pollInterval: 0}, streams: captureStreams().streams}).catch((e) => e)
    expect(unconfigured).toMatchObject({code: 'TYPES_NOT_CONFIGURED'})
    expect(aws.cloudFormation('ap-northeast-1').count('CreateChangeSet')).toBe(0)
    aws.unconfiguredTypes.delete('ap-northeast-1/Datadog::Monitors::Monitor')
    const result = await deployEnvironment({env, stacks: monitoringStacks(), aws, flags: {json: true, yes: true, pollInterval: 0}, streams: captureStreams().streams})
    expect(result.stacks.map((s) => s.outcome)).toEqual(['created', 'created'])
  })

  it('only the stacks being deployed count (--stack)', async () => {
    const aws = new FakeAws()
    await deployEnvironment({env, stacks: monitoringStacks(), aws, flags: {json: true, yes: true, pollInterval: 0, stack: ['network']}, streams: captureStreams().streams})
    expect(aws.otherCalls).not.toContain('DescribeType')
  })
})
