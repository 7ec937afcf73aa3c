import {ConfigError, type ConfigIssue} from '../errors.js'
import {getEnvironment, readAndParse} from './load.js'
import {summarizeEnvironments, type ValidateResult} from './summary.js'

/**
 * `platform validate`: check the whole file, then summarize `names` (every environment when
 * empty; each must exist). An invalid file is a ConfigError whose --json form still reads as a
 * result: {valid: false, file, issues, warnings} beside the error's code and message.
 * `onWarnings` hears the warnings before the result or the error, so they are shown either way.
 */
export async function validateConfigFile(file: string, names: string[], onWarnings: (warnings: ConfigIssue[]) => void = () => undefined): Promise<ValidateResult> {
  const parsed = await readAndParse(file)
  onWarnings(parsed.warnings)
  if (!parsed.config) {
    throw new ConfigError(parsed.issues, undefined, {valid: false, file: parsed.issues[0]?.file ?? file, warnings: parsed.warnings})
  }
  const config = parsed.config
  const selected = names.length > 0 ? names : Object.keys(config.environments)
  for (const name of selected) getEnvironment(config, name)
  return {valid: true, file, issues: [], warnings: parsed.warnings, project: config.project, environments: summarizeEnvironments(config, selected)}
}
