/**
 * Third-party resource types (the root platform.yaml's Datadog monitor) must be activated and
 * configured in the account and region before a deploy. With the built CLI on a local AWS where
 * none is (like a fresh account, `local start --no-activate-types`): the deploy refuses and names
 * `platform activate prod`; activate refuses until prod's Datadog keys are set, activates the type
 * and sets its configuration as references to those secrets (never their values), changes nothing
 * when run again; then the deploy passes the preflight.
 */
import {ActivateTypeCommand, BatchDescribeTypeConfigurationsCommand, CloudFormationClient, DescribeStacksCommand, DescribeTypeCommand} from '@aws-sdk/client-cloudformation'
import {describe, expect, it} from 'vitest'
import {rootConfigWithoutAssets, runCli, spawnCli} from '../helpers/built-cli.js'
import {useLocalAws} from '../helpers/e2e-setup.js'
import {EXAMPLE_DATADOG_CONFIGURATION, EXAMPLE_THIRD_PARTY_TYPES} from '../helpers/local-aws.js'

const DATADOG = 'Datadog::Monitors::Monitor'
const API_KEY = 'dd-api-0123456789abcdef'
const APP_KEY = 'dd-app-fedcba9876543210'

const local = useLocalAws({thirdPartyTypes: false})
const config = rootConfigWithoutAssets()

describe('third-party resource types (built CLI, patched moto)', () => {
  it('deploy refuses and names platform activate; activate needs the keys set, activates and configures once; then the deploy passes', async () => {
    const cfn = new CloudFormationClient(local.sdkConfig)
    const cli = (args: string[]) => spawnCli([...args, '--config', config], {env: local.cliEnv})
    const deploy = () => cli(['deploy', 'prod', '--yes', '--infra-only', '--json'])

    // GIVEN an account where the type is not activated: the deploy changes nothing and points at activate first
    const refused = await deploy()
    expect(refused.code, refused.stderr).toBe(5)
    expect(refused.error).toMatchObject({code: 'TYPES_NOT_ACTIVATED'})
    expect(refused.error!.message).toContain(`${DATADOG} (ap-northeast-1)`)
    expect(refused.error!.suggestions[0]).toContain('Run `platform activate prod`')
    expect(refused.error!.suggestions[1]).toContain(`aws cloudformation activate-type --region ap-northeast-1 --type RESOURCE --type-name ${DATADOG} --publisher-id ${EXAMPLE_THIRD_PARTY_TYPES[DATADOG]}`)
    expect((await cfn.send(new DescribeStacksCommand({}))).Stacks ?? []).toEqual([])

    // WHEN the keys are not set yet, activate refuses before any change
    const noKeys = await cli(['activate', 'prod', '--yes', '--json'])
    expect(noKeys.code, noKeys.stderr).toBe(5)
    expect(JSON.parse(noKeys.stdout)).toMatchObject({code: 'SECRETS_NOT_SET'})
    expect(noKeys.stderr).toContain('platform secrets set prod DATADOG_API_KEY')
    await expect(cfn.send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName: DATADOG}))).rejects.toMatchObject({name: 'TypeNotFoundException'})

    // AND without --yes where nothing can prompt, it asks for --yes (exit 2)
    for (const [name, value] of [['DATADOG_API_KEY', API_KEY], ['DATADOG_APP_KEY', APP_KEY]]) {
      const set = runCli(['secrets', 'set', 'prod', name, '--config', config], {env: local.cliEnv, input: value})
      expect(set.status, set.stderr).toBe(0)
    }
    const noYes = await cli(['activate', 'prod'])
    expect(noYes.code, noYes.stderr).toBe(2)
    expect(noYes.stderr).toContain('--yes')

    // AND --dry-run says what it would do and does nothing
    const dry = await cli(['activate', 'prod', '--dry-run', '--json'])
    expect(dry.code, dry.stderr).toBe(0)
    expect(JSON.parse(dry.stdout)).toMatchObject({dryRun: true, types: [{typeName: DATADOG, region: 'ap-northeast-1', activation: 'would-activate', configuration: 'would-set'}]})
    await expect(cfn.send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName: DATADOG}))).rejects.toMatchObject({name: 'TypeNotFoundException'})

    // THEN activate --yes activates it (auto-updating) and configures it with references to prod's secrets
    const activated = await cli(['activate', 'prod', '--yes', '--json'])
    expect(activated.code, activated.stderr).toBe(0)
    expect(JSON.parse(activated.stdout)).toEqual({
      environment: 'prod',
      dryRun: false,
      unknown: [],
      types: [{region: 'ap-northeast-1', typeName: DATADOG, publisherId: EXAMPLE_THIRD_PARTY_TYPES[DATADOG], activation: 'activated', configuration: 'set'}],
    })
    expect(await cfn.send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName: DATADOG}))).toMatchObject({IsActivated: true, AutoUpdate: true, PublisherId: EXAMPLE_THIRD_PARTY_TYPES[DATADOG]})
    const stored = await cfn.send(new BatchDescribeTypeConfigurationsCommand({TypeConfigurationIdentifiers: [{Type: 'RESOURCE', TypeName: DATADOG, TypeConfigurationAlias: 'default'}]}))
    expect(stored.TypeConfigurations![0].Configuration).toBe(EXAMPLE_DATADOG_CONFIGURATION)
    expect(EXAMPLE_DATADOG_CONFIGURATION).toContain('{{resolve:ssm-secure:/bookmark-manager/prod/DATADOG_APP_KEY}}')
    // The keys are in no output and not in the registry
    for (const text of [activated.stdout, activated.stderr, dry.stdout, dry.stderr, stored.TypeConfigurations![0].Configuration!]) {
      expect(text).not.toContain(API_KEY)
      expect(text).not.toContain(APP_KEY)
    }

    // AND running it again changes nothing and says so
    const again = await cli(['activate', 'prod'])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain('Nothing to do for prod')
    expect(again.stderr).toContain(`${DATADOG} in ap-northeast-1: already activated; already configured`)

    // AND the deploy passes the preflight and creates the stacks
    const deployed = await deploy()
    expect(deployed.code, deployed.stderr).toBe(0)
    expect(deployed.result!.stacks.filter((s: any) => s.outcome === 'created').length).toBeGreaterThan(0)
  }, 300_000)

  it('a type activated by hand without its configuration is refused by deploy (TYPES_NOT_CONFIGURED); activate only sets the configuration', async () => {
    await local.reset()
    const cfn = new CloudFormationClient(local.sdkConfig)
    const cli = (args: string[]) => spawnCli([...args, '--config', config], {env: local.cliEnv})
    await cfn.send(new ActivateTypeCommand({Type: 'RESOURCE', TypeName: DATADOG, PublisherId: EXAMPLE_THIRD_PARTY_TYPES[DATADOG]}))
    const refused = await cli(['deploy', 'prod', '--yes', '--infra-only', '--json'])
    expect(refused.code, refused.stderr).toBe(5)
    expect(refused.error).toMatchObject({code: 'TYPES_NOT_CONFIGURED'})
    expect(refused.error!.suggestions[0]).toContain('platform activate prod')

    for (const name of ['DATADOG_API_KEY', 'DATADOG_APP_KEY']) expect(runCli(['secrets', 'set', 'prod', name, '--config', config], {env: local.cliEnv, input: 'k'}).status).toBe(0)
    const configured = await cli(['activate', 'prod', '--yes', '--json'])
    expect(configured.code, configured.stderr).toBe(0)
    expect(JSON.parse(configured.stdout).types).toMatchObject([{typeName: DATADOG, activation: 'already-active', configuration: 'set'}])
  }, 120_000)
})
