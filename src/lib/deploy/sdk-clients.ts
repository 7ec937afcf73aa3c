import {createAwsClients} from '../aws/clients.js'
import type {DeploySdkClients} from './aws.js'

/**
 * The SDK clients deploy and diff use, from the shared factory (region/profile precedence,
 * `--local`, standard retries with jittered backoff, timeouts). The packages load once, here;
 * the getters are then synchronous, one cached client per region.
 */
export async function createDeploySdkClients(flags: {profile?: string; local?: boolean; region?: string}, configRegion?: string): Promise<DeploySdkClients> {
  const clients = createAwsClients({profile: flags.profile, local: flags.local, region: flags.region, configRegion})
  const loaded = await clients.load('cloudFormation', 's3', 'sts', 'rds', 'ssm')
  return {
    endpoint: clients.endpoint,
    cloudFormation: (region) => loaded.cloudFormation(region),
    s3: (region) => loaded.s3(region),
    sts: () => loaded.sts(),
    rds: (region) => loaded.rds(region),
    ssm: (region) => loaded.ssm(region),
  }
}
