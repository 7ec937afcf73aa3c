/** planRollbackDeployment: which service stacks a rollback deploys, and with which parameters. */
import {describe, expect, it} from 'vitest'
import type {ReleaseRecord} from '../../src/lib/release/history.js'
import {type DeployedStack, planRollbackDeployment, type RollbackPlan} from '../../src/lib/release/rollback.js'
import type {StackDefinition} from '../../src/lib/stacks/types.js'

const TD1 = 'arn:aws:ecs:ap-northeast-1:123456789012:task-definition/shop-prod-web:1'
const TD2 = 'arn:aws:ecs:ap-northeast-1:123456789012:task-definition/shop-prod-web:2'
const IMAGE1 = `r/web@sha256:${'1'.repeat(64)}`

const webStack: StackDefinition = {
  part: 'svc-web',
  name: 'shop-prod-svc-web',
  region: 'ap-northeast-1',
  template: {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'web',
    Parameters: {ImageUri: {Type: 'String'}, ListenerArn: {Type: 'String'}, PrivateSubnetIds: {Type: 'List<AWS::EC2::Subnet::Id>'}, Token: {Type: 'String', NoEcho: true}, PinnedTaskDefinitionArn: {Type: 'String', Default: ''}},
    Resources: {},
  },
  dependsOn: ['shop-prod-cluster', 'shop-prod-network'],
  parameters: {
    ImageUri: {from: 'image', service: 'web'},
    ListenerArn: {from: 'output', stack: 'shop-prod-cluster', output: 'ListenerArn'},
    PrivateSubnetIds: {from: 'output', stack: 'shop-prod-network', output: 'PrivateSubnetIds'},
    Token: {from: 'value', value: 'now'},
    PinnedTaskDefinitionArn: {from: 'value', value: ''},
  },
  tags: {},
  terminationProtection: false,
}

function plan(recorded: Record<string, string>): RollbackPlan {
  const record = (id: string, image: string, taskDefinitionArn: string, stackParameters: Record<string, Record<string, string>>): ReleaseRecord => ({
    id,
    environment: 'prod',
    description: 'deploy',
    startedAt: '2026-12-01T10:00:00.000Z',
    endedAt: '2026-12-01T10:01:00.000Z',
    who: {},
    git: {dirty: false},
    services: {web: {image, taskDefinitionArn, outcome: 'succeeded'}},
    stackParameters,
    templateHash: 't',
    configHash: 'c',
    outcome: 'succeeded',
  })
  return {from: record('v2', 'r/web@sha256:2', TD2, {}), to: record('v1', IMAGE1, TD1, {'shop-prod-svc-web': recorded}), images: {web: IMAGE1}}
}

const recorded = {ImageUri: IMAGE1, ListenerArn: 'listener-1', PrivateSubnetIds: 'subnet-a,subnet-b', PinnedTaskDefinitionArn: ''}
const deployedNow = (listener: string, taskDefinitionArn = TD2, imageUri = 'r/web@sha256:2') =>
  new Map<string, DeployedStack>([
    ['shop-prod-cluster', {parameters: {}, outputs: {ListenerArn: listener}}],
    ['shop-prod-network', {parameters: {}, outputs: {PrivateSubnetIds: 'subnet-a,subnet-b'}}],
    ['shop-prod-svc-web', {parameters: {...recorded, ImageUri: imageUri, PrivateSubnetIds: 'subnet-a, subnet-b'}, outputs: {TaskDefinitionArn: taskDefinitionArn}}],
  ])

describe('planRollbackDeployment', () => {
  it('replays the recorded parameters as values and pins the revision the target ran', () => {
    const deployment = planRollbackDeployment(plan(recorded), [webStack], deployedNow('listener-1'))
    expect(deployment.parts).toEqual(['svc-web'])
    expect(deployment.stacks[0].parameters).toMatchObject({
      ImageUri: {from: 'value', value: IMAGE1},
      ListenerArn: {from: 'value', value: 'listener-1'},
      PrivateSubnetIds: {from: 'value', value: 'subnet-a,subnet-b'},
      PinnedTaskDefinitionArn: {from: 'value', value: TD1},
    })
    // a NoEcho parameter is never recorded: it resolves as a deploy would
    expect(deployment.stacks[0].parameters.Token).toEqual({from: 'value', value: 'now'})
    expect(deployment.parameters.find((p) => p.parameter === 'Token')).toMatchObject({from: 'current'})
  })

  it('a parameter read from another stack that changed since follows that stack, and says so', () => {
    const deployment = planRollbackDeployment(plan(recorded), [webStack], deployedNow('listener-2'))
    expect(deployment.stacks[0].parameters.ListenerArn).toEqual({from: 'output', stack: 'shop-prod-cluster', output: 'ListenerArn'})
    expect(deployment.parameters.find((p) => p.parameter === 'ListenerArn')).toMatchObject({from: 'current', value: 'listener-2', note: 'shop-prod-cluster changed since v1; a rollback does not undo other stacks'})
  })

  it('leaves out a service stack that already runs the target revision with its parameters', () => {
    const deployment = planRollbackDeployment(plan(recorded), [webStack], deployedNow('listener-1', TD1, IMAGE1))
    expect(deployment.parts).toEqual([])
    expect(deployment.stacks[0]).toBe(webStack)
  })

  it('names a service platform.yaml no longer has', () => {
    expect(planRollbackDeployment(plan(recorded), [], new Map()).skipped).toEqual([{service: 'web', reason: 'platform.yaml no longer has this service'}])
  })
})
