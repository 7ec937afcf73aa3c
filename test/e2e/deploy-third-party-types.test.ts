/**
 * Third-party resource types (the root platform.yaml's Datadog monitor) must be activated and
 * configured in the account and region before a deploy. With the built CLI on a local AWS where
 * none is (like a fresh account, `local start --no-activate-types`): the deploy refuses and names
 * `platform activate prod`; activate refuses until prod's Datadog keys are set, activates the type
 * and sets its configuration as references to those secrets (never their values), changes nothing
 * when run again; then the deploy passes the preflight. With prod's MongoDB Atlas cluster in the
 * stacks: activate refuses until the Atlas profile secret exists, then until an execution role does
 * (the bootstrap stack's, deployed alone, or --execution-role-arn), and activates the Atlas type with it.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {ActivateTypeCommand, BatchDescribeTypeConfigurationsCommand, CloudFormationClient, DescribeStacksCommand, DescribeTypeCommand} from '@aws-sdk/client-cloudformation'
import {CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient} from '@aws-sdk/client-secrets-manager'
import {describe, expect, it} from 'vitest'
import {rootConfigWithoutAssets, runCli, spawnCli} from '../helpers/built-cli.js'
import {useLocalAws} from '../helpers/e2e-setup.js'
import {EXAMPLE_DATADOG_CONFIGURATION, EXAMPLE_THIRD_PARTY_TYPES} from '../helpers/local-aws.js'

const DATADOG = 'Datadog::Monitors::Monitor'
const API_KEY = 'dd-api-0123456789abcdef'
const APP_KEY = 'dd-app-fedcba9876543210'
/** The Secrets Manager secret Datadog's type configuration references. */
const SECRET = 'bookmark-manager/prod/datadog-type-configuration'

const ATLAS = 'MongoDB::Atlas::Cluster'
const ATLAS_PUBLIC_KEY = 'atlaspub0123'
const ATLAS_PRIVATE_KEY = '9f3c2b1a-atlas-private-key'

const local = useLocalAws({thirdPartyTypes: false})
const config = rootConfigWithoutAssets()

/** The root platform.yaml with prod's MongoDB Atlas cluster managed by the stacks (MongoDB::Atlas::Cluster). */
function atlasConfig(): string {
  const file = rootConfigWithoutAssets()
  const text = readFileSync(file, 'utf8')
  const changed = text.replace('mongodbAtlas: {tier: M10,', 'mongodbAtlas: {enabled: true, projectId: "0123456789abcdef01234567", tier: M10,')
  if (changed === text) throw new Error('the root platform.yaml no longer declares prod\'s mongodbAtlas on one line')
  writeFileSync(file, changed)
  return file
}

