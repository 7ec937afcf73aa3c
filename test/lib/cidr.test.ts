import {describe, expect, it} from 'vitest'
import {carveSubnets, cidrContains, formatCidr, parseCidr} from '../../src/lib/cidr.js'

describe('carveSubnets', () => {
  it('carves the design layout from a /16: public .1/.2, private .11/.12', () => {
    expect(carveSubnets('10.0.0.0/16', 2)).toEqual({public: ['10.0.1.0/24', '10.0.2.0/24'], private: ['10.0.11.0/24', '10.0.12.0/24']})
  })

  it('counts from the base of any /16 and for three AZs', () => {
    expect(carveSubnets('172.20.0.0/16', 3)).toEqual({
      public: ['172.20.1.0/24', '172.20.2.0/24', '172.20.3.0/24'],
      private: ['172.20.11.0/24', '172.20.12.0/24', '172.20.13.0/24'],
    })
  })

  it('keeps the design layout in a /20 that is not /16-aligned', () => {
    expect(carveSubnets('10.8.16.0/20', 2)).toEqual({public: ['10.8.17.0/24', '10.8.18.0/24'], private: ['10.8.27.0/24', '10.8.28.0/24']})
  })

  it('splits a small VPC into equal blocks when /24s at .11 do not fit', () => {
    expect(carveSubnets('10.0.0.0/22', 2)).toEqual({public: ['10.0.0.0/24', '10.0.1.0/24'], private: ['10.0.2.0/24', '10.0.3.0/24']})
    expect(carveSubnets('192.168.0.0/24', 3)).toEqual({
      public: ['192.168.0.0/27', '192.168.0.32/27', '192.168.0.64/27'],
      private: ['192.168.0.96/27', '192.168.0.128/27', '192.168.0.160/27'],
    })
  })

  it('masks host bits of the base address', () => {
    expect(carveSubnets('10.0.5.7/16', 1)).toEqual({public: ['10.0.1.0/24'], private: ['10.0.11.0/24']})
  })

  it('throws when the subnets cannot fit', () => {
    expect(() => carveSubnets('10.0.0.0/27', 2)).toThrow(/too small/)
    expect(() => carveSubnets('10.0.0/16', 2)).toThrow(/Not an IPv4 CIDR/)
    expect(() => carveSubnets('10.0.0.0/16', 0)).toThrow(/positive integer/)
  })

  it('never produces overlapping subnets, all inside the VPC', () => {
    for (const [cidr, azs] of [['10.0.0.0/16', 6], ['10.0.0.0/20', 6], ['10.0.0.0/21', 3], ['10.0.0.0/26', 2]] as const) {
      const {public: pub, private: priv} = carveSubnets(cidr, azs)
      const all = [...pub, ...priv]
      expect(new Set(all).size).toBe(2 * azs)
      for (const subnet of all) expect(cidrContains(cidr, subnet)).toBe(true)
      const starts = all.map((c) => parseCidr(c).base).sort((a, b) => a - b)
      const sizes = all.map((c) => 2 ** (32 - parseCidr(c).prefixLength))
      for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(Math.min(...sizes))
    }
  })

  it('formats addresses above 2^31 without sign problems', () => {
    expect(formatCidr(parseCidr('255.255.255.0/24').base, 24)).toBe('255.255.255.0/24')
  })
})
