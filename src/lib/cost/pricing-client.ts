import type {PricingApi} from './live.js'

/**
 * The Price List API client, loaded on demand so `cost estimate` without --live never imports the
 * AWS SDK. The API has endpoints only in us-east-1 (and a few others); us-east-1 serves every
 * region's prices.
 *
 * TODO(integrator): build this through `createAwsClients` in src/lib/aws/clients.ts once it has a
 * pricing client, so profile and endpoint handling are shared.
 */
export async function createPricingApi(options: {profile?: string} = {}): Promise<PricingApi> {
  const {PricingClient, GetProductsCommand} = await import('@aws-sdk/client-pricing')
  const client = new PricingClient({region: 'us-east-1', maxAttempts: 2, ...(options.profile ? {profile: options.profile} : {})})
  return {
    getProducts: (input) => client.send(new GetProductsCommand(input)),
  }
}
