import {describe, expect, it} from 'vitest'
import {assembleStacks, StackContractError} from '../../src/lib/stacks/assemble.js'
import {findLimitViolations, StackLimits, templateBodySize} from '../../src/lib/stacks/limits.js'
import {defineStack, fromOutput, newTemplate} from '../../src/templates/common.js'
import {serializeTemplate} from '../../src/lib/stacks/serialize.js'
import {renderEnvironment, renderManifest} from '../../src/templates/index.js'
import type {StackDefinition} from '../../src/lib/stacks/types.js'
import {manyServicesEnv, minimalEnv, prodEnv, stagingEnv} from '../helpers/env.js'

const env = prodEnv()

function stack(part: string, options: {outputs?: string[]; reads?: Array<[string, string, string]>} = {}): StackDefinition {
  const template = newTemplate(part)
  template.Resources.Topic = {Type: 'AWS::SNS::Topic', Metadata: {'platform:description': part}}
  for (const output of options.outputs ?? []) template.Outputs![output] = {Value: {Ref: 'Topic'}}
  const parameters: StackDefinition['parameters'] = {}
  for (const [param, fromPart, output] of options.reads ?? []) {
    template.Parameters![param] = {Type: 'String'}
    parameters[param] = fromOutput(env, fromPart, output)
  }
  return defineStack(env, part, template, {parameters})
}

describe('renderEnvironment', () => {
  it('renders every part of the production design in deploy order', () => {
    const parts = renderEnvironment(prodEnv()).map((s) => s.part)
    expect(parts).toEqual(['bootstrap', 'network', 'storage', 'registry', 'data', 'zone', 'edge', 'cluster', 'svc-api', 'svc-web', 'cdn', 'dns', 'monitoring'])
  })

  it('leaves out what the minimal environment does not need', () => {
    const parts = renderEnvironment(minimalEnv()).map((s) => s.part)
    expect(parts).not.toContain('data')
    expect(parts).not.toContain('zone')
    expect(parts).not.toContain('registry')
    expect(parts).not.toContain('dns')
    expect(parts).toEqual(expect.arrayContaining(['bootstrap', 'network', 'storage', 'cluster', 'svc-app', 'cdn', 'monitoring']))
  })

  it('orders every stack after all the stacks it depends on', () => {
    for (const e of [prodEnv(), stagingEnv(), minimalEnv(), manyServicesEnv(60)]) {
      const seen = new Set<string>()
      for (const s of renderEnvironment(e)) {
        for (const d of s.dependsOn) expect(seen.has(d), `${s.name} after ${d}`).toBe(true)
        seen.add(s.name)
      }
    }
  })

  it('is deterministic: rendering twice gives identical bytes', () => {
    for (const make of [prodEnv, stagingEnv, minimalEnv, () => manyServicesEnv(60)]) {
      const a = renderEnvironment(make())
      const b = renderEnvironment(make())
      expect(a.map((s) => serializeTemplate(s.template))).toEqual(b.map((s) => serializeTemplate(s.template)))
      expect(JSON.stringify(renderManifest('p', 'e', a))).toBe(JSON.stringify(renderManifest('p', 'e', b)))
    }
  })

  it('does not depend on the order services are declared in', () => {
    const forward = prodEnv()
    const backward = prodEnv({services: Object.fromEntries(Object.entries(forward.services).reverse())})
    expect(renderEnvironment(backward).map((s) => serializeTemplate(s.template))).toEqual(renderEnvironment(forward).map((s) => serializeTemplate(s.template)))
  })

  it('keeps every stack within CloudFormation limits with 60 services, and says which go through the artifact bucket', () => {
    const stacks = renderEnvironment(manyServicesEnv(60))
    expect(stacks.filter((s) => s.part.startsWith('svc-'))).toHaveLength(60)
    const sizes: Record<string, number> = {}
    for (const s of stacks) {
      expect(findLimitViolations(s), s.name).toEqual([])
      expect(Object.keys(s.template.Resources).length).toBeLessThanOrEqual(500)
      expect(templateBodySize(s.template)).toBeLessThanOrEqual(1_000_000)
      sizes[s.part] = templateBodySize(s.template)
    }
    // The 60 repositories' template (about 90 KiB) is over the 51,200-byte inline limit, so it
    // goes through the artifact bucket and is deployed after the bootstrap stack that holds it.
    expect(sizes.registry).toBeGreaterThan(StackLimits.inlineTemplateBytes)
    expect(sizes.network).toBeLessThan(StackLimits.inlineTemplateBytes)
    for (const s of stacks) {
      const viaBucket = templateBodySize(s.template) > StackLimits.inlineTemplateBytes
      // The storage stack depends on bootstrap anyway: its buckets log to bootstrap's access-log bucket.
      if (s.part !== 'storage') expect(s.dependsOn.includes('bookmark-manager-prod-bootstrap'), s.name).toBe(viaBucket)
    }
  })

  it('describes every resource for deploy progress, in every stack', () => {
    for (const s of renderEnvironment(prodEnv())) {
      for (const [id, resource] of Object.entries(s.template.Resources)) {
        expect((resource.Metadata as Record<string, unknown> | undefined)?.['platform:description'], `${s.name} ${id}`).toEqual(expect.stringMatching(/\S/))
      }
      expect(s.template.AWSTemplateFormatVersion).toBe('2010-09-09')
    }
  })
})

