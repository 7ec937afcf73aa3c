import {Flags} from '@oclif/core'

/** `--config`: where platform.yaml is. */
export const configFlag = {
  config: Flags.string({char: 'c', summary: 'Path of platform.yaml.', default: 'platform.yaml', env: 'PLATFORM_CONFIG'}),
}

/**
 * Flags of every command that talks to AWS. Without them the SDK's own credential chain
 * (env, profiles, SSO, instance roles) and AWS_ENDPOINT_URL apply untouched.
 */
export const awsFlags = {
  profile: Flags.string({summary: 'AWS profile (default: AWS_PROFILE, then the SDK default chain).'}),
  region: Flags.string({summary: 'Override the region from platform.yaml.'}),
  local: Flags.boolean({summary: 'Use the local AWS started by `platform local start` (or set PLATFORM_LOCAL=1).', default: false}),
}
