/**
 * The replacement guard's create-only property table against CloudFormation's resource schemas
 * (test/fixtures/schemas/create-only-properties.json, kept current by replacement-schemas.test.ts).
 */
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {CREATE_ONLY_PROPERTIES, predictChanges} from '../../src/lib/deploy/replacement.js'
import type {CfnTemplate} from '../../src/lib/stacks/types.js'

const schemas: Record<string, string[]> = JSON.parse(readFileSync(new URL('../fixtures/schemas/create-only-properties.json', import.meta.url), 'utf8'))

/**
 * The top-level property each JSON pointer names: the guard compares top-level properties, and
 * a nested create-only property (ECR's EncryptionConfiguration/KmsKey) changes its parent.
 */
/** A template of one resource `R` of `type` with `properties`. */
function one(type: string, properties: Record<string, unknown>): CfnTemplate {
  return {AWSTemplateFormatVersion: '2010-09-09', Description: 'test', Resources: {R: {Type: type, Properties: properties}}}
}

function topLevel(pointers: string[]): string[] {
  return [...new Set(pointers.map((p) => p.split('/')[2]))].sort()
}

describe('the create-only property table', () => {
  // GIVEN the schemas' create-only properties of every stateful type the root platform.yaml renders
  // WHEN the guard's table is compared with them
  // THEN it has exactly those types, each with exactly the schema's top-level properties
  it("lists exactly the schemas' create-only properties of every stateful type rendered", () => {
    const fromSchemas = Object.fromEntries(Object.entries(schemas).map(([type, pointers]) => [type, topLevel(pointers)]))
    const fromTable = Object.fromEntries(Object.entries(CREATE_ONLY_PROPERTIES).map(([type, properties]) => [type, [...properties].sort()]))
    expect(Object.keys(fromSchemas).length).toBeGreaterThanOrEqual(5)
    expect(fromTable).toEqual(fromSchemas)
  })

  it('predicts a replacement for a change of each of them, and for nothing else', () => {
    for (const [type, properties] of Object.entries(CREATE_ONLY_PROPERTIES)) {
      for (const property of properties) {
        expect(predictChanges(one(type, {[property]: 'a', Tags: 'x'}), one(type, {[property]: 'b', Tags: 'x'}))[0], `${type} ${property}`).toMatchObject({replacement: 'True', replacedBy: [property]})
      }
      const inPlace = predictChanges(one(type, {Tags: 'x'}), one(type, {Tags: 'y'}))
      expect(inPlace[0], type).toMatchObject({action: 'Modify', replacement: 'False'})
    }
  })
})
