/**
 * GROQ evaluation for the lake (§4, §14): ACL → perspective overlay → groq-js, with
 * index narrowing so queries pinned by `_id`, `_type` or `slug.current` never scan the dataset.
 *
 * Narrowing keeps results identical to evaluating over the whole (overlaid) dataset: every `*` of
 * the query must sit directly under a filter whose top-level conjunction contains an indexable
 * constraint (`_id ==/in`, `_type ==/in`, `slug.current ==/in` with string constants). Such a `*`
 * can only yield documents matching that constraint, so evaluating over the union of the
 * constraints' candidates (the filter itself still runs exactly) gives the same result. If any
 * `*` is not narrowable (or `releases::all()` is used, which reads the dataset implicitly), the
 * whole dataset is used. Dereferences go through a `dereference` callback doing an id lookup in
 * the same view.
 *
 * Before that, "sites" (lake/groq/queryPlan.ts) are taken out of the tree: an ordered slice
 * `*[filter] | order(…)[m...n]` gets only the candidates that can reach the slice (groq-js still
 * filters, orders and slices them), and `count(*[filter])` with a filter the lake decides itself
 * gets its number. Each is bound to a reserved parameter, so the rest of the query is unchanged.
 */
import {
  evaluate,
  evaluateSync,
  parse,
  toJS,
  GroqSyntaxError,
  type EvaluateOptions,
  type ExprNode,
} from 'groq-js'
import {mayRead, type ReadAccess} from '../auth/access.ts'
import {
  FIELD_PREFERENCE,
  applyNative,
  conjuncts,
  overlaySelection,
  constraintOf,
  planSites,
  satisfies,
  selectTopCandidates,
  selection,
  unsupportedFunction,
  walk,
  type AnyNode,
  type Constraint,
  type Selection,
  type Site,
  type SiteFilter,
  type TopKSite,
} from './queryPlan.ts'
import {compareIds, isDraftId, isVersionId, publishedId, versionRelease} from '../core/ids.ts'
import {isModernApiVersion} from '../core/apiVersion.ts'
import {
  describeError,
  missingParam,
  queryExecutionError,
  queryParseError,
  validationError,
  type LakeError,
} from '../core/errors.ts'
import type {LakeDocument} from '../core/types.ts'

/** `raw`, `published`, or a stack of layers (releases first, then optionally drafts) over published. */
export type Perspective =
  {kind: 'raw'} | {kind: 'published'} | {kind: 'stack'; releases: string[]; drafts: boolean}

/** Where the documents come from (the storage of one dataset, or a plain array in tests). */
export interface QuerySource {
  get(id: string): LakeDocument | null
  /** Every document, sorted by `_id` ascending. */
  all(): readonly LakeDocument[]
  idsByType(types: readonly string[]): string[]
  idsBySlug(slugs: readonly string[]): string[]
  /** Optional fast path: the documents of one type, sorted by `_id`. */
  docsByType?(type: string): readonly LakeDocument[]
}

export interface QueryOptions {
  perspective: Perspective
  access: ReadAccess
  /** `versions.*` are visible in the raw perspective (apiVersion >= 2025-02-19). */
  rawIncludesVersions: boolean
  identity?: string
  projectId?: string
  dataset?: string
  timestamp?: Date
}

export type {Constraint} from './queryPlan.ts'

/** A parsed query with its narrowing plan. */
export interface PreparedQuery {
  query: string
  /** The parsed query with its sites replaced by reserved parameters. */
  tree: ExprNode
  /** Sub-expressions the planner binds per request (see lake/groq/queryPlan.ts). */
  sites: Site[]
  /** One candidate constraint per `*`, or null when some `*` can't be narrowed. */
  constraints: Constraint[] | null
  /**
   * Set when the query has ONE `*`, filtered only by indexable conjuncts: in the raw and published
   * perspectives the index lookup is then exact, so `tree` is evaluated with that filter replaced
   * by `*` over exactly the matching documents (the filter need not run per document).
   */
  exact: {conjuncts: Constraint[]; tree: ExprNode} | null
}

