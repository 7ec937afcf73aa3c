/** local/patches/registry_types.py: DescribeType / ActivateType / SetTypeConfiguration / DeactivateType. */
import {ActivateTypeCommand, DeactivateTypeCommand, DescribeTypeCommand, SetTypeConfigurationCommand} from '@aws-sdk/client-cloudformation'
import {describe, expect, it} from 'vitest'
import {usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()
// Not one the test helper activates (it activates the example's Datadog monitor).
const TypeName = 'MongoDB::Atlas::Cluster'
const PublisherId = 'bb989456c78c398a858fef18f2ca1bfc1fbba082'

describe('registry types', () => {
  it('a third-party type is not found until activated in the account and region; AWS types always are', async () => {
    const cfn = moto.cfn()
    await expect(cfn.send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName}))).rejects.toMatchObject({name: 'TypeNotFoundException'})
    expect(await cfn.send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName: 'AWS::SNS::Topic'}))).toMatchObject({TypeName: 'AWS::SNS::Topic', IsActivated: true})
    const activated = await cfn.send(new ActivateTypeCommand({Type: 'RESOURCE', TypeName, PublisherId}))
    expect(activated.Arn).toBe('arn:aws:cloudformation:ap-northeast-1:123456789012:type/resource/MongoDB-Atlas-Cluster')
    expect(await cfn.send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName}))).toMatchObject({TypeName, IsActivated: true, PublisherId})
    const configured = await cfn.send(new SetTypeConfigurationCommand({Type: 'RESOURCE', TypeName, Configuration: '{"ProfileName": "default"}'}))
    expect(configured.ConfigurationArn).toMatch(/MongoDB-Atlas-Cluster\/configuration\/default$/)
    await cfn.send(new DeactivateTypeCommand({Type: 'RESOURCE', TypeName}))
    await expect(cfn.send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName}))).rejects.toMatchObject({name: 'TypeNotFoundException'})
  })
})