describe('assembleStacks (the contract check between renderers)', () => {
  it('accepts parameters that read declared outputs of rendered stacks', () => {
    const ordered = assembleStacks([stack('cluster', {reads: [['VpcId', 'network', 'VpcId']]}), stack('network', {outputs: ['VpcId']})])
    expect(ordered.map((s) => s.part)).toEqual(['network', 'cluster'])
  })

  it('rejects a parameter reading an output the producer does not declare', () => {
    const run = (): unknown => assembleStacks([stack('network', {outputs: ['VpcId']}), stack('cluster', {reads: [['Subnets', 'network', 'PublicSubnets']]})])
    expect(run).toThrow(StackContractError)
    expect(run).toThrow(/cluster parameter Subnets reads output PublicSubnets of bookmark-manager-prod-network, which declares only: VpcId/)
  })

  it('rejects a parameter reading a stack that is not rendered', () => {
    expect(() => assembleStacks([stack('cluster', {reads: [['ZoneId', 'zone', 'HostedZoneId']]})])).toThrow(/no stack bookmark-manager-prod-zone is rendered/)
  })

  it('rejects passed parameters the template does not declare, and declared ones nobody feeds', () => {
    const undeclared = stack('cluster')
    undeclared.parameters = {Ghost: {from: 'value', value: 'x'}}
    expect(() => assembleStacks([undeclared])).toThrow(/passes parameter Ghost, which its template does not declare/)
    const unfed = stack('cluster')
    unfed.template.Parameters = {ImageUri: {Type: 'String'}}
    expect(() => assembleStacks([unfed])).toThrow(/template parameter ImageUri has no default and no source/)
  })

  it('rejects image parameters of unknown services, duplicate names and cycles', () => {
    const image = stack('svc-web')
    image.template.Parameters = {ImageUri: {Type: 'String'}}
    image.parameters = {ImageUri: {from: 'image', service: 'wbe'}}
    expect(() => assembleStacks([image], {services: ['web']})).toThrow(/image of wbe, which is not a service/)
    expect(() => assembleStacks([stack('network'), stack('network')])).toThrow(/two stacks are named/)
    const a = stack('a', {outputs: ['X'], reads: [['Y', 'b', 'Y']]})
    const b = stack('b', {outputs: ['Y'], reads: [['X', 'a', 'X']]})
    expect(() => assembleStacks([a, b])).toThrow(/dependency cycle among/)
  })

  it('rejects a stack over 500 resources', () => {
    const big = stack('monitoring')
    for (let i = 0; i < 501; i++) big.template.Resources[`Topic${i}`] = {Type: 'AWS::SNS::Topic'}
    expect(() => assembleStacks([big])).toThrow(/has 502 resources \(CloudFormation allows 500\)/)
  })
})

describe('renderManifest', () => {
  it('lists each stack with its template file, region, dependencies and parameter sources', () => {
    const stacks = renderEnvironment(prodEnv())
    const manifest = renderManifest('bookmark-manager', 'prod', stacks)
    expect(manifest.stacks.map((s) => s.name)).toEqual(stacks.map((s) => s.name))
    const data = manifest.stacks.find((s) => s.part === 'data')!
    expect(data).toMatchObject({
      name: 'bookmark-manager-prod-data',
      region: 'ap-northeast-1',
      template: 'bookmark-manager-prod-data.template.json',
      dependsOn: ['bookmark-manager-prod-network'],
      parameters: {PrivateSubnetIds: {from: 'output', stack: 'bookmark-manager-prod-network', output: 'PrivateSubnetIds'}},
      terminationProtection: true,
    })
    expect(manifest.stacks.find((s) => s.part === 'edge')!.region).toBe('us-east-1')
  })
})
