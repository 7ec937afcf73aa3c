import {createAwsClients} from '../aws/clients.js'
import type {PricingApi} from './live.js'

/** Give up on one GetProducts call after this long; --live then falls back to the offline book. */
const CALL_TIMEOUT_MS = 15_000

/**
 * The Price List API through the shared client factory (always us-east-1, which serves every
 * region's prices). The SDK is imported here, on demand, so `cost estimate` without --live never
 * loads it.
 */
export async function createPricingApi(options: {profile?: string} = {}): Promise<PricingApi> {
  const client = await createAwsClients({profile: options.profile}).pricing()
  const {GetProductsCommand} = await import('@aws-sdk/client-pricing')
  return {
    async getProducts(input) {
      // The factory retries with backoff up to 8 times; offline that would stall --live for long.
      return client.send(new GetProductsCommand(input), {abortSignal: AbortSignal.timeout(CALL_TIMEOUT_MS)})
    },
  }
}
