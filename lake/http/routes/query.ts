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
import {isModernApiVersion, parsePerspective, runQuery} from '../../groq/query.ts'
import {badRequest, queryParseError} from '../../core/errors.ts'

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
  const result = await runQuery(storageSource(ctx.lake.storage, dataset.name), query, params, {
    perspective,
    access: accessFor(ctx, dataset),
    rawIncludesVersions: isModernApiVersion(ctx.apiVersion),
    identity: ctx.caller.identity ?? '',
    projectId: ctx.projectId,
    dataset: dataset.name,
    timestamp: new Date(),
  })
  const ms = Math.round(performance.now() - started)
  const body: Record<string, unknown> = {}
  if (flag(ctx.search, 'returnQuery', true)) body.query = query
  body.result = result
  body.ms = ms
  sendJson(ctx.res, 200, body)
}
