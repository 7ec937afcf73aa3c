/**
 * What bin/run.js needs before oclif loads: the early Ctrl-C handler and the colour decision.
 * scripts/bundle.mjs builds this entry on its own, without shared chunks or the banner that CommonJS
 * dependencies need: Node resolves, reads, links and evaluates one small file here instead of five,
 * and no chunk's banner looks @oclif/core up before the Ctrl-C handler exists.
 */
export {exitOnEarlyInterrupt} from './lib/cli/early-interrupt.js'
export {applyColorPolicy} from './lib/ui/color.js'
