/** local/patches/ecs_steady_state.py: services reach steady state, task definition updates keep their containers. */
import {DescribeServicesCommand, DescribeTaskDefinitionCommand, UpdateServiceCommand, waitUntilServicesStable} from '@aws-sdk/client-ecs'
import {describe, expect, it} from 'vitest'
import {outputs, serviceTemplate, usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

describe('ECS rollouts', () => {
  it('register an updated task definition with its containers, cpu and memory, and the service is steady on it', async () => {
    await moto.deploy('web', 'CREATE', serviceTemplate, {Image: 'app:1'})
    const updated = outputs(await moto.deploy('web', 'UPDATE', serviceTemplate, {Image: 'app:2'}))
    // stock moto registered revision 2 with empty containers and no cpu/memory
    expect(updated.TaskDefinitionArn).toMatch(/task-definition\/web:2$/)
    const task = (await moto.ecs().send(new DescribeTaskDefinitionCommand({taskDefinition: updated.TaskDefinitionArn}))).taskDefinition!
    expect({cpu: task.cpu, memory: task.memory, images: task.containerDefinitions?.map((c) => c.image)}).toEqual({cpu: '512', memory: '1024', images: ['app:2']})
    // stock moto: runningCount 0, rolloutState IN_PROGRESS forever
    const service = (await moto.ecs().send(new DescribeServicesCommand({cluster: 'apps', services: ['web']}))).services![0]
    expect(service.runningCount).toBe(2)
    expect(service.deployments?.map((d) => [d.status, d.rolloutState, d.taskDefinition])).toEqual([['PRIMARY', 'COMPLETED', updated.TaskDefinitionArn]])
    await waitUntilServicesStable({client: moto.ecs(), maxWaitTime: 10, minDelay: 1}, {cluster: 'apps', services: ['web']})
  })

  it('report the full task definition ARN whatever form UpdateService was given', async () => {
    await moto.deploy('web', 'CREATE', serviceTemplate, {Image: 'app:1'})
    await moto.deploy('web', 'UPDATE', serviceTemplate, {Image: 'app:2'})
    const rolledBack = await moto.ecs().send(new UpdateServiceCommand({cluster: 'apps', service: 'web', taskDefinition: 'web:1'}))
    expect(rolledBack.service?.taskDefinition).toBe('arn:aws:ecs:ap-northeast-1:123456789012:task-definition/web:1')
  })
})
