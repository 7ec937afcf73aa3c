// The package's entry (package.json `main`) and what bin/run.js starts: oclif, bundled with the
// commands into dist/ (scripts/bundle.mjs) so that both share one copy of @oclif/core.
export {execute} from '@oclif/core/execute'
export {run} from '@oclif/core/run'