export function parsePerspective(
  value: string | null | undefined,
  apiVersion: string,
): Perspective {
  if (value === null || value === undefined || value === '') {
    return isModernApiVersion(apiVersion) ? {kind: 'published'} : {kind: 'raw'}
  }
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
  if (parts.length === 1 && parts[0] === 'raw') return {kind: 'raw'}
  if (parts.length === 1 && parts[0] === 'published') return {kind: 'published'}
  if (parts.length === 1 && (parts[0] === 'drafts' || parts[0] === 'previewDrafts')) {
    return {kind: 'stack', releases: [], drafts: true}
  }
  const releases: string[] = []
  let drafts = false
  for (const part of parts) {
    if (part === 'raw' || part === 'previewDrafts') throw badPerspective(value)
    if (part === 'drafts') drafts = true
    else if (part === 'published') continue
    else if (/^[\w-]+$/.test(part)) releases.push(part)
    else throw badPerspective(value)
  }
  return {kind: 'stack', releases, drafts}
}

function badPerspective(value: string): LakeError {
  return validationError(`Invalid perspective "${value}"`)
}

// ------------------------------------------------------------------ parsing

const preparedCache = new Map<string, PreparedQuery>()
const PREPARED_CACHE_LIMIT = 500

/** Parses (cached by query + params) and plans narrowing. Throws LakeError 400 queryParseError. */
export function prepareQuery(query: string, params: Record<string, unknown>): PreparedQuery {
  const key = `${query}\u0000${JSON.stringify(params)}`
  const cached = preparedCache.get(key)
  if (cached) return cached
  let tree: ExprNode
  try {
    tree = parse(query, {params})
  } catch (error) {
    if (error instanceof GroqSyntaxError) {
      throw queryParseError(error.message, query, {
        start: error.position,
        end: error.position + 1,
      })
    }
    const missing = missingParams(query, params)
    if (missing) throw missing
    throw queryParseError(describeError(error), query, {start: 0, end: query.length})
  }
  const unresolved = new Set<string>()
  const declared = new Set<string>()
  walk(tree, (node) => {
    if (node.type === 'Parameter') unresolved.add(String(node.name))
    if (node.type === 'FuncDeclaration') {
      for (const p of node.params as Array<{name: string}>) declared.add(p.name)
    }
  })
  for (const name of unresolved) {
    if (!declared.has(name) && !(name in params)) throw missingParamError(query, name)
  }
  const unsupported = unsupportedFunction(tree)
  if (unsupported) throw unsupportedFunctionError(query, unsupported)
  const planned = planSites(tree)
  const constraints = planNarrowing(planned.tree)
  const prepared: PreparedQuery = {
    query,
    tree: planned.tree,
    sites: planned.sites,
    constraints,
    exact: constraints ? planExact(planned.tree) : null,
  }
  if (preparedCache.size >= PREPARED_CACHE_LIMIT) {
    preparedCache.delete(preparedCache.keys().next().value as string)
  }
  preparedCache.set(key, prepared)
  return prepared
}

function missingParamError(query: string, name: string): LakeError {
  const re = new RegExp(`\\$${name}(?![\\w])`)
  const match = re.exec(query)
  const start = match ? match.index : 0
  const end = match ? match.index + name.length + 1 : query.length
  return missingParam(name, query, {start, end})
}

/** A function groq-js parses but can't evaluate (`text::query`, `geo::*`, …): a 400, not a 500. */
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

/** For errors raised before the AST exists (e.g. a slice `[0...$n]` without `$n`). */
function missingParams(query: string, params: Record<string, unknown>): LakeError | null {
  const re = /\$([A-Za-z_]\w*)/g
  let match
  while ((match = re.exec(query))) {
    if (!(match[1] in params)) return missingParamError(query, match[1])
  }
  return null
}

/** One constraint per `*` occurrence, or null if any `*` is not directly and indexably filtered. */
function planNarrowing(tree: ExprNode): Constraint[] | null {
  const constraints: Constraint[] = []
  let everything = 0
  let blocked = false
  const visit = (node: unknown, parent: AnyNode | null): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child, parent)
      return
    }
    if (!node || typeof node !== 'object') return
    const n = node as AnyNode
    if (n.type === 'Everything') {
      everything++
      const constraint =
        parent && parent.type === 'Filter' && parent.base === n ? constraintOf(parent.expr) : null
      if (constraint) constraints.push(constraint)
      else blocked = true
    } else if (n.type === 'FuncCall' && n.namespace === 'releases') {
      blocked = true
    }
    for (const key in n) {
      const child = n[key]
      if (child && typeof child === 'object') visit(child, n)
    }
  }
  visit(tree, null)
  if (blocked || everything === 0) return blocked ? null : []
  return constraints
}

