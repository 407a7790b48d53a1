/**
 * A `@sanity/client` for sites that show published content: the local lake by default, a hosted
 * Sanity project through the same environment variables as every other part of the project
 * (config/contentLake.ts).
 */
import {createClient, type ClientPerspective, type SanityClient} from '@sanity/client'

import {
  clientOptionsFor,
  ContentLakeConfigError,
  readContentLakeConfig,
  type ContentLakeConfig,
} from '../config/contentLake.ts'

export {ContentLakeConfigError}

type Env = Record<string, string | undefined>

export interface ContentClientOptions {
  /**
   * Show drafts on top of published content (`drafts` perspective). Needs `SANITY_API_TOKEN`:
   * without a token the Content Lake only returns published documents, so preview fails loudly
   * rather than silently showing published content.
   */
  preview?: boolean
  /**
   * With `preview`: show a content release's versions on top of drafts (perspective
   * `[release, 'drafts']`), to review a release before it is published.
   */
  release?: string
  /** Environment to read the configuration from; defaults to `process.env`. */
  env?: Env
  /** Overrides parts of the configuration read from the environment (tests, scripts). */
  config?: Partial<ContentLakeConfig>
  /**
   * Use Sanity's API CDN for published reads on a hosted project. Off by default so published
   * changes show up on the next request; turn it on for high-traffic sites that accept a few
   * seconds of staleness. Ignored for the local lake and for preview.
   */
  useCdn?: boolean
}

export const PREVIEW_TOKEN_MESSAGE =
  'Preview (drafts) needs an API token with read access: set SANITY_API_TOKEN. ' +
  'Without it only published content can be shown.'

/** The configuration `createContentClient` uses, validated. Throws ContentLakeConfigError. */
export function resolveContentConfig(options: ContentClientOptions = {}): ContentLakeConfig {
  const config = {...readContentLakeConfig(options.env ?? process.env), ...options.config}
  if (options.preview && !config.token) throw new ContentLakeConfigError(PREVIEW_TOKEN_MESSAGE)
  return config
}

/**
 * Creates the client a site uses to read content. The perspective is `published` (drafts never
 * reach visitors) unless `preview` is set, which requires a token. Configuration errors are thrown
 * here, at creation, as `ContentLakeConfigError` naming the variable to fix.
 */
export function createContentClient(options: ContentClientOptions = {}): SanityClient {
  const config = resolveContentConfig(options)
  if (options.release !== undefined && !options.preview) {
    throw new ContentLakeConfigError('A release can only be shown in preview: set preview as well.')
  }
  const perspective: ClientPerspective = !options.preview
    ? 'published'
    : options.release
      ? [options.release, 'drafts']
      : 'drafts'
  const base = clientOptionsFor(config)
  return createClient({
    ...base,
    perspective,
    useCdn: Boolean(options.useCdn) && !options.preview && !config.isLocal,
    // A published-only site does not need to send a token, but a private dataset does: keep
    // whatever is configured. The token stays on the server; nothing here runs in a browser.
    token: config.token,
    ignoreBrowserTokenWarning: true,
  })
}
