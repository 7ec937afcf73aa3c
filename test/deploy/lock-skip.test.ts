import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {hostname, tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {acquireDeployLock} from '../../src/lib/deploy/lock.js'
import {decideSkip, listItems} from '../../src/lib/deploy/skip.js'
import {isSettled} from '../../src/lib/deploy/stack-status.js'
import type {DeployedStack} from '../../src/lib/aws/cloudformation.js'
import {stack} from './stacks.js'

describe('the local deploy lock', () => {
  it('refuses a second deploy of the same environment, saying who holds it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lock-'))
    const first = acquireDeployLock({dir, project: 'app', env: 'prod', command: 'deploy prod'})
    expect(() => acquireDeployLock({dir, project: 'app', env: 'prod'})).toThrow(new RegExp(`pid ${process.pid} on ${hostname()}.*deploy prod`))
    // Another environment, or another AWS target, is a different lock.
    acquireDeployLock({dir, project: 'app', env: 'staging'}).release()
    const local = acquireDeployLock({dir, project: 'app', env: 'prod', target: 'http://127.0.0.1:5000'})
    // One endpoint spelled two ways is one lock.
    expect(() => acquireDeployLock({dir, project: 'app', env: 'prod', target: 'HTTP://127.0.0.1:5000/'})).toThrow(/Another deploy of app\/prod is running/)
    local.release()
    first.release()
    acquireDeployLock({dir, project: 'app', env: 'prod'}).release()
  })

  it('takes over a lock whose process is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lock-'))
    const lock = acquireDeployLock({dir, project: 'app', env: 'prod'})
    writeFileSync(lock.path, JSON.stringify({pid: 2 ** 22 + 12345, host: hostname(), user: 'x', command: 'deploy', started: ''}))
    const again = acquireDeployLock({dir, project: 'app', env: 'prod'})
    expect(JSON.parse(readFileSync(again.path, 'utf8')).pid).toBe(process.pid)
    again.release()
  })
})

describe('decideSkip', () => {
  const def = stack('network', {parameters: {Cidr: {from: 'value', value: '10.0.0.0/16'}}, protect: true})
  const deployed: DeployedStack = {
    stackId: 'id',
    stackName: def.name,
    status: 'UPDATE_COMPLETE',
    parameters: {Cidr: '10.0.0.0/16'},
    tags: {...def.tags},
    outputs: {},
    terminationProtection: true,
  }
  const template = JSON.parse(JSON.stringify(def.template))
  const params = {Cidr: {value: '10.0.0.0/16'}}

  it('skips only when template, parameters, tags, protection and status all match', () => {
    expect(decideSkip(def, deployed, template, params)).toEqual({skip: true, reason: 'unchanged'})
    expect(decideSkip(def, deployed, template, params, true).reason).toBe('--force')
    expect(decideSkip(def, undefined, undefined, params).reason).toBe('stack does not exist')
    expect(decideSkip(def, deployed, {...template, Description: 'other'}, params).reason).toBe('template differs')
    expect(decideSkip(def, deployed, template, {Cidr: {value: '10.1.0.0/16'}}).reason).toBe('parameter Cidr differs')
    expect(decideSkip(def, {...deployed, parameters: {Cidr: '10.0.0.0/16', Old: 'x'}}, template, params)).toEqual({skip: false, reason: 'parameter Old removed'})
    expect(decideSkip(def, {...deployed, tags: {...deployed.tags, owner: 'me'}}, template, params)).toEqual({skip: false, reason: 'tags differ'})
    expect(decideSkip(def, {...deployed, terminationProtection: false}, template, params).reason).toBe('termination protection differs')
    expect(decideSkip(def, deployed, template, {Cidr: {usePrevious: true}}).skip).toBe(true)
  })

  it('compares parsed JSON, not bytes: key order and whitespace do not matter', () => {
    const reordered = JSON.parse(JSON.stringify({Resources: template.Resources, Parameters: template.Parameters, Description: template.Description, AWSTemplateFormatVersion: template.AWSTemplateFormatVersion}))
    expect(decideSkip(def, deployed, reordered, params).skip).toBe(true)
  })

  it('never skips a stack in a failed or unfinished state', () => {
    for (const status of ['ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_FAILED', 'REVIEW_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'CREATE_FAILED']) {
      expect(isSettled(status)).toBe(false)
      expect(decideSkip(def, {...deployed, status}, template, params).skip).toBe(false)
    }
    for (const status of ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE']) expect(isSettled(status)).toBe(true)
  })
})

describe('list parameters', () => {
  it('compare as CloudFormation reads them: items split at commas and space-trimmed', () => {
    expect(listItems('subnet-1, subnet-2')).toEqual(['subnet-1', 'subnet-2'])
    expect(listItems('subnet-1,subnet-2')).toEqual(['subnet-1', 'subnet-2'])
    expect(listItems(undefined)).toEqual([])
    const def = stack('data', {parameters: {PrivateSubnetIds: {from: 'value', value: 'subnet-1,subnet-2'}}})
    def.template.Parameters!.PrivateSubnetIds.Type = 'List<AWS::EC2::Subnet::Id>'
    const deployed = {stackId: 'id', stackName: def.name, status: 'CREATE_COMPLETE', parameters: {PrivateSubnetIds: 'subnet-1, subnet-2'}, tags: def.tags, outputs: {}, terminationProtection: false}
    const template = JSON.parse(JSON.stringify(def.template))
    expect(decideSkip(def, deployed, template, {PrivateSubnetIds: {value: 'subnet-1,subnet-2'}}).skip).toBe(true)
    expect(decideSkip(def, deployed, template, {PrivateSubnetIds: {value: 'subnet-1,subnet-3'}}).skip).toBe(false)
  })
})
