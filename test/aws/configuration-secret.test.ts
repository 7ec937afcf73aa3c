import {describe, expect, it} from 'vitest'
import type {AwsClients} from '../../src/lib/aws/clients.js'
import {keepSecretCopy, type SecretCopy} from '../../src/lib/aws/configuration-secret.js'

const API_KEY = 'dd-api-0123456789abcdef'
const APP_KEY = 'dd-app-fedcba9876543210'

/**
 * One account's SSM SecureStrings and Secrets Manager secrets in memory, answering the calls
 * keepSecretCopy makes and recording each (command, region, and never a value).
 */
function account(parameters: Record<string, string>) {
  const secrets = new Map<string, {value: string; tags: unknown; deleted?: boolean}>()
  const calls: string[] = []
  const notFound = (name: string) => Object.assign(new Error(`${name} from AWS`), {name})
  const clients = {
    ssm: async (region?: string) => ({
      send: async (command: {constructor: {name: string}; input: {Names: string[]; WithDecryption: boolean}}) => {
        calls.push(`${command.constructor.name} ${region} WithDecryption=${command.input.WithDecryption}`)
        const found = command.input.Names.filter((n) => n in parameters)
        return {Parameters: found.map((Name) => ({Name, Value: parameters[Name]})), InvalidParameters: command.input.Names.filter((n) => !(n in parameters))}
      },
    }),
    secretsManager: async (region?: string) => ({
      send: async (command: {constructor: {name: string}; input: Record<string, any>}) => {
        const kind = command.constructor.name
        calls.push(`${kind} ${region}`)
        const id = command.input.SecretId ?? command.input.Name
        const secret = secrets.get(id)
        if (kind === 'GetSecretValueCommand') {
          if (!secret) throw notFound('ResourceNotFoundException')
          if (secret.deleted) throw notFound('InvalidRequestException')
          return {SecretString: secret.value}
        }
        if (kind === 'CreateSecretCommand') secrets.set(id, {value: command.input.SecretString, tags: command.input.Tags})
        if (kind === 'PutSecretValueCommand') secrets.set(id, {...secret!, value: command.input.SecretString})
        return {}
      },
    }),
  } as unknown as AwsClients
  return {clients, calls, secrets, parameters}
}

const COPY: SecretCopy = {
  name: 'app/prod/datadog-type-configuration',
  region: 'ap-northeast-1',
  parameters: {ApiKey: '/app/prod/DATADOG_API_KEY', ApplicationKey: '/app/prod/DATADOG_APP_KEY'},
  parameterRegion: 'ap-northeast-1',
  tags: {environment: 'prod', 'managed-by': 'platform', project: 'app'},
}

function prodAccount() {
  return account({'/app/prod/DATADOG_API_KEY': API_KEY, '/app/prod/DATADOG_APP_KEY': APP_KEY})
}

describe('keepSecretCopy (a Secrets Manager secret copied from SSM SecureStrings)', () => {
  it('creates the secret, tagged, holding both keys read with decryption', async () => {
    const aws = prodAccount()
    expect(await keepSecretCopy(aws.clients, COPY)).toBe('created')
    expect(JSON.parse(aws.secrets.get(COPY.name)!.value)).toEqual({ApiKey: API_KEY, ApplicationKey: APP_KEY})
    expect(aws.secrets.get(COPY.name)!.tags).toEqual([
      {Key: 'environment', Value: 'prod'},
      {Key: 'managed-by', Value: 'platform'},
      {Key: 'project', Value: 'app'},
    ])
    expect(aws.calls).toEqual(['GetParametersCommand ap-northeast-1 WithDecryption=true', 'GetSecretValueCommand ap-northeast-1', 'CreateSecretCommand ap-northeast-1'])
  })

  it('a re-run with the same keys writes nothing; a changed key puts a new value', async () => {
    const aws = prodAccount()
    await keepSecretCopy(aws.clients, COPY)
    aws.calls.length = 0
    expect(await keepSecretCopy(aws.clients, COPY)).toBe('unchanged')
    expect(aws.calls.filter((c) => c.startsWith('CreateSecret') || c.startsWith('PutSecretValue'))).toEqual([])

    aws.parameters['/app/prod/DATADOG_APP_KEY'] = 'dd-app-rotated'
    expect(await keepSecretCopy(aws.clients, COPY)).toBe('updated')
    expect(JSON.parse(aws.secrets.get(COPY.name)!.value)).toEqual({ApiKey: API_KEY, ApplicationKey: 'dd-app-rotated'})
    expect(aws.calls.at(-1)).toBe('PutSecretValueCommand ap-northeast-1')
  })

  it('a missing parameter or a secret scheduled for deletion is refused (exit 5) without writing, and no error carries a value', async () => {
    const halfSet = account({'/app/prod/DATADOG_API_KEY': API_KEY})
    const refused = await keepSecretCopy(halfSet.clients, COPY).catch((error: Error) => error)
    expect(refused).toMatchObject({code: 'SECRETS_NOT_SET', exitCode: 5})
    expect((refused as Error).message).toContain('/app/prod/DATADOG_APP_KEY')
    expect(halfSet.secrets.size).toBe(0)

    const deleting = prodAccount()
    deleting.secrets.set(COPY.name, {value: '{}', tags: [], deleted: true})
    const scheduled = await keepSecretCopy(deleting.clients, COPY).catch((error: Error) => error)
    expect(scheduled).toMatchObject({code: 'SECRET_SCHEDULED_FOR_DELETION', exitCode: 5})
    expect(deleting.secrets.get(COPY.name)!.value).toBe('{}')
    for (const error of [refused, scheduled] as Array<Error & {suggestions?: string[]}>) {
      const text = `${error.message} ${(error.suggestions ?? []).join(' ')}`
      expect(text).not.toContain(API_KEY)
      expect(text).not.toContain(APP_KEY)
    }
  })

  it('a refusal is an AWS auth error (exit 4)', async () => {
    const aws = prodAccount()
    const denied = {...aws.clients, secretsManager: async () => ({send: async () => Promise.reject(Object.assign(new Error('denied'), {name: 'AccessDeniedException'}))})} as unknown as AwsClients
    await expect(keepSecretCopy(denied, COPY)).rejects.toMatchObject({code: 'AWS_AUTH', exitCode: 4})
  })
})
