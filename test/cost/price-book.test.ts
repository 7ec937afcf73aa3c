import {readFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {describe, expect, it} from 'vitest'

import {listBookRegions, loadPriceBook} from '../../src/lib/cost/price-book.js'
import type {PriceEntry} from '../../src/lib/cost/types.js'

const pricesDir = resolve(import.meta.dirname, '../../prices')
const read = (file: string) => JSON.parse(readFileSync(join(pricesDir, file), 'utf8')) as {date: string; prices: Record<string, PriceEntry>; freeTier?: Record<string, unknown>}

describe('price books (prices/*.json)', () => {
  it('has Tokyo and N. Virginia, and a global book', () => {
    expect(listBookRegions(pricesDir)).toEqual(expect.arrayContaining(['ap-northeast-1', 'us-east-1']))
    expect(Object.keys(read('global.json').freeTier ?? {})).toEqual(['cloudfront.transfer', 'cloudfront.requests', 'cloudwatch.alarms', 'cloudwatch.logs'])
  })

  it('gives every price a unit, a source page, a date and, for AWS prices, a Price List filter', () => {
    for (const file of ['ap-northeast-1.json', 'us-east-1.json', 'global.json']) {
      for (const [id, entry] of Object.entries(read(file).prices)) {
        const where = `${file} ${id}`
        expect(entry.price, where).toBeGreaterThanOrEqual(0)
        expect(entry.unit, where).toMatch(/\S/)
        expect(entry.description, where).toMatch(/\S/)
        expect(entry.source, where).toMatch(/^https:\/\/(aws\.amazon\.com|www\.mongodb\.com|www\.datadoghq\.com|sentry\.io)\//)
        expect(entry.date, where).toMatch(/^\d{4}-\d{2}-\d{2}$/)
        if (entry.source.startsWith('https://aws.amazon.com/') && entry.price > 0 && !id.startsWith('savingsPlan.') && id !== 'route53.healthCheckHttps') {
          expect(entry.filter?.serviceCode, where).toMatch(/\S/)
          expect(entry.filter?.usagetype, where).toMatch(/\S/)
        }
      }
    }
  })

  it('prices the same things in every region', () => {
    expect(Object.keys(read('ap-northeast-1.json').prices).sort()).toEqual(Object.keys(read('us-east-1.json').prices).sort())
  })

  it('merges regional and global prices, dated by the older book', () => {
    const book = loadPriceBook('ap-northeast-1', pricesDir)
    expect(book.prices['fargate.vcpu.x86_64'].price).toBe(0.05056)
    expect(book.prices['waf.webAcl'].price).toBe(5)
    expect(book.date).toBe('2026-11-28')
    expect(book.cloudfrontEdge).toBe('japan')
  })

  it('refuses a region without a book and points at --live', () => {
    expect(() => loadPriceBook('eu-west-1', pricesDir)).toThrow(expect.objectContaining({
      message: 'No offline price book for region eu-west-1.',
      suggestions: expect.arrayContaining(['Use --live to fetch prices for this region from the AWS Price List API.']),
    }))
  })
})
