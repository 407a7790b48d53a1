/**
 * Evaluation of a prepared query over a perspective view: binds the planner's sites (ordered
 * slices, counts) and the narrowed dataset, then runs groq-js. Dereferences go through a
 * `dereference` callback doing an id lookup in the same view.
 */
import {evaluate, evaluateSync, toJS, type EvaluateOptions, type ExprNode} from 'groq-js'
import {isStackOverflow} from './parse.ts'
import type {PerspectiveView} from './perspective.ts'
import type {PreparedQuery} from './prepare.ts'
import {applyNative, selectTopCandidates, selection, type Selection} from './plan/selection.ts'
import type {SiteFilter, TopKSite} from './plan/sites.ts'
import {contentReader, withDocumentContent} from './textQuery.ts'
import {scoreCandidates, scoreDocuments, type ScoreSite} from './plan/scoreSite.ts'
import {queryExecutionError, queryTooComplex, type LakeError} from '../core/errors.ts'
import type {LakeDocument} from '../core/types.ts'

/** groq-js's options but the dataset and parameters; `timestamp` is `now()` for the planner too. */
type EvaluationContext = Omit<EvaluateOptions, 'dataset' | 'params' | 'timestamp'> & {
  timestamp: Date
}

export function evaluationPlan(
  prepared: PreparedQuery,
  view: PerspectiveView,
  params: Record<string, unknown>,
): {tree: ExprNode; options: EvaluateOptions} {
  const {options} = view
  const context: EvaluationContext = {
    timestamp: options.timestamp ?? new Date(),
    identity: options.identity ?? '',
    sanity:
      options.projectId && options.dataset
        ? {projectId: options.projectId, dataset: options.dataset}
        : undefined,
    // Also answers the content references of rewritten text::query() matches (lake/groq/textQuery.ts).
    dereference: withDocumentContent((id) => view.get(id)),
  }
  let bound = params
  if (prepared.sites.length > 0) {
    bound = {...params}
    for (const site of prepared.sites) {
      bound[site.param] =
        site.kind === 'count'
          ? siteSelection(site.filter, view, context.timestamp).idx.length
          : site.kind === 'score'
            ? scoredDocuments(site, view, context.timestamp)
            : topCandidates(site, view, params, context)
    }
  }
  let dataset: LakeDocument[]
  let tree = prepared.tree
  if (options.access === 'none') {
    dataset = []
  } else if (prepared.exact) {
    // Exactly the view documents passing the filter, in `_id` order.
    const sel = siteSelection(prepared.exact, view, context.timestamp)
    dataset = sel.idx.map((i) => sel.doc(i))
    tree = prepared.exact.tree
  } else if (prepared.constraints) {
    const ids = new Set<string>()
    for (const constraint of prepared.constraints) {
      for (const id of view.candidates(constraint)) ids.add(id)
    }
    dataset = view.byIds(ids)
  } else {
    dataset = view.all()
  }
  return {tree, options: {...context, dataset, params: bound}}
}

/** The view documents passing a site's native predicates (in `_id` order; `now()` = timestamp). */
function siteSelection(
  filter: Pick<SiteFilter, 'lookup' | 'native'>,
  view: PerspectiveView,
  timestamp: Date,
): Selection {
  if (view.options.access === 'none') return selection([], {shared: false})
  const {lookup, native} = filter
  const {source} = view
  let sel: Selection
  if (view.options.perspective.kind === 'stack') {
    const {docsByType} = source
    if (!lookup) sel = view.overlayOfRaw(source.all())
    else if (lookup.field === '_type' && lookup.values.length === 1 && docsByType) {
      sel = view.overlayOfRaw(docsByType(lookup.values[0]))
    } else sel = view.overlay(new Set(view.candidates(lookup)))
  } else if (!lookup) {
    const shared = source.all()
    sel = selection(shared, {shared: true, idx: view.keptPositions(shared)})
  } else if (lookup.field === '_type' && lookup.values.length === 1 && source.docsByType) {
    const type = lookup.values[0]
    const shared = source.docsByType(type)
    sel = selection(shared, {shared: true, idx: view.keptPositions(shared)})
    // Every document of the per-type array satisfies `_type == type`.
    return applyNative(
      sel,
      native.filter(
        (p) =>
          p.kind !== 'constraint' ||
          p.constraint.field !== '_type' ||
          !p.constraint.values.includes(type),
      ),
      timestamp,
    )
  } else {
    sel = selection(view.exactDocs(lookup), {shared: false})
  }
  return applyNative(sel, native, timestamp)
}

