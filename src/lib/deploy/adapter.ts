import type {CloudFormationClient} from '@aws-sdk/client-cloudformation'
import type {EC2Client} from '@aws-sdk/client-ec2'
import type {RDSClient} from '@aws-sdk/client-rds'
import type {S3Client} from '@aws-sdk/client-s3'
import type {SSMClient} from '@aws-sdk/client-ssm'
import type {STSClient} from '@aws-sdk/client-sts'
import {type CloudFormationApi, createCloudFormationApi, installRetryObserver, type RetryNotice} from '../aws/cloudformation.js'
import {isAwsError, isConditionalWriteRefused} from '../aws/aws-error.js'
import {toAwsAuthError} from '../aws/clients.js'
import {createTypeRegistry} from '../aws/type-registry.js'
import {AbortedError, AwsAuthError} from '../errors.js'
import type {LeaseStore} from './lease.js'
import type {DeployAws} from './types.js'

/**
 * The SDK clients deploy needs, per region: what the client factory hands out. Only
 * CloudFormation is needed on every run; the others load on first use (a no-op deploy never
 * loads RDS, SSM or S3: start-up time is most of a no-op's budget; EC2 loads only for a stack
 * that reads a managed prefix list).
 */
export interface DeploySdkClients {
  cloudFormation(region: string): CloudFormationClient
  s3(region: string): Promise<S3Client>
  sts(): Promise<STSClient>
  rds(region: string): Promise<RDSClient>
  ssm(region: string): Promise<SSMClient>
  ec2(region: string): Promise<EC2Client>
  /** The endpoint override in use (AWS_ENDPOINT_URL / --local), if any. */
  endpoint?: string
  /** The DNS server of the delegation check (PLATFORM_DNS_SERVER, the local AWS's); undefined: the system's. */
  dnsServer?: string
}

/** Turn credential and permission errors into AwsAuthError (exit 4, with the hint); leave the rest. */
export const toAuthError = toAwsAuthError

/** The API action behind each adapter method, for errors that name the call that failed. */
const AWS_CALL: Record<string, string> = {describeStack: 'DescribeStacks', describeStackEvents: 'DescribeStackEvents'}

function guarded<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value = Reflect.get(obj, key, receiver)
      if (typeof value !== 'function') return value
      return async (...args: unknown[]) => {
        try {
          return await value.apply(obj, args)
        } catch (error) {
          const mapped = toAuthError(error)
          if (mapped === error && error instanceof Error && typeof key === 'string') {
            const call = AWS_CALL[key] ?? key.charAt(0).toUpperCase() + key.slice(1)
            Object.defineProperty(error, 'awsCall', {value: call, enumerable: false})
          }
          throw mapped
        }
      }
    },
  })
}

/**
 * DeployAws over real SDK clients. Every client reports its retries to the listener the engine
 * sets (the SDK retries throttling, 5xx and dropped connections itself, silently).
 */
export function createDeployAws(clients: DeploySdkClients, options: {interrupt?: AbortSignal} = {}): DeployAws {
  const cfn = new Map<string, CloudFormationApi>()
  const interruptible = interruptibleReads(options.interrupt)
  let onRetry: (region: string, notice: RetryNotice) => void = () => undefined
  const observed = new WeakSet<object>()
  const observe = <C extends {middlewareStack: any}>(client: C, region: string): C => {
    if (!observed.has(client)) {
      observed.add(client)
      installRetryObserver(client as any, (notice) => onRetry(region, notice))
    }
    return client
  }
  // The preflight's registry reads, interruptible like the other reads before anything changes.
  const types = createTypeRegistry((region) => interruptible(observe(clients.cloudFormation(region), region)))
  return {
    endpoint: clients.endpoint,
    dnsServer: clients.dnsServer,
    setRetryListener(listener) {
      onRetry = listener
    },
    cloudFormation(region) {
      let api = cfn.get(region)
      if (!api) {
        const client = interruptible(observe(clients.cloudFormation(region), region))
        api = guarded(createCloudFormationApi(client, region))
        cfn.set(region, api)
      }
      return api
    },
    async putTemplate(region, bucket, key, body) {
      const {PutObjectCommand} = await import('@aws-sdk/client-s3')
      try {
        await observe(await clients.s3(region), region).send(new PutObjectCommand({Bucket: bucket, Key: key, Body: body, ContentType: 'application/json'}))
      } catch (error) {
        throw toAuthError(error)
      }
      return `https://${bucket}.s3.${region}.amazonaws.com/${key}`
    },
    leaseStore(region, bucket, key) {
      return createS3LeaseStore(async () => observe(await clients.s3(region), region), bucket, key)
    },
    async callerAccount() {
      const {GetCallerIdentityCommand} = await import('@aws-sdk/client-sts')
      try {
        const out = await interruptible(observe(await clients.sts(), 'global')).send(new GetCallerIdentityCommand({}))
        return out.Account ?? ''
      } catch (error) {
        const mapped = toAuthError(error)
        // The SDK's credential chain ends in a plain Error ("Could not load credentials from any providers").
        if (mapped === error && /credential/i.test((error as Error)?.message ?? '')) throw new AwsAuthError(`No usable AWS credentials: ${(error as Error).message}`, {cause: error})
        throw mapped
      }
    },
    async engineVersions(region, engine, version) {
      const versions: string[] = []
      let marker: string | undefined
      const {DescribeDBEngineVersionsCommand} = await import('@aws-sdk/client-rds')
      const rds = interruptible(observe(await clients.rds(region), region))
      try {
        if (version) {
          // One call answers the common case: the configured version is offered.
          const exact = await rds.send(new DescribeDBEngineVersionsCommand({Engine: engine, EngineVersion: version}))
          if ((exact.DBEngineVersions ?? []).some((v) => v.EngineVersion === version)) return [version]
        }
        do {
          const out = await rds.send(new DescribeDBEngineVersionsCommand({Engine: engine, Marker: marker}))
          for (const v of out.DBEngineVersions ?? []) if (v.EngineVersion) versions.push(v.EngineVersion)
          marker = out.Marker
        } while (marker)
      } catch (error) {
        throw toAuthError(error)
      }
      return versions
    },
    typeActivated: (region, typeName) => types.isActivated(region, typeName),
    typeConfigured: async (region, typeName) => (await types.configuration(region, typeName)) !== undefined,
    async managedPrefixListId(region, name) {
      const {DescribeManagedPrefixListsCommand} = await import('@aws-sdk/client-ec2')
      try {
        const out = await interruptible(observe(await clients.ec2(region), region)).send(new DescribeManagedPrefixListsCommand({Filters: [{Name: 'prefix-list-name', Values: [name]}]}))
        return out.PrefixLists?.find((list) => list.PrefixListName === name && list.OwnerId === 'AWS')?.PrefixListId
      } catch (error) {
        throw toAuthError(error)
      }
    },
    async missingParameters(region, names) {
      const missing: string[] = []
      const {GetParametersCommand} = await import('@aws-sdk/client-ssm')
      const ssm = interruptible(observe(await clients.ssm(region), region))
      try {
        for (let i = 0; i < names.length; i += 10) {
          const out = await ssm.send(new GetParametersCommand({Names: names.slice(i, i + 10)}))
          missing.push(...(out.InvalidParameters ?? []))
        }
      } catch (error) {
        throw toAuthError(error)
      }
      return missing
    },
  }
}

