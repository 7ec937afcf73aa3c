import {describe, expect, it} from 'vitest'
import {summarizePlans} from '../../src/lib/deploy/plan-summary.js'
import {chooseProgressMode, formatEventLine, formatPlans} from '../../src/lib/ui/deploy-progress.js'
import type {RolloutProgress, StackPlan} from '../../src/lib/deploy/types.js'

describe('progress mode', () => {
  it('uses listr2 only on a terminal with CI unset; --json wins', () => {
    expect(chooseProgressMode({json: false, isTty: true, env: {}})).toBe('tty')
    expect(chooseProgressMode({json: false, isTty: true, env: {CI: 'true'}})).toBe('plain')
    expect(chooseProgressMode({json: false, isTty: false, env: {}})).toBe('plain')
    expect(chooseProgressMode({json: false, isTty: true, env: {TERM: 'dumb'}})).toBe('plain')
    expect(chooseProgressMode({json: true, isTty: true, env: {}})).toBe('json')
  })

  it('plain lines carry the elapsed time, the resource description and the reason', () => {
    expect(formatEventLine({type: 'resource', stack: 's', logicalId: 'Db', resourceType: 'AWS::RDS::DBCluster', status: 'CREATE_FAILED', reason: 'quota', description: 'the database', elapsedMs: 12_345})).toBe(
      '[ 12.3s]   s Db CREATE_FAILED (the database) - quota',
    )
    expect(formatEventLine({type: 'retry', region: 'us-east-1', operation: 'CreateChangeSet', attempt: 2, previousError: 'ThrottlingException'})).toBe(
      'retried CreateChangeSet in us-east-1 (attempt 2) after ThrottlingException',
    )
  })

  it('a rollout line says the deployment\'s state, counts, failures and new stopped-task reasons; under its stack while that executes', () => {
    const progress: RolloutProgress = {type: 'rollout', service: 'web', status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP', running: 1, desired: 2, failureCount: 2, stoppedTasks: ['Essential container in task exited'], elapsedMs: 4200}
    expect(formatEventLine(progress)).toBe('[  4.2s] rollout web: IN_PROGRESS SCALE_UP, 1/2 running, 2 failed task(s); stopped task: Essential container in task exited')
    expect(formatEventLine({...progress, stack: 'app-prod-svc-web', failureCount: 0, stoppedTasks: undefined})).toBe('[  4.2s]   rollout web: IN_PROGRESS SCALE_UP, 1/2 running')
  })
})

describe('formatPlans (the review and diff)', () => {
  const plans: StackPlan[] = [
    {
      stack: 'app-prod-data',
      part: 'data',
      region: 'ap-northeast-1',
      action: 'update',
      changes: [
        {logicalId: 'Cluster', type: 'AWS::RDS::DBCluster', action: 'Modify', replacement: 'True', replacedBy: ['DatabaseName'], policyAction: 'ReplaceAndSnapshot'},
        {logicalId: 'Params', type: 'AWS::RDS::DBClusterParameterGroup', action: 'Modify', replacement: 'Conditional'},
        {logicalId: 'Alarm', type: 'AWS::CloudWatch::Alarm', action: 'Add', replacement: 'False', description: 'connections alarm'},
        {logicalId: 'Old', type: 'AWS::SNS::Topic', action: 'Remove', replacement: 'False'},
        {logicalId: 'Bucket', type: 'AWS::S3::Bucket', action: 'Remove', replacement: 'False', policyAction: 'Retain', description: 'assets'},
      ],
      parameterChanges: [{name: 'PrivateSubnetIds', old: 'a,b', new: 'a,c'}],
      source: 'change-set',
    },
    {stack: 'app-prod-network', part: 'network', region: 'ap-northeast-1', action: 'skip', changes: [], parameterChanges: [], source: 'none'},
  ]

  it('marks replacements prominently and counts', () => {
    const text = formatPlans(plans)
    // What happens to the old resource (its PolicyAction) follows each replacement and removal.
    expect(text).toContain('~ Modify Cluster AWS::RDS::DBCluster  [REPLACEMENT] (DatabaseName)  [old one snapshotted, then deleted]\n')
    expect(text).toContain('~ Modify Params AWS::RDS::DBClusterParameterGroup  [MAY REPLACE]  [old one deleted]\n')
    expect(text).toContain('+ Add    Alarm AWS::CloudWatch::Alarm  connections alarm\n')
    expect(text).toContain('- Remove Old AWS::SNS::Topic  [deleted]\n')
    expect(text).toContain('- Remove Bucket AWS::S3::Bucket  [retained outside the stack]  assets\n')
    expect(text).toContain('parameter PrivateSubnetIds: a,b -> a,c')
    expect(text).toContain('app-prod-network (ap-northeast-1): no changes')
    expect(text).toContain('1 stack(s) to change: 1 to add, 2 to modify, 2 to remove, 2 REPLACED.')
    expect(summarizePlans(plans)).toEqual({add: 1, modify: 2, remove: 2, replace: 2, stacksChanging: 1})
  })
})