/** A score site's value (lake/groq/plan/scoreSite.ts): F's documents that can score, scored. */
function scoredDocuments(site: ScoreSite, view: PerspectiveView, timestamp: Date): LakeDocument[] {
  if (view.options.access === 'none') return []
  const {bound} = site
  const {lookup, native} = site.filter
  const raw = bound && scoreCandidates(view.source, bound)
  let sel: Selection
  if (raw) {
    const ids = new Set(raw.map((id) => view.viewIdOf(id)))
    sel = applyNative(selection(view.byIds(ids), {shared: false}), native, timestamp)
  } else {
    // Several types: all documents (memoized columns) beat merging per-type arrays.
    const single = lookup?.field === '_type' && lookup.values.length > 1 ? null : lookup
    sel = siteSelection({lookup: single, native}, view, timestamp)
  }
  const {idsReferencing} = view.source
  return scoreDocuments(
    site,
    sel.idx.map((i) => sel.doc(i)),
    {
      ...contentReader(),
      referencing: idsReferencing
        ? (ids) => new Set(idsReferencing(ids).map((id) => view.viewIdOf(id)))
        : undefined,
    },
  )
}

const CHUNK_PARAM = '__lake_chunk'

/** The candidates of an ordered-slice site that can reach its slice (see selectTopCandidates). */
function topCandidates(
  site: TopKSite,
  view: PerspectiveView,
  params: Record<string, unknown>,
  context: EvaluationContext,
): LakeDocument[] {
  const sel = siteSelection(site.filter, view, context.timestamp)
  const {residual} = site.filter
  if (!residual) return selectTopCandidates(sel, site, null)
  const counter: ExprNode = {
    type: 'FuncCall',
    namespace: 'global',
    name: 'count',
    args: [{type: 'Filter', base: {type: 'Parameter', name: CHUNK_PARAM}, expr: residual}],
  }
  return selectTopCandidates(sel, site, (chunk) => {
    const count = toJS(
      evaluateSync(counter, {...context, dataset: [], params: {...params, [CHUNK_PARAM]: chunk}}),
    )
    if (typeof count !== 'number') throw new Error('residual count failed')
    return count
  })
}

/** groq-js's "not implemented" functions reached at run time: a 400, not a 500. */
function notImplemented(error: unknown, prepared: PreparedQuery): LakeError | null {
  if (!(error instanceof Error) || !/not implemented/i.test(error.message)) return null
  return queryExecutionError(
    `The query uses a GROQ function the local Content Lake does not support (${error.message})`,
    prepared.query,
  )
}

/** Runs a prepared query against a view (async groq-js); returns plain JSON (undefined → null). */
export async function evaluatePrepared(
  prepared: PreparedQuery,
  view: PerspectiveView,
  params: Record<string, unknown>,
): Promise<unknown> {
  const plan = evaluationPlan(prepared, view, params)
  let result: unknown
  try {
    const value = await evaluate(plan.tree, plan.options)
    result = await value.get()
  } catch (error) {
    throw executionError(error, prepared)
  }
  return result === undefined ? null : result
}

/**
 * groq-js's synchronous evaluator over a view (plain JSON, undefined → null). Throws
 * {@link SyncUnsupported} for the few expressions only the async evaluator handles.
 */
export function evaluatePreparedSync(
  prepared: PreparedQuery,
  view: PerspectiveView,
  params: Record<string, unknown>,
): unknown {
  const plan = evaluationPlan(prepared, view, params)
  let result: unknown
  try {
    result = toJS(evaluateSync(plan.tree, plan.options))
  } catch (error) {
    if (error instanceof Error && SYNC_UNSUPPORTED.test(error.message)) {
      throw new SyncUnsupported(error.message)
    }
    throw executionError(error, prepared)
  }
  return result === undefined ? null : result
}

/** groq-js's messages for what `evaluateSync` cannot do (the async evaluator can). */
const SYNC_UNSUPPORTED =
  /executeSync not supported|not supported in synchronous mode|Stream encountered in evaluateSync|Found synchronous value/

export class SyncUnsupported extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SyncUnsupported'
  }
}

function executionError(error: unknown, prepared: PreparedQuery): unknown {
  if (isStackOverflow(error)) return queryTooComplex(prepared.query)
  return notImplemented(error, prepared) ?? error
}
