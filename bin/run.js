#!/usr/bin/env node
// Decide colour once, before anything that detects it is loaded (NO_COLOR, --no-color, --json,
// TERM=dumb, non-TTY); then start oclif from the bundle (dist/index.js, see scripts/bundle.mjs).
import {applyColorPolicy} from '../dist/lib/ui/color.js'

applyColorPolicy(process.argv.slice(2))
// oclif checks its own package's engines on every start (a require through the module resolver);
// npm already checked ours, which are the same (Node >= 20), at install.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'
const {execute} = await import('../dist/index.js')
await execute({dir: import.meta.url})
