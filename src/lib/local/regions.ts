import {existsSync} from 'node:fs'
import {loadConfig} from '../config/load.js'
import {LOCAL_DEFAULT_REGION} from './stack.js'

/** CloudFront, its certificate and WAF live in us-east-1 whatever the main region. */
const EDGE_REGION = 'us-east-1'

/**
 * The regions `platform local status` lists: --region alone when given; else every region of
 * platform.yaml plus us-east-1 (the edge stack); else AWS_REGION / AWS_DEFAULT_REGION; else
 * ap-northeast-1. A missing or invalid platform.yaml is not an error here (a warning for invalid).
 */
export async function statusRegions(options: {region?: string; configFile?: string; env?: NodeJS.ProcessEnv; warn?: (message: string) => void}): Promise<string[]> {
  const env = options.env ?? process.env
  if (options.region) return [options.region]
  if (options.configFile && existsSync(options.configFile)) {
    try {
      const config = await loadConfig(options.configFile, {onWarnings: () => undefined})
      const regions = new Set([config.region, ...Object.values(config.environments).map((e) => e.region), EDGE_REGION])
      return [...regions].sort()
    } catch (error) {
      options.warn?.(`warning: ignoring ${options.configFile} (${(error as Error).message.split('\n')[0]})`)
    }
  }
  return [env.AWS_REGION || env.AWS_DEFAULT_REGION || LOCAL_DEFAULT_REGION]
}
