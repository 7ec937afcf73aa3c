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

// Modules @oclif/core requires at load but uses only on paths a bundled CLI with a manifest rarely
// takes: globbing for commands (no manifest), plugin name patterns (only when the bundled plugins
// load, see bin/run.js), the spinner's frames. Each becomes a stub that requires the real module,
// from @oclif/core's own folder as an unbundled oclif would, on first use: about 100 KB less to
// parse and evaluate before every command. Only modules used through property access qualify.
const LAZY_OCLIF_DEPENDENCIES = ['tinyglobby', 'minimatch', 'cli-spinners']
const lazyOclifDependencies = {
  name: 'lazy-oclif-dependencies',
  setup(b) {
    b.onResolve({filter: new RegExp(`^(${LAZY_OCLIF_DEPENDENCIES.join('|')})$`)}, (args) =>
      args.importer.includes('/node_modules/@oclif/core/') ? {path: args.path, namespace: 'lazy'} : undefined,
    )
    b.onLoad({filter: /.*/, namespace: 'lazy'}, (args) => ({
      loader: 'js',
      contents: [
        'let real',
        `const load = () => (real ??= __createRequire(__pathJoin(__oclifCoreLib, 'index.js'))(${JSON.stringify(args.path)}))`,
        // __esModule is asked at import time (__importDefault): answer for a CommonJS module without loading it.
        "module.exports = new Proxy({}, {get: (_, key) => (key === '__esModule' ? undefined : load()[key]), has: (_, key) => key in load()})",
      ].join('\n'),
    }))
  },
}

await build({
  plugins: [lazyOclifDependencies],
  absWorkingDir: root,
  entryPoints: [...commands, 'src/index.ts', 'src/lib/cli/help.ts', 'src/lib/cli/command-not-found.ts', 'src/lib/cli/early-interrupt.ts', 'src/lib/ui/color.ts'],
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
