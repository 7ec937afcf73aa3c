import {describe, expect, it} from 'vitest'

import type {ServiceConfig} from '../../src/lib/config/types.js'
import {taskProfile, weeklyFireTimes} from '../../src/lib/cost/schedule.js'
import {designProd} from './fixtures.js'

function web(schedules: {name: string; schedule: string; min: number; max: number}[], desiredCount = 2): ServiceConfig {
  const svc = designProd().services.web
  return {...svc, desiredCount, autoscaling: {...(svc.autoscaling as NonNullable<ServiceConfig['autoscaling']>), schedules: schedules.map((s) => ({...s, timezone: 'UTC'}))}}
}

describe('weeklyFireTimes', () => {
  it('reads AWS day names and numbers (1 = SUN) as hours from Monday 00:00', () => {
    expect(weeklyFireTimes('cron(0 22 ? * MON-FRI *)')).toEqual([22, 46, 70, 94, 118])
    expect(weeklyFireTimes('cron(30 8 ? * 2-6 *)')).toEqual([8.5, 32.5, 56.5, 80.5, 104.5])
    expect(weeklyFireTimes('cron(0 0 ? * SAT,SUN *)')).toEqual([120, 144])
    expect(weeklyFireTimes('cron(0 6 * * ? *)')).toEqual([6, 30, 54, 78, 102, 126, 150])
  })

  it('returns null for what is not a weekly cron', () => {
    expect(weeklyFireTimes('rate(1 hour)')).toBeNull()
    expect(weeklyFireTimes('at(2026-12-01T00:00:00)')).toBeNull()
    expect(weeklyFireTimes('cron(0 8 1 * ? *)')).toBeNull() // a day of month
    expect(weeklyFireTimes('cron(0 8 ? 1 MON *)')).toBeNull() // January only
    expect(weeklyFireTimes('cron(0 25 ? * MON *)')).toBeNull()
  })
})

describe('taskProfile', () => {
  it('runs desiredCount all month without schedules', () => {
    expect(taskProfile(web([]))).toMatchObject({baseTasks: 2, averageTasks: 2, reducedFraction: 0, basis: 'always-on'})
  })

  it('simulates the week: 1 task from 22:00 to 08:00 on weeknights and all weekend is 98 of 168 hours', () => {
    const p = taskProfile(web([
      {name: 'night', schedule: 'cron(0 22 ? * MON-FRI *)', min: 1, max: 2},
      {name: 'morning', schedule: 'cron(0 8 ? * MON-FRI *)', min: 2, max: 10},
    ]))
    expect(p.basis).toBe('schedules')
    expect(p.reducedFraction).toBeCloseTo(98 / 168, 10)
    expect(p.averageTasks).toBeCloseTo((98 * 1 + 70 * 2) / 168, 10)
  })

  it('counts a weekend-only scale-down from Saturday 00:00 to Monday 07:00 as 55 hours', () => {
    const p = taskProfile(web([
      {name: 'weekend', schedule: 'cron(0 0 ? * SAT *)', min: 0, max: 0},
      {name: 'monday', schedule: 'cron(0 7 ? * MON *)', min: 2, max: 10},
    ]))
    expect(p.reducedFraction).toBeCloseTo(55 / 168, 10)
    expect(p.averageTasks).toBeCloseTo((113 * 2) / 168, 10)
    expect(p.minTasks).toBe(0)
  })

  it('lets cost.usage.offHoursFraction override the simulation', () => {
    const p = taskProfile(web([{name: 'night', schedule: 'cron(0 22 ? * MON-FRI *)', min: 1, max: 2}]), 0.25)
    expect(p).toMatchObject({basis: 'usage', reducedFraction: 0.25, averageTasks: 2 * 0.75 + 1 * 0.25})
  })

  it('falls back to the stated default fraction when a schedule is not weekly', () => {
    const p = taskProfile(web([{name: 'odd', schedule: 'rate(12 hours)', min: 1, max: 1}]))
    expect(p.basis).toBe('usage')
    expect(p.reducedFraction).toBeCloseTo(98 / 168, 10)
    expect(p.detail).toContain('not a weekly cron')
  })

  it('keeps desiredCount inside the autoscaling range', () => {
    expect(taskProfile(web([], 1)).baseTasks).toBe(2) // min 2 wins over desired 1
  })
})
