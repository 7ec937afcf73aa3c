#!/usr/bin/env -S node --import tsx
// Runs the TypeScript sources directly (no build): `node --import tsx bin/dev.js validate`.
import {applyColorPolicy} from '../src/lib/ui/color.ts'

applyColorPolicy(process.argv.slice(2))
const {execute} = await import('@oclif/core')
await execute({development: true, dir: import.meta.url})
