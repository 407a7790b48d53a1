/**
 * A query parsed and planned once (cached by query + params): its sites, narrowing and exact plan
 * (lake/groq/plan/), ready for lake/groq/evaluate.ts.
 */
import type {ExprNode} from 'groq-js'
import {isStackOverflow, parseQuery} from './parse.ts'
import {planExact, planNarrowing, type ExactPlan} from './plan/narrowing.ts'
import {planSites, type Site} from './plan/sites.ts'
import {unsupportedFunction} from './plan/unsupported.ts'
import {rewriteTextQueries} from './textQuery.ts'
import {someNode} from './walk.ts'
import type {Constraint} from './plan/constraints.ts'
import {queryExecutionError, queryTooComplex, type LakeError} from '../core/errors.ts'

/** A parsed query with its narrowing plan. */
export interface PreparedQuery {
  query: string
  /** The parsed query with its sites replaced by reserved parameters. */
  tree: ExprNode
  /** Sub-expressions the planner binds per request (see lake/groq/plan/sites.ts). */
  sites: Site[]
  /** One candidate constraint per `*`, or null when some `*` can't be narrowed. */
  constraints: Constraint[] | null
  /**
   * Set when the query has ONE `*`, filtered only by native predicates (indexable constraints,
   * `defined()`, comparisons with constants or `now()`): the lake computes exactly the matching
   * documents, and `tree` is evaluated with that filter replaced by `*` over them (the filter need
   * not run per document in groq-js).
   */
  exact: ExactPlan | null
  /**
   * Whether its evaluation is linear in the documents it reads: an exact plan (one `*`, so no
   * sub-query over the dataset) without `match` or `score()` (regular expressions can backtrack
   * catastrophically). The query workers skip the time limit's per-call cost for these once
   * they are parsed (lake/groq/workerLoop.ts).
   */
  linear: boolean
}

const preparedCache = new Map<string, PreparedQuery>()
const PREPARED_CACHE_LIMIT = 500
/** Longer keys are not cached, so the cache stays small (500 × 64 KB at most). */
const CACHED_KEY_LIMIT = 64 * 1024

/** A function groq-js parses but can't evaluate (`geo::*`, …): a 400, not a 500. */
function unsupportedFunctionError(
  query: string,
  func: {namespace: string; name: string},
): LakeError {
  const display = func.namespace === 'global' ? func.name : `${func.namespace}::${func.name}`
  const match = new RegExp(`${display.replace(/[^\w]/g, '\\$&')}\\s*\\(`).exec(query)
  return queryExecutionError(
    `${display}() is not supported by the local Content Lake (its GROQ engine, groq-js, does not implement it)`,
    query,
    match ? {start: match.index, end: match.index + display.length} : undefined,
  )
}

function plan(query: string, params: Record<string, unknown>): PreparedQuery {
  const parsed = parseQuery(query, params)
  const unsupported = unsupportedFunction(parsed)
  if (unsupported) throw unsupportedFunctionError(query, unsupported)
  try {
    // `X match text::query("…")` becomes plain `match` nodes before planning (lake/groq/textQuery.ts).
    const tree = rewriteTextQueries(parsed, query)
    const planned = planSites(tree)
    const constraints = planNarrowing(planned.tree)
    // A scored search narrows through its score (lake/groq/plan/scoreSite.ts), not its filter.
    const exact = constraints?.some((c) => c.field === 'score') ? null : planExact(planned.tree)
    return {
      query,
      tree: planned.tree,
      sites: planned.sites,
      constraints,
      exact,
      linear: exact !== null && !usesMatch(tree),
    }
  } catch (error) {
    throw isStackOverflow(error) ? queryTooComplex(query) : error
  }
}

/** Whether a tree uses `match` (or `score()`/`boost()`, built on it): regular expressions that can backtrack. */
export function usesMatch(tree: ExprNode): boolean {
  return someNode(
    tree,
    (node) =>
      (node.type === 'OpCall' && node.op === 'match') ||
      (node.type === 'FuncCall' && (node.name === 'score' || node.name === 'boost')),
  )
}

/** The prepared query if it is in the cache (nothing is parsed). */
export function cachedPreparedQuery(
  query: string,
  params: Record<string, unknown>,
): PreparedQuery | undefined {
  return preparedCache.get(`${query}\u0000${JSON.stringify(params)}`)
}

/** Parses (cached by query + params) and plans narrowing. Throws LakeError 400 queryParseError. */
export function prepareQuery(query: string, params: Record<string, unknown>): PreparedQuery {
  const key = `${query}\u0000${JSON.stringify(params)}`
  const cached = preparedCache.get(key)
  if (cached) return cached
  const prepared = plan(query, params)
  if (key.length > CACHED_KEY_LIMIT) return prepared
  if (preparedCache.size >= PREPARED_CACHE_LIMIT) {
    preparedCache.delete(preparedCache.keys().next().value as string)
  }
  preparedCache.set(key, prepared)
  return prepared
}
