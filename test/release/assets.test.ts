import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {ASSETS_CACHE_CONTROL, type AssetsBucket, assetFiles, contentTypeOf, uploadAssets} from '../../src/lib/release/assets.js'

const root = mkdtempSync(join(tmpdir(), 'assets-test-'))
afterAll(() => rmSync(root, {recursive: true, force: true}))
mkdirSync(join(root, 'app/.next/static/chunks'), {recursive: true})
writeFileSync(join(root, 'app/.next/static/chunks/app.js'), 'console.log(1)')
writeFileSync(join(root, 'app/.next/static/site.css'), 'body{}')

/** An in-memory bucket that counts puts. */
function memoryBucket(): AssetsBucket & {objects: Map<string, {sha256: string; contentType: string; cacheControl: string; body: string}>; puts: number} {
  const objects = new Map<string, {sha256: string; contentType: string; cacheControl: string; body: string}>()
  return {
    objects,
    puts: 0,
    async head(key) {
      return objects.get(key)
    },
    async put(key, body, headers) {
      this.puts++
      objects.set(key, {...headers, body: body.toString()})
    },
  }
}

describe('static assets', () => {
  it('keys each file by the URL prefix without its leading slash plus its path in the directory', async () => {
    const files = await assetFiles(root, 'web', [{path: '/app/.next/static', prefix: '/_next/static'}])
    expect(files.map((f) => f.key)).toEqual(['_next/static/chunks/app.js', '_next/static/site.css'])
  })

  it('refuses a declared directory the image does not have', async () => {
    await expect(assetFiles(root, 'web', [{path: '/app/public', prefix: '/p'}])).rejects.toMatchObject({code: 'ASSETS_NOT_FOUND', exitCode: 5})
  })

  it('uploads with content type and immutable caching, and skips files already there with the same content', async () => {
    const bucket = memoryBucket()
    const files = await assetFiles(root, 'web', [{path: '/app/.next/static', prefix: '/_next/static'}])
    expect(await uploadAssets(bucket, files)).toEqual({uploaded: 2, unchanged: 0})
    expect(bucket.objects.get('_next/static/chunks/app.js')).toMatchObject({contentType: 'text/javascript; charset=utf-8', cacheControl: ASSETS_CACHE_CONTROL, body: 'console.log(1)'})
    expect(bucket.objects.get('_next/static/site.css')?.contentType).toBe('text/css; charset=utf-8')
    expect(await uploadAssets(bucket, files)).toEqual({uploaded: 0, unchanged: 2})
    expect(bucket.puts).toBe(2)
    writeFileSync(join(root, 'app/.next/static/site.css'), 'body{color:red}')
    expect(await uploadAssets(bucket, files)).toEqual({uploaded: 1, unchanged: 1})
  })

  it('serves unknown extensions as bytes', () => {
    expect(contentTypeOf('a/b.woff2')).toBe('font/woff2')
    expect(contentTypeOf('a/b.unknown')).toBe('application/octet-stream')
  })
})
