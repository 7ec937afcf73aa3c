#!/usr/bin/env node
// Decide colour once, before anything that detects it is loaded (NO_COLOR, --no-color, --json,
// TERM=dumb, non-TTY); then start oclif from the bundle (dist/index.js, see scripts/bundle.mjs).
import {readFileSync, readdirSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {applyColorPolicy, exitOnEarlyInterrupt} from '../dist/boot.js'

// Ctrl-C from the first moment: until a command takes it over (src/lib/cli/interrupts.ts), one
// line and exit 6 ("aborted by the user"), not a death by signal while the CLI is still loading;
// under --json also the final error object on stdout (src/lib/cli/early-interrupt.ts).
const beforeCommand = () => exitOnEarlyInterrupt(new URL('../oclif.manifest.json', import.meta.url))
process.on('SIGINT', beforeCommand)
globalThis[Symbol.for('platform.interrupts.beforeCommand')] = beforeCommand

const argv = process.argv.slice(2)
applyColorPolicy(argv)
// oclif checks its own package's engines on every start (a require through the module resolver);
// npm already checked ours, which are the same (Node >= 20), at install.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'

// Start-up (README, bench/startup.mjs): oclif would find the package root, read package.json, then
// locate and load every plugin listed there before running anything. Give it the root and
// package.json, no user or dev plugins (platform installs none), and the bundled plugins (help,
// autocomplete) only when they can be involved: their commands, root help, or a first word that is
// none of our topics or commands (command_not_found then suggests from all of them). `--version`
// prints oclif's user agent, which no plugin changes (neither has an init or finally hook).
const root = fileURLToPath(new URL('..', import.meta.url))
const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const ownTopics = readdirSync(new URL('../dist/commands', import.meta.url)).map((name) => name.replace(/\.js$/, ''))
if (ownTopics.includes(argv[0]) || argv[0] === '--version') pjson.oclif = {...pjson.oclif, plugins: []}

const {execute} = await import('../dist/index.js')
await execute({loadOptions: {root, pjson, userPlugins: false, devPlugins: false}})
