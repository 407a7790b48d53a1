/**
 * Where a dataset command reads or writes: the configured Content Lake (config/contentLake.ts:
 * the local lake by default, a hosted project through `SANITY_PROJECT_ID`), or, for one side of
 * `copy`, a project/host/token given on the command line.
 *
 * A token belongs to the target it was configured for: `SANITY_API_TOKEN` is only used for the
 * configured target, a side given by flags uses its own `--from-token`/`--to-token`, and a lake
 * on this machine falls back to the local token file (config/localToken.ts).
 */
import {createClient, type SanityClient} from '@sanity/client'

import {
  clientOptionsFor,
  ContentLakeConfigError,
  readContentLakeConfig,
  type ContentLakeConfig,
} from '../../config/contentLake.ts'
import {withLocalToken} from '../../config/localToken.ts'
import {DatasetCommandError} from './errors.ts'

type Env = Record<string, string | undefined>

export interface TargetOverrides {
  project?: string
  host?: string
  token?: string
}

export interface DatasetTarget {
  config: ContentLakeConfig
  /** Where the token came from, for messages. */
  tokenSource: 'SANITY_API_TOKEN' | 'local token file' | 'flag' | 'none'
  /** e.g. `the local lake at http://127.0.0.1:3400` or `project abc123 (hosted)`. */
  label: string
  /** A client for `dataset`, with the target's token. */
  client(dataset: string): SanityClient
}

function describe(config: ContentLakeConfig): string {
  if (!config.apiHost) return `project ${config.projectId} (hosted Sanity)`
  return config.isLocal
    ? `the lake at ${config.apiHost}`
    : `project ${config.projectId} at ${config.apiHost}`
}

/** Resolves a target from the environment and optional per-side overrides. */
export function resolveTarget(
  env: Env,
  overrides: TargetOverrides = {},
  flagPrefix = '',
): DatasetTarget {
  const located = overrides.project !== undefined || overrides.host !== undefined
  const targetEnv: Env = located
    ? {
        ...env,
        SANITY_PROJECT_ID:
          overrides.project ?? (overrides.host ? env.SANITY_PROJECT_ID : undefined),
        SANITY_API_HOST: overrides.host,
        SANITY_API_TOKEN: overrides.token,
      }
    : {...env, SANITY_API_TOKEN: overrides.token ?? env.SANITY_API_TOKEN}
  let base: ContentLakeConfig
  try {
    base = readContentLakeConfig(targetEnv)
  } catch (error) {
    if (!(error instanceof ContentLakeConfigError)) throw error
    const message = located
      ? error.message
          .replace('SANITY_API_HOST', `--${flagPrefix}host`)
          .replace('SANITY_PROJECT_ID', `--${flagPrefix}project`)
      : error.message
    throw new DatasetCommandError(message, 'Fix the value and run the command again.')
  }
  const config = withLocalToken(base, env)
  const tokenSource = overrides.token !== undefined ? 'flag' : config.tokenSource
  return {
    config,
    tokenSource,
    label: describe(config),
    client: (dataset) =>
      createClient({
        ...clientOptionsFor({...config, dataset}),
        requestTagPrefix: 'dataset-cli',
        // A lake on this machine is up or not: retrying a refused connection only delays the hint.
        ...(config.isLocal ? {maxRetries: 1} : {}),
      }),
  }
}
