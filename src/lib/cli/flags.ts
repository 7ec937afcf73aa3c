import * as Flags from '@oclif/core/flags'
import {CONFIG_FILE_NAME, findConfigFile} from '../config/discover.js'

/**
 * `--config`: where platform.yaml is. By default the nearest one in this folder or a parent; when
 * there is none, `platform.yaml`, whose CONFIG_NOT_FOUND error then names every folder searched.
 */
export const configFlag = {
  config: Flags.string({
    char: 'c',
    summary: 'Path of platform.yaml.',
    env: 'PLATFORM_CONFIG',
    default: async () => findConfigFile() ?? CONFIG_FILE_NAME,
    defaultHelp: async () => 'the nearest platform.yaml in this folder or a parent',
  }),
}

/**
 * Flags of every command that talks to AWS. Without them the SDK's own credential chain
 * (env, profiles, SSO, instance roles) and AWS_ENDPOINT_URL apply untouched.
 */
export const awsFlags = {
  profile: Flags.string({summary: 'AWS profile (default: AWS_PROFILE, then the SDK default chain).'}),
  region: Flags.string({summary: 'Deploy or read the environment in this region instead of the one in platform.yaml (checked like a region written there).'}),
  local: Flags.boolean({summary: 'Use the local AWS started by `platform local start` (or set PLATFORM_LOCAL=1).', default: false}),
}
