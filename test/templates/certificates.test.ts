import {describe, expect, it} from 'vitest'
import type {ResolvedEnvironment} from '../../src/lib/config/types.js'
import {renderEnvironment} from '../../src/templates/index.js'
import {prodEnv, rootEnvironments} from '../helpers/env.js'

/**
 * ACM validates a name with one CNAME per account, the same for every certificate and region that
 * names it, and `*.x` with the record of `x` (ACM User Guide, "DNS validation"). So across all the
 * stacks of an environment, each validation record must be written once (a second writer would
 * collide with it), and every certificate must find the record of each of its names written by a
 * certificate of a stack deployed no later than its own (else it waits for validation forever).
 */
interface Certificate {
  where: string
  stackIndex: number
  names: string[]
  /** The records this certificate's DomainValidationOptions have CloudFormation write. */
  writes: string[]
}

const recordOf = (name: string): string => name.replace(/^\*\./, '')

function certificates(env: ResolvedEnvironment): Certificate[] {
  return renderEnvironment(env).flatMap((stack, stackIndex) =>
    Object.entries(stack.template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::CertificateManager::Certificate')
      .map(([id, resource]) => {
        const properties = resource.Properties as {DomainName: string; SubjectAlternativeNames?: string[]; DomainValidationOptions?: Array<{DomainName: string; HostedZoneId?: unknown}>}
        return {
          where: `${stack.part}/${id}`,
          stackIndex,
          names: [properties.DomainName, ...(properties.SubjectAlternativeNames ?? [])],
          writes: (properties.DomainValidationOptions ?? []).filter((option) => option.HostedZoneId !== undefined).map((option) => recordOf(option.DomainName)),
        }
      }),
  )
}

function checkValidationRecords(env: ResolvedEnvironment): void {
  const all = certificates(env)
  const writers = all.flatMap((certificate) => certificate.writes.map((record) => ({record, certificate})))
  const records = writers.map((writer) => writer.record)
  expect(records, 'each validation record is written by one certificate option only').toEqual([...new Set(records)])
  for (const certificate of all) {
    for (const name of certificate.names) {
      const writer = writers.find((w) => w.record === recordOf(name))
      expect(writer, `${certificate.where}: the validation record of ${name} is written`).toBeDefined()
      expect(writer!.certificate.stackIndex, `${certificate.where}: ${name} is validated by a stack deployed before it or by itself`).toBeLessThanOrEqual(certificate.stackIndex)
    }
  }
}

describe('certificate validation records across the stacks of an environment', () => {
  it("are written once, by the edge and ALB certificates, and the maintenance page's certificate reuses the edge one's (root platform.yaml)", async () => {
    for (const {env} of await rootEnvironments()) {
      if (!env.domain) continue
      checkValidationRecords(env)
      const all = certificates(env)
      expect(all.map((c) => `${c.where} writes ${c.writes.length}`)).toEqual([
        `edge/Certificate writes ${new Set(all[0].names.map(recordOf)).size}`,
        'cluster/OriginCertificate writes 1',
        ...(env.dns.failover && env.dns.healthCheck ? ['dns/MaintenanceCertificate writes 0'] : []),
      ])
    }
  })

  it('hold with wildcards, a wildcard without its base name, nested names and no apex record', () => {
    for (const records of [['www', '', '*', 'a.b', '*.app'], ['*.app'], ['www'], ['*']]) {
      checkValidationRecords(prodEnv({dns: {...prodEnv().dns, records}}))
    }
  })
})