/** The single `*` of a query whose filter consists solely of indexable conjuncts (see PreparedQuery). */
function planExact(tree: ExprNode): PreparedQuery['exact'] {
  let filter: AnyNode | null = null
  let count = 0
  walk(tree, (node) => {
    if (node.type === 'Everything') count++
    if (node.type === 'Filter' && (node.base as AnyNode).type === 'Everything') filter = node
  })
  if (count !== 1 || !filter) return null
  const found: Constraint[] = []
  for (const conjunct of conjuncts((filter as AnyNode).expr)) {
    const constraint = constraintOf(conjunct)
    if (!constraint) return null
    found.push(constraint)
  }
  const target = filter
  const replace = (node: unknown): unknown => {
    if (node === target) return {type: 'Everything'}
    if (Array.isArray(node)) return node.map(replace)
    if (!node || typeof node !== 'object') return node
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(node)) out[key] = replace(value)
    return out
  }
  return {conjuncts: found, tree: replace(tree) as ExprNode}
}

// ------------------------------------------------------------------ views

const keptMemo = new WeakMap<readonly LakeDocument[], Map<string, number[]>>()

/** The documents a caller sees under a perspective, by view id. */
export class PerspectiveView {
  readonly source: QuerySource
  readonly options: QueryOptions
  private readonly memo = new Map<string, LakeDocument | null>()

  constructor(source: QuerySource, options: QueryOptions) {
    this.source = source
    this.options = options
  }

  readable(id: string): boolean {
    return mayRead(this.options.access, id)
  }

  /** Whether a raw document takes part in this perspective at all (as some layer). */
  private inPerspective(id: string): boolean {
    const p = this.options.perspective
    if (p.kind === 'raw') return this.options.rawIncludesVersions || !isVersionId(id)
    if (p.kind === 'published') return !isDraftId(id) && !isVersionId(id)
    if (isDraftId(id)) return p.drafts
    const release = versionRelease(id)
    if (release !== undefined) return p.releases.includes(release)
    return true
  }

  /** View id under which a raw document appears (stack perspectives rewrite to the published id). */
  viewIdOf(rawId: string): string {
    return this.options.perspective.kind === 'stack' ? publishedId(rawId) : rawId
  }

  /** The document with this view id, or null. */
  get(viewId: string): LakeDocument | null {
    if (this.memo.has(viewId)) return this.memo.get(viewId) as LakeDocument | null
    const raw = this.layer(viewId)
    const doc =
      raw && this.options.perspective.kind === 'stack'
        ? {...raw, _id: viewId, _originalId: raw._id}
        : raw
    this.memo.set(viewId, doc)
    return doc
  }

  private rawReadable(id: string): LakeDocument | null {
    if (!this.readable(id) || !this.inPerspective(id)) return null
    return this.source.get(id)
  }

  /**
   * The raw document the view document with this id is made of (in stack perspectives its first
   * existing layer; the view document is that with `_id` and `_originalId` rewritten), or null.
   */
  layer(viewId: string): LakeDocument | null {
    const p = this.options.perspective
    if (p.kind !== 'stack') return this.rawReadable(viewId)
    // A view id is a published id; ids that are themselves drafts/versions don't exist here.
    if (publishedId(viewId) !== viewId) return null
    for (const release of p.releases) {
      const doc = this.rawReadable(`versions.${release}.${viewId}`)
      if (doc) return doc
    }
    return (p.drafts ? this.rawReadable(`drafts.${viewId}`) : null) ?? this.rawReadable(viewId)
  }

  /** Stack perspectives: a selection of the view documents with these ids (absent ones skipped). */
  overlay(viewIds: Iterable<string>): Selection {
    const sorted = [...viewIds].sort(compareIds)
    // For many ids, find the few with a draft/version layer once, instead of probing each.
    const layered = sorted.length > 256 ? this.layeredIds() : null
    const ids: string[] = []
    const layers: LakeDocument[] = []
    for (const id of sorted) {
      const raw =
        layered && !layered.has(id) && publishedId(id) === id
          ? this.rawReadable(id)
          : this.layer(id)
      if (raw) {
        ids.push(id)
        layers.push(raw)
      }
    }
    return overlaySelection(ids, layers, (i) => this.get(ids[i]) as LakeDocument)
  }

