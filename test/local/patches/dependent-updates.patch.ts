/** local/patches/dependent_updates.py: a resource referencing a replaced resource is updated too. */
import {DescribeServicesCommand} from '@aws-sdk/client-ecs'
import {describe, expect, it} from 'vitest'
import {outputs, serviceTemplate, usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

describe('dependent updates', () => {
  it('repoint a service at the new task definition revision when only the image changed', async () => {
    await moto.deploy('web', 'CREATE', serviceTemplate, {Image: 'app:1'})
    const updated = outputs(await moto.deploy('web', 'UPDATE', serviceTemplate, {Image: 'app:2'}))
    // the service's own template text did not change; stock moto left it on revision 1
    const service = (await moto.ecs().send(new DescribeServicesCommand({cluster: 'apps', services: ['web']}))).services![0]
    expect(service.taskDefinition).toBe(updated.TaskDefinitionArn)
    expect(service.taskDefinition).toMatch(/task-definition\/web:2$/)
  })
})
