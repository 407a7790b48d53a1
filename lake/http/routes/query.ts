/** `GET|POST /data/query/:dataset` (§4). */
import {readJson} from '../body.ts'
import {
  accessFor,
  flag,
  queryStringParams,
  requireDataset,
  storageSource,
  type RequestContext,
} from '../context.ts'
import {sendJson} from '../respond.ts'
import {apiVersionAtLeast, isModernApiVersion} from '../../core/apiVersion.ts'
import {parsePerspective, runQuery, type QueryOptions} from '../../groq/query.ts'
import {resultSourceMap, sourceMapMode} from '../../groq/sourceMaps.ts'
import {queryTags, trackReads} from '../../realtime/liveTags.ts'
import {badRequest, queryParseError} from '../../core/errors.ts'

/** Responses carry `syncTags` from this API version on (content-lake-api.md §4.2). */
const SYNC_TAGS_API_VERSION = '2021-03-25'

export async function handleQuery(ctx: RequestContext): Promise<void> {
  const started = performance.now()
  let query = ctx.search.get('query')
  let params = queryStringParams(ctx.search)
  if (ctx.method === 'POST') {
    const body = (await readJson(ctx.req)) as {query?: unknown; params?: unknown} | undefined
    if (!body || typeof body !== 'object' || typeof body.query !== 'string') {
      throw badRequest('Request body must be {"query": string, "params"?: object}')
    }
    query = body.query
    if (body.params !== undefined && body.params !== null) {
      if (typeof body.params !== 'object' || Array.isArray(body.params)) {
        throw badRequest('"params" must be an object')
      }
      params = {...params, ...(body.params as Record<string, unknown>)}
    }
  }
  if (query === null || query === '') {
    throw queryParseError('Missing "query" parameter', '', {start: 0, end: 0})
  }
  const dataset = requireDataset(ctx)
  const perspective = parsePerspective(ctx.search.get('perspective'), ctx.apiVersion)
  const options: QueryOptions = {
    perspective,
    access: accessFor(ctx, dataset),
    rawIncludesVersions: isModernApiVersion(ctx.apiVersion),
    identity: ctx.caller.identity ?? '',
    projectId: ctx.projectId,
    dataset: dataset.name,
    timestamp: new Date(),
  }
  // `lastLiveEventId` needs no waiting: a commit is queryable before its live event goes out.
  const source = storageSource(ctx.lake.storage, dataset.name)
  const reads = trackReads(source)
  const result = await runQuery(reads.source, query, params, options)
  const mapMode = sourceMapMode(ctx.search.get('resultSourceMap'))
  const body: Record<string, unknown> = {}
  if (flag(ctx.search, 'returnQuery', true)) body.query = query
  body.result = result
  if (mapMode) {
    body.resultSourceMap = resultSourceMap(source, query, params, options, result, mapMode)
  }
  if (apiVersionAtLeast(ctx.apiVersion, SYNC_TAGS_API_VERSION)) {
    body.syncTags = queryTags(dataset.name, query, params, reads.reads)
  }
  body.ms = Math.round(performance.now() - started)
  sendJson(ctx.res, 200, body)
}