/** Describe*, Get*, List* (and their Batch* forms, such as BatchDescribeTypeConfigurations): calls that change nothing. */
const READ_COMMAND = /^(Batch)?(Describe|Get|List)[A-Za-z0-9]*Command$/

/**
 * Ctrl-C (`interrupt`) cancels the reads in flight, as long as nothing was changed yet: before the
 * first call that is not a read (CreateChangeSet, ...), an interrupted run has nothing to clean up,
 * so it stops at once with AbortedError (exit 6). Once something was changed, every call runs to
 * its end: the engine must learn what exists to delete the review change sets it made.
 */
function interruptibleReads(interrupt: AbortSignal | undefined): <C extends {send: (...args: any[]) => Promise<any>}>(client: C) => C {
  let changed = false
  return (client) => {
    if (!interrupt) return client
    return new Proxy(client, {
      get(target, key, receiver) {
        if (key !== 'send') return Reflect.get(target, key, receiver)
        return async (command: object, sendOptions?: Record<string, unknown>) => {
          const read = READ_COMMAND.test(command.constructor.name)
          if (!read) changed = true
          if (!read || changed || interrupt.aborted) return target.send(command, sendOptions)
          // Cancelled only if the interrupt comes before anything was changed (a read started
          // earlier may still be running when the first change set is being made).
          const call = new AbortController()
          const cancel = () => changed || call.abort()
          interrupt.addEventListener('abort', cancel, {once: true})
          try {
            return await target.send(command, {...sendOptions, abortSignal: call.signal})
          } catch (error) {
            if (call.signal.aborted) throw new AbortedError('Interrupted while reading what is deployed; nothing was changed.')
            throw error
          } finally {
            interrupt.removeEventListener('abort', cancel)
          }
        }
      },
    })
  }
}

/**
 * The deploy lease as one S3 object with conditional writes: PutObject `If-None-Match: *` creates
 * it only if absent, `If-Match: <etag>` replaces it only if unchanged. S3 answers a lost race with
 * 412 PreconditionFailed, 409 ConditionalRequestConflict (a concurrent conditional write), or 404
 * NoSuchKey (If-Match on a key that is gone).
 */
function createS3LeaseStore(client: () => Promise<S3Client>, bucket: string, key: string): LeaseStore {
  const sdk = () => import('@aws-sdk/client-s3')
  const put = async (body: string, condition: {IfNoneMatch: string} | {IfMatch: string}) => {
    const {PutObjectCommand} = await sdk()
    try {
      const out = await (await client()).send(new PutObjectCommand({Bucket: bucket, Key: key, Body: body, ContentType: 'application/json', ...condition}))
      return out.ETag ?? ''
    } catch (error) {
      if (isConditionalWriteRefused(error)) return undefined
      throw toAuthError(error)
    }
  }
  return {
    location: `s3://${bucket}/${key}`,
    async read() {
      const {GetObjectCommand} = await sdk()
      try {
        const out = await (await client()).send(new GetObjectCommand({Bucket: bucket, Key: key}))
        return {body: await out.Body!.transformToString(), etag: out.ETag ?? '', lastModified: out.LastModified}
      } catch (error) {
        if (isAwsError(error, 'NoSuchKey')) return undefined
        throw toAuthError(error)
      }
    },
    create: (body) => put(body, {IfNoneMatch: '*'}),
    replace: (body, etag) => put(body, {IfMatch: etag}),
  }
}
