/** local/patches/exports_after_update.py: UpdateStack re-registers the stack's exports. */
import {CreateStackCommand, ListExportsCommand, UpdateStackCommand} from '@aws-sdk/client-cloudformation'
import {describe, expect, it} from 'vitest'
import {toParameters, topicTemplate, usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

describe('exports after UpdateStack', () => {
  it('carry the new output values', async () => {
    await moto.cfn().send(new CreateStackCommand({StackName: 'app', TemplateBody: topicTemplate(), Parameters: toParameters({Env: 'dev'})}))
    await moto.cfn().send(new UpdateStackCommand({StackName: 'app', TemplateBody: topicTemplate(), Parameters: toParameters({Env: 'prod'})}))
    // stock moto kept "dev" in the export registry
    const exports = await moto.cfn().send(new ListExportsCommand({}))
    expect(exports.Exports?.find((e) => e.Name === 'app-Env')?.Value).toBe('prod')
  })
})
