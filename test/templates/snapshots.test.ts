import {describe, expect, it} from 'vitest'
import {serializeTemplate} from '../../src/lib/stacks/serialize.js'
import {renderEnvironment, renderManifest} from '../../src/templates/index.js'
import {fixtureEnvironments, type LabelledEnvironment, rootEnvironments} from '../helpers/env.js'

/**
 * The infrastructure diff, reviewed like code: one file per stack this half of the renderers
 * owns (the other stacks are snapshotted next to their renderers' tests), plus the manifest,
 * for the root platform.yaml and every valid fixture. Update with `npx vitest run -u`.
 */
const PARTS = ['bootstrap', 'network', 'storage', 'registry', 'data', 'zone']

async function snapshotEnvironment({label, env}: LabelledEnvironment): Promise<void> {
  const stacks = renderEnvironment(env)
  for (const stack of stacks.filter((s) => PARTS.includes(s.part))) {
    await expect(serializeTemplate(stack.template)).toMatchFileSnapshot(`__snapshots__/${label}/${stack.part}.template.json`)
  }
  await expect(`${JSON.stringify(renderManifest(env.project, env.name, stacks), null, 2)}\n`).toMatchFileSnapshot(`__snapshots__/${label}/manifest.json`)
}

describe('snapshots of the root platform.yaml', async () => {
  for (const environment of await rootEnvironments()) {
    it(`renders ${environment.label} as before`, () => snapshotEnvironment(environment))
  }
})

describe('snapshots of the valid fixtures', async () => {
  for (const environment of await fixtureEnvironments()) {
    it(`renders ${environment.label} as before`, () => snapshotEnvironment(environment))
  }
})
