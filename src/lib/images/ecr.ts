import type {ECRClient} from '@aws-sdk/client-ecr'
import {isAwsError} from '../aws/aws-error.js'
import {toAwsAuthError} from '../aws/clients.js'
import type {RegistryLogin} from './builder.js'

/** The ECR calls a release makes, and nothing else (narrow, so tests can fake it). */
export interface EcrApi {
  /** GetAuthorizationToken: the registry host (from the proxy endpoint) and its credentials. */
  login(): Promise<RegistryLogin>
  /**
   * DescribeImages for one tag: its digest, `undefined` when the tag is not in the repository,
   * `'no-repository'` when the repository does not exist yet.
   */
  findImage(repository: string, tag: string): Promise<{digest: string} | undefined | 'no-repository'>
}

/** An ECR client from the factory, as {@link EcrApi}. */
export function createEcrApi(client: ECRClient): EcrApi {
  return {
    async login() {
      const {GetAuthorizationTokenCommand} = await import('@aws-sdk/client-ecr')
      try {
        const out = await client.send(new GetAuthorizationTokenCommand({}))
        const data = out.authorizationData?.[0]
        // The token is base64 of "AWS:<password>"; proxyEndpoint is https://<account>.dkr.ecr.<region>.amazonaws.com.
        const [username, ...rest] = Buffer.from(data?.authorizationToken ?? '', 'base64').toString().split(':')
        const host = (data?.proxyEndpoint ?? '').replace(/^https?:\/\//, '').replace(/\/+$/, '')
        return {host, username, password: rest.join(':')}
      } catch (error) {
        throw toAwsAuthError(error)
      }
    },
    async findImage(repository, tag) {
      const {DescribeImagesCommand} = await import('@aws-sdk/client-ecr')
      try {
        const out = await client.send(new DescribeImagesCommand({repositoryName: repository, imageIds: [{imageTag: tag}]}))
        const digest = out.imageDetails?.[0]?.imageDigest
        return digest ? {digest} : undefined
      } catch (error) {
        if (isAwsError(error, 'ImageNotFoundException')) return undefined
        if (isAwsError(error, 'RepositoryNotFoundException')) return 'no-repository'
        throw toAwsAuthError(error)
      }
    },
  }
}
