/** local/patches/s3_conditional_writes.py: of concurrent If-None-Match writes of one key, exactly one wins. */
import {CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {describe, expect, it} from 'vitest'
import {region, usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

describe('conditional PutObject', () => {
  it('lets one of twenty concurrent If-None-Match: * writes win; the others get 412', async () => {
    const s3 = new S3Client({region, endpoint: moto.aws().endpoint, forcePathStyle: true, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}, maxAttempts: 1})
    try {
      await s3.send(new CreateBucketCommand({Bucket: 'leases', CreateBucketConfiguration: {LocationConstraint: region}}))
      const writes = await Promise.allSettled(
        Array.from({length: 20}, (_, i) => s3.send(new PutObjectCommand({Bucket: 'leases', Key: 'lock', Body: `writer-${i}`, IfNoneMatch: '*'}))),
      )
      const won = writes.flatMap((w, i) => (w.status === 'fulfilled' ? [i] : []))
      expect(won).toHaveLength(1)
      for (const w of writes) if (w.status === 'rejected') expect((w.reason as {$metadata?: {httpStatusCode?: number}}).$metadata?.httpStatusCode).toBeOneOf([409, 412])
      const stored = await s3.send(new GetObjectCommand({Bucket: 'leases', Key: 'lock'}))
      expect(await stored.Body?.transformToString()).toBe(`writer-${won[0]}`)
    } finally {
      s3.destroy()
    }
  })
})
