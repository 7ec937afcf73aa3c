import {createAwsClients} from '../aws/clients.js'
import type {DeploySdkClients} from './adapter.js'

/**
 * The SDK clients deploy and diff use, from the shared factory (region/profile precedence,
 * `--local`, standard retries with jittered backoff, timeouts). CloudFormation loads here (every
 * run needs it); the others load on first use.
 */
export async function createDeploySdkClients(flags: {profile?: string; local?: boolean; region?: string}, configRegion?: string): Promise<DeploySdkClients> {
  const clients = createAwsClients({profile: flags.profile, local: flags.local, region: flags.region, configRegion})
  const loaded = await clients.load('cloudFormation')
  return {
    endpoint: clients.endpoint,
    dnsServer: clients.dnsServer,
    cloudFormation: (region) => loaded.cloudFormation(region),
    s3: (region) => clients.s3(region),
    sts: () => clients.sts(),
    rds: (region) => clients.rds(region),
    ssm: (region) => clients.ssm(region),
    ec2: (region) => clients.ec2(region),
  }
}
