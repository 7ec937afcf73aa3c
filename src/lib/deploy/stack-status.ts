/**
 * What a stack's status means for a deploy, in one place, typed on the SDK's `StackStatus` (a
 * misspelt or invented status is a type error). Only the type is imported: the SDK itself loads
 * when a client is made.
 */
import type {StackStatus} from '@aws-sdk/client-cloudformation'

export type {StackStatus}

const set = (...statuses: StackStatus[]): ReadonlySet<string> => new Set<string>(statuses)

/** Never executed: a CREATE change set made the stack, and it holds nothing yet. */
export const REVIEW: StackStatus = 'REVIEW_IN_PROGRESS'

/** An operation is running: CloudFormation refuses another until it ends (a deploy waits: attach). */
export function isBusy(status: string): boolean {
  return status.endsWith('_IN_PROGRESS') && status !== REVIEW
}

/** Nothing more happens without a new request (REVIEW_IN_PROGRESS waits for one, so it is not terminal). */
export function isTerminal(status: string): boolean {
  return !status.endsWith('_IN_PROGRESS')
}

/**
 * Operations that stop at their first failing resource and cancel the resources still in flight
 * (which then fail as "cancelled"). Rollbacks, deletes and cleanups go on past a failure.
 */
const STOPS_AT_FIRST_FAILURE = set('CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'IMPORT_IN_PROGRESS')

export function stopsAtFirstFailure(status: string): boolean {
  return STOPS_AT_FIRST_FAILURE.has(status)
}

/** Where an executed create or update ends when it did not succeed. */
const FAILED_OUTCOMES = set('ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'UPDATE_ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_FAILED', 'CREATE_FAILED', 'UPDATE_FAILED', 'DELETE_FAILED')

export function isFailedOutcome(status: string): boolean {
  return FAILED_OUTCOMES.has(status)
}

/**
 * States a deploy cannot move a stack out of by itself: someone has to look (delete with retained
 * resources, or read the events). UPDATE_ROLLBACK_FAILED is not here: continue-update-rollback recovers it.
 */
const BLOCKED = set('CREATE_FAILED', 'UPDATE_FAILED', 'DELETE_FAILED', 'ROLLBACK_FAILED', 'IMPORT_ROLLBACK_FAILED')

export function isBlocked(status: string): boolean {
  return BLOCKED.has(status)
}

/** A failed first create rolled back: the stack holds nothing and can only be deleted (then created again). */
export const ROLLED_BACK_CREATE: StackStatus = 'ROLLBACK_COMPLETE'

/** An update whose rollback failed: continue-update-rollback first. */
export const ROLLBACK_STUCK: StackStatus = 'UPDATE_ROLLBACK_FAILED'

/** What continue-update-rollback must reach. */
export const ROLLED_BACK_UPDATE: StackStatus = 'UPDATE_ROLLBACK_COMPLETE'

/**
 * The stack holds what its template says, so an unchanged template and parameters mean nothing to
 * do: a successful create, update or import (a rolled-back update is back on its old template too).
 */
export function isSettled(status: string): boolean {
  return status.endsWith('_COMPLETE') && status !== ROLLED_BACK_CREATE && status !== 'DELETE_COMPLETE'
}

/** A stack with no template worth comparing against: none deployed yet, or a rolled-back first create. */
export function hasNoDeployedTemplate(status: string | undefined): boolean {
  return status === undefined || status === REVIEW || status === ROLLED_BACK_CREATE
}
