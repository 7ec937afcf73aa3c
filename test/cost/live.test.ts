import {existsSync, mkdtempSync, readFileSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {describe, expect, it} from 'vitest'

import {buildFilters, cachePath, loadLivePriceBook, parseGetProducts, type PricingApi, type ProductFilter, refreshPriceBook} from '../../src/lib/cost/live.js'
import {loadPriceBook} from '../../src/lib/cost/price-book.js'
import type {PriceFilter} from '../../src/lib/cost/types.js'

/**
 * moto has no Pricing API (moto 5.2.1 ships no `pricing` backend), so these tests use an
 * in-process fake that answers GetProducts from sample items in the API's own format, filtering
 * the way the API does (TERM_MATCH exact, CONTAINS substring) and paging by NextToken.
 */
const sample = JSON.parse(readFileSync(resolve(import.meta.dirname, 'fixtures/get-products-sample.json'), 'utf8')) as {PriceList: string[]}

function fakePricing(items = sample.PriceList, pageSize = 1): PricingApi & {calls: {ServiceCode: string; Filters: ProductFilter[]}[]} {
  const calls: {ServiceCode: string; Filters: ProductFilter[]}[] = []
  return {
    calls,
    async getProducts(input) {
      calls.push({ServiceCode: input.ServiceCode, Filters: input.Filters})
      const matching = items.filter((raw) => {
        const item = JSON.parse(raw)
        if (item.serviceCode !== input.ServiceCode) return false
        const attrs = {...item.product.attributes, productFamily: item.product.productFamily}
        return input.Filters.every((f) => (f.Type === 'TERM_MATCH' ? attrs[f.Field] === f.Value : String(attrs[f.Field] ?? '').includes(f.Value)))
      })
      const start = Number(input.NextToken ?? 0)
      const next = start + pageSize
      return {PriceList: matching.slice(start, next), NextToken: next < matching.length ? String(next) : undefined}
    },
  }
}

const fargateVcpu: PriceFilter = {serviceCode: 'AmazonECS', usagetype: 'Fargate-vCPU-Hours:perCPU'}

describe('Price List parsing', () => {
  it('builds region, CONTAINS usage type and exact attribute filters; global prices carry no region', () => {
    expect(buildFilters({...fargateVcpu, attributes: {productFamily: 'Compute'}}, 'ap-northeast-1')).toEqual([
      {Type: 'TERM_MATCH', Field: 'regionCode', Value: 'ap-northeast-1'},
      {Type: 'CONTAINS', Field: 'usagetype', Value: 'Fargate-vCPU-Hours:perCPU'},
      {Type: 'TERM_MATCH', Field: 'productFamily', Value: 'Compute'},
    ])
    expect(buildFilters({serviceCode: 'AmazonCloudFront', usagetype: 'JP-DataTransfer-Out-Bytes', global: true}, 'ap-northeast-1')).toEqual([
      {Type: 'CONTAINS', Field: 'usagetype', Value: 'JP-DataTransfer-Out-Bytes'},
    ])
  })

  it('takes the on-demand Fargate price, not the Spot product the CONTAINS filter also returns', () => {
    const spotFirst = [...sample.PriceList].sort((a) => (a.includes('SpotUsage') ? -1 : 1))
    expect(parseGetProducts(spotFirst, fargateVcpu)).toMatchObject({price: 0.05056, apiUnit: 'hours', usagetype: 'APN1-Fargate-vCPU-Hours:perCPU', sku: '8CESGAFWKAJ98PME'})
  })

  it('takes the first tier of a tiered price, whatever order the dimensions come in', () => {
    expect(parseGetProducts(sample.PriceList, {serviceCode: 'AmazonCloudFront', usagetype: 'JP-DataTransfer-Out-Bytes', global: true})?.price).toBe(0.114)
  })

  it('matches exact attributes (PostgreSQL, not MySQL) and returns undefined when nothing matches', () => {
    const pg = parseGetProducts(sample.PriceList, {serviceCode: 'AmazonRDS', usagetype: 'Aurora:ServerlessV2Usage', attributes: {databaseEngine: 'Aurora PostgreSQL'}})
    expect(pg?.sku).toBe('J4GWXG8VT7HUHGSK')
    expect(parseGetProducts(sample.PriceList, {serviceCode: 'AmazonRDS', usagetype: 'Aurora:ServerlessV2Usage', attributes: {databaseEngine: 'Oracle'}})).toBeUndefined()
    expect(parseGetProducts(['not json', '{}'], fargateVcpu)).toBeUndefined()
  })
})

describe('refreshing a price book', () => {
  it('replaces each price found, scaled to the book unit, with the API as source and today as date', async () => {
    const api = fakePricing()
    const {book, refreshed, kept} = await refreshPriceBook(loadPriceBook('ap-northeast-1'), 'ap-northeast-1', api, '2026-11-28')
    expect(refreshed.sort()).toEqual(['aurora.acu', 'cloudfront.transfer.japan', 'fargate.memory.x86_64', 'fargate.vcpu.x86_64', 's3.put'])
    // S3 Tier1 is priced per request in the API; the book's unit is 1k requests.
    expect(book.prices['s3.put'].price).toBeCloseTo(0.0047, 10)
    expect(book.prices['fargate.vcpu.x86_64']).toMatchObject({price: 0.05056, date: '2026-11-28'})
    expect(book.prices['fargate.vcpu.x86_64'].source).toBe('AWS Price List API: GetProducts AmazonECS APN1-Fargate-vCPU-Hours:perCPU (sku 8CESGAFWKAJ98PME, effective 2025-11-01)')
    expect(book).toMatchObject({live: true, date: '2026-11-28', region: 'ap-northeast-1'})
    // Not in the sample: kept from the offline book, with the reason.
    expect(kept.find((k) => k.id === 'nat.hour')?.reason).toBe('no NatGateway-Hours product in ap-northeast-1')
    expect(kept.find((k) => k.id === 'sentry.team')?.reason).toBe('not in the AWS Price List')
    // The fake paged one item at a time; the vCPU request was followed through NextToken.
    const vcpuCalls = api.calls.filter((c) => c.Filters.some((f) => f.Value === 'Fargate-vCPU-Hours:perCPU'))
    expect(vcpuCalls.length).toBe(2) // Tokyo on-demand + Tokyo Spot, one per page
  })
})

describe('loadLivePriceBook (--live)', () => {
  const now = new Date('2026-11-28T03:00:00Z')

  it('caches to $PLATFORM_HOME/cache/prices-<region>.json and reuses a fresh cache without calling the API', async () => {
    const home = mkdtempSync(join(tmpdir(), 'platform-home-'))
    const env = {PLATFORM_HOME: home}
    const api = fakePricing()
    const warnings: string[] = []
    const first = await loadLivePriceBook({region: 'ap-northeast-1', createApi: async () => api, now, env, warn: (m) => warnings.push(m)})
    expect(cachePath('ap-northeast-1', env)).toBe(join(home, 'cache', 'prices-ap-northeast-1.json'))
    expect(existsSync(cachePath('ap-northeast-1', env))).toBe(true)
    expect(first).toMatchObject({live: true, files: [cachePath('ap-northeast-1', env)]})
    expect(warnings[0]).toMatch(/price\(s\) kept from the offline book/)
    const callsAfterFirst = api.calls.length
    const second = await loadLivePriceBook({region: 'ap-northeast-1', createApi: async () => api, now: new Date('2026-11-28T20:00:00Z'), env, warn: () => {}})
    expect(api.calls.length).toBe(callsAfterFirst)
    expect(second.prices['fargate.vcpu.x86_64'].source).toContain('AWS Price List API')
  })

  it('falls back to the offline book with a warning when the API is unreachable', async () => {
    const home = mkdtempSync(join(tmpdir(), 'platform-home-'))
    const warnings: string[] = []
    const unreachable: PricingApi = {getProducts: async () => Promise.reject(new Error('getaddrinfo ENOTFOUND api.pricing.us-east-1.amazonaws.com'))}
    const book = await loadLivePriceBook({region: 'us-east-1', createApi: async () => unreachable, now, env: {PLATFORM_HOME: home}, warn: (m) => warnings.push(m)})
    expect(book).toMatchObject({live: false, region: 'us-east-1', date: '2026-11-28'})
    expect(warnings).toEqual(['Could not reach the AWS Price List API (getaddrinfo ENOTFOUND api.pricing.us-east-1.amazonaws.com); using the offline price book of 2026-11-28.'])
    expect(readdirSync(home)).toEqual([]) // nothing cached from a failure
  })

  it('prices a region without an offline book from the API, and fails plainly when it cannot', async () => {
    const home = mkdtempSync(join(tmpdir(), 'platform-home-'))
    const euSample = sample.PriceList.map((s) => s.replaceAll('ap-northeast-1', 'eu-west-1').replaceAll('APN1-', 'EU-'))
    const warnings: string[] = []
    const book = await loadLivePriceBook({region: 'eu-west-1', createApi: async () => fakePricing(euSample, 100), now, env: {PLATFORM_HOME: home}, warn: (m) => warnings.push(m)})
    expect(book).toMatchObject({region: 'eu-west-1', live: true, cloudfrontEdge: 'us'})
    expect(book.prices['fargate.vcpu.x86_64'].source).toContain('EU-Fargate-vCPU-Hours:perCPU')
    expect(warnings.join('\n')).toContain('No offline book for eu-west-1')
    const down: PricingApi = {getProducts: async () => Promise.reject(new Error('offline'))}
    await expect(loadLivePriceBook({region: 'eu-west-1', createApi: async () => down, now, env: {PLATFORM_HOME: mkdtempSync(join(tmpdir(), 'platform-home-'))}, warn: () => {}})).rejects.toThrow('No offline price book for eu-west-1, and the AWS Price List API could not be reached: offline')
  })
})
