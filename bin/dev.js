#!/usr/bin/env -S node --import tsx
// Runs the TypeScript sources directly (no build): `node --import tsx bin/dev.js validate`.
import {applyColorPolicy} from '../src/lib/ui/color.ts'
import {execute} from '@oclif/core'

applyColorPolicy(process.argv.slice(2))
await execute({development: true, dir: import.meta.url})
