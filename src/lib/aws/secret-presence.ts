import {isAwsError} from './aws-error.js'
import {type AwsClients, withAwsAuthErrors} from './clients.js'

/** DescribeSecret: whether the secret exists (and is not scheduled for deletion); its value is never read. */
export async function secretExists(clients: AwsClients, region: string, name: string): Promise<boolean> {
  const {DescribeSecretCommand} = await import('@aws-sdk/client-secrets-manager')
  return withAwsAuthErrors(async () => {
    try {
      const secret = await (await clients.secretsManager(region)).send(new DescribeSecretCommand({SecretId: name}))
      return secret.DeletedDate === undefined
    } catch (error) {
      if (isAwsError(error, 'ResourceNotFoundException')) return false
      throw error
    }
  })
}
