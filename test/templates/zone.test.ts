import {describe, expect, it} from 'vitest'
import {RenderInvariantError} from '../../src/lib/stacks/invariant.js'
import {renderZoneStack} from '../../src/templates/zone.js'
import {minimalEnv, prodEnv} from '../helpers/env.js'

describe('zone stack (design row 1: Route53 hosted zone)', () => {
  it('creates the hosted zone for the domain and retains it', () => {
    const stack = renderZoneStack(prodEnv())
    const zone = stack.template.Resources.HostedZone
    expect(zone.Type).toBe('AWS::Route53::HostedZone')
    expect(zone.Properties!.Name).toBe('bookmarks.example.com')
    expect(zone.DeletionPolicy).toBe('Retain')
    expect(Object.keys(stack.template.Outputs!).sort()).toEqual(['HostedZoneId', 'NameServers'])
  })

  it('is not rendered without a domain, or when an existing zone is used: a call then is a bug', () => {
    expect(() => renderZoneStack(minimalEnv())).toThrow(RenderInvariantError)
    expect(() => renderZoneStack(prodEnv({dns: {...prodEnv().dns, createZone: false, zoneId: 'Z123'}}))).toThrow(RenderInvariantError)
  })
})