  /**
   * Stack perspectives: a selection of the view documents that candidate raw documents (sorted by
   * `_id`, e.g. all documents of a type) take part in. A published document without a draft or
   * version layer is its own layer, so only the few layered ids are resolved one by one.
   */
  overlayOfRaw(raws: readonly LakeDocument[]): Selection {
    const layered = this.layeredIds()
    const plain: LakeDocument[] = []
    const others = new Set<string>()
    for (const raw of raws) {
      const id = raw._id
      const viewId = publishedId(id)
      // Ids without a layer in this perspective are the published document (drafts and versions
      // outside the perspective don't matter); the others are resolved one by one.
      if (layered.has(viewId)) others.add(viewId)
      else if (viewId === id && this.readable(id)) plain.push(raw)
    }
    const resolved: Array<{id: string; raw: LakeDocument}> = []
    for (const id of [...others].sort(compareIds)) {
      const raw = this.layer(id)
      if (raw) resolved.push({id, raw})
    }
    // Merge the two `_id`-sorted lists.
    const ids: string[] = []
    const layers: LakeDocument[] = []
    let a = 0
    let b = 0
    while (a < plain.length || b < resolved.length) {
      if (
        b >= resolved.length ||
        (a < plain.length && compareIds(plain[a]._id, resolved[b].id) < 0)
      ) {
        ids.push(plain[a]._id)
        layers.push(plain[a++])
      } else {
        ids.push(resolved[b].id)
        layers.push(resolved[b++].raw)
      }
    }
    return overlaySelection(ids, layers, (i) => this.get(ids[i]) as LakeDocument)
  }

  /** Stack perspectives: published ids that have a document in a layer above the published one. */
  private layeredIds(): Set<string> {
    const p = this.options.perspective
    const prefixes =
      p.kind === 'stack'
        ? [...p.releases.map((release) => `versions.${release}.`), ...(p.drafts ? ['drafts.'] : [])]
        : []
    const all = this.source.all()
    const out = new Set<string>()
    for (const prefix of prefixes) {
      // `all` is sorted by `_id`: the ids with this prefix are one run starting at its lower bound.
      let lo = 0
      let hi = all.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (compareIds(all[mid]._id, prefix) < 0) lo = mid + 1
        else hi = mid
      }
      for (let i = lo; i < all.length && all[i]._id.startsWith(prefix); i++) {
        out.add(all[i]._id.slice(prefix.length))
      }
    }
    return out
  }

  private allMemo: LakeDocument[] | null = null

  /** The whole view sorted by `_id` (computed once per view: do not mutate). */
  all(): LakeDocument[] {
    this.allMemo ??= this.computeAll()
    return this.allMemo
  }

  private computeAll(): LakeDocument[] {
    const p = this.options.perspective
    const all = this.source.all()
    if (p.kind !== 'stack') {
      return all.filter((doc) => this.readable(doc._id) && this.inPerspective(doc._id))
    }
    const ids = new Set<string>()
    for (const doc of all) {
      if (this.readable(doc._id) && this.inPerspective(doc._id)) ids.add(publishedId(doc._id))
    }
    return this.byIds(ids)
  }

  /** View documents for a set of view ids, sorted by `_id`, skipping absent ones. */
  byIds(ids: Iterable<string>): LakeDocument[] {
    const out: LakeDocument[] = []
    for (const id of ids) {
      const doc = this.get(id)
      if (doc) out.push(doc)
    }
    return out.sort((a, b) => compareIds(a._id, b._id))
  }

  /**
   * Raw/published perspectives only: positions of the documents of a shared source array (from
   * `all()` or `docsByType()`, replaced rather than mutated on commit) that are in this view.
   * Memoized per array and (access, perspective).
   */
  keptPositions(shared: readonly LakeDocument[]): number[] {
    const {access, perspective, rawIncludesVersions} = this.options
    const key = `${access}|${perspective.kind}|${rawIncludesVersions}`
    let byKey = keptMemo.get(shared)
    if (!byKey) keptMemo.set(shared, (byKey = new Map()))
    let positions = byKey.get(key)
    if (!positions) {
      positions = []
      for (let i = 0; i < shared.length; i++) {
        const id = shared[i]._id
        if (this.readable(id) && this.inPerspective(id)) positions.push(i)
      }
      byKey.set(key, positions)
    }
    return positions
  }

  /**
   * Raw/published perspectives only: the view documents matching one constraint exactly, sorted
   * by `_id` (a fresh array).
   */
  exactDocs(constraint: Constraint): LakeDocument[] {
    const {docsByType} = this.source
    if (constraint.field === '_type' && docsByType) {
      const kept = (type: string) => {
        const shared = docsByType(type)
        return this.keptPositions(shared).map((i) => shared[i])
      }
      if (constraint.values.length === 1) return kept(constraint.values[0])
      const docs = [...new Set(constraint.values)].flatMap(kept)
      return docs.sort((a, b) => compareIds(a._id, b._id))
    }
    return this.byIds(new Set(this.candidates(constraint)))
  }

  /** View ids of the candidates for one constraint (a superset of the matching view documents). */
  candidates(constraint: Constraint): string[] {
    if (constraint.field === '_id') return constraint.values
    const rawIds =
      constraint.field === '_type'
        ? this.source.idsByType(constraint.values)
        : this.source.idsBySlug(constraint.values)
    return rawIds.map((id) => this.viewIdOf(id))
  }
}

