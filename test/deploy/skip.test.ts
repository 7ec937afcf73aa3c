import {describe, expect, it} from 'vitest'
import type {DeployedStack} from '../../src/lib/aws/cloudformation.js'
import {decideSkip, effectiveParameters, listItems} from '../../src/lib/deploy/skip.js'
import type {StackDefinition} from '../../src/lib/stacks/types.js'
import {stack} from './stacks.js'

function deployedOf(def: StackDefinition, overrides: Partial<DeployedStack> = {}): DeployedStack {
  return {stackId: 'id', stackName: def.name, status: 'UPDATE_COMPLETE', parameters: {}, tags: {...def.tags}, outputs: {}, terminationProtection: def.terminationProtection, ...overrides}
}

const templateOf = (def: StackDefinition) => JSON.parse(JSON.stringify(def.template))

describe('effectiveParameters', () => {
  const def = stack('data', {parameters: {Name: {from: 'value', value: 'x'}, Size: {from: 'value', value: '1'}, Kept: {from: 'value', value: 'k'}}})
  def.template.Parameters!.Size.Default = '2'

  it('is the submitted value, else the template default; UsePreviousValue is the deployed value', () => {
    const deployed = deployedOf(def, {parameters: {Kept: 'deployed-k'}})
    expect(effectiveParameters(def.template, {Name: {value: 'n'}, Kept: {usePrevious: true}}, deployed)).toEqual({Name: 'n', Size: '2', Kept: 'deployed-k'})
    expect(effectiveParameters(def.template, {Name: {value: 'n'}, Size: {value: '3'}}, deployed)).toEqual({Name: 'n', Size: '3', Kept: undefined})
  })

  it('UsePreviousValue of a stack not deployed yet has no value', () => {
    expect(effectiveParameters(def.template, {Kept: {usePrevious: true}})).toStrictEqual({Name: undefined, Size: '2', Kept: undefined})
  })

  it('a template without parameters has none', () => {
    expect(effectiveParameters(stack('x').template, {Name: {value: 'n'}})).toStrictEqual({})
  })
})

describe('decideSkip: each difference is found and named', () => {
  const def = stack('network', {parameters: {Cidr: {from: 'value', value: '10.0.0.0/16'}}})
  const params = {Cidr: {value: '10.0.0.0/16'}}

  it('names the status that prevents a skip', () => {
    expect(decideSkip(def, deployedOf(def, {status: 'UPDATE_ROLLBACK_FAILED', parameters: {Cidr: '10.0.0.0/16'}}), templateOf(def), params)).toEqual({skip: false, reason: 'status UPDATE_ROLLBACK_FAILED'})
  })

  it('tags compare whatever their order; a changed value or a missing tag differs', () => {
    const reversed = Object.fromEntries(Object.entries(def.tags).reverse())
    const deployed = (tags: Record<string, string>) => deployedOf(def, {parameters: {Cidr: '10.0.0.0/16'}, tags})
    expect(decideSkip(def, deployed(reversed), templateOf(def), params)).toEqual({skip: true, reason: 'unchanged'})
    expect(decideSkip(def, deployed({...def.tags, project: 'other'}), templateOf(def), params).reason).toBe('tags differ')
    const {project: _project, ...fewer} = def.tags
    expect(decideSkip(def, deployed(fewer), templateOf(def), params).reason).toBe('tags differ')
  })

  it('termination protection AWS does not report counts as off', () => {
    const unreported = deployedOf(def, {parameters: {Cidr: '10.0.0.0/16'}, terminationProtection: undefined})
    expect(decideSkip(def, unreported, templateOf(def), params).skip).toBe(true)
    const protectedDef = stack('network', {parameters: {Cidr: {from: 'value', value: '10.0.0.0/16'}}, protect: true})
    expect(decideSkip(protectedDef, unreported, templateOf(protectedDef), params).reason).toBe('termination protection differs')
  })

  it('a parameter whose default applies compares the default with the deployed value', () => {
    const withDefault = stack('network', {parameters: {Cidr: {from: 'value', value: 'x'}}})
    withDefault.template.Parameters!.Cidr.Default = '10.0.0.0/16'
    expect(decideSkip(withDefault, deployedOf(withDefault, {parameters: {Cidr: '10.0.0.0/16'}}), templateOf(withDefault), {}).skip).toBe(true)
    expect(decideSkip(withDefault, deployedOf(withDefault, {parameters: {Cidr: '10.1.0.0/16'}}), templateOf(withDefault), {}).reason).toBe('parameter Cidr differs')
  })
})

describe('list parameters compare as lists, other parameters as strings', () => {
  function decide(type: string, deployedValue: string, value: string) {
    const def = stack('data', {parameters: {Ids: {from: 'value', value}}})
    def.template.Parameters!.Ids.Type = type
    return decideSkip(def, deployedOf(def, {parameters: {Ids: deployedValue}}), templateOf(def), {Ids: {value}}).skip
  }

  it('List<...> and CommaDelimitedList: spaces after commas do not matter, items do', () => {
    for (const type of ['List<AWS::EC2::Subnet::Id>', 'List<Number>', 'CommaDelimitedList']) {
      expect(decide(type, 'a, b', 'a,b')).toBe(true)
      expect(decide(type, 'a, b', 'a,c')).toBe(false)
      expect(decide(type, 'a,b', 'b,a')).toBe(false)
    }
  })

  it('a String parameter that happens to hold commas compares exactly', () => {
    expect(decide('String', 'a, b', 'a,b')).toBe(false)
    expect(decide('String', 'a,b', 'a,b')).toBe(true)
    // Only a type starting with List< is a list.
    expect(decide('AWS::SSM::Parameter::Value<List<String>>', 'a, b', 'a,b')).toBe(false)
  })

  it('listItems trims each item and keeps no empty ones', () => {
    expect(listItems('  a ,b  ')).toEqual(['a', 'b'])
    expect(listItems('')).toEqual([])
    expect(listItems('a')).toEqual(['a'])
  })
})
