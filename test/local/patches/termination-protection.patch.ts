/** local/patches/termination_protection.py: UpdateTerminationProtection works and DeleteStack honours it. */
import {DeleteStackCommand, UpdateTerminationProtectionCommand} from '@aws-sdk/client-cloudformation'
import {describe, expect, it} from 'vitest'
import {topicTemplate, usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

describe('termination protection', () => {
  it('stores the flag, reports it, and refuses to delete a protected stack', async () => {
    await moto.deploy('app', 'CREATE', topicTemplate(), {Env: 'dev'})
    // stock moto: HTTP 500
    await moto.cfn().send(new UpdateTerminationProtectionCommand({StackName: 'app', EnableTerminationProtection: true}))
    expect((await moto.describeStack('app')).EnableTerminationProtection).toBe(true)
    await expect(moto.cfn().send(new DeleteStackCommand({StackName: 'app'}))).rejects.toThrow('Stack [app] cannot be deleted while TerminationProtection is enabled')
    expect((await moto.describeStack('app')).StackStatus).toBe('CREATE_COMPLETE')

    await moto.cfn().send(new UpdateTerminationProtectionCommand({StackName: 'app', EnableTerminationProtection: false}))
    expect((await moto.describeStack('app')).EnableTerminationProtection).toBe(false)
    await moto.cfn().send(new DeleteStackCommand({StackName: 'app'}))
    await expect(moto.describeStack('app')).rejects.toThrow(/does not exist/)
  })
})
