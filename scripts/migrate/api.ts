/**
 * The runner's connection to a Content Lake (the local lake or a hosted project), configured the
 * same way as every other script: config/contentLake.ts.
 */
import {createClient, type SanityClient, type SanityDocument} from '@sanity/client'

import {
  clientOptionsFor,
  readContentLakeConfig,
  type ContentLakeConfig,
} from '../../config/contentLake.ts'
import {MigrateError} from './errors.ts'
import {messageOf} from '../shared/errors.ts'

/** How to get a token; `npm run` uses the project's Node, so this works on any system Node. */
export const TOKEN_HINT =
  'For the local lake get one with `npm run lake:token -- --role editor` (add `--data <folder>` ' +
  'if the lake keeps its data elsewhere than .lake) and set SANITY_API_TOKEN to the printed token; ' +
  'a lake started with `npm start` leaves one that the runner uses by itself.'

export interface MigrateTarget {
  config: ContentLakeConfig
  /** Raw perspective: sees drafts, versions and the ledger's hidden documents. */
  client: SanityClient
  /** Human-readable "dataset "x" at <host> (project y)" for messages. */
  label: string
}

export function createTarget(config: ContentLakeConfig = readContentLakeConfig()): MigrateTarget {
  if (!config.token) {
    throw new MigrateError(
      'SANITY_API_TOKEN is required: the migration ledger and lock live in documents hidden from ' +
        `unauthenticated reads. ${TOKEN_HINT}`,
    )
  }
  const client = createClient({
    ...clientOptionsFor(config),
    perspective: 'raw',
    ignoreBrowserTokenWarning: true,
  })
  const host = config.apiHost ?? 'api.sanity.io'
  return {
    config,
    client,
    label: `dataset "${config.dataset}" at ${host} (project "${config.projectId}")`,
  }
}

interface HttpishError {
  statusCode?: number
  response?: {body?: unknown}
}

export function statusCodeOf(error: unknown): number | undefined {
  const status = (error as HttpishError | undefined)?.statusCode
  return typeof status === 'number' ? status : undefined
}

/** Fails with a clear message when the dataset does not exist or cannot be read with the token. */
export async function assertDatasetExists(target: MigrateTarget): Promise<void> {
  try {
    await target.client.fetch('count(*[_id == $id])', {id: 'migrations.lock'})
  } catch (error) {
    const status = statusCodeOf(error)
    if (status === 404) {
      throw new MigrateError(
        `The ${target.label} does not exist. Check SANITY_DATASET (and SANITY_PROJECT_ID).`,
      )
    }
    if (status === 401 || status === 403) {
      throw new MigrateError(
        `SANITY_API_TOKEN is not allowed to read the ${target.label}. ${TOKEN_HINT}`,
      )
    }
    throw new MigrateError(`Cannot reach the ${target.label}: ${messageOf(error)}`)
  }
}

function exportUrl(target: MigrateTarget, types: readonly string[] | undefined, cursor: string) {
  const url = new URL(target.client.getUrl(`/data/export/${target.config.dataset}`))
  if (cursor) url.searchParams.set('nextCursor', cursor)
  if (types && types.length > 0) url.searchParams.set('types', types.join(','))
  return url
}

function exportHeaders(target: MigrateTarget): Record<string, string> {
  const {config} = target
  const headers: Record<string, string> = {Accept: 'application/x-ndjson'}
  if (config.token) headers.Authorization = `Bearer ${config.token}`
  // Against the local lake the project id travels in a header (see clientOptionsFor).
  if (config.isLocal) headers['X-Sanity-Project-ID'] = config.projectId
  return headers
}

async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder()
  let buffered = ''
  const reader = body.getReader()
  for (;;) {
    const {done, value} = await reader.read()
    if (done) break
    buffered += decoder.decode(value, {stream: true})
    let newline = buffered.indexOf('\n')
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim()
      buffered = buffered.slice(newline + 1)
      if (line) yield line
      newline = buffered.indexOf('\n')
    }
  }
  buffered += decoder.decode()
  if (buffered.trim()) yield buffered.trim()
}

/**
 * Every document of the dataset (optionally only some types) from the export endpoint, streamed,
 * following `nextCursor` pages. Includes drafts, versions and hidden documents the token can read.
 */
export async function* exportDocuments(
  target: MigrateTarget,
  types?: readonly string[],
): AsyncGenerator<SanityDocument> {
  let cursor = ''
  do {
    const url = exportUrl(target, types, cursor)
    cursor = ''
    let response: Response
    try {
      response = await fetch(url, {headers: exportHeaders(target)})
    } catch (error) {
      throw new MigrateError(`Cannot export the ${target.label}: ${messageOf(error)}`)
    }
    if (!response.ok || !response.body) {
      const text = await response.text().catch(() => '')
      if (response.status === 404) {
        throw new MigrateError(`The ${target.label} does not exist.`)
      }
      throw new MigrateError(
        `Export of the ${target.label} failed: HTTP ${response.status} ${text.slice(0, 300)}`,
      )
    }
    for await (const line of lines(response.body)) {
      let value: Record<string, unknown>
      try {
        value = JSON.parse(line) as Record<string, unknown>
      } catch {
        throw new MigrateError(`Export of the ${target.label} sent a line that is not JSON`)
      }
      if (typeof value._id === 'string') {
        yield value as SanityDocument
      } else if (typeof value.nextCursor === 'string') {
        cursor = value.nextCursor
      } else if (value.error !== undefined) {
        throw new MigrateError(
          `Export of the ${target.label} failed: ${JSON.stringify(value.error).slice(0, 300)}`,
        )
      }
    }
  } while (cursor)
}
