import {describe, expect, it} from 'vitest'
import {RenderInvariantError} from '../../src/lib/stacks/invariant.js'
import {renderRegistryStack, repositoryName} from '../../src/templates/registry.js'
import {manyServicesEnv, minimalEnv, prodEnv} from '../helpers/env.js'

describe('registry stack (ECR, design row 16)', () => {
  const stack = renderRegistryStack(prodEnv())
  const resources = stack.template.Resources

  it('has one repository per built service, named <project>/<env>/<service>', () => {
    expect(Object.keys(resources).sort()).toEqual(['ApiRepository', 'WebRepository'])
    expect(resources.WebRepository.Properties!.RepositoryName).toBe('bookmark-manager/prod/web')
    expect(resources.ApiRepository.Properties!.RepositoryName).toBe('bookmark-manager/prod/api')
  })

  it('makes tags IMMUTABLE, scans on push, keeps 30 images and retains the repository', () => {
    for (const repo of Object.values(resources)) {
      expect(repo.Properties).toMatchObject({ImageTagMutability: 'IMMUTABLE', ImageScanningConfiguration: {ScanOnPush: true}})
      expect(repo.DeletionPolicy).toBe('Retain')
      expect(repo.UpdateReplacePolicy).toBe('Retain')
      const policy = JSON.parse((repo.Properties!.LifecyclePolicy as {LifecyclePolicyText: string}).LifecyclePolicyText)
      expect(policy.rules[0]).toMatchObject({selection: {countType: 'imageCountMoreThan', countNumber: 30}, action: {type: 'expire'}})
    }
  })

  it('outputs <Service>RepositoryUri and <Service>RepositoryName', () => {
    expect(Object.keys(stack.template.Outputs!).sort()).toEqual(['ApiRepositoryName', 'ApiRepositoryUri', 'WebRepositoryName', 'WebRepositoryUri'])
    expect(stack.template.Outputs!.WebRepositoryUri.Value).toEqual({'Fn::GetAtt': ['WebRepository', 'RepositoryUri']})
  })

  it('is not rendered when every service uses a prebuilt image: a call then is a bug', () => {
    expect(() => renderRegistryStack(minimalEnv())).toThrow(RenderInvariantError)
  })

  it('lowercases names and stays within ECR limits with 60 services', () => {
    expect(repositoryName({...prodEnv(), project: 'Shop'}, 'Web')).toBe('shop/prod/web')
    const many = renderRegistryStack(manyServicesEnv(60))
    expect(Object.keys(many.template.Resources)).toHaveLength(60)
    expect(Object.keys(many.template.Outputs!)).toHaveLength(120)
  })
})
