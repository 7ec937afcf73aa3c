import {describe, expect, it} from 'vitest'
import {literalPattern, parseSince, readLogs, type LogEvent, type LogsApi} from '../../src/lib/logs/logs.js'

describe('readLogs', () => {
  it('interleaves tasks in time order and, following, shows each event once', async () => {
    const stored: LogEvent[] = [
      {timestamp: 2000, stream: 'web/web/bbb', message: 'b1', eventId: '2'},
      {timestamp: 1000, stream: 'web/web/aaa', message: 'a1', eventId: '1'},
    ]
    const asked: number[] = []
    const api: LogsApi = {filter: async (_g, o) => (asked.push(o.startTime), stored.filter((e) => e.timestamp >= o.startTime))}
    const stop = new AbortController()
    let polls = 0
    const sleep = async () => {
      polls++
      // A late event with the same timestamp as the newest seen, then a newer one.
      if (polls === 1) stored.push({timestamp: 2000, stream: 'web/web/aaa', message: 'a2', eventId: '3'}, {timestamp: 3000, stream: 'web/web/aaa', message: 'a3', eventId: '4'})
      if (polls === 2) stop.abort()
    }
    const seen: string[] = []
    for await (const e of readLogs(api, 'g', {startTime: 0, follow: true, signal: stop.signal, sleep})) seen.push(e.message)
    expect(seen).toEqual(['a1', 'b1', 'a2', 'a3'])
    expect(asked).toEqual([0, 2000])
  })
})

describe('parseSince and literalPattern', () => {
  it('reads durations and ISO times, and refuses the rest', () => {
    expect(parseSince('15m', 1_000_000)).toBe(100_000)
    expect(parseSince('2d', 200_000_000)).toBe(200_000_000 - 172_800_000)
    expect(parseSince('2026-12-01T00:00:00Z', 0)).toBe(Date.parse('2026-12-01T00:00:00Z'))
    expect(() => parseSince('yesterday', 0)).toThrow(/neither a duration/)
  })

  it('quotes the text so CloudWatch matches it literally', () => {
    expect(literalPattern('ERROR')).toBe('"ERROR"')
    expect(literalPattern('say "hi" -x')).toBe('"say \\"hi\\" -x"')
  })
})