describe('third-party resource types (built CLI, patched moto)', () => {
  it('deploy refuses and names platform activate; activate needs the keys set, activates and configures once; then the deploy passes', async () => {
    const cfn = new CloudFormationClient(local.sdkConfig)
    const sm = new SecretsManagerClient(local.sdkConfig)
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
    expect(JSON.parse(dry.stdout).secrets).toEqual([{region: 'ap-northeast-1', name: SECRET, write: 'would-keep'}])
    await expect(sm.send(new DescribeSecretCommand({SecretId: SECRET}))).rejects.toMatchObject({name: 'ResourceNotFoundException'})

    // THEN activate --yes activates it (auto-updating) and configures it with references to prod's secrets
    const activated = await cli(['activate', 'prod', '--yes', '--json'])
    expect(activated.code, activated.stderr).toBe(0)
    expect(JSON.parse(activated.stdout)).toEqual({
      environment: 'prod',
      dryRun: false,
      unknown: [],
      types: [{region: 'ap-northeast-1', typeName: DATADOG, publisherId: EXAMPLE_THIRD_PARTY_TYPES[DATADOG], activation: 'activated', configuration: 'set'}],
      secrets: [{region: 'ap-northeast-1', name: SECRET, write: 'created'}],
    })
    expect(await cfn.send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName: DATADOG}))).toMatchObject({IsActivated: true, AutoUpdate: true, PublisherId: EXAMPLE_THIRD_PARTY_TYPES[DATADOG]})
    const stored = await cfn.send(new BatchDescribeTypeConfigurationsCommand({TypeConfigurationIdentifiers: [{Type: 'RESOURCE', TypeName: DATADOG, TypeConfigurationAlias: 'default'}]}))
    expect(stored.TypeConfigurations![0].Configuration).toBe(EXAMPLE_DATADOG_CONFIGURATION)
    expect(EXAMPLE_DATADOG_CONFIGURATION).toContain(`{{resolve:secretsmanager:${SECRET}:SecretString:ApplicationKey}}`)
    // The secret it references holds both keys, copied from prod's SSM secrets, tagged like the stacks
    expect(JSON.parse((await sm.send(new GetSecretValueCommand({SecretId: SECRET}))).SecretString!)).toEqual({ApiKey: API_KEY, ApplicationKey: APP_KEY})
    expect((await sm.send(new DescribeSecretCommand({SecretId: SECRET}))).Tags).toEqual(expect.arrayContaining([{Key: 'project', Value: 'bookmark-manager'}, {Key: 'environment', Value: 'prod'}, {Key: 'managed-by', Value: 'platform'}]))
    const versions = async () => Object.keys((await sm.send(new DescribeSecretCommand({SecretId: SECRET}))).VersionIdsToStages ?? {}).length
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
    expect(again.stderr).toContain(`Secrets Manager secret ${SECRET} in ap-northeast-1: already holds the environment's secrets`)
    expect(await versions()).toBe(1)

    // AND a changed key is copied on the next run, and appears in no output either
    const rotated = 'dd-app-rotated-0011223344'
    expect(runCli(['secrets', 'set', 'prod', 'DATADOG_APP_KEY', '--config', config], {env: local.cliEnv, input: rotated}).status).toBe(0)
    const updated = await cli(['activate', 'prod', '--yes', '--json'])
    expect(updated.code, updated.stderr).toBe(0)
    expect(JSON.parse(updated.stdout).secrets).toEqual([{region: 'ap-northeast-1', name: SECRET, write: 'updated'}])
    expect(JSON.parse((await sm.send(new GetSecretValueCommand({SecretId: SECRET}))).SecretString!)).toEqual({ApiKey: API_KEY, ApplicationKey: rotated})
    for (const text of [again.stdout, again.stderr, updated.stdout, updated.stderr]) {
      for (const key of [API_KEY, APP_KEY, rotated]) expect(text).not.toContain(key)
    }

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

  it('MongoDB Atlas: activate needs the profile secret, then an execution role (the bootstrap stack\'s or --execution-role-arn), activates with it, and the deploy passes', async () => {
    await local.reset()
    const atlas = atlasConfig()
    const cfn = new CloudFormationClient(local.sdkConfig)
    const cli = (args: string[]) => spawnCli([...args, '--config', atlas], {env: local.cliEnv})
    for (const name of ['DATADOG_API_KEY', 'DATADOG_APP_KEY']) expect(runCli(['secrets', 'set', 'prod', name, '--config', atlas], {env: local.cliEnv, input: 'k'}).status).toBe(0)

    // GIVEN no Atlas profile secret: refused before any change, with the command that creates it from a file
    const noProfile = await cli(['activate', 'prod', '--yes', '--json'])
    expect(noProfile.code, noProfile.stderr).toBe(5)
    expect(JSON.parse(noProfile.stdout)).toMatchObject({code: 'CREDENTIALS_SECRET_MISSING'})
    expect(noProfile.stderr).toContain('aws secretsmanager create-secret --region ap-northeast-1 --name cfn/atlas/profile/default --secret-string file://atlas-profile.json')
    await expect(cfn.send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName: ATLAS}))).rejects.toMatchObject({name: 'TypeNotFoundException'})

    // WHEN the profile exists but the bootstrap stack (its execution role) is not deployed: refused, naming both ways
    const secrets = new SecretsManagerClient(local.sdkConfig)
    await secrets.send(new CreateSecretCommand({Name: 'cfn/atlas/profile/default', SecretString: JSON.stringify({PublicKey: ATLAS_PUBLIC_KEY, PrivateKey: ATLAS_PRIVATE_KEY})}))
    secrets.destroy()
    const noRole = await cli(['activate', 'prod', '--yes', '--json'])
    expect(noRole.code, noRole.stderr).toBe(5)
    expect(JSON.parse(noRole.stdout)).toMatchObject({code: 'EXECUTION_ROLE_MISSING'})
    expect(noRole.stderr).toContain('platform deploy prod --stack bootstrap')
    expect(noRole.stderr).toContain('--execution-role-arn')
    await expect(cfn.send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName: DATADOG}))).rejects.toMatchObject({name: 'TypeNotFoundException'})

    // THEN the bootstrap stack alone deploys (it uses no third-party type) and creates the role
    const bootstrap = await cli(['deploy', 'prod', '--stack', 'bootstrap', '--yes', '--json'])
    expect(bootstrap.code, bootstrap.stderr).toBe(0)
    const outputs = (await cfn.send(new DescribeStacksCommand({StackName: 'bookmark-manager-prod-bootstrap'}))).Stacks![0].Outputs ?? []
    const role = outputs.find((o) => o.OutputKey === 'AtlasExtensionRoleArn')?.OutputValue
    expect(role).toMatch(/^arn:aws:iam::\d{12}:role\/bookmark-manager-prod-atlas-extension$/)

    // AND activate passes that role to ActivateType for the Atlas type
    const activated = await cli(['activate', 'prod', '--yes', '--json'])
    expect(activated.code, activated.stderr).toBe(0)
    expect(JSON.parse(activated.stdout).types).toEqual([
      {region: 'ap-northeast-1', typeName: DATADOG, publisherId: EXAMPLE_THIRD_PARTY_TYPES[DATADOG], activation: 'activated', configuration: 'set'},
      {region: 'ap-northeast-1', typeName: ATLAS, publisherId: 'bb989456c78c398a858fef18f2ca1bfc1fbba082', activation: 'activated', configuration: 'not-needed'},
    ])
    expect(await cfn.send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName: ATLAS}))).toMatchObject({IsActivated: true, AutoUpdate: true, ExecutionRoleArn: role})
    expect((await cfn.send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName: DATADOG}))).ExecutionRoleArn).toBeUndefined()
    // The Atlas keys are in no output
    for (const text of [noProfile.stdout, noProfile.stderr, noRole.stdout, noRole.stderr, activated.stdout, activated.stderr]) {
      expect(text).not.toContain(ATLAS_PUBLIC_KEY)
      expect(text).not.toContain(ATLAS_PRIVATE_KEY)
    }

    // AND a second run changes nothing
    const again = await cli(['activate', 'prod'])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain('Nothing to do for prod')

    // AND the deploy passes the preflight and creates the monitoring stack with the Atlas cluster
    const deployed = await cli(['deploy', 'prod', '--yes', '--infra-only', '--json'])
    expect(deployed.code, deployed.stderr).toBe(0)
    const resources = await cfn.send(new DescribeStacksCommand({StackName: 'bookmark-manager-prod-monitoring'}))
    expect(resources.Stacks![0].StackStatus).toBe('CREATE_COMPLETE')

    // AND in an account where Atlas is not yet activated, --execution-role-arn gives a role of one's own
    await local.reset()
    for (const name of ['DATADOG_API_KEY', 'DATADOG_APP_KEY']) expect(runCli(['secrets', 'set', 'prod', name, '--config', atlas], {env: local.cliEnv, input: 'k'}).status).toBe(0)
    const again2 = new SecretsManagerClient(local.sdkConfig)
    await again2.send(new CreateSecretCommand({Name: 'cfn/atlas/profile/default', SecretString: '{}'}))
    again2.destroy()
    const mine = 'arn:aws:iam::123456789012:role/atlas-cfn-execution'
    const flagged = await cli(['activate', 'prod', '--yes', '--json', '--execution-role-arn', mine])
    expect(flagged.code, flagged.stderr).toBe(0)
    expect(await cfn.send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName: ATLAS}))).toMatchObject({ExecutionRoleArn: mine})
  }, 400_000)
})
