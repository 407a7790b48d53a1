/**
 * The body of a query worker thread (started by lake/groq/pool.ts; the lake's worker script is
 * lake/http/queryWorker.ts): parses, plans and evaluates one query at a time over its own
 * read-only view of the database (lake/groq/workerSource.ts) and answers with the result already
 * serialized, so the main thread only writes it out.
 *
 * The time limit is enforced here first: parsing, planning, groq-js's synchronous evaluator and
 * the response extras run under lake/groq/timeLimit.ts, so a runaway query is interrupted and the
 * worker (with its warm caches) carries on. The few queries only groq-js's async evaluator can
 * run are bounded by the pool instead, which terminates and replaces the worker.
 */
import {parentPort, workerData} from 'node:worker_threads'
import {evaluatePrepared, evaluatePreparedSync, SyncUnsupported} from './evaluate.ts'
import {PerspectiveView, type QueryOptions} from './perspective.ts'
import {cachedPreparedQuery, prepareQuery} from './prepare.ts'
import {setQueryLimits} from './limits.ts'
import type {QuerySource} from './source.ts'
import {TimeLimitExceeded, withTimeLimit} from './timeLimit.ts'
import {WorkerDocuments} from './workerSource.ts'
import {
  CANCEL_SLOTS,
  workerState,
  type QueryExtras,
  type QueryReply,
  type QueryRequest,
  type RefreshRequest,
  type WorkerInit,
} from './workerProtocol.ts'
import {LakeError} from '../core/errors.ts'

/** One query as the extras hook sees it. */
export interface ExtrasContext {
  dataset: string
  query: string
  params: Record<string, unknown>
  options: QueryOptions
  extras: QueryExtras
}

/**
 * What the response needs besides the result: `wrap` may wrap the source the query reads (to
 * record what it reads); `extra` gets the result and returns more members of the response
 * object (`,"name":value…`, or '').
 */
export type ExtrasHook = (
  context: ExtrasContext,
  source: QuerySource,
) => {source: QuerySource; extra: (result: unknown) => string}

function toJson(result: unknown): string {
  return JSON.stringify(result === undefined ? null : result)
}

/** Serves queries on this worker thread's port until the pool terminates it. */
export function serveQueries(hook: ExtrasHook): void {
  const port = parentPort
  if (!port) throw new Error('serveQueries() must run in a worker thread')
  const init = workerData as WorkerInit
  const limits = setQueryLimits(init.limits)
  const documents = new WorkerDocuments(init.databasePath)
  const state = workerState(init.state)

  const answer = async (request: QueryRequest): Promise<QueryReply> => {
    const {id, query, params} = request
    const options: QueryOptions = {
      ...request.options,
      timestamp: request.options.timestamp ? new Date(request.options.timestamp) : undefined,
    }
    const context: ExtrasContext = {
      dataset: request.dataset,
      query,
      params,
      options,
      extras: request.extras ?? {},
    }
    try {
      const hooked = hook(context, documents.source(request.dataset))
      const view = new PerspectiveView(hooked.source, options)
      const evaluateNow = (): QueryReply => {
        const result = evaluatePreparedSync(prepareQuery(query, params), view, params)
        return {id, ok: true, json: toJson(result), extra: hooked.extra(result)}
      }
      try {
        // Already parsed and linear (see PreparedQuery.linear): no need for the limit's cost.
        if (cachedPreparedQuery(query, params)?.linear) return evaluateNow()
        return withTimeLimit(evaluateNow, limits.timeoutMs)
      } catch (error) {
        if (!(error instanceof SyncUnsupported)) throw error
      }
      const result = await evaluatePrepared(prepareQuery(query, params), view, params)
      return {id, ok: true, json: toJson(result), extra: hooked.extra(result)}
    } catch (error) {
      if (error instanceof TimeLimitExceeded) return {id, ok: false, timeout: true}
      if (error instanceof LakeError) return {id, ok: false, status: error.status, body: error.body}
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
      return {id, ok: false, status: 500, body: {message}}
    }
  }

  /** One job at a time, in the order sent (an async evaluation must not overlap the next). */
  const run = async (request: QueryRequest): Promise<void> => {
    const {id} = request
    if (Atomics.load(state.cancelled, id % CANCEL_SLOTS) === id) {
      port.postMessage({id, skipped: true} satisfies QueryReply)
      return
    }
    state.startedAt[0] = Date.now()
    Atomics.store(state.running, 0, id)
    const reply = await answer(request)
    Atomics.store(state.running, 0, 0)
    port.postMessage(reply)
  }

  let chain = Promise.resolve()
  port.on('message', (message: QueryRequest | RefreshRequest) => {
    if ('refresh' in message) {
      // In the chain, so it never interleaves with a query (nor delays one already queued).
      chain = chain.then(() => documents.refresh(message.refresh))
      return
    }
    chain = chain.then(() => run(message))
  })
}
