/**
 * The stack cut is the one list of an environment's stacks: what renderEnvironment renders (and so
 * what deploy, diff and cost see) is what validate counts, for every environment we have.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {describe, expect, it} from 'vitest'
import {summarizeEnvironments} from '../../src/lib/config/summary.js'
import {isServicePart, PART_ORDER, serviceOfPart, servicePart, stackKinds, stackParts} from '../../src/lib/stacks/parts.js'
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

  it('lists each kind once, the services\' as one kind, and no service kind without services', () => {
    expect(stackKinds(prodEnv())).toEqual(['bootstrap', 'network', 'storage', 'registry', 'data', 'zone', 'edge', 'cluster', 'svc-', 'cdn', 'dns', 'monitoring'])
    expect(stackKinds(prodEnv({services: {}}))).not.toContain('svc-')
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

describe('service parts', () => {
  it('name a service\'s stack and read the service back, and nothing else is one', () => {
    expect(servicePart('web')).toBe('svc-web')
    expect(isServicePart(servicePart('web'))).toBe(true)
    expect(serviceOfPart(servicePart('web'))).toBe('web')
    for (const kind of PART_ORDER.filter((k) => k !== 'svc-')) {
      expect(isServicePart(kind), kind).toBe(false)
      expect(serviceOfPart(kind), kind).toBeUndefined()
    }
  })

  it('are spelled in code only here: every other module asks parts.ts', () => {
    const src = join(import.meta.dirname, '..', '..', 'src')
    const files = readdirSync(src, {recursive: true, encoding: 'utf8'}).filter((file) => file.endsWith('.ts'))
    // A string or template literal starting with the prefix; comments may still say `svc-web`.
    const spelled = /(['"])svc-|`svc-(?:\$\{|`)/
    const offenders = files.filter((file) => relative('lib/stacks', file) !== 'parts.ts' && spelled.test(readFileSync(join(src, file), 'utf8')))
    expect(offenders).toEqual([])
  })
})
