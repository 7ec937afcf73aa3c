import type {CloudFormationApi} from '../aws/cloudformation.js'
import {EDGE_REGION, type StackDefinition} from '../stacks/types.js'
import type {EventSink} from './types.js'

/** A stack of the environment that platform.yaml no longer renders (e.g. `database` or `domain` removed). */
export interface OrphanedStack {
  stack: string
  region: string
  status: string
}

/**
 * The environment's deployed stacks that are not rendered any more: named `<project>-<env>-…`
 * and tagged with this project and environment by platform (the tags tell `prod` from
 * `prod-eu`, whose names share the prefix). Looked for in every region the environment's
 * stacks use, its own region and the edge region (a removed domain takes the only us-east-1
 * stack with it). They are never deleted here: a removed `data` stack still holds the database.
 * A region that cannot be listed is a warning, not a silent "none".
 */
export async function findOrphanedStacks(options: {
  project: string
  environment: string
  region: string
  stacks: StackDefinition[]
  cloudFormation: (region: string) => CloudFormationApi
  emit: EventSink
}): Promise<OrphanedStack[]> {
  const rendered = new Set(options.stacks.map((s) => s.name))
  const regions = [...new Set([options.region, EDGE_REGION, ...options.stacks.map((s) => s.region)])].sort()
  const prefix = `${options.project}-${options.environment}-`
  const found = await Promise.all(
    regions.map(async (region) => {
      try {
        const live = await options.cloudFormation(region).listStacks()
        return live
          .filter((s) => s.stackName.startsWith(prefix) && !rendered.has(s.stackName))
          .filter((s) => s.tags['managed-by'] === 'platform' && s.tags.project === options.project && s.tags.environment === options.environment)
          .map((s) => ({stack: s.stackName, region, status: s.status}))
      } catch (error) {
        options.emit({type: 'warning', message: `Could not list the stacks in ${region} to find ones platform.yaml no longer has: ${(error as Error).message}`})
        return []
      }
    }),
  )
  return found.flat().sort((a, b) => a.stack.localeCompare(b.stack) || a.region.localeCompare(b.region))
}

/** The warning for one: what it is, that it is left alone, and how to remove it on purpose. */
export function describeOrphan(orphan: OrphanedStack, environment: string): string {
  return `${orphan.stack} (${orphan.region}, ${orphan.status}) is deployed but no longer in platform.yaml's ${environment}: left as it is, with its resources and any data. Delete it on purpose once nothing needs it (aws cloudformation delete-stack --region ${orphan.region} --stack-name ${orphan.stack}), or put it back in platform.yaml.`
}
