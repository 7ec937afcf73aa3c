/**
 * Subnet carving for the network stack. Pure integer math on IPv4 addresses (no dependency):
 * the design's layout is public /24s at x.x.1.0, x.x.2.0, ... and private /24s at x.x.11.0,
 * x.x.12.0, ... counted from the VPC's base address.
 */

export interface SubnetLayout {
  public: string[]
  private: string[]
}

interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  base: number
  prefixLength: number
}

/** `a.b.c.d/n` as written (host bits kept), or `undefined` for anything else. */
export function readCidr(cidr: string): {address: number; prefixLength: number} | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim())
  if (!match) return undefined
  const octets = match.slice(1, 5).map(Number)
  const prefixLength = Number(match[5])
  if (octets.some((o) => o > 255) || prefixLength > 32) return undefined
  return {address: octets.reduce((acc, o) => acc * 256 + o, 0), prefixLength}
}

/** Parse `a.b.c.d/n`; throws on anything else. The base is masked to the network address. */
export function parseCidr(cidr: string): Cidr {
  const read = readCidr(cidr)
  if (!read) throw new Error(`Not an IPv4 CIDR: ${cidr}`)
  const size = 2 ** (32 - read.prefixLength)
  return {base: Math.floor(read.address / size) * size, prefixLength: read.prefixLength}
}

/** True when two CIDRs share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [x, y] = [parseCidr(a), parseCidr(b)]
  return x.base < y.base + 2 ** (32 - y.prefixLength) && y.base < x.base + 2 ** (32 - x.prefixLength)
}

/** True when {@link carveSubnets} can lay out `availabilityZones` public and private subnets in `vpcCidr`. */
export function canCarveSubnets(vpcCidr: string, availabilityZones: number): boolean {
  try {
    carveSubnets(vpcCidr, availabilityZones)
    return true
  } catch {
    return false
  }
}

/** Format an unsigned 32-bit address and prefix length as `a.b.c.d/n`. */
export function formatCidr(address: number, prefixLength: number): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256)
  return `${octets.join('.')}/${prefixLength}`
}

/** Smallest subnet AWS allows. */
const SMALLEST_SUBNET_PREFIX = 28
const DESIGN_PRIVATE_OFFSET = 11

/**
 * One public and one private subnet CIDR per AZ.
 *
 * When the VPC holds enough /24s (a /16 to a /20 for up to 5 AZs), the design's layout is used:
 * public at /24 number 1, 2, ... and private at 11, 12, ... Smaller VPCs are split into equal
 * power-of-two blocks (public first, then private), down to AWS's smallest subnet, a /28.
 * Throws when even that cannot fit; config validation reports the same case to the user first.
 */
export function carveSubnets(vpcCidr: string, availabilityZones: number): SubnetLayout {
  if (!Number.isInteger(availabilityZones) || availabilityZones < 1) throw new Error(`availabilityZones must be a positive integer, got ${availabilityZones}`)
  const {base, prefixLength} = parseCidr(vpcCidr)
  const slash24Count = prefixLength <= 24 ? 2 ** (24 - prefixLength) : 0
  if (DESIGN_PRIVATE_OFFSET + availabilityZones <= slash24Count) {
    const at = (index: number): string => formatCidr(base + index * 256, 24)
    return {
      public: range(availabilityZones).map((i) => at(1 + i)),
      private: range(availabilityZones).map((i) => at(DESIGN_PRIVATE_OFFSET + i)),
    }
  }

  // Equal blocks: 2 * AZs subnets rounded up to a power of two.
  const blockBits = Math.ceil(Math.log2(2 * availabilityZones))
  const subnetPrefix = prefixLength + blockBits
  if (subnetPrefix > SMALLEST_SUBNET_PREFIX) {
    throw new Error(`${vpcCidr} is too small for ${2 * availabilityZones} subnets of at least /${SMALLEST_SUBNET_PREFIX}`)
  }
  const blockSize = 2 ** (32 - subnetPrefix)
  const at = (index: number): string => formatCidr(base + index * blockSize, subnetPrefix)
  return {
    public: range(availabilityZones).map((i) => at(i)),
    private: range(availabilityZones).map((i) => at(availabilityZones + i)),
  }
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer)
  const i = parseCidr(inner)
  if (i.prefixLength < o.prefixLength) return false
  const size = 2 ** (32 - o.prefixLength)
  return Math.floor(i.base / size) * size === o.base
}

function range(count: number): number[] {
  return Array.from({length: count}, (_, i) => i)
}
