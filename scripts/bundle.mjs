#!/usr/bin/env node
// Builds dist/ with esbuild: one output file per command (plus the help class and the hooks),
// sharing chunks, @oclif/core and the small libraries bundled in, and bin/run.js's boot module on
// its own. Node then reads a few large files instead of ~400 small ones before a command runs
// (start-up, README).
// Code loaded on demand (the AWS SDK, prompts) stays in chunks imported only when used.
// Usage: node scripts/bundle.mjs [outdir]   (npm run build runs it)
import {build} from 'esbuild'
import {readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'

const root = new URL('..', import.meta.url).pathname
const outdir = process.argv[2] ?? join(root, 'dist')

const commands = readdirSync(join(root, 'src/commands'), {recursive: true, encoding: 'utf8'})
  .filter((file) => file.endsWith('.ts'))
  .map((file) => join('src/commands', file))

// Modules @oclif/core requires at load but uses only on paths a bundled CLI with a manifest rarely
// takes: globbing for commands (no manifest), plugin name patterns and package.json lookups (only
// when the bundled plugins load, see bin/run.js), the spinner's frames, help's templates and text
// layout, an error's word wrapping, performance marks (only with OCLIF_PERFORMANCE), and Node's readline
// (the parser reads a piped stdin with it, which no platform command asks for). Each becomes a
// stub that requires the real module, from @oclif/core's own folder as an unbundled oclif would, on
// first use: less to parse and evaluate before every command (start-up, README). The value says how
// @oclif/core imports it, which decides what the stub answers before loading anything:
// - 'property': its properties are read (`x.name`), or it is called through `__importDefault`;
// - 'namespace': through `__importStar`, which copies every key of a module that is not marked
//   `__esModule`: the stub says it is one, so that nothing is copied (or loaded) at import.
// A module whose export is a value used at load (is-wsl's boolean) does not qualify.
const LAZY_OCLIF_DEPENDENCIES = {
  tinyglobby: 'property',
  minimatch: 'property',
  'cli-spinners': 'property',
  lilconfig: 'property',
  'node:perf_hooks': 'property',
  'node:readline': 'property',
  'wrap-ansi': 'property',
  'string-width': 'property',
  'widest-line': 'property',
  'indent-string': 'property',
  ejs: 'namespace',
}
// A stub answers `__esModule` for the import it was declared for: refuse to build when @oclif/core
// (after an upgrade) imports one of them differently, instead of failing on a cold path at run time.
const oclifLib = join(dirname(createRequire(import.meta.url).resolve('@oclif/core/package.json')), 'lib')
for (const file of readdirSync(oclifLib, {recursive: true, encoding: 'utf8'}).filter((name) => name.endsWith('.js'))) {
  const source = readFileSync(join(oclifLib, file), 'utf8')
  for (const [name, kind] of Object.entries(LAZY_OCLIF_DEPENDENCIES)) {
    for (const match of source.matchAll(new RegExp(`(__importStar\\()?require\\("${name}"\\)`, 'g'))) {
      if (Boolean(match[1]) !== (kind === 'namespace')) throw new Error(`@oclif/core/lib/${file} imports ${name} in a way its '${kind}' stub does not answer (scripts/bundle.mjs)`)
    }
  }
}
const lazyOclifDependencies = {
  name: 'lazy-oclif-dependencies',
  setup(b) {
    const names = Object.keys(LAZY_OCLIF_DEPENDENCIES).map((name) => name.replace(/[.:]/g, '\\$&'))
    b.onResolve({filter: new RegExp(`^(${names.join('|')})$`)}, (args) =>
      args.importer.includes('/node_modules/@oclif/core/') ? {path: args.path, namespace: 'lazy'} : undefined,
    )
    b.onLoad({filter: /.*/, namespace: 'lazy'}, (args) => ({
      loader: 'js',
      contents: [
        'let real',
        `const load = () => (real ??= __createRequire(__pathJoin(__oclifCore.lib, 'index.js'))(${JSON.stringify(args.path)}))`,
        // __esModule is asked at import time (__importDefault, __importStar): answered without loading.
        `const esModule = ${LAZY_OCLIF_DEPENDENCIES[args.path] === 'namespace' ? 'true' : 'undefined'}`,
        // An arrow function as the target, so that a module whose export is a function can be called.
        'module.exports = new Proxy(() => {}, {',
        "  get: (_, key) => (key === '__esModule' ? esModule : load()[key]),",
        '  has: (_, key) => key in load(),',
        '  apply: (_, self, args) => Reflect.apply(load(), self, args),',
        '})',
      ].join('\n'),
    }))
  },
}

// oclif's Plugin.load sorts each plugin's commands with `a.id.localeCompare(b.id)`. The first
// localeCompare of a process builds ICU's collator (~11 ms of every start-up, README), and nothing
// else that validate, --version or help runs compares by locale (help lists through its own
// ordinal sortBy). Command ids are lower-case words joined by ':' and '-', which both orders sort
// alike (test/bin/run-command-order.test.ts sorts every bundled manifest both ways). The build fails
// when @oclif/core no longer holds that expression exactly once, rather than keep a stale rewrite.
const LOCALE_SORT = '.sort((a, b) => a.id.localeCompare(b.id))'
const ORDINAL_SORT = '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))'
const ordinalCommandSort = {
  name: 'ordinal-command-sort',
  setup(b) {
    let rewritten = false
    b.onLoad({filter: /[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/}, (args) => {
      const source = readFileSync(args.path, 'utf8')
      const found = source.split(LOCALE_SORT).length - 1
      if (found !== 1) throw new Error(`@oclif/core/lib/config/plugin.js holds \`${LOCALE_SORT}\` ${found} times, not once: update the ordinal-command-sort rewrite (scripts/bundle.mjs)`)
      rewritten = true
      return {loader: 'js', contents: source.replace(LOCALE_SORT, ORDINAL_SORT)}
    })
    // The file moved or is no longer bundled: the rewrite would silently stop applying.
    b.onEnd(() => {
      if (!rewritten) throw new Error('@oclif/core/lib/config/plugin.js was not bundled: update the ordinal-command-sort rewrite (scripts/bundle.mjs)')
    })
  },
}

// What both builds below share: Node 20 ESM with every dependency inside but the external ones.
const esm = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Less to parse at start-up; identifiers are kept so that DEBUG=platform* stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
}

const result = await build({
  ...esm,
  plugins: [lazyOclifDependencies, ordinalCommandSort],
  entryPoints: [...commands, 'src/index.ts', 'src/lib/cli/help.ts', 'src/lib/cli/command-not-found.ts'],
  outbase: 'src',
  outdir,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // The AWS SDK stays a dependency: large, loaded only by the commands that call AWS.
  // typescript: oclif's development mode (ts-node paths) requires it; never at run time.
  external: ['@aws-sdk/*', '@smithy/*', 'typescript', 'ts-node'],
  // CommonJS dependencies (oclif) call require() and read __dirname. @oclif/core reads its own
  // package.json through __dirname, and the lazy stubs load from its folder: both only on paths a
  // command rarely takes, so the folder is looked up (a walk up node_modules, ~4 ms) on first use,
  // once per process, not at the load of every chunk.
  banner: {
    js: [
      "import {createRequire as __createRequire} from 'node:module'",
      "import {dirname as __pathDirname, join as __pathJoin} from 'node:path'",
      'const require = __createRequire(import.meta.url)',
      "const __oclifCore = (globalThis.__platformOclifCore ??= {get lib() { return (this.resolved ??= __pathJoin(__pathDirname(require.resolve('@oclif/core/package.json')), 'lib')) }})",
    ].join('\n'),
  },
  define: {__dirname: '__oclifCore.lib'},
  metafile: Boolean(process.env.BUNDLE_METAFILE),
})
// BUNDLE_METAFILE=path: what each output file holds, to see what a command loads before it runs.
if (process.env.BUNDLE_METAFILE) writeFileSync(process.env.BUNDLE_METAFILE, JSON.stringify(result.metafile))

// What bin/run.js imports first (src/boot.ts): one self-contained file, no shared chunks and
// no banner, so that nothing runs before the Ctrl-C handler and the colour decision but them. It may
// hold only our own modules that import no package: a CommonJS one would need the banner's require,
// and a package here would be loaded twice (once more by the commands' chunks).
const boot = await build({...esm, entryPoints: ['src/boot.ts'], outfile: join(outdir, 'boot.js'), metafile: true})
const foreign = new Set(Object.keys(boot.metafile.inputs).filter((input) => !input.startsWith('src/')).map((input) => input.replace(/^node_modules\/((@[^/]+\/)?[^/]+).*$/, '$1')))
if (foreign.size > 0) throw new Error(`src/boot.ts must import only our own modules, not ${[...foreign].join(', ')} (scripts/bundle.mjs)`)