type EvaluationContext = Omit<EvaluateOptions, 'dataset' | 'params'>

/** The tree and groq-js options a query is evaluated with (also walked by lake/groq/sourceMaps.ts). */
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
    dereference: ({_ref}) => view.get(_ref),
  }
  let bound = params
  if (prepared.sites.length > 0) {
    bound = {...params}
    for (const site of prepared.sites) {
      bound[site.param] =
        site.kind === 'count'
          ? siteSelection(site.filter, view).idx.length
          : topCandidates(site, view, params, context)
    }
  }
  let dataset: LakeDocument[]
  let tree = prepared.tree
  if (options.access === 'none') {
    dataset = []
  } else if (prepared.exact) {
    // Look up the most selective conjunct, then check all of them on the view documents. In the
    // raw and published perspectives view ids are raw ids, so the lookup is already exact.
    const all = [...prepared.exact.conjuncts].sort(
      (a, b) => FIELD_PREFERENCE[a.field] - FIELD_PREFERENCE[b.field],
    )
    const [first] = all
    const stack = options.perspective.kind === 'stack'
    const docs = stack ? view.byIds(new Set(view.candidates(first))) : view.exactDocs(first)
    const check = stack ? all : all.slice(1)
    dataset = docs.filter((doc) => check.every((constraint) => satisfies(doc, constraint)))
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

/** The view documents passing a site's native predicates (in `_id` order). */
function siteSelection(filter: SiteFilter, view: PerspectiveView): Selection {
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
    )
  } else {
    sel = selection(view.exactDocs(lookup), {shared: false})
  }
  return applyNative(sel, native)
}

const CHUNK_PARAM = '__lake_chunk'

/** The candidates of an ordered-slice site that can reach its slice (see selectTopCandidates). */
function topCandidates(
  site: TopKSite,
  view: PerspectiveView,
  params: Record<string, unknown>,
  context: EvaluationContext,
): LakeDocument[] {
  const sel = siteSelection(site.filter, view)
  const {residual} = site.filter
  if (!residual) return selectTopCandidates(sel, site, null)
  const counter = {
    type: 'FuncCall',
    namespace: 'global',
    name: 'count',
    args: [{type: 'Filter', base: {type: 'Parameter', name: CHUNK_PARAM}, expr: residual}],
  } as unknown as ExprNode
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

/** Runs a prepared query against a view; returns plain JSON (undefined becomes null). */
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
    throw notImplemented(error, prepared) ?? error
  }
  return result === undefined ? null : result
}

/** Synchronous evaluation (groq-js `evaluateSync`: the subset mutations by query need). */
export function runQuerySync(
  source: QuerySource,
  query: string,
  params: Record<string, unknown>,
  options: QueryOptions,
): unknown {
  const prepared = prepareQuery(query, params)
  const view = new PerspectiveView(source, options)
  const plan = evaluationPlan(prepared, view, params)
  let result: unknown
  try {
    result = toJS(evaluateSync(plan.tree, plan.options))
  } catch (error) {
    throw notImplemented(error, prepared) ?? error
  }
  return result === undefined ? null : result
}

/** Parses, plans and evaluates a query in one call (the function the routes and tests use). */
export async function runQuery(
  source: QuerySource,
  query: string,
  params: Record<string, unknown>,
  options: QueryOptions,
): Promise<unknown> {
  const prepared = prepareQuery(query, params)
  return evaluatePrepared(prepared, new PerspectiveView(source, options), params)
}

/** A QuerySource over a plain array (tests, dry runs). */
export function arraySource(documents: readonly LakeDocument[]): QuerySource {
  const byId = new Map(documents.map((doc) => [doc._id, doc]))
  const sorted = [...documents].sort((a, b) => compareIds(a._id, b._id))
  return {
    get: (id) => byId.get(id) ?? null,
    all: () => sorted,
    idsByType: (types) => sorted.filter((d) => types.includes(d._type)).map((d) => d._id),
    idsBySlug: (slugs) =>
      sorted
        .filter((d) => {
          const slug = (d.slug as {current?: unknown} | undefined)?.current
          return typeof slug === 'string' && slugs.includes(slug)
        })
        .map((d) => d._id),
  }
}
