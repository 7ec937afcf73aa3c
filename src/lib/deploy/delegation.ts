import {Resolver} from 'node:dns/promises'
import type {DeployedStack} from '../aws/cloudformation.js'
import {DeployFailedError} from '../errors.js'
import type {StackDefinition} from '../stacks/types.js'
import {isSettled} from './stack-status.js'

/**
 * A new hosted zone answers nothing until the registrar delegates the domain to its name servers,
 * and ACM validates a DNS certificate only through those answers: CloudFormation then waits up to
 * 72 hours on the certificate, holding every stack after it. So a deploy that creates the zone stops
 * after it, before any certificate, until the domain's NS records (as resolvers see them) are the
 * zone's.
 */

/** The NS records of a name, from DNS. Injectable: tests and `PLATFORM_DNS_SERVER` point it elsewhere. */
export interface NameServerResolver {
  /** The name server host names; throws node's DNS errors (`ENOTFOUND`, `ENODATA`, `ETIMEOUT`, ...). */
  resolveNs(domain: string): Promise<string[]>
  /** Who answers, for the instructions ("the system's resolvers" or `host:port`). */
  readonly server: string
}

/**
 * Resolves through `server` (`host:port` or `host`; the `PLATFORM_DNS_SERVER` setting), else the
 * system's resolvers (/etc/resolv.conf): the answer any resolver on the internet, ACM's included, gets.
 */
export function createNameServerResolver(server?: string): NameServerResolver {
  const resolver = new Resolver({timeout: 3000, tries: 2})
  const chosen = server?.trim()
  if (chosen) resolver.setServers([chosen])
  return {server: chosen || "the system's resolvers", resolveNs: (domain) => resolver.resolveNs(domain)}
}

/** `NS-1.AwsDns-01.com.` and `ns-1.awsdns-01.com` are the same server. */
function normalize(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '')
}

export type DelegationStatus =
  /** The domain's NS records are all the zone's. */
  | 'delegated'
  /** No NS records, or some that are not the zone's (the registrar's old ones, another provider's). */
  | 'not-delegated'
  /** DNS did not answer (timeout, refused, SERVFAIL): nothing is known. */
  | 'unknown'

export interface DelegationCheck {
  domain: string
  status: DelegationStatus
  /** The zone's name servers (its NameServers output). */
  zoneNameServers: string[]
  /** What DNS answered for the domain's NS records. */
  resolved: string[]
  /** Answered but not the zone's. */
  foreign: string[]
  /** The zone's that the answer lacks (a partial delegation still works, but loses redundancy). */
  missing: string[]
  /** The DNS error when there was no answer. */
  error?: string
}

/**
 * Compare the domain's NS records with the zone's. Delegated means every answered name server is one
 * of the zone's: then every resolver, ACM's included, reaches the zone. One foreign server is enough
 * for some resolvers to ask a server that does not have the zone, so that is not delegated.
 */
export function compareDelegation(domain: string, zoneNameServers: string[], resolved: string[]): DelegationCheck {
  const zone = zoneNameServers.map(normalize)
  const answered = [...new Set(resolved.map(normalize))].sort()
  const foreign = answered.filter((ns) => !zone.includes(ns))
  const missing = zone.filter((ns) => !answered.includes(ns))
  const status = answered.length > 0 && foreign.length === 0 ? 'delegated' : 'not-delegated'
  return {domain, status, zoneNameServers: zone, resolved: answered, foreign, missing}
}

/** DNS's "this name has no NS records" answers, as node:dns names them: a fact, not a failure. */
const NO_RECORDS = new Set(['ENOTFOUND', 'ENODATA', 'NOTFOUND', 'NODATA'])

export async function checkDelegation(domain: string, zoneNameServers: string[], resolver: NameServerResolver): Promise<DelegationCheck> {
  try {
    return compareDelegation(domain, zoneNameServers, await resolver.resolveNs(domain))
  } catch (error) {
    const code = (error as {code?: string}).code ?? ''
    if (NO_RECORDS.has(code)) return compareDelegation(domain, zoneNameServers, [])
    return {...compareDelegation(domain, zoneNameServers, []), status: 'unknown', error: `${code || 'error'}: ${(error as Error).message}`}
  }
}

