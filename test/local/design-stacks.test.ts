/**
 * The design's own templates (the root platform.yaml, environment prod) through the patched moto,
 * stack by stack in manifest order with outputs fed to parameters, by change sets only: the
 * create -> no-op -> update cycle deploy relies on. A renderer that starts using a type or an
 * attribute the launcher cannot emulate fails here, naming it.
 */
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation'
import {DescribeManagedPrefixListsCommand, EC2Client} from '@aws-sdk/client-ec2'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {getEnvironment, loadConfig} from '../../src/lib/config/load.js'
import {renderManifest} from '../../src/lib/stacks/manifest.js'
import {serializeTemplate} from '../../src/lib/stacks/serialize.js'
import {renderEnvironment} from '../../src/templates/index.js'
import type {RenderManifest, StackDefinition} from '../../src/lib/stacks/types.js'
import {type LocalAws, startLocalAws} from '../helpers/local-aws.js'

let aws: LocalAws
const clients = new Map<string, CloudFormationClient>()
const cfn = (region: string): CloudFormationClient => {
  let client = clients.get(region)
  if (!client) {
    client = new CloudFormationClient({region, endpoint: aws.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}, maxAttempts: 1})
    clients.set(region, client)
  }
  return client
}

/** What the deploy looks up for a `prefix-list` parameter: the list's id in that region. */
async function prefixListId(region: string, name: string): Promise<string | undefined> {
  const ec2 = new EC2Client({region, endpoint: aws.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}, maxAttempts: 1})
  try {
    const out = await ec2.send(new DescribeManagedPrefixListsCommand({Filters: [{Name: 'prefix-list-name', Values: [name]}]}))
    return out.PrefixLists?.[0]?.PrefixListId
  } finally {
    ec2.destroy()
  }
}

beforeAll(async () => {
  aws = await startLocalAws()
})
afterAll(async () => {
  for (const client of clients.values()) client.destroy()
  await aws?.stop()
})

const image = (digest: string) => `123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/app@sha256:${digest.repeat(64)}`

describe('the design templates on the patched moto', () => {
  it('creates every stack, finds nothing to change on a repeat, and updates only what a new image touches', async () => {
    const config = await loadConfig('platform.yaml', {onWarnings: () => undefined})
    const stacks: StackDefinition[] = renderEnvironment(getEnvironment(config, 'prod'))
    const manifest: RenderManifest = renderManifest(config.project, 'prod', stacks)
    const bodies = new Map(stacks.map((s) => [s.name, serializeTemplate(s.template)]))
    const outputs = new Map<string, Record<string, string>>()
    let n = 0

    const deploy = async (stack: RenderManifest['stacks'][number], type: 'CREATE' | 'UPDATE', digest: string) => {
      const parameters = await Promise.all(
        Object.entries(stack.parameters).map(async ([key, source]) => {
          const value =
            source.from === 'output' ? outputs.get(source.stack)?.[source.output] : source.from === 'image' ? image(digest) : source.from === 'prefix-list' ? await prefixListId(stack.region, source.name) : source.value
          expect(value, `${stack.name} parameter ${key} from ${JSON.stringify(source)}`).toBeDefined()
          return {ParameterKey: key, ParameterValue: value}
        }),
      )
      const client = cfn(stack.region)
      const created = await client.send(
        new CreateChangeSetCommand({
          StackName: stack.name,
          ChangeSetName: `cs-${++n}`,
          ChangeSetType: type,
          TemplateBody: bodies.get(stack.name),
          Parameters: parameters,
          Tags: Object.entries(stack.tags).map(([Key, Value]) => ({Key, Value})),
          Capabilities: ['CAPABILITY_NAMED_IAM'],
        }),
      )
      const described = await client.send(new DescribeChangeSetCommand({ChangeSetName: created.Id}))
      if (described.Status === 'CREATE_COMPLETE') await client.send(new ExecuteChangeSetCommand({ChangeSetName: created.Id}))
      const deployed = (await client.send(new DescribeStacksCommand({StackName: stack.name}))).Stacks![0]
      expect(deployed.StackStatus, `${stack.name}: ${deployed.StackStatusReason}`).toMatch(/^(CREATE|UPDATE)_COMPLETE$/)
      const values = Object.fromEntries((deployed.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]))
      outputs.set(stack.name, values)
      return {changeSet: described, values}
    }

    // GIVEN a fresh emulator, WHEN every stack is created in deploy order
    for (const stack of manifest.stacks) {
      const {values} = await deploy(stack, 'CREATE', 'a')
      // THEN each has every output its template declares, none of them an unresolved function
      const declared = Object.keys((JSON.parse(bodies.get(stack.name)!) as {Outputs?: object}).Outputs ?? {})
      expect(Object.keys(values).sort(), stack.name).toEqual(declared.sort())
      for (const value of Object.values(values)) expect(value, stack.name).not.toMatch(/Fn::|\{'|\[object/)
      if (stack.terminationProtection) await cfn(stack.region).send(new UpdateTerminationProtectionCommand({StackName: stack.name, EnableTerminationProtection: true}))
    }
    expect(manifest.stacks.map((s) => s.region)).toContain('us-east-1')

    // WHEN the same input is deployed again, THEN every change set is empty
    for (const stack of manifest.stacks) {
      const {changeSet} = await deploy(stack, 'UPDATE', 'a')
      expect(changeSet.Status, stack.name).toBe('FAILED')
    }

    // WHEN only the image changes, THEN only service stacks change, and only their task definition
    for (const stack of manifest.stacks) {
      const {changeSet} = await deploy(stack, 'UPDATE', 'b')
      const isService = Object.values(stack.parameters).some((p) => p.from === 'image')
      expect(changeSet.Status, stack.name).toBe(isService ? 'CREATE_COMPLETE' : 'FAILED')
      if (isService) expect(changeSet.Changes?.map((c) => c.ResourceChange?.ResourceType)).toContain('AWS::ECS::TaskDefinition')
    }
  })
})
