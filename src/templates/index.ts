import type {ResolvedEnvironment} from '../lib/config/types.js'
import {assembleStacks} from '../lib/stacks/assemble.js'
import {needsArtifactBucket} from '../lib/stacks/limits.js'
import {renderBootstrapStack} from './bootstrap.js'
import {renderCdnStack} from './cdn.js'
import {renderClusterStack} from './cluster.js'
import {renderDataStack} from './data.js'
import {renderDnsStack} from './dns.js'
import {renderEdgeStack} from './edge.js'
import {renderMonitoringStack} from './monitoring.js'
import {renderNetworkStack} from './network.js'
import {renderRegistryStack} from './registry.js'
import {renderServiceStacks} from './service.js'
import {renderStorageStack} from './storage.js'
import type {StackDefinition} from '../lib/stacks/types.js'
import {renderZoneStack} from './zone.js'

export {renderManifest, templateFileName} from '../lib/stacks/manifest.js'

/**
 * Every stack of one environment, checked to fit together (each parameter read from another
 * stack names a rendered stack and an output it declares) and in deploy order. Pure: the same
 * environment always gives the same stacks.
 */
export function renderEnvironment(env: ResolvedEnvironment): StackDefinition[] {
  const stacks: Array<StackDefinition | undefined> = [
    renderBootstrapStack(env),
    renderNetworkStack(env),
    renderStorageStack(env),
    renderRegistryStack(env),
    renderDataStack(env),
    renderZoneStack(env),
    renderEdgeStack(env),
    renderClusterStack(env),
    ...renderServiceStacks(env),
    renderCdnStack(env),
    renderDnsStack(env),
    renderMonitoringStack(env),
  ]
  const rendered = stacks.filter((s): s is StackDefinition => s !== undefined)
  return assembleStacks(rendered.map((s) => withArtifactBucketDependency(s, rendered)), {services: Object.keys(env.services)})
}

/**
 * A template over CloudFormation's inline limit is uploaded to the bootstrap stack's artifact
 * bucket, so that stack has to exist first: make the order explicit in `dependsOn`.
 */
function withArtifactBucketDependency(stack: StackDefinition, all: StackDefinition[]): StackDefinition {
  const bootstrap = all.find((s) => s.part === 'bootstrap')
  if (!bootstrap || stack === bootstrap || stack.dependsOn.includes(bootstrap.name) || !needsArtifactBucket(stack.template)) return stack
  return {...stack, dependsOn: [...stack.dependsOn, bootstrap.name].sort()}
}
