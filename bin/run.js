#!/usr/bin/env node
// Decide colour once, before anything prints (NO_COLOR, --no-color, --json, TERM=dumb, non-TTY).
import {applyColorPolicy} from '../dist/lib/ui/color.js'
import {execute} from '@oclif/core'

applyColorPolicy(process.argv.slice(2))
await execute({dir: import.meta.url})
