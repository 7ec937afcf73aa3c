import {createHash} from 'node:crypto'
import {lstat, readdir, readFile, rm} from 'node:fs/promises'
import {extname, join, posix, relative} from 'node:path'
import type {S3Client} from '@aws-sdk/client-s3'
import {awsHttpStatus, isAwsError} from '../aws/aws-error.js'
import {toAwsAuthError} from '../aws/clients.js'
import type {ResolvedEnvironment} from '../config/types.js'
import {PlatformError} from '../errors.js'
import {boundedAll} from '../images/build.js'
import type {RegistryLogin, RunCommand} from '../images/builder.js'
import {extractImagePaths, extractionWorkDir} from '../images/extract.js'

/** Uploads at once: small objects, so the round trip dominates, not bandwidth. */
export const UPLOAD_CONCURRENCY = 16

/** Asset file names carry a content hash (as bundlers emit them), so a URL never changes content. */
export const ASSETS_CACHE_CONTROL = 'public, max-age=31536000, immutable'

/** Object metadata holding the file's sha256: the upload's own skip test, whatever the bucket's encryption does to the ETag. */
const SHA256_METADATA = 'sha256'

const CONTENT_TYPES: Record<string, string> = {
  '.avif': 'image/avif',
  '.css': 'text/css; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.gif': 'image/gif',
  '.htm': 'text/html; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.ico': 'image/x-icon',
  '.jpeg': 'image/jpeg',
  '.jpg': 'image/jpeg',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.mjs': 'text/javascript; charset=utf-8',
  '.mp4': 'video/mp4',
  '.otf': 'font/otf',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.webm': 'video/webm',
  '.webmanifest': 'application/manifest+json',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.xml': 'application/xml',
}

/** Content-Type by extension; unknown ones are bytes (browsers then never guess a script). */
export function contentTypeOf(key: string): string {
  return CONTENT_TYPES[extname(key).toLowerCase()] ?? 'application/octet-stream'
}

/** One file to serve: its bucket key and where it is on disk. */
export interface AssetFile {
  key: string
  file: string
}

/** The S3 calls an asset upload makes (narrow, so tests can fake it). */
export interface AssetsBucket {
  /** HeadObject: the object's sha256 metadata and headers, `undefined` when absent. */
  head(key: string): Promise<{sha256?: string; contentType?: string; cacheControl?: string} | undefined>
  put(key: string, body: Buffer, headers: {contentType: string; cacheControl: string; sha256: string}): Promise<void>
}

export function createS3AssetsBucket(client: S3Client, bucket: string): AssetsBucket {
  return {
    async head(key) {
      const {HeadObjectCommand} = await import('@aws-sdk/client-s3')
      try {
        const out = await client.send(new HeadObjectCommand({Bucket: bucket, Key: key}))
        return {sha256: out.Metadata?.[SHA256_METADATA], contentType: out.ContentType, cacheControl: out.CacheControl}
      } catch (error) {
        // HEAD answers carry no body, so the SDK can only name the status.
        if (isAwsError(error, 'NotFound') || awsHttpStatus(error) === 404) return undefined
        throw toAwsAuthError(error)
      }
    },
    async put(key, body, headers) {
      const {PutObjectCommand} = await import('@aws-sdk/client-s3')
      const md5 = createHash('md5').update(body).digest('base64')
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentMD5: md5,
            ContentType: headers.contentType,
            CacheControl: headers.cacheControl,
            Metadata: {[SHA256_METADATA]: headers.sha256},
          }),
        )
      } catch (error) {
        throw toAwsAuthError(error)
      }
    },
  }
}

/** Every regular file under `dir`, depth first, in name order (symlinks and devices are not served). */
async function regularFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of (await readdir(dir, {withFileTypes: true})).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await regularFiles(path)))
    else if (entry.isFile()) out.push(path)
  }
  return out
}

/**
 * The files a service serves from the bucket: each `assets` directory of the extracted image
 * `root`, keyed by its URL prefix without the leading slash plus the file's path in the directory.
 * A declared directory missing from the image is an error: the pages would reference files that
 * CloudFront cannot find.
 */
export async function assetFiles(root: string, service: string, assets: ResolvedEnvironment['services'][string]['assets']): Promise<AssetFile[]> {
  const files: AssetFile[] = []
  for (const asset of assets) {
    const dir = join(root, asset.path)
    const stat = await lstat(dir).catch(() => undefined)
    if (!stat?.isDirectory()) {
      throw new PlatformError(`Service ${service} declares assets at ${asset.path}, but its image has no such directory.`, {
        code: 'ASSETS_NOT_FOUND',
        exit: 5,
        suggestions: [`Check services.${service}.assets[].path in platform.yaml against the Containerfile (COPY ... ${asset.path}/).`],
      })
    }
    const prefix = asset.prefix.replace(/^\/+/, '').replace(/\/+$/, '')
    for (const file of await regularFiles(dir)) files.push({key: posix.join(prefix, relative(dir, file).split('\\').join('/')), file})
  }
  return files
}

/**
 * Upload files to the bucket, at most {@link UPLOAD_CONCURRENCY} at once, skipping each one the
 * bucket already holds with the same content and headers. Never deletes: pages served by the
 * previous release's tasks keep loading their files during and after the rollout.
 */
export async function uploadAssets(bucket: AssetsBucket, files: AssetFile[]): Promise<{uploaded: number; unchanged: number}> {
  const done = await boundedAll(files, UPLOAD_CONCURRENCY, async ({key, file}) => {
    const body = await readFile(file)
    const sha256 = createHash('sha256').update(body).digest('hex')
    const contentType = contentTypeOf(key)
    const there = await bucket.head(key)
    if (there?.sha256 === sha256 && there.contentType === contentType && there.cacheControl === ASSETS_CACHE_CONTROL) return false
    await bucket.put(key, body, {contentType, cacheControl: ASSETS_CACHE_CONTROL, sha256})
    return true
  })
  const uploaded = done.filter(Boolean).length
  return {uploaded, unchanged: files.length - uploaded}
}

/** What one service's assets came to in a release. */
export interface ServiceAssets {
  service: string
  /** Files the service serves from the bucket (uploaded now or already there). */
  files: number
  uploaded: number
}

/**
 * Copy a service's `assets` directories out of its image and upload them to the assets bucket.
 * The image is read from the registry it was pushed to, with the push's credentials.
 */
export async function publishServiceAssets(input: {
  env: ResolvedEnvironment
  service: string
  uri: string
  login: RegistryLogin
  bucket: AssetsBucket
  run?: RunCommand
  signal?: AbortSignal
}): Promise<ServiceAssets> {
  const assets = input.env.services[input.service].assets
  const root = await extractImagePaths({uri: input.uri, login: input.login, paths: assets.map((a) => a.path), run: input.run, signal: input.signal})
  try {
    const files = await assetFiles(root, input.service, assets)
    const {uploaded} = await uploadAssets(input.bucket, files)
    return {service: input.service, files: files.length, uploaded}
  } finally {
    await rm(extractionWorkDir(root), {recursive: true, force: true})
  }
}
