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
import type {ReadAccess} from './auth.ts'
import {compareIds} from './storage.ts'
import {isDraftId, isRootId, isVersionId, publishedId, versionRelease} from './ids.ts'
import {LakeError, type LakeDocument} from './types.ts'

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

/** A parsed query with its narrowing plan. */
export interface PreparedQuery {
  query: string
  tree: ExprNode
  /** One candidate constraint per `*`, or null when some `*` can't be narrowed. */
  constraints: Constraint[] | null
  /**
   * Set when the query has ONE `*`, filtered only by indexable conjuncts: in the raw and published
   * perspectives the index lookup is then exact, so `tree` is evaluated with that filter replaced
   * by `*` over exactly the matching documents (the filter need not run per document).
   */
  exact: {conjuncts: Constraint[]; tree: ExprNode} | null
}

export type Constraint =
  | {field: '_id'; values: string[]}
  | {field: '_type'; values: string[]}
  | {field: 'slug'; values: string[]}

const API_VERSION_PUBLISHED_DEFAULT = '2025-02-19'

/** apiVersion `X` or a date ≥ 2025-02-19 gets the new defaults (published perspective, versions in raw). */
export function isModernApiVersion(apiVersion: string): boolean {
  if (apiVersion === 'X') return true
  return /^\d{4}-\d{2}-\d{2}$/.test(apiVersion) && apiVersion >= API_VERSION_PUBLISHED_DEFAULT
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
  return new LakeError(400, {
    error: {type: 'validationError', description: `Invalid perspective "${value}"`},
  })
}

// ------------------------------------------------------------------ parsing

const preparedCache = new Map<string, PreparedQuery>()
const PREPARED_CACHE_LIMIT = 500

function queryParseError(query: string, description: string, start: number, end: number) {
  return new LakeError(400, {error: {type: 'queryParseError', description, query, start, end}})
}

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
      throw queryParseError(query, error.message, error.position, error.position + 1)
    }
    const missing = missingParams(query, params)
    if (missing) throw missing
    const message = error instanceof Error ? error.message : String(error)
    throw queryParseError(query, message, 0, query.length)
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
  const constraints = planNarrowing(tree)
  const prepared: PreparedQuery = {
    query,
    tree,
    constraints,
    exact: constraints ? planExact(tree) : null,
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
  return queryParseError(query, `param $${name} referenced, but not provided`, start, end)
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

type AnyNode = {type: string; [key: string]: unknown}

/** Visits every node of a groq-js tree. */
function walk(node: unknown, visit: (node: AnyNode) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit)
    return
  }
  if (!node || typeof node !== 'object') return
  const n = node as AnyNode
  if (typeof n.type === 'string') visit(n)
  for (const key in n) {
    if (key === 'type') continue
    const child = n[key]
    if (child && typeof child === 'object') walk(child, visit)
  }
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

function conjuncts(expr: unknown, out: AnyNode[] = []): AnyNode[] {
  const n = expr as AnyNode
  if (n.type === 'And') {
    conjuncts(n.left, out)
    conjuncts(n.right, out)
  } else if (n.type === 'Group') {
    conjuncts(n.base, out)
  } else {
    out.push(n)
  }
  return out
}

function fieldOf(node: unknown): Constraint['field'] | null {
  const n = node as AnyNode
  if (n.type !== 'AccessAttribute') return null
  const base = n.base as AnyNode | undefined
  if (base === undefined || base.type === 'This') {
    if (n.name === '_id') return '_id'
    if (n.name === '_type') return '_type'
    return null
  }
  if (n.name === 'current' && base.type === 'AccessAttribute' && base.name === 'slug') {
    const inner = base.base as AnyNode | undefined
    if (inner === undefined || inner.type === 'This') return 'slug'
  }
  return null
}

function stringsOf(node: unknown, many: boolean): string[] | null {
  const n = node as AnyNode
  if (!many) return n.type === 'Value' && typeof n.value === 'string' ? [n.value] : null
  if (n.type === 'Value' && Array.isArray(n.value)) {
    return n.value.every((v) => typeof v === 'string') ? (n.value as string[]) : null
  }
  if (n.type === 'Array') {
    const out: string[] = []
    for (const element of n.elements as AnyNode[]) {
      if (element.isSplat) return null
      const value = element.value as AnyNode
      if (value.type !== 'Value' || typeof value.value !== 'string') return null
      out.push(value.value)
    }
    return out
  }
  return null
}

