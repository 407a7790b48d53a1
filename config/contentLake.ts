/**
 * The one configuration for everything outside the Studio that talks to a Content Lake:
 * scripts, migrations, the importer, the delivery library and the tests.
 *
 * By default it targets the local lake (`npm run lake`). Setting `SANITY_PROJECT_ID` without
 * `SANITY_API_HOST` targets the hosted Sanity API instead.
 */

import {withLocalToken} from './localToken.ts'

export const LOCAL_LAKE_HOST = 'http://127.0.0.1:3400'
export const LOCAL_PROJECT_ID = 'local'
export const DEFAULT_DATASET = 'production'
export const DEFAULT_API_VERSION = '2025-02-19'

export interface ContentLakeConfig {
  /** Base URL with protocol, e.g. `http://127.0.0.1:3400`; undefined means Sanity's hosted API. */
  apiHost: string | undefined
  projectId: string
  dataset: string
  token: string | undefined
  apiVersion: string
  /** True when the configuration points at the local lake rather than a hosted project. */
  isLocal: boolean
}

export class ContentLakeConfigError extends Error {
  override name = 'ContentLakeConfigError'
}

type Env = Record<string, string | undefined>

const PROJECT_ID_PATTERN = /^[-a-z0-9]+$/
const DATASET_PATTERN = /^(~[a-z0-9][-\w]{0,63}|[a-z0-9][-\w]{0,63})$/
const API_VERSION_PATTERN = /^(1|X|\d{4}-\d{2}-\d{2})$/

/** Sanity's rule for dataset names: a-z, 0-9, `-` and `_`, starting with a letter or digit, ≤ 64. */
export function isValidDatasetName(name: string): boolean {
  return DATASET_PATTERN.test(name)
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed ? trimmed : undefined
}

/** Reads the Content Lake configuration from environment variables, failing with the variable's name. */
export function readContentLakeConfig(env: Env = process.env): ContentLakeConfig {
  const explicitHost = nonEmpty(env.SANITY_API_HOST)
  const explicitProject = nonEmpty(env.SANITY_PROJECT_ID)
  const isLocal = explicitHost !== undefined || explicitProject === undefined
  const apiHost = explicitHost ?? (isLocal ? LOCAL_LAKE_HOST : undefined)
  const projectId = explicitProject ?? LOCAL_PROJECT_ID
  const dataset = nonEmpty(env.SANITY_DATASET) ?? DEFAULT_DATASET
  const apiVersion = (nonEmpty(env.SANITY_API_VERSION) ?? DEFAULT_API_VERSION).replace(/^v/, '')

  if (apiHost !== undefined && !/^https?:\/\/[^/]+/.test(apiHost)) {
    throw new ContentLakeConfigError(
      `SANITY_API_HOST must be a URL with protocol, e.g. ${LOCAL_LAKE_HOST} (got "${apiHost}")`,
    )
  }
  if (!PROJECT_ID_PATTERN.test(projectId)) {
    throw new ContentLakeConfigError(
      `SANITY_PROJECT_ID may only contain a-z, 0-9 and dashes (got "${projectId}")`,
    )
  }
  if (!DATASET_PATTERN.test(dataset)) {
    throw new ContentLakeConfigError(
      `SANITY_DATASET must be lower case letters, digits, - and _, at most 64 characters (got "${dataset}")`,
    )
  }
  if (!API_VERSION_PATTERN.test(apiVersion)) {
    throw new ContentLakeConfigError(
      `SANITY_API_VERSION must be 1, X or a date like 2025-02-19 (got "${apiVersion}")`,
    )
  }
  return {
    apiHost: apiHost?.replace(/\/+$/, ''),
    projectId,
    dataset,
    token: nonEmpty(env.SANITY_API_TOKEN),
    apiVersion,
    isLocal,
  }
}

/**
 * The configuration for scripts (import, migrate, dataset): as readContentLakeConfig, plus the
 * local lake's token file (config/localToken.ts) when `SANITY_API_TOKEN` is unset and the target
 * is the lake that wrote it. Sites and the delivery library never read the file.
 */
export function readScriptConfig(env: Env = process.env): ContentLakeConfig {
  const {tokenSource, ...config} = withLocalToken(readContentLakeConfig(env), env)
  void tokenSource
  return config
}

/**
 * Options for `createClient` from `@sanity/client`. Against the local lake the project id travels
 * in a header rather than a `<projectId>.localhost` host name, which Node cannot resolve.
 */
export function clientOptionsFor(config: ContentLakeConfig) {
  return {
    projectId: config.projectId,
    dataset: config.dataset,
    apiVersion: config.apiVersion,
    token: config.token,
    useCdn: false,
    ...(config.apiHost ? {apiHost: config.apiHost, useProjectHostname: !config.isLocal} : {}),
  }
}
