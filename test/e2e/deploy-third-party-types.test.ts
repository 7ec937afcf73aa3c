/**
 * Third-party resource types (the root platform.yaml's Datadog monitor) must be activated in the
 * account and region before a deploy: the built CLI's preflight asks DescribeType and refuses with
 * the activation commands. The patched moto answers DescribeType/ActivateType like AWS; this local
 * AWS starts without any type activated.
 */
import {ActivateTypeCommand, CloudFormationClient, DescribeStacksCommand} from '@aws-sdk/client-cloudformation'
import {describe, expect, it} from 'vitest'
import {rootConfigWithoutAssets, spawnCli} from '../helpers/built-cli.js'
import {useLocalAws} from '../helpers/e2e-setup.js'
import {EXAMPLE_THIRD_PARTY_TYPES} from '../helpers/local-aws.js'

const local = useLocalAws({thirdPartyTypes: false})
const config = rootConfigWithoutAssets()


describe('third-party resource types (built CLI, patched moto)', () => {
  it('a deploy using a type the account has not activated changes nothing and prints the activate-type steps; once activated it deploys', async () => {
    const cfn = new CloudFormationClient(local.sdkConfig)
    const refused = await spawnCli(['deploy', 'prod', '--yes', '--infra-only', '--json', '--config', config], {env: local.env})
    expect(refused.code, refused.stderr).toBe(5)
    expect(refused.error).toMatchObject({code: 'TYPES_NOT_ACTIVATED'})
    expect(refused.error!.message).toContain('Datadog::Monitors::Monitor (ap-northeast-1)')
    expect(refused.error!.suggestions.join('\n')).toContain('aws cloudformation activate-type --region ap-northeast-1 --type RESOURCE --type-name Datadog::Monitors::Monitor --publisher-id 7171b96e5d207b947eb72ca9ce05247c246de623')
    expect((await cfn.send(new DescribeStacksCommand({}))).Stacks ?? []).toEqual([])

    for (const [TypeName, PublisherId] of Object.entries(EXAMPLE_THIRD_PARTY_TYPES)) await cfn.send(new ActivateTypeCommand({Type: 'RESOURCE', TypeName, PublisherId}))
    const deployed = await spawnCli(['deploy', 'prod', '--yes', '--infra-only', '--json', '--config', config], {env: local.env})
    expect(deployed.code, deployed.stderr).toBe(0)
    expect(deployed.result!.stacks.filter((s: any) => s.outcome === 'created').length).toBeGreaterThan(0)
  }, 240_000)
})
