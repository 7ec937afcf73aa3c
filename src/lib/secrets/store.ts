import {isAwsError} from '../aws/aws-error.js'
import type {AwsClients} from '../aws/clients.js'
import {withAwsAuthErrors} from '../aws/clients.js'

/** What `secrets list` shows of a parameter: never its value. */
export interface StoredSecret {
  /** Full SSM name, `/<project>/<env>/<NAME>`. */
  parameter: string
  type: string
  version: number
  lastModified?: string
  /** Who last changed it (an IAM ARN), when SSM says. */
  lastModifiedBy?: string
}

/**
 * The SSM calls secrets need, and only those. DescribeParameters returns metadata only, so
 * listing never fetches a value, not even encrypted.
 */
export interface SecretStore {
  /** PutParameter as a SecureString (the account's `aws/ssm` key); returns the new version. */
  put(parameter: string, value: string): Promise<number>
  /** Every parameter directly under `path` (one level). */
  describe(path: string): Promise<StoredSecret[]>
  /** DeleteParameter; false when there was none. */
  remove(parameter: string): Promise<boolean>
}

/** The SecretStore of one region, over the client factory's SSM client. */
export function createSecretStore(clients: AwsClients, region: string): SecretStore {
  return {
    put: (parameter, value) =>
      withAwsAuthErrors(async () => {
        const {PutParameterCommand} = await import('@aws-sdk/client-ssm')
        const ssm = await clients.ssm(region)
        // Overwrite: SSM keeps the previous values as versions (up to 100), so nothing is lost.
        const out = await ssm.send(new PutParameterCommand({Name: parameter, Value: value, Type: 'SecureString', Overwrite: true, Tier: 'Standard'}))
        return out.Version ?? 0
      }),
    describe: (path) =>
      withAwsAuthErrors(async () => {
        const {DescribeParametersCommand} = await import('@aws-sdk/client-ssm')
        const ssm = await clients.ssm(region)
        const found: StoredSecret[] = []
        let token: string | undefined
        do {
          const out = await ssm.send(new DescribeParametersCommand({ParameterFilters: [{Key: 'Path', Option: 'OneLevel', Values: [path]}], MaxResults: 50, NextToken: token}))
          for (const p of out.Parameters ?? []) {
            if (!p.Name) continue
            found.push({parameter: p.Name, type: p.Type ?? 'String', version: p.Version ?? 0, lastModified: p.LastModifiedDate?.toISOString(), lastModifiedBy: p.LastModifiedUser})
          }
          token = out.NextToken
        } while (token)
        return found
      }),
    remove: (parameter) =>
      withAwsAuthErrors(async () => {
        const {DeleteParameterCommand} = await import('@aws-sdk/client-ssm')
        const ssm = await clients.ssm(region)
        try {
          await ssm.send(new DeleteParameterCommand({Name: parameter}))
          return true
        } catch (error) {
          if (isAwsError(error, 'ParameterNotFound')) return false
          throw error
        }
      }),
  }
}
