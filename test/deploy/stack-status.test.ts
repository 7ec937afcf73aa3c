/** src/lib/deploy/stack-status.ts: what each CloudFormation status means for a deploy. */
import {describe, expect, it} from 'vitest'
import {hasNoDeployedTemplate, isBlocked, isBusy, isFailedOutcome, isSettled, isTerminal, stopsAtFirstFailure} from '../../src/lib/deploy/stack-status.js'

describe('stack status model', () => {
  it('calls a stack busy while an operation runs, but not one only in review', () => {
    for (const status of ['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'DELETE_IN_PROGRESS']) expect(isBusy(status), status).toBe(true)
    expect(isBusy('REVIEW_IN_PROGRESS')).toBe(false)
    expect(isTerminal('REVIEW_IN_PROGRESS')).toBe(false)
    expect(isTerminal('UPDATE_ROLLBACK_FAILED')).toBe(true)
  })

  it('blocks on states only a person can resolve, and recovers UPDATE_ROLLBACK_FAILED itself', () => {
    for (const status of ['CREATE_FAILED', 'UPDATE_FAILED', 'DELETE_FAILED', 'ROLLBACK_FAILED', 'IMPORT_ROLLBACK_FAILED']) expect(isBlocked(status), status).toBe(true)
    for (const status of ['UPDATE_ROLLBACK_FAILED', 'ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'CREATE_COMPLETE']) expect(isBlocked(status), status).toBe(false)
  })

  it('counts a rollback as a failed outcome of an execution, and a completed create or update as success', () => {
    for (const status of ['ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_FAILED', 'ROLLBACK_FAILED']) expect(isFailedOutcome(status), status).toBe(true)
    for (const status of ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']) expect(isFailedOutcome(status), status).toBe(false)
  })

  it('compares templates only of stacks that hold one', () => {
    expect(hasNoDeployedTemplate(undefined)).toBe(true)
    expect(hasNoDeployedTemplate('REVIEW_IN_PROGRESS')).toBe(true)
    expect(hasNoDeployedTemplate('ROLLBACK_COMPLETE')).toBe(true)
    expect(hasNoDeployedTemplate('UPDATE_ROLLBACK_COMPLETE')).toBe(false)
    expect(isSettled('UPDATE_ROLLBACK_COMPLETE')).toBe(true)
    expect(isSettled('ROLLBACK_COMPLETE')).toBe(false)
  })
})

describe('stack status model, the rest of each set', () => {
  it('stops at the first failure only in a create, update or import; rollbacks and deletes go on', () => {
    for (const status of ['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'IMPORT_IN_PROGRESS']) expect(stopsAtFirstFailure(status), status).toBe(true)
    for (const status of ['ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'DELETE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS']) expect(stopsAtFirstFailure(status), status).toBe(false)
  })

  it('counts every failed end of an execution as failed, and no completed one', () => {
    for (const status of ['CREATE_FAILED', 'UPDATE_FAILED', 'DELETE_FAILED']) expect(isFailedOutcome(status), status).toBe(true)
    expect(isFailedOutcome('DELETE_COMPLETE')).toBe(false)
  })

  it('is settled only after a successful create, update or import (or a completed rollback of an update)', () => {
    for (const status of ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']) expect(isSettled(status), status).toBe(true)
    for (const status of ['DELETE_COMPLETE', 'UPDATE_FAILED', 'UPDATE_ROLLBACK_FAILED', 'UPDATE_IN_PROGRESS', 'REVIEW_IN_PROGRESS']) expect(isSettled(status), status).toBe(false)
    expect(isTerminal('UPDATE_COMPLETE')).toBe(true)
    expect(isTerminal('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS')).toBe(false)
    expect(hasNoDeployedTemplate('CREATE_COMPLETE')).toBe(false)
  })
})
