/**
 * The stack cut is the one list of an environment's stacks: what renderEnvironment renders (and so
 * what deploy, diff and cost see) is what validate counts, for every environment we have.
 */
import {describe, expect, it} from 'vitest'
import {summarizeEnvironments} from '../../src/lib/config/summary.js'
import {PART_ORDER, stackParts} from '../../src/lib/stacks/parts.js'
import {renderEnvironment} from '../../src/templates/index.js'
import {configEnvironments, minimalEnv, prodEnv} from '../helpers/env.js'

describe('stackParts', () => {
  it('lists the production design in deploy order, services in the config order', () => {
    expect(stackParts(prodEnv())).toEqual(['bootstrap', 'network', 'storage', 'registry', 'data', 'zone', 'edge', 'cluster', 'svc-web', 'svc-api', 'cdn', 'dns', 'monitoring'])
  })

  it('leaves out each optional stack with the fact that asks for it', () => {
    const prod = prodEnv()
    const without = (overrides: Parameters<typeof prodEnv>[0]) => PART_ORDER.filter((kind) => kind !== 'svc-' && !stackParts(prodEnv(overrides)).includes(kind))
    expect(without({database: undefined})).toEqual(['data'])
    expect(without({dns: {...prod.dns, createZone: false, zoneId: 'Z123'}})).toEqual(['zone'])
    expect(without({domain: undefined, waf: {...prod.waf, enabled: false}})).toEqual(['zone', 'edge', 'dns'])
    // WAF without a domain still needs the us-east-1 web ACL.
    expect(without({domain: undefined})).toEqual(['zone', 'dns'])
    const prebuilt = Object.fromEntries(Object.entries(prod.services).map(([name, service]) => [name, {...service, build: undefined, image: 'public.ecr.aws/x/y:1'}]))
    expect(without({services: prebuilt})).toEqual(['registry'])
    expect(stackParts(minimalEnv())).toEqual(['bootstrap', 'network', 'storage', 'cluster', 'svc-app', 'cdn', 'monitoring'])
  })

  it('is what renderEnvironment renders and what validate counts, for the root platform.yaml and every valid fixture', async () => {
    for (const {label, env} of await configEnvironments()) {
      const rendered = renderEnvironment(env).map((stack) => stack.part)
      expect([...rendered].sort(), label).toEqual([...stackParts(env)].sort())
      const config = {environments: {[env.name]: env}} as unknown as Parameters<typeof summarizeEnvironments>[0]
      expect(summarizeEnvironments(config, [env.name])[0].stacks, label).toBe(rendered.length)
    }
  })
})
