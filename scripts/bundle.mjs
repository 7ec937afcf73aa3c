#!/usr/bin/env node
// Builds dist/ with esbuild: one output file per command (plus the help class, the hooks and the
// start-up modules), sharing chunks, @oclif/core and the small libraries bundled in. Node then
// reads a few large files instead of ~400 small ones before a command runs (start-up, README).
// Code loaded on demand (the AWS SDK, prompts) stays in chunks imported only when used.
// Usage: node scripts/bundle.mjs [outdir]   (npm run build runs it)
import {build} from 'esbuild'
import {readdirSync} from 'node:fs'
import {join} from 'node:path'

const root = new URL('..', import.meta.url).pathname
const outdir = process.argv[2] ?? join(root, 'dist')

const commands = readdirSync(join(root, 'src/commands'), {recursive: true, encoding: 'utf8'})
  .filter((file) => file.endsWith('.ts'))
  .map((file) => join('src/commands', file))

await build({
  absWorkingDir: root,
  entryPoints: [...commands, 'src/index.ts', 'src/lib/cli/help.ts', 'src/lib/cli/command-not-found.ts', 'src/lib/ui/color.ts'],
  outbase: 'src',
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // Less to parse at start-up; identifiers are kept so that DEBUG=platform* stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  // The AWS SDK stays a dependency: large, loaded only by the commands that call AWS.
  // typescript: oclif's development mode (ts-node paths) requires it; never at run time.
  external: ['@aws-sdk/*', '@smithy/*', 'typescript', 'ts-node'],
  // CommonJS dependencies (oclif) call require() and read __dirname. @oclif/core reads its own
  // package.json through __dirname; point it at the installed package.
  banner: {
    js: [
      "import {createRequire as __createRequire} from 'node:module'",
      "import {dirname as __pathDirname, join as __pathJoin} from 'node:path'",
      'const require = __createRequire(import.meta.url)',
      "const __oclifCoreLib = (globalThis.__platformOclifCoreLib ??= __pathJoin(__pathDirname(require.resolve('@oclif/core/package.json')), 'lib'))",
    ].join('\n'),
  },
  define: {__dirname: '__oclifCoreLib'},
  logLevel: 'warning',
})
