import {createAwsClients, toAwsAuthError} from './clients.js'
import type {LocalStackSummary} from '../local/stack.js'

/**
 * The live CloudFormation stacks of one region of the local AWS, through the client factory with
 * `--local` semantics (so a missing `platform local start` is the factory's clear error).
 */
export async function listLocalStacks(region: string, env: NodeJS.ProcessEnv = process.env): Promise<LocalStackSummary[]> {
  const clients = createAwsClients({local: true, region, env})
  try {
    const cfn = await clients.cloudFormation(region)
    const {ListStacksCommand} = await import('@aws-sdk/client-cloudformation')
    const stacks: LocalStackSummary[] = []
    let nextToken: string | undefined
    do {
      const page = await cfn.send(new ListStacksCommand({NextToken: nextToken}))
      for (const s of page.StackSummaries ?? []) {
        if (!s.StackName || s.StackStatus === 'DELETE_COMPLETE') continue
        stacks.push({name: s.StackName, status: s.StackStatus ?? 'UNKNOWN', region, lastUpdated: (s.LastUpdatedTime ?? s.CreationTime)?.toISOString()})
      }
      nextToken = page.NextToken
    } while (nextToken)
    return stacks.sort((a, b) => a.name.localeCompare(b.name))
  } catch (error) {
    throw toAwsAuthError(error)
  } finally {
    clients.destroy()
  }
}
