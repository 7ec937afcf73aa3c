import {isAwsError} from './aws-error.js'
import {type AwsClients, withAwsAuthErrors} from './clients.js'
import {ExitCode, PlatformError} from '../errors.js'

/** What keeping a secret did: `unchanged` wrote nothing. */
export type SecretWrite = 'created' | 'updated' | 'unchanged'

export interface SecretCopy {
  /** The Secrets Manager secret, in `region`. */
  name: string
  region: string
  /** JSON key in the secret → the SSM SecureString parameter (full name) its value is copied from. */
  parameters: Record<string, string>
  /** The region of those parameters. */
  parameterRegion: string
  tags: Record<string, string>
}

/**
 * Keeps a Secrets Manager secret holding a JSON object copied from SSM SecureString parameters: reads
 * them with decryption (in memory only), then creates the secret (tagged) when missing, puts a new
 * value only when it differs from the current one, and otherwise writes nothing. No value is ever
 * printed, logged or put in an error.
 */
export async function keepSecretCopy(clients: AwsClients, copy: SecretCopy): Promise<SecretWrite> {
  const ssmSdk = await import('@aws-sdk/client-ssm')
  const sm = await import('@aws-sdk/client-secrets-manager')
  return withAwsAuthErrors(async () => {
    const names = Object.values(copy.parameters)
    const read = await (await clients.ssm(copy.parameterRegion)).send(new ssmSdk.GetParametersCommand({Names: names, WithDecryption: true}))
    const byName = new Map((read.Parameters ?? []).map((p) => [p.Name, p.Value]))
    const missing = names.filter((name) => byName.get(name) === undefined)
    if (missing.length > 0) throw new PlatformError(`Cannot copy ${missing.join(', ')} into ${copy.name}: not found in ${copy.parameterRegion}; nothing was written.`, {code: 'SECRETS_NOT_SET', exit: ExitCode.deployFailed})
    const wanted: Record<string, string> = {}
    for (const key of Object.keys(copy.parameters).sort()) wanted[key] = byName.get(copy.parameters[key])!
    const secretString = JSON.stringify(wanted)

    const client = await clients.secretsManager(copy.region)
    let current: string | undefined
    try {
      current = (await client.send(new sm.GetSecretValueCommand({SecretId: copy.name}))).SecretString
    } catch (error) {
      if (isAwsError(error, 'InvalidRequestException')) {
        throw new PlatformError(`The secret ${copy.name} in ${copy.region} is scheduled for deletion; nothing was written.`, {
          code: 'SECRET_SCHEDULED_FOR_DELETION',
          exit: ExitCode.deployFailed,
          suggestions: [`Restore it (aws secretsmanager restore-secret --region ${copy.region} --secret-id ${copy.name}), then run this again.`],
        })
      }
      if (!isAwsError(error, 'ResourceNotFoundException')) throw error
      const tags = Object.entries(copy.tags).map(([Key, Value]) => ({Key, Value}))
      await client.send(new sm.CreateSecretCommand({Name: copy.name, SecretString: secretString, Tags: tags, Description: `Copied by platform from ${names.join(', ')}`}))
      return 'created'
    }
    if (current !== undefined && sameValues(current, wanted)) return 'unchanged'
    await client.send(new sm.PutSecretValueCommand({SecretId: copy.name, SecretString: secretString}))
    return 'updated'
  })
}

/** Compared as values: a secret edited by hand may be the same JSON written differently. */
function sameValues(current: string, wanted: Record<string, string>): boolean {
  try {
    const parsed = JSON.parse(current) as Record<string, unknown>
    return Object.keys(parsed).length === Object.keys(wanted).length && Object.entries(wanted).every(([key, value]) => parsed[key] === value)
  } catch {
    return false
  }
}
