/** local/patches/registry_types.py: DescribeType / ActivateType / SetTypeConfiguration / BatchDescribeTypeConfigurations / DeactivateType. */
import {ActivateTypeCommand, BatchDescribeTypeConfigurationsCommand, CloudFormationClient, DeactivateTypeCommand, DescribeTypeCommand, SetTypeConfigurationCommand} from '@aws-sdk/client-cloudformation'
import {describe, expect, it} from 'vitest'
import {usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()
// Not one the test helper activates (it activates the example's Datadog monitor).
const TypeName = 'MongoDB::Atlas::Cluster'
const PublisherId = 'bb989456c78c398a858fef18f2ca1bfc1fbba082'
/** A client in another region: activations are per account and region. */
const cfnIn = (region: string) => new CloudFormationClient({...moto.aws().sdkConfig, region})

describe('registry types', () => {
  it('a third-party type is not found until activated in the account and region; AWS types always are', async () => {
    const cfn = moto.cfn()
    await expect(cfn.send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName}))).rejects.toMatchObject({name: 'TypeNotFoundException'})
    expect(await cfn.send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName: 'AWS::SNS::Topic'}))).toMatchObject({TypeName: 'AWS::SNS::Topic', IsActivated: true})
    const activated = await cfn.send(new ActivateTypeCommand({Type: 'RESOURCE', TypeName, PublisherId}))
    expect(activated.Arn).toBe('arn:aws:cloudformation:ap-northeast-1:123456789012:type/resource/MongoDB-Atlas-Cluster')
    // AutoUpdate defaults to true, as ActivateType documents.
    expect(await cfn.send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName}))).toMatchObject({TypeName, IsActivated: true, PublisherId, AutoUpdate: true})
    const configured = await cfn.send(new SetTypeConfigurationCommand({Type: 'RESOURCE', TypeName, Configuration: '{"ProfileName": "default"}', ConfigurationAlias: 'default'}))
    expect(configured.ConfigurationArn).toBe('arn:aws:cloudformation:ap-northeast-1:123456789012:type-configuration/resource/MongoDB-Atlas-Cluster/default')
    await cfn.send(new DeactivateTypeCommand({Type: 'RESOURCE', TypeName}))
    await expect(cfn.send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName}))).rejects.toMatchObject({name: 'TypeNotFoundException'})
  })

  it('ActivateType keeps AutoUpdate false and the execution role; SetTypeConfiguration needs an alias and JSON', async () => {
    const cfn = cfnIn('us-east-1')
    const role = 'arn:aws:iam::123456789012:role/atlas-types'
    await cfn.send(new ActivateTypeCommand({Type: 'RESOURCE', TypeName, PublisherId, AutoUpdate: false, ExecutionRoleArn: role}))
    expect(await cfn.send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName}))).toMatchObject({AutoUpdate: false, ExecutionRoleArn: role})
    await expect(cfn.send(new SetTypeConfigurationCommand({Type: 'RESOURCE', TypeName, Configuration: '{}'}))).rejects.toMatchObject({name: 'CFNRegistryException'})
    await expect(cfn.send(new SetTypeConfigurationCommand({Type: 'RESOURCE', TypeName, Configuration: 'not json', ConfigurationAlias: 'default'}))).rejects.toMatchObject({name: 'CFNRegistryException'})
    await cfn.send(new DeactivateTypeCommand({Type: 'RESOURCE', TypeName}))
  })

  it('BatchDescribeTypeConfigurations: {} until a configuration is set, then it with its time; an error entry for a type not activated', async () => {
    const cfn = cfnIn('eu-west-1')
    const identifier = {Type: 'RESOURCE' as const, TypeName, TypeConfigurationAlias: 'default'}
    const missing = await cfn.send(new BatchDescribeTypeConfigurationsCommand({TypeConfigurationIdentifiers: [identifier]}))
    expect(missing.TypeConfigurations ?? []).toEqual([])
    expect(missing.Errors).toMatchObject([{ErrorCode: 'TypeNotFoundException', TypeConfigurationIdentifier: {TypeName}}])

    await cfn.send(new ActivateTypeCommand({Type: 'RESOURCE', TypeName, PublisherId}))
    const unset = await cfn.send(new BatchDescribeTypeConfigurationsCommand({TypeConfigurationIdentifiers: [identifier]}))
    expect(unset.TypeConfigurations).toMatchObject([{TypeName, Configuration: '{}', TypeArn: 'arn:aws:cloudformation:eu-west-1:123456789012:type/resource/MongoDB-Atlas-Cluster'}])
    expect(unset.TypeConfigurations![0].LastUpdated).toBeUndefined()

    const configuration = '{"ProfileName": "{{resolve:ssm:/atlas/profile}}"}'
    await cfn.send(new SetTypeConfigurationCommand({Type: 'RESOURCE', TypeName, Configuration: configuration, ConfigurationAlias: 'default'}))
    const set = await cfn.send(new BatchDescribeTypeConfigurationsCommand({TypeConfigurationIdentifiers: [identifier]}))
    expect(set.TypeConfigurations).toMatchObject([{TypeName, Configuration: configuration, Alias: 'default', IsDefaultConfiguration: true}])
    expect(set.TypeConfigurations![0].LastUpdated).toBeInstanceOf(Date)
    // Activating again (e.g. to change AutoUpdate) keeps the configuration.
    await cfn.send(new ActivateTypeCommand({Type: 'RESOURCE', TypeName, PublisherId}))
    expect((await cfn.send(new BatchDescribeTypeConfigurationsCommand({TypeConfigurationIdentifiers: [identifier]}))).TypeConfigurations![0].Configuration).toBe(configuration)
    await cfn.send(new DeactivateTypeCommand({Type: 'RESOURCE', TypeName}))
  })
})