/** Exactly what to do at the registrar, how to see it took effect, and what to run then. */
export function delegationInstructions(check: DelegationCheck, envName: string, resolverName: string): string[] {
  const records = check.zoneNameServers.map((ns) => `${check.domain}. NS ${ns}.`)
  const seen =
    check.status === 'unknown'
      ? `DNS did not answer the NS query for ${check.domain} (${check.error}; asked ${resolverName}).`
      : check.resolved.length === 0
        ? `${check.domain} has no NS records yet (asked ${resolverName}).`
        : `${check.domain} is delegated to ${check.resolved.join(', ')} (asked ${resolverName})${check.foreign.length > 0 ? `; not the zone's: ${check.foreign.join(', ')}` : ''}.`
  return [
    seen,
    `At the registrar of ${check.domain} (for a subdomain: in its parent zone), set its name servers to exactly these ${check.zoneNameServers.length}, replacing any others:\n      ${records.join('\n      ')}`,
    `Check with \`dig +short NS ${check.domain}\` (and \`dig +short NS ${check.domain} @1.1.1.1\`): it must list those servers and no others. Registrars apply it within minutes to hours; resolvers may keep the old answer for its TTL (up to 48 hours for some TLDs).`,
    `Then run the deploy again: \`platform deploy ${envName}\` with the same flags. The hosted zone is already created; nothing else was changed.`,
    'If the delegation is in place but this resolver cannot see it, pass --skip-delegation-check (ACM validates the certificates only once the delegation is public).',
  ]
}

/** Stacks whose template holds a DNS-validated ACM certificate: their create waits on the delegation. */
export function certificateStacks(stacks: StackDefinition[]): StackDefinition[] {
  return stacks.filter((s) =>
    Object.values(s.template.Resources).some((r) => r.Type === 'AWS::CertificateManager::Certificate' && (r.Properties as {ValidationMethod?: string} | undefined)?.ValidationMethod === 'DNS'),
  )
}

/**
 * Whether the delegation must be checked before these certificate stacks run. Not when each of
 * them is already deployed and settled: a certificate's create completes only once ACM issued it,
 * which proves the zone was reachable (a later update of the same zone's records validates the same way).
 */
export function delegationCheckNeeded(zone: DeployedStack | undefined, certificates: Array<DeployedStack | undefined>): boolean {
  if (!zone || !isSettled(zone.status)) return true
  return certificates.some((stack) => !stack || !isSettled(stack.status))
}

/** The refusal: exit 5, the zone created and nothing after it. */
export function delegationMissingError(check: DelegationCheck, envName: string, resolverName: string): DeployFailedError {
  const what = check.status === 'unknown' ? `could not be checked` : 'is not in place yet'
  return new DeployFailedError(
    `The delegation of ${check.domain} to its new hosted zone ${what}: stopped before the stacks with certificates (ACM validates them only through the zone's name servers; CloudFormation would wait up to 72 hours). Name servers of the zone: ${check.zoneNameServers.join(', ')}.`,
    [],
    {code: check.status === 'unknown' ? 'DELEGATION_UNKNOWN' : 'DELEGATION_MISSING', suggestions: delegationInstructions(check, envName, resolverName)},
  )
}

export interface EnsureDelegationInput {
  envName: string
  domain?: string
  stacks: StackDefinition[]
  /** The stacks this deploy changes (`--stack`), by name; the others are only read. */
  selected: Set<string>
  readStack: (stack: StackDefinition) => Promise<DeployedStack | undefined>
  resolver: () => NameServerResolver
  /**
   * The deploy's own preflight checks, run before the zone is created: a deploy that the preflight
   * refuses must change nothing, the zone included.
   */
  preflight: (selected: StackDefinition[]) => Promise<void>
  /** Deploys the zone stack alone (review, confirm and all), returning when it is done. */
  deployZone: (zone: StackDefinition) => Promise<void>
  /** Shows the zone's name servers and what DNS answered. */
  report: (check: DelegationCheck) => void
}

/**
 * Before stacks with certificates run: when the environment's hosted zone is (or may be) new, deploy
 * it first, then check that the domain is delegated to its name servers; refuse (exit 5) when not.
 * Nothing happens when no selected stack holds a certificate, or when the zone and every certificate
 * stack are already settled (their certificates were issued, so the delegation worked).
 */
export async function ensureDelegation(input: EnsureDelegationInput): Promise<void> {
  const zone = input.stacks.find((s) => s.part === 'zone')
  const certificates = certificateStacks(input.stacks.filter((s) => input.selected.has(s.name)))
  if (!zone || !input.domain || certificates.length === 0) return
  const [deployedZone, ...deployedCertificates] = await Promise.all([zone, ...certificates].map((s) => input.readStack(s)))
  if (!delegationCheckNeeded(deployedZone, deployedCertificates)) return
  if (input.selected.has(zone.name)) {
    await input.preflight(input.stacks.filter((s) => input.selected.has(s.name)))
    await input.deployZone(zone)
  }
  // Not selected and not deployed: the engine names the missing stack (and the --stack to add).
  const nameServers = (await input.readStack(zone))?.outputs.NameServers
  if (nameServers === undefined) return
  const resolver = input.resolver()
  const check = await checkDelegation(input.domain, nameServers.split(',').filter(Boolean), resolver)
  input.report(check)
  if (check.status !== 'delegated') throw delegationMissingError(check, input.envName, resolver.server)
}
