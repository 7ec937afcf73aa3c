import type {DescribeSecretCommand} from '@aws-sdk/client-secrets-manager'
import {describe, expect, it} from 'vitest'
import type {AwsClients} from '../../src/lib/aws/clients.js'
import {secretExists} from '../../src/lib/aws/secret-presence.js'

/** Clients whose Secrets Manager answers DescribeSecret with `answer`, recording what was asked (and where). */
function clientsAnswering(answer: (id: string) => Record<string, unknown>) {
  const asked: string[] = []
  const clients = {
    secretsManager: async (region?: string) => ({
      send: async (command: DescribeSecretCommand) => {
        asked.push(`${command.constructor.name} ${region} ${command.input.SecretId}`)
        return answer(command.input.SecretId!)
      },
    }),
  } as unknown as AwsClients
  return {clients, asked}
}

function awsError(name: string): Error {
  return Object.assign(new Error(`${name} from AWS`), {name})
}

describe('secretExists (DescribeSecret: metadata only)', () => {
  it('asks DescribeSecret, never GetSecretValue, in the region given', async () => {
    const {clients, asked} = clientsAnswering(() => ({Name: 'cfn/atlas/profile/default'}))
    expect(await secretExists(clients, 'eu-west-1', 'cfn/atlas/profile/default')).toBe(true)
    expect(asked).toEqual(['DescribeSecretCommand eu-west-1 cfn/atlas/profile/default'])
  })

  it('a secret that does not exist, or is scheduled for deletion, counts as missing', async () => {
    const missing = clientsAnswering(() => {
      throw awsError('ResourceNotFoundException')
    })
    expect(await secretExists(missing.clients, 'ap-northeast-1', 'cfn/atlas/profile/default')).toBe(false)
    const deleting = clientsAnswering(() => ({Name: 'cfn/atlas/profile/default', DeletedDate: new Date('2026-12-01T00:00:00Z')}))
    expect(await secretExists(deleting.clients, 'ap-northeast-1', 'cfn/atlas/profile/default')).toBe(false)
  })

  it('a refusal is an AWS auth error (exit 4), not a missing secret', async () => {
    const denied = clientsAnswering(() => {
      throw awsError('AccessDeniedException')
    })
    await expect(secretExists(denied.clients, 'ap-northeast-1', 'cfn/atlas/profile/default')).rejects.toMatchObject({code: 'AWS_AUTH', exitCode: 4})
  })
})
