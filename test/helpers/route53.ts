/**
 * Route 53's REST API on the local AWS, for tests that look at a hosted zone's records. The CLI
 * never calls Route 53 itself (CloudFormation writes the records), so there is no Route 53 SDK
 * client among its dependencies: these calls speak the API's XML directly (moto checks no
 * signature).
 *
 *   const zones = await listHostedZones(local.endpoint)
 *   const records = await listRecordSets(local.endpoint, zones[0].id)
 */

const API = '2013-04-01'
const NAMESPACE = `https://route53.amazonaws.com/doc/${API}/`

export interface HostedZone {
  /** The id without its `/hostedzone/` prefix. */
  id: string
  /** As Route 53 answers it (moto keeps a stack's zone name as the template spelled it). */
  name: string
}

export interface RecordSet {
  name: string
  type: string
  setIdentifier?: string
  failover?: string
  healthCheckId?: string
  aliasDnsName?: string
}

/** A change of ChangeResourceRecordSets: an alias record set (what the dns stack writes). */
export interface RecordChange {
  action: 'CREATE' | 'UPSERT' | 'DELETE'
  name: string
  type: string
  setIdentifier?: string
  failover?: 'PRIMARY' | 'SECONDARY'
  alias: {dnsName: string; hostedZoneId: string}
}

/** Route 53's error: the HTTP status, the code (`InvalidChangeBatch`) and the message. */
export class Route53Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`)
  }
}

function tag(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]
}

function blocks(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g'))].map((m) => m[1])
}

async function call(endpoint: string, method: 'GET' | 'POST', path: string, body?: string): Promise<string> {
  // moto picks the service from the credential scope of the Authorization header; it checks no signature.
  const authorization = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/route53/aws4_request, SignedHeaders=host, Signature=0'
  const response = await fetch(`${endpoint}/${API}/${path}`, {method, body, headers: {authorization, ...(body ? {'content-type': 'application/xml'} : {})}})
  const text = await response.text()
  if (!response.ok) throw new Route53Error(response.status, tag(text, 'Code') ?? 'Unknown', tag(text, 'Message') ?? text)
  return text
}

export async function listHostedZones(endpoint: string): Promise<HostedZone[]> {
  const xml = await call(endpoint, 'GET', 'hostedzone')
  return blocks(xml, 'HostedZone').map((zone) => ({id: tag(zone, 'Id')!.replace('/hostedzone/', ''), name: tag(zone, 'Name')!}))
}

/** The id of the hosted zone named `domain` (with or without the trailing dot). */
export async function hostedZoneId(endpoint: string, domain: string): Promise<string> {
  const bare = (name: string) => name.replace(/\.$/, '')
  const zone = (await listHostedZones(endpoint)).find((z) => bare(z.name) === bare(domain))
  if (!zone) throw new Error(`no hosted zone ${domain}`)
  return zone.id
}

/** Every record set of the zone (one page: the tests' zones are small). */
export async function listRecordSets(endpoint: string, zoneId: string): Promise<RecordSet[]> {
  const xml = await call(endpoint, 'GET', `hostedzone/${zoneId}/rrset`)
  return blocks(xml, 'ResourceRecordSet').map((set) => {
    const alias = blocks(set, 'AliasTarget')[0]
    const record: RecordSet = {name: tag(set, 'Name')!, type: tag(set, 'Type')!}
    const optional = {setIdentifier: tag(set, 'SetIdentifier'), failover: tag(set, 'Failover'), healthCheckId: tag(set, 'HealthCheckId'), aliasDnsName: alias ? tag(alias, 'DNSName') : undefined}
    for (const [key, value] of Object.entries(optional)) if (value !== undefined) Object.assign(record, {[key]: value})
    return record
  })
}

/** One change batch; throws Route53Error when Route 53 refuses it. */
export async function changeRecordSets(endpoint: string, zoneId: string, changes: RecordChange[]): Promise<void> {
  const change = (c: RecordChange) =>
    `<Change><Action>${c.action}</Action><ResourceRecordSet><Name>${c.name}</Name><Type>${c.type}</Type>` +
    (c.setIdentifier ? `<SetIdentifier>${c.setIdentifier}</SetIdentifier>` : '') +
    (c.failover ? `<Failover>${c.failover}</Failover>` : '') +
    `<AliasTarget><HostedZoneId>${c.alias.hostedZoneId}</HostedZoneId><DNSName>${c.alias.dnsName}</DNSName><EvaluateTargetHealth>false</EvaluateTargetHealth></AliasTarget>` +
    '</ResourceRecordSet></Change>'
  const body = `<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="${NAMESPACE}"><ChangeBatch><Changes>${changes.map(change).join('')}</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`
  await call(endpoint, 'POST', `hostedzone/${zoneId}/rrset`, body)
}
