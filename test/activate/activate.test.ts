import {describe, expect, it} from 'vitest'
import {activateEnvironment, type ActivateInput, checkConfigurationSecrets, planActivation} from '../../src/lib/activate/activate.js'
import type {TypeActivationState, TypeRegistry} from '../../src/lib/aws/type-registry.js'
import type {ResolvedEnvironment} from '../../src/lib/config/types.js'
import {renderEnvironment} from '../../src/templates/index.js'
import {rootEnvironments} from '../helpers/env.js'
import {stack} from '../deploy/stacks.js'

/** The registry of one account: activations and configurations per `region/TypeName`, and every call made. */
class MemoryRegistry implements TypeRegistry {
  readonly activated = new Map<string, string>()
  /** Execution roles by `region/TypeName`, as ActivateType was given them. */
  readonly roles = new Map<string, string>()
  readonly configurations = new Map<string, string>()
  readonly calls: string[] = []

  async isActivated(region: string, typeName: string): Promise<boolean> {
    return (await this.activation(region, typeName)).activated
  }

  async activation(region: string, typeName: string): Promise<TypeActivationState> {
    this.calls.push(`DescribeType ${region} ${typeName}`)
    const key = `${region}/${typeName}`
    return {activated: this.activated.has(key), ...(this.roles.has(key) ? {executionRoleArn: this.roles.get(key)} : {})}
  }

  async configuration(region: string, typeName: string): Promise<string | undefined> {
    this.calls.push(`BatchDescribeTypeConfigurations ${region} ${typeName}`)
    return this.configurations.get(`${region}/${typeName}`)
  }

  async activate(region: string, typeName: string, publisherId: string, executionRoleArn?: string): Promise<void> {
    this.calls.push(`ActivateType ${region} ${typeName}`)
    this.activated.set(`${region}/${typeName}`, publisherId)
    if (executionRoleArn) this.roles.set(`${region}/${typeName}`, executionRoleArn)
  }

  async configure(region: string, typeName: string, configuration: string): Promise<void> {
    this.calls.push(`SetTypeConfiguration ${region} ${typeName}`)
    this.configurations.set(`${region}/${typeName}`, configuration)
  }

  changes(): string[] {
    return this.calls.filter((c) => c.startsWith('ActivateType') || c.startsWith('SetTypeConfiguration'))
  }
}

const DATADOG = 'Datadog::Monitors::Monitor'
const env = {project: 'app', name: 'prod', region: 'ap-northeast-1', secrets: ['DATADOG_API_KEY', 'DATADOG_APP_KEY'], monitoring: {datadog: {enabled: true, site: 'datadoghq.com'}}} as unknown as ResolvedEnvironment
const ATLAS = 'MongoDB::Atlas::Cluster'
const ROLE = 'arn:aws:iam::123456789012:role/app-prod-atlas-extension'
const PROFILE = 'cfn/atlas/profile/default'
const CONFIGURATION = '{"DatadogCredentials":{"ApiKey":"{{resolve:secretsmanager:app/prod/datadog-type-configuration:SecretString:ApiKey}}","ApplicationKey":"{{resolve:secretsmanager:app/prod/datadog-type-configuration:SecretString:ApplicationKey}}"}}'

function stacks(types: Record<string, string> = {Monitor: DATADOG, Atlas: 'MongoDB::Atlas::Cluster'}) {
  return [stack('network'), stack('monitoring', {resources: Object.fromEntries(Object.entries(types).map(([id, Type]) => [id, {Type}]))})]
}

function run(registry: MemoryRegistry, overrides: Partial<Omit<ActivateInput, 'flags'>> & {flags?: Partial<ActivateInput['flags']>} = {}) {
  const progress: string[] = []
  const warnings: string[] = []
  const asked: string[] = []
  const kept: string[] = []
  const result = activateEnvironment({
    env,
    stacks: stacks(),
    registry,
    storedSecrets: async () => ['DATADOG_API_KEY', 'DATADOG_APP_KEY', 'JWT_SECRET'],
    executionRoleArn: async () => ROLE,
    executionRoleName: 'app-prod-atlas-extension',
    secretExists: async (region, name) => region === 'ap-northeast-1' && name === PROFILE,
    keepConfigurationSecret: async (region, secret) => (kept.push(`${region} ${secret.name} ${JSON.stringify(secret.keys)}`), 'created'),
    prompt: {canPrompt: () => false, confirm: async (message) => (asked.push(message), true)},
    progress: (text) => progress.push(text),
    warn: (text) => warnings.push(text),
    ...overrides,
    flags: {yes: true, dryRun: false, ...overrides.flags},
  })
  return {result, progress, warnings, asked, kept}
}

