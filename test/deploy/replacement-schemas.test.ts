/**
 * test/fixtures/schemas/create-only-properties.json is CloudFormation's `createOnlyProperties` of
 * every stateful type the root platform.yaml renders, from the resource schemas the installed
 * cfn-lint ships. This test fails when the file is not current (a new stateful type rendered, or
 * cfn-lint's schemas moved on); `npx vitest run test/deploy/replacement-schemas.test.ts -u`
 * rewrites it, and replacement-create-only.test.ts then holds the guard's table to it. The product
 * never reads cfn-lint or this file.
 */
import {execFile} from 'node:child_process'
import {promisify} from 'node:util'
import {describe, expect, it} from 'vitest'
import {STATEFUL_TYPES} from '../../src/lib/deploy/replacement.js'
import {renderEnvironment} from '../../src/templates/index.js'
import {rootEnvironments} from '../helpers/env.js'

/** Prints `createOnlyProperties` of each [region, type] of argv[1] from cfn-lint's provider schemas. */
const SCHEMA_READER = `
import json, sys
from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER
pairs = json.loads(sys.argv[1])
print(json.dumps([PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, type_name).schema.get("createOnlyProperties", []) for region, type_name in pairs]))
`

describe("the stateful types' create-only properties in CloudFormation's schemas", () => {
  // GIVEN every stateful resource the root platform.yaml renders, in each region it renders it
  // WHEN cfn-lint's schema of that type in that region is read
  // THEN every region agrees, and the checked-in file holds exactly those lists
  it('are what test/fixtures/schemas/create-only-properties.json holds', async () => {
    const pairs = new Map<string, [string, string]>()
    for (const {env} of await rootEnvironments()) {
      for (const stack of renderEnvironment(env)) {
        for (const {Type: type} of Object.values(stack.template.Resources ?? {})) {
          if (type in STATEFUL_TYPES) pairs.set(`${stack.region} ${type}`, [stack.region, type])
        }
      }
    }
    const {stdout} = await promisify(execFile)('python3', ['-c', SCHEMA_READER, JSON.stringify([...pairs.values()])])
    const lists: string[][] = JSON.parse(stdout)
    const byType: Record<string, string[]> = {}
    for (const [index, [region, type]] of [...pairs.values()].entries()) {
      if (byType[type]) expect(lists[index], `${type} in ${region}`).toEqual(byType[type])
      byType[type] = lists[index]
    }
    expect(Object.keys(byType).length).toBeGreaterThanOrEqual(5)
    const sorted = Object.fromEntries(Object.keys(byType).sort().map((type) => [type, byType[type]]))
    await expect(`${JSON.stringify(sorted, null, 2)}\n`).toMatchFileSnapshot('../fixtures/schemas/create-only-properties.json')
  }, 120_000)
})
