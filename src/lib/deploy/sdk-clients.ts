import {CloudFormationClient} from '@aws-sdk/client-cloudformation'
import {RDSClient} from '@aws-sdk/client-rds'
import {S3Client} from '@aws-sdk/client-s3'
import {SSMClient} from '@aws-sdk/client-ssm'
import {STSClient} from '@aws-sdk/client-sts'
import {PlatformError} from '../errors.js'
import {readLocalState} from '../local/state.js'
import type {DeploySdkClients} from './aws.js'

/**
 * A stand-in for the shared client factory (src/lib/aws/clients.ts) until it lands: per-region
 * SDK clients with the SDK's standard retry mode (jittered backoff on throttling, 5xx, dropped
 * connections; 5 attempts), the profile, and `--local` read from `platform local start`'s state.
 * The integrator replaces the body with `createAwsClients`.
 */
export async function createDeploySdkClients(flags: {profile?: string; local?: boolean}): Promise<DeploySdkClients> {
  let endpoint = process.env.AWS_ENDPOINT_URL
  let credentials: {accessKeyId: string; secretAccessKey: string} | undefined
  if (flags.local || process.env.PLATFORM_LOCAL === '1') {
    const state = await readLocalState()
    if (!state) throw new PlatformError('--local: no local AWS is running.', {code: 'NO_LOCAL', exit: 4, suggestions: ['Start it with `platform local start`.']})
    endpoint = state.moto.endpoint
    credentials = {accessKeyId: 'test', secretAccessKey: 'test'}
  }
  if (flags.profile) process.env.AWS_PROFILE = flags.profile
  const base = {endpoint, credentials, maxAttempts: 5, retryMode: 'standard'} as const
  const cache = new Map<string, unknown>()
  const once = <T>(key: string, make: () => T): T => {
    if (!cache.has(key)) cache.set(key, make())
    return cache.get(key) as T
  }
  return {
    endpoint,
    cloudFormation: (region) => once(`cfn:${region}`, () => new CloudFormationClient({...base, region})),
    s3: (region) => once(`s3:${region}`, () => new S3Client({...base, region, forcePathStyle: Boolean(endpoint)})),
    sts: () => once('sts', () => new STSClient({...base, region: process.env.AWS_REGION ?? 'us-east-1'})),
    rds: (region) => once(`rds:${region}`, () => new RDSClient({...base, region})),
    ssm: (region) => once(`ssm:${region}`, () => new SSMClient({...base, region})),
  }
}
