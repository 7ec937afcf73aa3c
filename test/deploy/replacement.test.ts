import {describe, expect, it} from 'vitest'
import {
  allowedReplacements,
  changesFromChangeSet,
  findGuardViolations,
  mergeChanges,
  oldResourceFate,
  predictChanges,
  replacementRefusal,
  type ResourceChange,
} from '../../src/lib/deploy/replacement.js'
import {runDeploy} from '../../src/lib/deploy/engine.js'
import {DeployFailedError} from '../../src/lib/errors.js'
import type {CfnResource, CfnTemplate, StackDefinition} from '../../src/lib/stacks/types.js'
import {FakeAws} from '../helpers/fake-cloudformation.js'
import {env, sampleStacks} from './stacks.js'

function template(resources: Record<string, CfnResource>): CfnTemplate {
  return {AWSTemplateFormatVersion: '2010-09-09', Description: 'test', Resources: resources}
}

const cluster = (properties: Record<string, unknown>, extra: Partial<CfnResource> = {}): CfnResource => ({Type: 'AWS::RDS::DBCluster', Properties: properties, ...extra})

describe('changesFromChangeSet', () => {
  it('reads action, replacement and PolicyAction as DescribeChangeSet gives them', () => {
    expect(
      changesFromChangeSet([
        {Type: 'Resource', ResourceChange: {Action: 'Modify', LogicalResourceId: 'Cluster', ResourceType: 'AWS::RDS::DBCluster', Replacement: 'True', PolicyAction: 'ReplaceAndSnapshot'}},
        {Type: 'Resource', ResourceChange: {Action: 'Modify', LogicalResourceId: 'Group', ResourceType: 'AWS::RDS::DBClusterParameterGroup', Replacement: 'Conditional', PolicyAction: 'ReplaceAndDelete'}},
        {Type: 'Resource', ResourceChange: {Action: 'Modify', LogicalResourceId: 'Topic', ResourceType: 'AWS::SNS::Topic', Replacement: 'False'}},
        {Type: 'Resource', ResourceChange: {Action: 'Remove', LogicalResourceId: 'Bucket', ResourceType: 'AWS::S3::Bucket', PolicyAction: 'Retain'}},
        {Type: 'Resource', ResourceChange: {Action: 'Add', LogicalResourceId: 'Queue', ResourceType: 'AWS::SQS::Queue'}},
      ]),
    ).toStrictEqual([
      {logicalId: 'Cluster', type: 'AWS::RDS::DBCluster', action: 'Modify', replacement: 'True', policyAction: 'ReplaceAndSnapshot'},
      {logicalId: 'Group', type: 'AWS::RDS::DBClusterParameterGroup', action: 'Modify', replacement: 'Conditional', policyAction: 'ReplaceAndDelete'},
      {logicalId: 'Topic', type: 'AWS::SNS::Topic', action: 'Modify', replacement: 'False'},
      {logicalId: 'Bucket', type: 'AWS::S3::Bucket', action: 'Remove', replacement: 'False', policyAction: 'Retain'},
      {logicalId: 'Queue', type: 'AWS::SQS::Queue', action: 'Add', replacement: 'False'},
    ])
  })

  it('leaves out entries without a resource, and fills what AWS left out conservatively', () => {
    expect(
      changesFromChangeSet([
        {Type: 'Resource'},
        {Type: 'Resource', ResourceChange: {Action: 'Add', ResourceType: 'AWS::SNS::Topic'}},
        {Type: 'Resource', ResourceChange: {LogicalResourceId: 'Thing'}},
      ]),
    ).toStrictEqual([{logicalId: 'Thing', type: 'unknown', action: 'Modify', replacement: 'False'}])
  })
})