const FIELD_PREFERENCE: Record<Constraint['field'], number> = {_id: 0, slug: 1, _type: 2}

function constraintOf(expr: unknown): Constraint | null {
  let best: Constraint | null = null
  for (const c of conjuncts(expr)) {
    if (c.type !== 'OpCall' || (c.op !== '==' && c.op !== 'in')) continue
    let field = fieldOf(c.left)
    let values = field ? stringsOf(c.right, c.op === 'in') : null
    if (!values && c.op === '==') {
      field = fieldOf(c.right)
      values = field ? stringsOf(c.left, false) : null
    }
    if (!field || !values) continue
    const candidate = {field, values} as Constraint
    if (
      !best ||
      FIELD_PREFERENCE[field] < FIELD_PREFERENCE[best.field] ||
      (field === best.field && values.length < best.values.length)
    ) {
      best = candidate
    }
  }
  return best
}

// ------------------------------------------------------------------ views

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
    const {access} = this.options
    return access === 'all' || (access === 'root' && isRootId(id))
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
    const doc = this.compute(viewId)
    this.memo.set(viewId, doc)
    return doc
  }

  private rawReadable(id: string): LakeDocument | null {
    if (!this.readable(id) || !this.inPerspective(id)) return null
    return this.source.get(id)
  }

  private compute(viewId: string): LakeDocument | null {
    const p = this.options.perspective
    if (p.kind !== 'stack') return this.rawReadable(viewId)
    // A view id is a published id; ids that are themselves drafts/versions don't exist here.
    if (publishedId(viewId) !== viewId) return null
    const layers = [
      ...p.releases.map((release) => `versions.${release}.${viewId}`),
      ...(p.drafts ? [`drafts.${viewId}`] : []),
      viewId,
    ]
    for (const layer of layers) {
      const doc = this.rawReadable(layer)
      if (doc) return {...doc, _id: viewId, _originalId: layer}
    }
    return null
  }

  /** The whole view sorted by `_id`. */
  all(): LakeDocument[] {
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
   * Raw/published perspectives only: the view documents matching one constraint exactly, sorted
   * by `_id`.
   */
  exactDocs(constraint: Constraint): LakeDocument[] {
    const keep = (doc: LakeDocument) => this.readable(doc._id) && this.inPerspective(doc._id)
    const {docsByType} = this.source
    if (constraint.field === '_type' && docsByType) {
      if (constraint.values.length === 1) return docsByType(constraint.values[0]).filter(keep)
      const docs = [...new Set(constraint.values)].flatMap((type) => docsByType(type).filter(keep))
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

function evaluationPlan(
  prepared: PreparedQuery,
  view: PerspectiveView,
  params: Record<string, unknown>,
): {tree: ExprNode; options: EvaluateOptions} {
  let dataset: LakeDocument[]
  let tree = prepared.tree
  if (view.options.access === 'none') {
    dataset = []
  } else if (prepared.exact && view.options.perspective.kind !== 'stack') {
    // Raw/published: view ids are raw ids, so the index lookup is exact. Look up the most selective
    // conjunct, then check the others on the documents themselves.
    const [first, ...rest] = [...prepared.exact.conjuncts].sort(
      (a, b) => FIELD_PREFERENCE[a.field] - FIELD_PREFERENCE[b.field],
    )
    dataset = view
      .exactDocs(first)
      .filter((doc) => rest.every((constraint) => satisfies(doc, constraint)))
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
  const {options} = view
  return {
    tree,
    options: {
      dataset,
      params,
      timestamp: options.timestamp ?? new Date(),
      identity: options.identity ?? '',
      sanity:
        options.projectId && options.dataset
          ? {projectId: options.projectId, dataset: options.dataset}
          : undefined,
      dereference: ({_ref}) => view.get(_ref),
    },
  }
}

function satisfies(doc: LakeDocument, constraint: Constraint): boolean {
  const value =
    constraint.field === 'slug'
      ? (doc.slug as {current?: unknown} | undefined)?.current
      : doc[constraint.field]
  return typeof value === 'string' && constraint.values.includes(value)
}

/** Runs a prepared query against a view; returns plain JSON (undefined becomes null). */
export async function evaluatePrepared(
  prepared: PreparedQuery,
  view: PerspectiveView,
  params: Record<string, unknown>,
): Promise<unknown> {
  const plan = evaluationPlan(prepared, view, params)
  const value = await evaluate(plan.tree, plan.options)
  const result = await value.get()
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
  const result = toJS(evaluateSync(plan.tree, plan.options))
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