describe('platform activate (service)', () => {
  it('activates each type with its publisher and sets Datadog\'s configuration as references to the environment\'s secrets, never a value', async () => {
    const registry = new MemoryRegistry()
    const {result, progress, kept} = run(registry)
    expect(await result).toEqual({
      environment: 'prod',
      dryRun: false,
      unknown: [],
      types: [
        {region: 'ap-northeast-1', typeName: DATADOG, publisherId: '7171b96e5d207b947eb72ca9ce05247c246de623', activation: 'activated', configuration: 'set'},
        {region: 'ap-northeast-1', typeName: 'MongoDB::Atlas::Cluster', publisherId: 'bb989456c78c398a858fef18f2ca1bfc1fbba082', activation: 'activated', configuration: 'not-needed'},
      ],
      secrets: [{region: 'ap-northeast-1', name: 'app/prod/datadog-type-configuration', write: 'created'}],
    })
    expect(registry.changes()).toEqual([`ActivateType ap-northeast-1 ${DATADOG}`, `SetTypeConfiguration ap-northeast-1 ${DATADOG}`, 'ActivateType ap-northeast-1 MongoDB::Atlas::Cluster'])
    // The secret the configuration references is kept as a copy of the two SSM secrets, once
    expect(kept).toEqual(['ap-northeast-1 app/prod/datadog-type-configuration {"ApiKey":"DATADOG_API_KEY","ApplicationKey":"DATADOG_APP_KEY"}'])
    expect(progress.join('\n')).toContain('Secrets Manager secret app/prod/datadog-type-configuration in ap-northeast-1: created from the environment\'s secrets')
    expect(registry.configurations.get(`ap-northeast-1/${DATADOG}`)).toBe(CONFIGURATION)
    expect(progress.join('\n')).toContain(`${DATADOG} in ap-northeast-1: activated (minor versions update automatically); configuration set from the environment's secrets`)
  })

  it('a second run changes nothing and says so', async () => {
    const registry = new MemoryRegistry()
    await run(registry).result
    const before = registry.changes().length
    const again = run(registry, {flags: {yes: false}, keepConfigurationSecret: async () => 'unchanged'})
    const result = await again.result
    // The secret is checked on every run (the environment's keys may have changed), here written nothing
    expect(result.secrets).toEqual([{region: 'ap-northeast-1', name: 'app/prod/datadog-type-configuration', write: 'unchanged'}])
    expect(registry.changes()).toHaveLength(before)
    expect(result.types.map((t) => [t.activation, t.configuration])).toEqual([
      ['already-active', 'already-set'],
      ['already-active', 'not-needed'],
    ])
    // Nothing to change: no confirmation needed, even without --yes on a non-terminal.
    expect(again.asked).toEqual([])
    expect(again.progress.join('\n')).toContain(`${DATADOG} in ap-northeast-1: already activated; already configured`)
  })

  it('an activated type without configuration only gets its configuration; one configured otherwise is left alone, with a warning', async () => {
    const registry = new MemoryRegistry()
    registry.activated.set(`ap-northeast-1/${DATADOG}`, 'x')
    await run(registry, {stacks: stacks({Monitor: DATADOG})}).result
    expect(registry.changes()).toEqual([`SetTypeConfiguration ap-northeast-1 ${DATADOG}`])

    const handMade = new MemoryRegistry()
    handMade.activated.set(`ap-northeast-1/${DATADOG}`, 'x')
    handMade.configurations.set(`ap-northeast-1/${DATADOG}`, '{"DatadogCredentials":{"ApiKey":"{{resolve:secretsmanager:dd:SecretString:ApiKey}}"}}')
    const {result, warnings, kept} = run(handMade, {stacks: stacks({Monitor: DATADOG})})
    expect((await result).types[0].configuration).toBe('left-alone')
    // A configuration someone else wrote does not reference this environment's secret: none is written
    expect(kept).toEqual([])
    expect(handMade.changes()).toEqual([])
    expect(warnings.join('\n')).toContain('keeps a configuration platform did not write')
  })

  it('the same configuration re-serialised by the registry counts as set', async () => {
    const registry = new MemoryRegistry()
    registry.activated.set(`ap-northeast-1/${DATADOG}`, 'x')
    registry.configurations.set(`ap-northeast-1/${DATADOG}`, JSON.stringify(JSON.parse(CONFIGURATION), null, 2))
    const plan = await planActivation(env, stacks({Monitor: DATADOG}), registry)
    expect(plan.types[0].configurationState).toBe('current')
  })

  it('--dry-run reads the account, prints the configuration it would send, and changes nothing', async () => {
    const registry = new MemoryRegistry()
    const {result, progress, kept} = run(registry, {flags: {dryRun: true, yes: false}})
    const done = await result
    expect(done.types.map((t) => [t.activation, t.configuration])).toEqual([
      ['would-activate', 'would-set'],
      ['would-activate', 'not-needed'],
    ])
    expect(registry.changes()).toEqual([])
    expect(kept).toEqual([])
    expect(done.secrets).toEqual([{region: 'ap-northeast-1', name: 'app/prod/datadog-type-configuration', write: 'would-keep'}])
    expect(progress.join('\n')).toContain(`SetTypeConfiguration ${CONFIGURATION}`)
  })

  it('asks on a terminal (no means nothing changes, exit 6); without a terminal it needs --yes (exit 2)', async () => {
    const declined = new MemoryRegistry()
    const no = run(declined, {flags: {yes: false}, prompt: {canPrompt: () => true, confirm: async () => false}})
    await expect(no.result).rejects.toMatchObject({code: 'ABORTED', exitCode: 6})
    expect(declined.changes()).toEqual([])
    expect(no.progress.join('\n')).toContain(`${DATADOG} in ap-northeast-1: keep the Secrets Manager secret app/prod/datadog-type-configuration as a copy of DATADOG_API_KEY and DATADOG_APP_KEY, then ActivateType (publisher 7171b96e5d207b947eb72ca9ce05247c246de623, AutoUpdate), then SetTypeConfiguration`)
    expect(no.kept).toEqual([])

    const ci = new MemoryRegistry()
    await expect(run(ci, {flags: {yes: false}}).result).rejects.toMatchObject({code: 'NEEDS_FLAG', exitCode: 2})
    expect(ci.changes()).toEqual([])

    const yes = new MemoryRegistry()
    const confirmed = run(yes, {flags: {yes: false}, prompt: {canPrompt: () => true, confirm: async () => true}})
    await confirmed.result
    expect(yes.changes()).toHaveLength(3)
  })

  it('refuses, before any change, a configuration whose secrets are undeclared (exit 3) or not set (exit 5)', async () => {
    const undeclared = new MemoryRegistry()
    const error = await run(undeclared, {env: {...env, secrets: ['DATADOG_API_KEY']}}).result.catch((e) => e)
    expect(error).toMatchObject({code: 'SECRET_NOT_DECLARED', exitCode: 3})
    expect(error.suggestions[0]).toContain('platform secrets set prod DATADOG_APP_KEY')
    expect(undeclared.changes()).toEqual([])

    const unset = new MemoryRegistry()
    const missing = await run(unset, {storedSecrets: async () => ['DATADOG_API_KEY']}).result.catch((e) => e)
    expect(missing).toMatchObject({code: 'SECRETS_NOT_SET', exitCode: 5})
    expect(missing.message).toContain('DATADOG_APP_KEY')
    expect(unset.changes()).toEqual([])
  })

  it('a type needing the secrets in another region than the environment\'s is refused', async () => {
    const registry = new MemoryRegistry()
    const plan = await planActivation(env, [{...stack('edge', {resources: {Monitor: {Type: DATADOG}}}), region: 'us-east-1'}], registry)
    expect(() => checkConfigurationSecrets(env, plan, ['DATADOG_API_KEY', 'DATADOG_APP_KEY'])).toThrow(expect.objectContaining({code: 'SECRETS_IN_OTHER_REGION'}))
  })

  it('types of an unknown publisher are warned about and left alone; an environment without third-party types has nothing to do', async () => {
    const registry = new MemoryRegistry()
    const {result, warnings} = run(registry, {stacks: stacks({Thing: 'Acme::Widgets::Widget'})})
    expect((await result).unknown).toEqual([{region: 'ap-northeast-1', typeName: 'Acme::Widgets::Widget'}])
    expect(warnings.join('\n')).toContain('Acme::Widgets::Widget in ap-northeast-1: its publisher is unknown to platform')
    const none = run(new MemoryRegistry(), {stacks: [stack('network')]})
    expect((await none.result).types).toEqual([])
    expect(none.progress.join('\n')).toContain('uses no third-party resource types')
  })

  it('the root platform.yaml\'s prod: Datadog\'s monitor in ap-northeast-1, configured from prod\'s secrets', async () => {
    const prod = (await rootEnvironments()).find((e) => e.label === 'root-prod')!.env
    const plan = await planActivation(prod, renderEnvironment(prod), new MemoryRegistry())
    expect(plan.types.map((t) => `${t.region} ${t.typeName} ${t.configuration}`)).toEqual([
      'ap-northeast-1 Datadog::Monitors::Monitor {"DatadogCredentials":{"ApiKey":"{{resolve:secretsmanager:bookmark-manager/prod/datadog-type-configuration:SecretString:ApiKey}}","ApplicationKey":"{{resolve:secretsmanager:bookmark-manager/prod/datadog-type-configuration:SecretString:ApplicationKey}}"}}',
    ])
  })

  describe('MongoDB Atlas types: an execution role and the profile secret', () => {
    it('are activated with the execution role (the bootstrap stack\'s or --execution-role-arn), which the plan shows', async () => {
      const applied = new MemoryRegistry()
      const {result, progress} = run(applied, {stacks: stacks({Atlas: ATLAS}), flags: {yes: false}, prompt: {canPrompt: () => true, confirm: async () => true}})
      expect((await result).types).toMatchObject([{typeName: ATLAS, activation: 'activated'}])
      expect(applied.roles.get(`ap-northeast-1/${ATLAS}`)).toBe(ROLE)
      expect(progress.join('\n')).toContain(`${ATLAS} in ap-northeast-1: ActivateType (publisher bb989456c78c398a858fef18f2ca1bfc1fbba082, AutoUpdate, execution role ${ROLE})`)
    })

    it('without a role (no bootstrap output, no flag) activation is refused before any change, naming both ways to give one (exit 5)', async () => {
      const registry = new MemoryRegistry()
      const error = await run(registry, {executionRoleArn: async () => undefined}).result.catch((e) => e)
      expect(error).toMatchObject({code: 'EXECUTION_ROLE_MISSING', exitCode: 5})
      expect(error.message).toContain(`${ATLAS} (ap-northeast-1) must be activated with an execution role that may read ${PROFILE}`)
      expect(error.suggestions[0]).toContain('`platform deploy prod --stack bootstrap`')
      expect(error.suggestions[0]).toContain('app-prod-atlas-extension')
      expect(error.suggestions[1]).toContain('--execution-role-arn')
      // Not even the Datadog type, which needs no role: all or nothing.
      expect(registry.changes()).toEqual([])
    })

    it('the role is looked up only when an Atlas type is used', async () => {
      let asked = 0
      await run(new MemoryRegistry(), {stacks: stacks({Monitor: DATADOG}), executionRoleArn: async () => (asked++, undefined)}).result
      expect(asked).toBe(0)
    })

    it('a missing profile secret is refused on every run, before any change, with the command that creates it from a file (exit 5)', async () => {
      const registry = new MemoryRegistry()
      const asked: string[] = []
      const error = await run(registry, {secretExists: async (region, name) => (asked.push(`${region} ${name}`), false)}).result.catch((e) => e)
      expect(asked).toEqual([`ap-northeast-1 ${PROFILE}`])
      expect(error).toMatchObject({code: 'CREDENTIALS_SECRET_MISSING', exitCode: 5})
      expect(error.message).toContain(`${ATLAS} read their API keys from the Secrets Manager secret ${PROFILE} in ap-northeast-1, which does not exist`)
      expect(error.suggestions[0]).toContain(`aws secretsmanager create-secret --region ap-northeast-1 --name ${PROFILE} --secret-string file://atlas-profile.json`)
      expect(error.suggestions[0]).toContain('{"PublicKey": "<public key>", "PrivateKey": "<private key>"}')
      expect(registry.changes()).toEqual([])

      // Once everything is activated, a deleted secret is still reported: deploys need it as much.
      const done = new MemoryRegistry()
      await run(done).result
      await expect(run(done, {secretExists: async () => false}).result).rejects.toMatchObject({code: 'CREDENTIALS_SECRET_MISSING'})
    })

    it('an Atlas type activated without a role is left as it is, with a warning saying how to fix it', async () => {
      const registry = new MemoryRegistry()
      registry.activated.set(`ap-northeast-1/${ATLAS}`, 'x')
      const {result, warnings} = run(registry, {stacks: stacks({Atlas: ATLAS})})
      expect((await result).types[0]).toMatchObject({activation: 'already-active', configuration: 'not-needed'})
      expect(registry.changes()).toEqual([])
      expect(warnings.join('\n')).toContain(`${ATLAS} in ap-northeast-1 was activated without an execution role: its handlers cannot read ${PROFILE}`)
      expect(warnings.join('\n')).toContain(`aws cloudformation deactivate-type --region ap-northeast-1 --type RESOURCE --type-name ${ATLAS}`)
    })
  })
})