describe('predictChanges', () => {
  it('lists additions with their description, and nothing for an unchanged resource or a metadata-only change', () => {
    const before = template({Topic: {Type: 'AWS::SNS::Topic', Metadata: {'platform:description': 'old words'}}})
    const after = template({
      Topic: {Type: 'AWS::SNS::Topic', Metadata: {'platform:description': 'new words'}},
      Queue: {Type: 'AWS::SQS::Queue', Metadata: {'platform:description': 'the queue'}},
    })
    expect(predictChanges(before, after)).toStrictEqual([{logicalId: 'Queue', type: 'AWS::SQS::Queue', action: 'Add', replacement: 'False', description: 'the queue'}])
    // A new stack: everything is added.
    expect(predictChanges(undefined, before).map((c) => [c.logicalId, c.action])).toEqual([['Topic', 'Add']])
  })

  it('a changed create-only property replaces, with the new UpdateReplacePolicy as PolicyAction (Delete without one)', () => {
    const before = template({Cluster: cluster({DatabaseName: 'a', Port: 5432})})
    expect(predictChanges(before, template({Cluster: cluster({DatabaseName: 'b', Port: 5432})}))).toStrictEqual([
      {logicalId: 'Cluster', type: 'AWS::RDS::DBCluster', action: 'Modify', replacement: 'True', replacedBy: ['DatabaseName'], policyAction: 'ReplaceAndDelete', description: undefined},
    ])
    const snapshot = predictChanges(before, template({Cluster: cluster({DatabaseName: 'b', Port: 5432}, {UpdateReplacePolicy: 'Snapshot'})}))
    expect(snapshot[0].policyAction).toBe('ReplaceAndSnapshot')
    const retain = predictChanges(before, template({Cluster: cluster({DatabaseName: 'b', EngineMode: 'x'}, {UpdateReplacePolicy: 'Retain'})}))
    expect(retain[0]).toMatchObject({replacement: 'True', replacedBy: ['DatabaseName', 'EngineMode'], policyAction: 'ReplaceAndRetain'})
  })

  it('an in-place change is a modification without replacement or PolicyAction', () => {
    const before = template({Cluster: cluster({DatabaseName: 'a', Port: 5432})})
    const after = template({Cluster: {...cluster({DatabaseName: 'a', Port: 5433}), Metadata: {'platform:description': 'the database'}}})
    expect(predictChanges(before, after)).toStrictEqual([{logicalId: 'Cluster', type: 'AWS::RDS::DBCluster', action: 'Modify', replacement: 'False', description: 'the database'}])
    // A type without create-only properties in the table: any change is in place.
    const topics = predictChanges(template({T: {Type: 'AWS::SNS::Topic', Properties: {TopicName: 'a'}}}), template({T: {Type: 'AWS::SNS::Topic', Properties: {TopicName: 'b'}}}))
    expect(topics).toStrictEqual([{logicalId: 'T', type: 'AWS::SNS::Topic', action: 'Modify', replacement: 'False', description: undefined}])
  })

  it('a resource without properties gaining a create-only one is replaced', () => {
    const changes = predictChanges(template({Bucket: {Type: 'AWS::S3::Bucket'}}), template({Bucket: {Type: 'AWS::S3::Bucket', Properties: {BucketName: 'b'}}}))
    expect(changes[0]).toMatchObject({replacement: 'True', replacedBy: ['BucketName']})
    const removed = predictChanges(template({Bucket: {Type: 'AWS::S3::Bucket', Properties: {BucketName: 'b'}}}), template({Bucket: {Type: 'AWS::S3::Bucket'}}))
    expect(removed[0]).toMatchObject({replacement: 'True', replacedBy: ['BucketName']})
  })

  it('a changed type is a replacement', () => {
    const changes = predictChanges(template({Store: {Type: 'AWS::S3::Bucket'}}), template({Store: {Type: 'AWS::DynamoDB::Table', UpdateReplacePolicy: 'Retain'}}))
    expect(changes).toStrictEqual([{logicalId: 'Store', type: 'AWS::DynamoDB::Table', action: 'Modify', replacement: 'True', replacedBy: ['Type'], description: undefined, policyAction: 'ReplaceAndRetain'}])
  })

  it('resolves Refs to parameters with their deployed and new values', () => {
    const t = template({Cluster: cluster({DatabaseName: {Ref: 'DbName'}})})
    expect(predictChanges(t, t, {DbName: 'a'}, {DbName: 'a'})).toEqual([])
    expect(predictChanges(t, t, {DbName: 'a'}, {DbName: 'b'})[0]).toMatchObject({replacement: 'True', replacedBy: ['DatabaseName']})
    // The same Ref, value unknown on both sides: no change at all.
    expect(predictChanges(t, t)).toEqual([])
    // Refs inside lists resolve too.
    const list = template({Cluster: cluster({DatabaseName: 'a', VpcSecurityGroupIds: [{Ref: 'Sg'}]})})
    expect(predictChanges(list, list, {Sg: 'sg-1'}, {Sg: 'sg-1'})).toEqual([])
    expect(predictChanges(list, list, {Sg: 'sg-1'}, {Sg: 'sg-2'})).toMatchObject([{action: 'Modify', replacement: 'False'}])
  })

  it('a create-only list holding a Ref to a changed parameter replaces; a list turned into a map with the same entries is a change too', () => {
    const azs = template({Cluster: cluster({AvailabilityZones: [{Ref: 'FirstAz'}, 'eu-west-1b']})})
    expect(predictChanges(azs, azs, {FirstAz: 'eu-west-1a'}, {FirstAz: 'eu-west-1a'})).toEqual([])
    expect(predictChanges(azs, azs, {FirstAz: 'eu-west-1a'}, {FirstAz: 'eu-west-1c'})).toMatchObject([{replacement: 'True', replacedBy: ['AvailabilityZones']}])
    const asMap = template({Cluster: cluster({AvailabilityZones: {0: {Ref: 'FirstAz'}, 1: 'eu-west-1b'}})})
    expect(predictChanges(azs, asMap, {FirstAz: 'eu-west-1a'}, {FirstAz: 'eu-west-1a'})).toMatchObject([{replacement: 'True', replacedBy: ['AvailabilityZones']}])
  })

  it('a Ref whose target is not a name is not resolved to a parameter', () => {
    // {Ref: ['DbName']} is no reference to DbName (CloudFormation rejects it): it must not pick up DbName's change.
    const t = template({Cluster: cluster({DatabaseName: {Ref: ['DbName']}})})
    expect(predictChanges(t, t, {DbName: 'a'}, {DbName: 'b'})).toEqual([])
  })

  it('only a one-key {Ref} is an intrinsic', () => {
    const t = template({Cluster: cluster({DatabaseName: 'a', Tags: {Ref: 'DbName', Note: 'x'}})})
    // Were {Ref, Note} resolved, the new DbName value would show as a change.
    expect(predictChanges(t, t, {DbName: 'a'}, {DbName: 'b'})).toEqual([])
  })

  it('a change that depends on an unresolved value may replace (Conditional); a certain one wins', () => {
    const before = template({Cluster: cluster({DatabaseName: 'a', EngineMode: 'provisioned'})})
    const unresolvedRef = template({Cluster: cluster({DatabaseName: {Ref: 'Unknown'}, EngineMode: 'provisioned'})})
    expect(predictChanges(before, unresolvedRef)[0]).toMatchObject({replacement: 'Conditional', replacedBy: ['DatabaseName'], policyAction: 'ReplaceAndDelete'})
    const fn = template({Cluster: cluster({DatabaseName: {'Fn::Sub': '${AWS::StackName}'}, EngineMode: 'provisioned'})})
    expect(predictChanges(before, fn)[0].replacement).toBe('Conditional')
    const nested = template({Cluster: cluster({DatabaseName: 'a', EngineMode: 'provisioned', KmsKeyId: [{x: {'Fn::GetAtt': ['Key', 'Arn']}}]})})
    expect(predictChanges(before, nested)[0]).toMatchObject({replacement: 'Conditional', replacedBy: ['KmsKeyId']})
    // Conditional first (DatabaseName), then certain (EngineMode): True.
    const both = template({Cluster: cluster({DatabaseName: {Ref: 'Unknown'}, EngineMode: 'serverless'})})
    expect(predictChanges(before, both)[0]).toMatchObject({replacement: 'True', replacedBy: ['DatabaseName', 'EngineMode']})
    // Certain first, then conditional: stays True.
    const certainFirst = template({Cluster: cluster({DatabaseName: 'b', EngineMode: {Ref: 'Unknown'}})})
    expect(predictChanges(before, certainFirst)[0].replacement).toBe('True')
    // One intrinsic among plain entries of a list or an object is enough to make it uncertain.
    const inList = template({Cluster: cluster({DatabaseName: 'a', EngineMode: 'provisioned', KmsKeyId: ['plain', {Ref: 'Unknown'}]})})
    expect(predictChanges(before, inList)[0]).toMatchObject({replacement: 'Conditional', replacedBy: ['KmsKeyId']})
    const inObject = template({Cluster: cluster({DatabaseName: 'a', EngineMode: 'provisioned', KmsKeyId: {plain: 'x', key: {Ref: 'Unknown'}}})})
    expect(predictChanges(before, inObject)[0]).toMatchObject({replacement: 'Conditional', replacedBy: ['KmsKeyId']})
    // Plain objects and lists without intrinsics are certain.
    const plain = template({Cluster: cluster({DatabaseName: 'a', EngineMode: 'provisioned', KmsKeyId: [{x: 'y'}]})})
    expect(predictChanges(before, plain)[0].replacement).toBe('True')
  })

  it('a removed resource carries its deployed DeletionPolicy, with CloudFormation defaults', () => {
    const removed = (resource: CfnResource) => predictChanges(template({Gone: resource}), template({}))[0]
    expect(removed({Type: 'AWS::SNS::Topic'})).toStrictEqual({logicalId: 'Gone', type: 'AWS::SNS::Topic', action: 'Remove', replacement: 'False', policyAction: 'Delete'})
    expect(removed({Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain'}).policyAction).toBe('Retain')
    expect(removed({Type: 'AWS::S3::Bucket', DeletionPolicy: 'RetainExceptOnCreate'}).policyAction).toBe('Retain')
    expect(removed({Type: 'AWS::RDS::DBCluster', DeletionPolicy: 'Delete'}).policyAction).toBe('Delete')
    // Without a DeletionPolicy an RDS cluster, and an instance outside a cluster, get a final snapshot.
    expect(removed({Type: 'AWS::RDS::DBCluster'}).policyAction).toBe('Snapshot')
    expect(removed({Type: 'AWS::RDS::DBInstance', Properties: {DBInstanceClass: 'db.t4g.micro'}}).policyAction).toBe('Snapshot')
    expect(removed({Type: 'AWS::RDS::DBInstance', Properties: {DBClusterIdentifier: 'c'}}).policyAction).toBe('Delete')
    // An instance without properties is outside any cluster.
    expect(removed({Type: 'AWS::RDS::DBInstance'}).policyAction).toBe('Snapshot')
  })
})

describe('mergeChanges', () => {
  const fromChangeSet: ResourceChange[] = [
    {logicalId: 'Cluster', type: 'AWS::RDS::DBCluster', action: 'Modify', replacement: 'False'},
    {logicalId: 'Bucket', type: 'AWS::S3::Bucket', action: 'Modify', replacement: 'True', policyAction: 'ReplaceAndRetain', description: 'from the change set'},
    {logicalId: 'Topic', type: 'AWS::SNS::Topic', action: 'Modify', replacement: 'Conditional'},
    {logicalId: 'Queue', type: 'AWS::SQS::Queue', action: 'Add', replacement: 'False'},
  ]
  const predicted: ResourceChange[] = [
    {logicalId: 'Cluster', type: 'AWS::RDS::DBCluster', action: 'Modify', replacement: 'True', replacedBy: ['DatabaseName'], policyAction: 'ReplaceAndDelete', description: 'the database'},
    {logicalId: 'Bucket', type: 'AWS::S3::Bucket', action: 'Modify', replacement: 'Conditional', replacedBy: ['BucketName'], policyAction: 'ReplaceAndDelete', description: 'predicted'},
    {logicalId: 'Topic', type: 'AWS::SNS::Topic', action: 'Modify', replacement: 'False'},
  ]

  it('raises replacement to the prediction, never lowers it; the change set PolicyAction wins, the predicted one fills in', () => {
    expect(mergeChanges(fromChangeSet, predicted)).toStrictEqual([
      {logicalId: 'Cluster', type: 'AWS::RDS::DBCluster', action: 'Modify', replacement: 'True', replacedBy: ['DatabaseName'], description: 'the database', policyAction: 'ReplaceAndDelete'},
      {logicalId: 'Bucket', type: 'AWS::S3::Bucket', action: 'Modify', replacement: 'True', replacedBy: ['BucketName'], description: 'from the change set', policyAction: 'ReplaceAndRetain'},
      {logicalId: 'Topic', type: 'AWS::SNS::Topic', action: 'Modify', replacement: 'Conditional', replacedBy: undefined, description: undefined, policyAction: undefined},
      {logicalId: 'Queue', type: 'AWS::SQS::Queue', action: 'Add', replacement: 'False'},
    ])
  })

  it('equal ranks keep the change set value', () => {
    for (const replacement of ['False', 'Conditional', 'True'] as const) {
      const merged = mergeChanges([{logicalId: 'T', type: 'AWS::SNS::Topic', action: 'Modify', replacement}], [{logicalId: 'T', type: 'AWS::SNS::Topic', action: 'Modify', replacement}])
      expect(merged[0].replacement).toBe(replacement)
    }
  })
})

describe('oldResourceFate', () => {
  const change = (c: Partial<ResourceChange>): ResourceChange => ({logicalId: 'X', type: 'AWS::RDS::DBCluster', action: 'Modify', replacement: 'True', ...c})

  it('is undefined for what keeps its resource: additions and in-place modifications', () => {
    expect(oldResourceFate(change({action: 'Add', replacement: 'False'}))).toBeUndefined()
    expect(oldResourceFate(change({replacement: 'False'}))).toBeUndefined()
    expect(oldResourceFate(change({action: 'Import', replacement: 'True'}))).toBeUndefined()
  })

  it('names what is kept of a replaced resource', () => {
    expect(oldResourceFate(change({policyAction: 'ReplaceAndRetain'}))).toEqual({policyAction: 'ReplaceAndRetain', kept: 'resource', label: 'old one retained outside the stack'})
    expect(oldResourceFate(change({replacement: 'Conditional', policyAction: 'ReplaceAndSnapshot'}))).toEqual({policyAction: 'ReplaceAndSnapshot', kept: 'snapshot', label: 'old one snapshotted, then deleted'})
    expect(oldResourceFate(change({policyAction: 'ReplaceAndDelete'}))).toEqual({policyAction: 'ReplaceAndDelete', kept: 'nothing', label: 'old one deleted with its data'})
    // No PolicyAction: CloudFormation's default, delete.
    expect(oldResourceFate(change({}))).toEqual({policyAction: 'ReplaceAndDelete', kept: 'nothing', label: 'old one deleted with its data'})
    expect(oldResourceFate(change({type: 'AWS::SNS::Topic'}))).toEqual({policyAction: 'ReplaceAndDelete', kept: 'nothing', label: 'old one deleted'})
  })

  it('names what is kept of a removed resource', () => {
    expect(oldResourceFate(change({action: 'Remove', replacement: 'False', policyAction: 'Retain'}))?.label).toBe('retained outside the stack')
    expect(oldResourceFate(change({action: 'Remove', replacement: 'False', policyAction: 'Snapshot'}))).toEqual({policyAction: 'Snapshot', kept: 'snapshot', label: 'snapshotted, then deleted'})
    expect(oldResourceFate(change({action: 'Remove', replacement: 'False'}))).toEqual({policyAction: 'Delete', kept: 'nothing', label: 'deleted with its data'})
    expect(oldResourceFate(change({action: 'Remove', replacement: 'False', type: 'AWS::SNS::Topic'}))?.label).toBe('deleted')
  })

  it('Snapshot on a type that cannot be snapshotted deletes, as CloudFormation does', () => {
    expect(oldResourceFate(change({type: 'AWS::S3::Bucket', action: 'Remove', replacement: 'False', policyAction: 'Snapshot'}))).toEqual({policyAction: 'Snapshot', kept: 'nothing', label: 'deleted with its data'})
    for (const type of ['AWS::EC2::Volume', 'AWS::ElastiCache::CacheCluster', 'AWS::ElastiCache::ReplicationGroup', 'AWS::Neptune::DBCluster', 'AWS::RDS::DBInstance', 'AWS::Redshift::Cluster']) {
      expect(oldResourceFate(change({type, policyAction: 'ReplaceAndSnapshot'}))?.kept).toBe('snapshot')
    }
  })

  it('an unknown PolicyAction keeps nothing', () => {
    expect(oldResourceFate(change({policyAction: 'ReplaceAndArchive' as never}))?.kept).toBe('nothing')
  })
})

describe('the replacement guard', () => {
  const changes: ResourceChange[] = [
    {logicalId: 'Cluster', type: 'AWS::RDS::DBCluster', action: 'Modify', replacement: 'True', replacedBy: ['DatabaseName', 'StorageEncrypted'], policyAction: 'ReplaceAndSnapshot'},
    {logicalId: 'Bucket', type: 'AWS::S3::Bucket', action: 'Remove', replacement: 'False', policyAction: 'Retain'},
    {logicalId: 'Logs', type: 'AWS::Logs::LogGroup', action: 'Modify', replacement: 'Conditional', policyAction: 'ReplaceAndDelete'},
    {logicalId: 'Repo', type: 'AWS::ECR::Repository', action: 'Remove', replacement: 'False', policyAction: 'Delete'},
    // Not guarded: in place, added, or not stateful.
    {logicalId: 'Zone', type: 'AWS::Route53::HostedZone', action: 'Modify', replacement: 'False'},
    {logicalId: 'Vpc', type: 'AWS::EC2::VPC', action: 'Add', replacement: 'False'},
    {logicalId: 'Topic', type: 'AWS::SNS::Topic', action: 'Remove', replacement: 'False'},
    {logicalId: 'Alarm', type: 'AWS::CloudWatch::Alarm', action: 'Modify', replacement: 'True'},
  ]

  it('refuses every replacement or removal of a stateful resource and says which lose data and which keep it', () => {
    expect(findGuardViolations('app-prod-data', changes, [], 'data')).toStrictEqual([
      {
        logicalId: 'Cluster',
        type: 'AWS::RDS::DBCluster',
        action: 'Modify',
        replacement: 'True',
        stack: 'app-prod-data',
        policyAction: 'ReplaceAndSnapshot',
        dataKept: true,
        why: 'it would be replaced (DatabaseName, StorageEncrypted cannot change in place): the Aurora cluster holds the database; data kept in a snapshot: the old one is snapshotted, then deleted, and the stack moves to a new, empty one (PolicyAction ReplaceAndSnapshot)',
      },
      {
        logicalId: 'Bucket',
        type: 'AWS::S3::Bucket',
        action: 'Remove',
        replacement: 'False',
        stack: 'app-prod-data',
        policyAction: 'Retain',
        dataKept: true,
        why: 'it would be deleted from the stack: the bucket holds objects; data kept: it is retained outside the stack, no longer managed by it (PolicyAction Retain)',
      },
      {
        logicalId: 'Logs',
        type: 'AWS::Logs::LogGroup',
        action: 'Modify',
        replacement: 'Conditional',
        stack: 'app-prod-data',
        policyAction: 'ReplaceAndDelete',
        dataKept: false,
        why: 'it may be replaced: the log group holds logs; DATA LOST: the old one is deleted, and the logs with it (PolicyAction ReplaceAndDelete)',
      },
      {
        logicalId: 'Repo',
        type: 'AWS::ECR::Repository',
        action: 'Remove',
        replacement: 'False',
        stack: 'app-prod-data',
        policyAction: 'Delete',
        dataKept: false,
        why: 'it would be deleted from the stack: the repository holds the images; DATA LOST: it is deleted, and the images with it (PolicyAction Delete)',
      },
    ])
  })

  it('says so when a Snapshot policy cannot keep anything, and when a replaced resource is retained', () => {
    const [bucket, cluster] = findGuardViolations('s', [
      {logicalId: 'B', type: 'AWS::S3::Bucket', action: 'Modify', replacement: 'True', policyAction: 'ReplaceAndSnapshot'},
      {logicalId: 'C', type: 'AWS::RDS::DBCluster', action: 'Remove', replacement: 'False', policyAction: 'Snapshot'},
    ], [])
    expect(bucket).toMatchObject({dataKept: false, why: 'it would be replaced: the bucket holds objects; DATA LOST: the old one is deleted, and the objects with it (AWS::S3::Bucket cannot be snapshotted, so CloudFormation deletes it) (PolicyAction ReplaceAndSnapshot)'})
    expect(cluster).toMatchObject({dataKept: true, why: expect.stringMatching(/; data kept in a snapshot: a final snapshot is taken, then it is deleted \(PolicyAction Snapshot\)$/)})
    const [retained] = findGuardViolations('s', [{logicalId: 'R', type: 'AWS::ECR::Repository', action: 'Modify', replacement: 'True', policyAction: 'ReplaceAndRetain'}], [])
    expect(retained.why).toMatch(/; data kept: the old one is retained outside the stack, which moves to a new, empty one \(PolicyAction ReplaceAndRetain\)$/)
    // A VPC holds no data itself: guarded (everything in it goes with it), but no data is lost.
    const [vpc] = findGuardViolations('s', [{logicalId: 'V', type: 'AWS::EC2::VPC', action: 'Remove', replacement: 'False'}], [])
    expect(vpc).toMatchObject({dataKept: false, why: expect.stringMatching(/: everything in the VPC .* is replaced with it; nothing is kept: it is deleted \(PolicyAction Delete\)$/)})
    expect(oldResourceFate({logicalId: 'V', type: 'AWS::EC2::VPC', action: 'Modify', replacement: 'True'})?.label).toBe('old one deleted')
  })

  it('says what a database instance and a hosted zone hold', () => {
    const [instance, zone] = findGuardViolations('s', [
      {logicalId: 'Db', type: 'AWS::RDS::DBInstance', action: 'Modify', replacement: 'True', policyAction: 'ReplaceAndDelete'},
      {logicalId: 'Zone', type: 'AWS::Route53::HostedZone', action: 'Remove', replacement: 'False', policyAction: 'Delete'},
    ], [])
    expect(instance.why).toBe('it would be replaced: a database instance; DATA LOST: the old one is deleted, and its data (an Aurora instance has none: its cluster holds it) with it (PolicyAction ReplaceAndDelete)')
    expect(zone.why).toBe('it would be deleted from the stack: a new hosted zone gets new name servers; the domain stops resolving until the registrar is updated; DATA LOST: it is deleted, and its records with it (PolicyAction Delete)')
  })

  it('the refusal is a REPLACEMENT_REFUSED deploy failure that names the --allow-replace flags to pass, once each', () => {
    expect(replacementRefusal([], 'Refused.')).toBeUndefined()
    const violations = [
      ...findGuardViolations('app-prod-data', changes, [], 'data'),
      ...findGuardViolations('app-prod-cdn', [{logicalId: 'Bucket', type: 'AWS::S3::Bucket', action: 'Remove', replacement: 'False'}], [], 'cdn'),
    ]
    const refusal = replacementRefusal(violations, 'Refused.')
    expect(refusal).toBeInstanceOf(DeployFailedError)
    expect(refusal).toMatchObject({code: 'REPLACEMENT_REFUSED', exitCode: 5})
    expect(refusal?.suggestions).toEqual(['If that is intended, pass --allow-replace Cluster --allow-replace Bucket --allow-replace Logs --allow-replace Repo.'])
    expect(refusal?.failures.map((f) => [f.stack, f.logicalId, f.status])).toEqual([
      ['app-prod-data', 'Cluster', 'WOULD_REPLACE'],
      ['app-prod-data', 'Bucket', 'WOULD_DELETE'],
      ['app-prod-data', 'Logs', 'WOULD_REPLACE'],
      ['app-prod-data', 'Repo', 'WOULD_DELETE'],
      ['app-prod-cdn', 'Bucket', 'WOULD_DELETE'],
    ])
  })

  it('--allow-replace names a resource by logical id, stack.LogicalId or part.LogicalId; the rest stays refused', () => {
    const ids = (list: Array<{logicalId: string}>) => list.map((v) => v.logicalId)
    for (const entry of ['Cluster', 'app-prod-data.Cluster', 'data.Cluster']) {
      expect(ids(findGuardViolations('app-prod-data', changes, [entry], 'data'))).toEqual(['Bucket', 'Logs', 'Repo'])
      expect(ids(allowedReplacements('app-prod-data', changes, [entry], 'data'))).toEqual(['Cluster'])
    }
    // Another stack's or part's name does not allow it; nor does a part when the stack has none.
    for (const entry of ['app-prod-cdn.Cluster', 'cdn.Cluster', 'Cluster2', 'undefined.Cluster']) {
      expect(ids(findGuardViolations('app-prod-data', changes, [entry], 'data'))).toEqual(['Cluster', 'Bucket', 'Logs', 'Repo'])
      expect(allowedReplacements('app-prod-data', changes, [entry])).toEqual([])
    }
    expect(ids(allowedReplacements('app-prod-data', changes, ['Bucket', 'data.Repo'], 'data'))).toEqual(['Bucket', 'Repo'])
  })
})

describe('the guard over the PolicyAction a change set reports (fake CloudFormation: moto reports none)', () => {
  function deploy(aws: FakeAws, stacks: StackDefinition[], mode: 'deploy' | 'diff' = 'deploy') {
    return runDeploy({env, stacks, aws, emit: () => undefined, mode, yes: true, pollIntervalMs: 0})
  }
  const withBucket = (bucket: CfnResource) => {
    const stacks = sampleStacks()
    stacks[2].template.Resources.Bucket = bucket
    return stacks
  }

  it('a replacement only AWS knows of (no create-only property changed) is refused with what its UpdateReplacePolicy keeps', async () => {
    const aws = new FakeAws()
    await deploy(aws, withBucket({Type: 'AWS::S3::Bucket', UpdateReplacePolicy: 'Retain', Properties: {Tags: [{Key: 'a', Value: '1'}]}}))
    const tokyo = aws.cloudFormation('ap-northeast-1')
    tokyo.replacedOnModify.add('Bucket')
    const changed = withBucket({Type: 'AWS::S3::Bucket', UpdateReplacePolicy: 'Retain', Properties: {Tags: [{Key: 'a', Value: '2'}]}})
    const plan = await deploy(aws, changed, 'diff')
    const bucket = plan.plans.find((p) => p.part === 'data')!.changes.find((c) => c.logicalId === 'Bucket')
    expect(bucket).toMatchObject({action: 'Modify', replacement: 'True', policyAction: 'ReplaceAndRetain'})

    const error = (await deploy(aws, changed).catch((e) => e)) as DeployFailedError
    expect(error).toBeInstanceOf(DeployFailedError)
    expect(error.failures).toEqual([
      expect.objectContaining({logicalId: 'Bucket', status: 'WOULD_REPLACE', reason: expect.stringMatching(/^it would be replaced: the bucket holds objects; data kept: the old one is retained outside the stack, .*\(PolicyAction ReplaceAndRetain\)$/)}),
    ])
    expect(JSON.parse(tokyo.stack('app-prod-data')!.templateBody).Resources.Bucket.Properties.Tags).toEqual([{Key: 'a', Value: '1'}])
  })

  it('removing the database (DeletionPolicy Snapshot by default) is refused and says a final snapshot is kept; a Delete policy says the data is lost', async () => {
    const aws = new FakeAws()
    await deploy(aws, sampleStacks())
    const withoutCluster = sampleStacks()
    delete withoutCluster[2].template.Resources.Cluster
    const error = (await deploy(aws, withoutCluster).catch((e) => e)) as DeployFailedError
    expect(error.failures).toEqual([expect.objectContaining({logicalId: 'Cluster', status: 'WOULD_DELETE', reason: expect.stringMatching(/; data kept in a snapshot: a final snapshot is taken, then it is deleted \(PolicyAction Snapshot\)$/)})])

    const aws2 = new FakeAws()
    await deploy(aws2, withBucket({Type: 'AWS::S3::Bucket', DeletionPolicy: 'Delete'}))
    const lost = (await deploy(aws2, sampleStacks()).catch((e) => e)) as DeployFailedError
    expect(lost.failures).toEqual([expect.objectContaining({logicalId: 'Bucket', status: 'WOULD_DELETE', reason: expect.stringMatching(/; DATA LOST: it is deleted, and the objects with it \(PolicyAction Delete\)$/)})])
  })
})
