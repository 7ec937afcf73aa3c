import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {getEnvironment, loadConfig} from '../../src/lib/config/load.js'
import {confirmDestroy} from '../../src/lib/destroy/confirm.js'
import {ongoingCosts, planDestroy} from '../../src/lib/destroy/plan.js'
import {renderEnvironment} from '../../src/templates/index.js'
import {repoRoot} from '../helpers/built-cli.js'

const stacksOf = async (name: string) => renderEnvironment(getEnvironment(await loadConfig(join(repoRoot, 'platform.yaml')), name))

describe('planDestroy', () => {
  it('keeps the database and its network, and deletes the rest after everything that reads from it', async () => {
    const stacks = await stacksOf('prod')
    const plan = planDestroy(stacks)
    expect(plan.kept.map((k) => k.stack.part)).toEqual(['network', 'data'])
    const order = plan.waves.flat().map((s) => s.name)
    expect(order.length + plan.kept.length).toBe(stacks.length)
    for (const stack of stacks.filter((s) => order.includes(s.name))) {
      for (const dep of stack.dependsOn.filter((d) => order.includes(d))) expect(order.indexOf(stack.name), `${stack.name} before ${dep}`).toBeLessThan(order.indexOf(dep))
    }
    expect(plan.retained.map((r) => r.type)).toEqual(expect.arrayContaining(['AWS::S3::Bucket', 'AWS::ECR::Repository', 'AWS::Route53::HostedZone']))
    const costs = ongoingCosts(plan, [
      {id: 'aurora.capacity', monthly: 109.5} as any,
      {id: 'nat.hours', monthly: 45.26} as any,
      {id: 's3.storage', monthly: 2.5} as any,
      {id: 'fargate.web.vcpu', monthly: 26} as any,
    ])
    expect(costs.map((c) => [c.what.split(' (')[0], c.monthlyUsd])).toEqual([
      ['stack bookmark-manager-prod-network', 45.26],
      ['stack bookmark-manager-prod-data', 109.5],
      ['retained AWS::S3::Bucket', 2.5],
    ])
  })
})

describe('confirmDestroy', () => {
  const io = (answers: {typed?: string; yes?: boolean; tty?: boolean}) => ({canPrompt: () => answers.tty ?? false, confirm: async () => answers.yes ?? false, input: async () => answers.typed ?? ''})
  const prod = {name: 'prod', protect: true}
  const staging = {name: 'staging', protect: false}

  it('a protected environment needs its name: typed, or --confirm; --yes alone is refused', async () => {
    await expect(confirmDestroy(prod, {yes: true}, io({}))).rejects.toMatchObject({exitCode: 2, message: expect.stringMatching(/--confirm prod/)})
    await expect(confirmDestroy(prod, {yes: false, confirm: 'prod'}, io({}))).resolves.toBeUndefined()
    await expect(confirmDestroy(prod, {yes: false, confirm: 'staging'}, io({}))).rejects.toMatchObject({exitCode: 2})
    await expect(confirmDestroy(prod, {yes: false}, io({tty: true, typed: 'prod'}))).resolves.toBeUndefined()
    await expect(confirmDestroy(prod, {yes: true}, io({tty: true, typed: 'yes'}))).rejects.toMatchObject({exitCode: 6})
  })

  it('another environment takes --yes or a yes', async () => {
    await expect(confirmDestroy(staging, {yes: true}, io({}))).resolves.toBeUndefined()
    await expect(confirmDestroy(staging, {yes: false}, io({}))).rejects.toMatchObject({exitCode: 2})
    await expect(confirmDestroy(staging, {yes: false}, io({tty: true, yes: false}))).rejects.toMatchObject({exitCode: 6})
  })
})
