import type {ResolvedEnvironment} from '../lib/config/types.js'
import {assembleStacks, StackContractError} from '../lib/stacks/assemble.js'
import {needsArtifactBucket} from '../lib/stacks/limits.js'
import {SERVICE_PART_PREFIX, type SingleStackKind, stackKinds, stackParts} from '../lib/stacks/parts.js'
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
 * The renderer of each kind of stack but the services' (one stack per service, from
 * renderServiceStacks). Each renders its one stack; whether the environment has it is the stack
 * cut's decision alone.
 */
const RENDERERS: Record<SingleStackKind, (env: ResolvedEnvironment) => StackDefinition> = {
  bootstrap: renderBootstrapStack,
  network: renderNetworkStack,
  storage: renderStorageStack,
  registry: renderRegistryStack,
  data: renderDataStack,
  zone: renderZoneStack,
  edge: renderEdgeStack,
  cluster: renderClusterStack,
  cdn: renderCdnStack,
  dns: renderDnsStack,
  monitoring: renderMonitoringStack,
}

/**
 * Every stack of one environment: the parts of the stack cut (lib/stacks/parts.ts), each rendered,
 * checked to fit together (each parameter read from another stack names a rendered stack and an
 * output it declares) and in deploy order. Pure: the same environment always gives the same stacks.
 */
export function renderEnvironment(env: ResolvedEnvironment): StackDefinition[] {
  const stacks = stackKinds(env).flatMap((kind) => (kind === SERVICE_PART_PREFIX ? renderServiceStacks(env) : [RENDERERS[kind](env)]))
  checkRenderedParts(stackParts(env), stacks)
  return assembleStacks(stacks.map((s) => withArtifactBucketDependency(s, stacks)), {services: Object.keys(env.services)})
}

/** A renderer naming its stack other than the stack cut does is a contract bug, not a silent gap. */
function checkRenderedParts(parts: string[], stacks: StackDefinition[]): void {
  const rendered = stacks.map((s) => s.part)
  const problems = [
    ...parts.filter((part) => !rendered.includes(part)).map((part) => `the stack cut lists ${part}, but no renderer rendered it`),
    ...rendered.filter((part) => !parts.includes(part)).map((part) => `a renderer rendered ${part}, which the stack cut does not list`),
  ]
  if (problems.length > 0) throw new StackContractError(problems)
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
