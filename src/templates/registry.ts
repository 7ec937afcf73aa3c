import type {ResolvedEnvironment} from '../lib/config/types.js'
import {fitName, logicalId, NameLimits} from '../lib/naming.js'
import {defineStack, newTemplate, prefix, tagList} from './common.js'
import {outsideStackCut} from '../lib/stacks/invariant.js'
import type {StackDefinition} from '../lib/stacks/types.js'

/** Images kept per repository; older ones expire (rollback reaches back this far). */
export const KEEP_IMAGES = 30

/** `<project>/<env>/<service>`, lowercase as ECR requires. */
export function repositoryName(env: ResolvedEnvironment, service: string): string {
  return fitName(`${env.project}/${env.name}/${service}`.toLowerCase(), NameLimits.ecrRepositoryName)
}

/**
 * One ECR repository per service that platform builds (services with a prebuilt `image` have
 * none). Tags are immutable, so a release is never silently replaced.
 */
export function renderRegistryStack(env: ResolvedEnvironment): StackDefinition {
  const built = Object.keys(env.services).filter((name) => env.services[name].build).sort()
  if (built.length === 0) throw outsideStackCut('registry', 'a service platform builds')
  const template = newTemplate(`${prefix(env)}: ECR repositories for ${built.join(', ')}`)
  const lifecyclePolicy = JSON.stringify({
    rules: [{rulePriority: 1, description: `Keep the newest ${KEEP_IMAGES} images`, selection: {tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: KEEP_IMAGES}, action: {type: 'expire'}}],
  })
  for (const service of built) {
    const id = logicalId(service)
    template.Resources[`${id}Repository`] = {
      Type: 'AWS::ECR::Repository',
      // Images are releases: deleting the stack must not delete the ones a rollback needs.
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Metadata: {'platform:description': `Image repository of ${service}`},
      Properties: {
        RepositoryName: repositoryName(env, service),
        ImageTagMutability: 'IMMUTABLE',
        ImageScanningConfiguration: {ScanOnPush: true},
        EncryptionConfiguration: {EncryptionType: 'AES256'},
        LifecyclePolicy: {LifecyclePolicyText: lifecyclePolicy},
        Tags: tagList(env, {service}),
      },
    }
    template.Outputs![`${id}RepositoryUri`] = {Description: `Repository URI of ${service}`, Value: {'Fn::GetAtt': [`${id}Repository`, 'RepositoryUri']}}
    template.Outputs![`${id}RepositoryName`] = {Description: `Repository name of ${service}`, Value: {Ref: `${id}Repository`}}
  }
  return defineStack(env, 'registry', template)
}
