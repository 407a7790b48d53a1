/** `GET|POST /data/query/:dataset` (lake/README.md#query). */
import {readJson} from '../body.ts'
import {
  accessFor,
  flag,
  queryStringParams,
  requireDataset,
  type RequestContext,
} from '../context.ts'
import {sendJsonText} from '../respond.ts'
import {apiVersionAtLeast, isModernApiVersion} from '../../core/apiVersion.ts'
import {parsePerspective} from '../../groq/perspective.ts'
import {sourceMapMode} from '../../groq/sourceMaps.ts'
import {badRequest, queryParseError} from '../../core/errors.ts'

/** Responses carry `syncTags` from this API version on (lake/README.md#query). */
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
  // Evaluated by a query worker (lake/http/queryWorker.ts), which also makes the source map and
  // the sync tags, and returns JSON text. `lastLiveEventId` needs no waiting: a commit is
  // queryable before its live event goes out.
  const answer = await ctx.lake.queries.run({
    dataset: dataset.name,
    query,
    params,
    options: {
      perspective,
      access: accessFor(ctx, dataset),
      rawIncludesVersions: isModernApiVersion(ctx.apiVersion),
      identity: ctx.caller.identity ?? '',
      projectId: ctx.projectId,
      dataset: dataset.name,
      timestamp: new Date(),
    },
    extras: {
      sourceMap: sourceMapMode(ctx.search.get('resultSourceMap')),
      syncTags: apiVersionAtLeast(ctx.apiVersion, SYNC_TAGS_API_VERSION),
    },
  })
  const ms = Math.round(performance.now() - started)
  const head = flag(ctx.search, 'returnQuery', true) ? `"query":${JSON.stringify(query)},` : ''
  sendJsonText(ctx.res, 200, `{${head}"result":${answer.json}${answer.extra},"ms":${ms}}`)
}
