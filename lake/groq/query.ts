/**
 * GROQ evaluation for the lake (lake/README.md#query, #perspectives): ACL → perspective overlay → groq-js, with index
 * narrowing so queries pinned by `_id`, `_type` or `slug.current` never scan the dataset.
 *
 * The modules, one concern each:
 * - lake/groq/parse.ts: size limit, parsing, errors in Sanity's words;
 * - lake/groq/prepare.ts: parse + plan, cached (lake/groq/plan/: constraints, comparisons,
 *   narrowing, sites, selections, memos patched across commits, unsupported functions), over the
 *   typed walker lake/groq/walk.ts;
 * - lake/groq/perspective.ts: perspectives and the caller's view of a dataset;
 * - lake/groq/evaluate.ts: binding the plan and running groq-js;
 * - lake/groq/source.ts: where documents come from;
 * - lake/groq/pool.ts + worker.ts + workerSource.ts (+ documentIndexes.ts): the HTTP query path,
 *   off the main thread with a time limit per query;
 * - this module: in-process evaluation (tests, dry runs, mutations by query).
 */
import {evaluatePrepared, evaluatePreparedSync, SyncUnsupported} from './evaluate.ts'
import {PerspectiveView, type QueryOptions} from './perspective.ts'
import {prepareQuery} from './prepare.ts'
import {queryLimits} from './limits.ts'
import type {QuerySource} from './source.ts'
import {TimeLimitExceeded, withTimeLimit} from './timeLimit.ts'
import {queryExecutionError, queryTimeout} from '../core/errors.ts'

export type {Perspective, QueryOptions} from './perspective.ts'
export type {QuerySource} from './source.ts'
export {arraySource} from './source.ts'
export {prepareQuery} from './prepare.ts'

/** Parses, plans and evaluates a query in one call, on this thread (no time limit). */
export async function runQuery(
  source: QuerySource,
  query: string,
  params: Record<string, unknown>,
  options: QueryOptions,
): Promise<unknown> {
  const prepared = prepareQuery(query, params)
  return evaluatePrepared(prepared, new PerspectiveView(source, options), params)
}

/**
 * Synchronous evaluation on this thread (mutations by query), bounded by the sync time limit
 * (lake/groq/limits.ts): a runaway query is stopped and answered with a 408.
 */
export function runQuerySync(
  source: QuerySource,
  query: string,
  params: Record<string, unknown>,
  options: QueryOptions,
): unknown {
  const limit = queryLimits().syncTimeoutMs
  try {
    return withTimeLimit(() => {
      const prepared = prepareQuery(query, params)
      return evaluatePreparedSync(prepared, new PerspectiveView(source, options), params)
    }, limit)
  } catch (error) {
    if (error instanceof TimeLimitExceeded) throw queryTimeout(query, limit)
    if (error instanceof SyncUnsupported) {
      throw queryExecutionError(`This query cannot be used in a mutation: ${error.message}`, query)
    }
    throw error
  }
}
