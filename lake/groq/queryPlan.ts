/**
 * Static analysis of parsed GROQ (groq-js trees) for the lake's query planner (lake/groq/query.ts):
 *
 * - indexable constraints (`_id ==/in`, `_type ==/in`, `slug.current ==/in` with string constants)
 *   used to narrow which documents a `*` can yield;
 * - native predicates: filter conjuncts the lake decides itself, exactly like groq-js would
 *   (indexable constraints, `defined(path)`, `!defined(path)`);
 * - "sites": sub-expressions the lake computes (partly) itself so groq-js never iterates a whole
 *   type:
 *   - ordered slices `*[filter] | order(a desc, b, …)[m...n]` / `[i]`: the lake picks the
 *     candidates that can end up in the slice (the top n by groq-js's own ordering, plus every
 *     document tied with the n-th) and groq-js evaluates the original filter, order and slice over
 *     only those (see `selectTopCandidates`);
 *   - counts `count(*[filter])` whose filter is entirely native.
 *   Each site's `*` (or `*[filter]`) is replaced in the tree by a `Parameter` node with a reserved
 *   name; the planner binds it per request.
 *
 * Ordering follows groq-js 2.0 `order()` exactly: values are ranked number < string < boolean <
 * everything else (null, missing, objects, arrays: all equal), numbers and booleans compare
 * numerically, strings by UTF-16 code units, `desc` reverses the comparison, and ties keep input
 * order (the sort is stable over the dataset, which is in `_id` order).
 */
import type {ExprNode} from 'groq-js'
import type {LakeDocument} from '../core/types.ts'

export type AnyNode = {type: string; [key: string]: unknown}

/** Visits every node of a groq-js tree. */
export function walk(node: unknown, visit: (node: AnyNode) => void): void {
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

function contains(node: unknown, type: string): boolean {
  let found = false
  walk(node, (n) => {
    if (n.type === type) found = true
  })
  return found
}

// ------------------------------------------------------------------ indexable constraints

export type Constraint =
  | {field: '_id'; values: string[]}
  | {field: '_type'; values: string[]}
  | {field: 'slug'; values: string[]}

export const FIELD_PREFERENCE: Record<Constraint['field'], number> = {_id: 0, slug: 1, _type: 2}

/** The top-level conjuncts of a filter expression (`a && (b && c)` → a, b, c). */
export function conjuncts(expr: unknown, out: AnyNode[] = []): AnyNode[] {
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

/** `name`, `a.b.c` (from the current document) as a list of attribute names, else null. */
export function attributePath(node: unknown): string[] | null {
  const path: string[] = []
  let n = node as AnyNode | undefined
  while (n && n.type === 'AccessAttribute') {
    path.unshift(String(n.name))
    n = n.base as AnyNode | undefined
  }
  if (path.length === 0) return null
  return n === undefined || n.type === 'This' ? path : null
}

function fieldOf(node: unknown): Constraint['field'] | null {
  const path = attributePath(node)
  if (!path) return null
  if (path.length === 1 && (path[0] === '_id' || path[0] === '_type')) return path[0]
  if (path.length === 2 && path[0] === 'slug' && path[1] === 'current') return 'slug'
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

/** The constraint a single conjunct expresses, if it is indexable. */
export function conjunctConstraint(c: AnyNode): Constraint | null {
  if (c.type !== 'OpCall' || (c.op !== '==' && c.op !== 'in')) return null
  let field = fieldOf(c.left)
  let values = field ? stringsOf(c.right, c.op === 'in') : null
  if (!values && c.op === '==') {
    field = fieldOf(c.right)
    values = field ? stringsOf(c.left, false) : null
  }
  return field && values ? ({field, values} as Constraint) : null
}

/** The most selective indexable conjunct of a filter, or null. */
export function constraintOf(expr: unknown): Constraint | null {
  let best: Constraint | null = null
  for (const c of conjuncts(expr)) {
    const candidate = conjunctConstraint(c)
    if (!candidate) continue
    if (
      !best ||
      FIELD_PREFERENCE[candidate.field] < FIELD_PREFERENCE[best.field] ||
      (candidate.field === best.field && candidate.values.length < best.values.length)
    ) {
      best = candidate
    }
  }
  return best
}

/** Whether a document satisfies an indexable constraint (exactly GROQ's `==` / `in` here). */
export function satisfies(doc: LakeDocument, constraint: Constraint): boolean {
  const value =
    constraint.field === 'slug' ? valueAt(doc, ['slug', 'current']) : doc[constraint.field]
  return typeof value === 'string' && constraint.values.includes(value)
}

// ------------------------------------------------------------------ native predicates

export type NativePredicate =
  {kind: 'constraint'; constraint: Constraint} | {kind: 'defined'; path: string[]; negated: boolean}

/** groq-js attribute access on plain JSON: only own keys of objects; anything else is null. */
export function valueAt(doc: unknown, path: readonly string[]): unknown {
  let current = doc
  for (const name of path) {
    if (
      current === null ||
      typeof current !== 'object' ||
      Array.isArray(current) ||
      !Object.prototype.hasOwnProperty.call(current, name)
    ) {
      return null
    }
    current = (current as Record<string, unknown>)[name]
  }
  return current === undefined ? null : current
}

function nativePredicate(c: AnyNode): NativePredicate | null {
  const constraint = conjunctConstraint(c)
  if (constraint) return {kind: 'constraint', constraint}
  let negated = false
  let n = c
  if (n.type === 'Not') {
    negated = true
    n = n.base as AnyNode
  }
  if (n.type === 'FuncCall' && n.namespace === 'global' && n.name === 'defined') {
    const args = n.args as unknown[]
    const path = args.length === 1 ? attributePath(args[0]) : null
    if (path) return {kind: 'defined', path, negated}
  }
  return null
}

/** A `*[filter]` split into what the lake decides natively and what groq-js must evaluate. */
export interface SiteFilter {
  /** The most selective indexable conjunct (to fetch candidates), or null for all documents. */
  lookup: Constraint | null
  native: NativePredicate[]
  /** The conjuncts groq-js must evaluate (ANDed), or null when the filter is entirely native. */
  residual: ExprNode | null
}

function siteFilter(expr: unknown | null): SiteFilter {
  if (expr === null) return {lookup: null, native: [], residual: null}
  const native: NativePredicate[] = []
  const rest: AnyNode[] = []
  for (const c of conjuncts(expr)) {
    const predicate = nativePredicate(c)
    if (predicate) native.push(predicate)
    else rest.push(c)
  }
  const residual = rest.length
    ? rest.reduce((left, right) => ({type: 'And', left, right}) as AnyNode)
    : null
  return {lookup: constraintOf(expr), native, residual: residual as ExprNode | null}
}

// ------------------------------------------------------------------ ordering

export interface OrderKey {
  path: string[]
  desc: boolean
}

function rank(value: unknown): number {
  switch (typeof value) {
    case 'number':
      return 2
    case 'string':
      return 3
    case 'boolean':
      return 4
    default:
      return 100
  }
}

/** groq-js `totalCompare` for plain JSON values (no datetimes arise from attribute access). */
export function compareOrderValues(a: unknown, b: unknown): number {
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb) return ra - rb
  if (ra === 2 || ra === 4) return Number(a) - Number(b)
  if (ra === 3) return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0
  return 0
}

// ------------------------------------------------------------------ sites

export interface TopKSite {
  kind: 'topk'
  /** The reserved parameter bound to the candidate documents (in `_id` order). */
  param: string
  filter: SiteFilter
  keys: OrderKey[]
  /** Exclusive end of the slice in the ordered result. */
  end: number
}

export interface CountSite {
  kind: 'count'
  /** The reserved parameter bound to the count. */
  param: string
  filter: SiteFilter
}

export type Site = TopKSite | CountSite

const PARAM_PREFIX = '__lake_site_'

function parameter(name: string): AnyNode {
  return {type: 'Parameter', name}
}

/** `*` or `*[filter]` whose filter doesn't depend on anything but the document. */
function everythingBase(node: AnyNode): {expr: AnyNode | null} | null {
  if (node.type === 'Everything') return {expr: null}
  if (node.type !== 'Filter' || (node.base as AnyNode).type !== 'Everything') return null
  const expr = node.expr as AnyNode
  // `^` could reach outside the document (the site would then depend on its scope); a nested `*`
  // would need the dataset; `before()`/`after()` are delta-mode only.
  if (contains(expr, 'Parent') || contains(expr, 'Everything') || contains(expr, 'Context')) {
    return null
  }
  return {expr}
}

function orderKeys(args: unknown): OrderKey[] | null {
  const keys: OrderKey[] = []
  for (const arg of args as AnyNode[]) {
    let node = arg
    let desc = false
    if (node.type === 'Desc') {
      desc = true
      node = node.base as AnyNode
    } else if (node.type === 'Asc') {
      node = node.base as AnyNode
    }
    const path = attributePath(node)
    if (!path) return null
    keys.push({path, desc})
  }
  return keys.length ? keys : null
}

function sliceEnd(node: AnyNode): number | null {
  if (node.type === 'Slice') {
    const {left, right, isInclusive} = node
    if (typeof left !== 'number' || typeof right !== 'number' || left < 0 || right < 0) return null
    return isInclusive ? right + 1 : right
  }
  if (node.type === 'AccessElement') {
    const {index} = node
    return typeof index === 'number' && index >= 0 ? index + 1 : null
  }
  return null
}

/**
 * Finds the sites of a tree and returns a copy of it with each site's `*` replaced by a reserved
 * parameter. Trees with custom function declarations are left alone.
 */
export function planSites(tree: ExprNode): {tree: ExprNode; sites: Site[]} {
  if (contains(tree, 'FuncDeclaration')) return {tree, sites: []}
  const sites: Site[] = []
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite)
    if (!node || typeof node !== 'object') return node
    const n = node as AnyNode
    // `<base> | order(keys)` sliced by constants.
    const end = sliceEnd(n)
    const order = n.base as AnyNode | undefined
    if (end !== null && order?.type === 'PipeFuncCall' && order.name === 'order') {
      const base = everythingBase(order.base as AnyNode)
      const keys = base ? orderKeys(order.args) : null
      if (base && keys) {
        const param = `${PARAM_PREFIX}${sites.length}`
        sites.push({kind: 'topk', param, filter: siteFilter(base.expr), keys, end})
        const source = parameter(param)
        const filtered = base.expr ? {type: 'Filter', base: source, expr: base.expr} : source
        return {...n, base: {...order, base: filtered}}
      }
    }
    // `count(<base>)` with an entirely native filter.
    if (n.type === 'FuncCall' && n.namespace === 'global' && n.name === 'count') {
      const args = n.args as AnyNode[]
      const base = args.length === 1 ? everythingBase(args[0]) : null
      const filter = base ? siteFilter(base.expr) : null
      if (filter && filter.residual === null) {
        const param = `${PARAM_PREFIX}${sites.length}`
        sites.push({kind: 'count', param, filter})
        return parameter(param)
      }
    }
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(n)) out[key] = rewrite(value)
    return out
  }
  const rewritten = rewrite(tree) as ExprNode
  return sites.length ? {tree: rewritten, sites} : {tree, sites}
}

// ------------------------------------------------------------------ selections

/**
 * Some candidate documents (`idx`: ascending positions, so `_id` order is kept), with access to
 * attribute values by position. Reading attributes of thousands of documents is the main cost of
 * a site, so for SHARED arrays (the storage's per-type and whole-dataset arrays, replaced, never
 * mutated, on commit) the values are memoized per array and path.
 */
export interface Selection {
  idx: number[]
  /** `valueAt(doc(i), path)` for every position i. */
  column(path: readonly string[]): readonly unknown[]
  /** The (view) document at a position. */
  doc(i: number): LakeDocument
}

const columnMemo = new WeakMap<readonly LakeDocument[], Map<string, unknown[]>>()

function computeColumn(docs: readonly LakeDocument[], path: readonly string[]): unknown[] {
  if (path.length === 1) {
    const [name] = path
    return docs.map((doc) => (Object.hasOwn(doc, name) ? (doc[name] ?? null) : null))
  }
  return docs.map((doc) => valueAt(doc, path))
}

function memoized(
  compute: (path: readonly string[]) => unknown[],
  columns: Map<string, unknown[]>,
): Selection['column'] {
  return (path) => {
    const key = path.join('\u0000')
    let values = columns.get(key)
    if (!values) columns.set(key, (values = compute(path)))
    return values
  }
}

/** A selection of the documents of an array (all of them, or the positions `idx`). */
export function selection(
  docs: readonly LakeDocument[],
  options: {shared: boolean; idx?: number[]},
): Selection {
  let columns = options.shared ? columnMemo.get(docs) : undefined
  if (!columns) {
    columns = new Map()
    if (options.shared) columnMemo.set(docs, columns)
  }
  return {
    idx: options.idx ?? docs.map((_, i) => i),
    column: memoized((path) => computeColumn(docs, path), columns),
    doc: (i) => docs[i],
  }
}

/**
 * A selection of overlay documents (stack perspectives) without building them: view document i
 * is `{...layers[i], _id: viewIds[i], _originalId: layers[i]._id}`, made by `build` only for the
 * documents handed to groq-js.
 */
export function overlaySelection(
  viewIds: readonly string[],
  layers: readonly LakeDocument[],
  build: (i: number) => LakeDocument,
): Selection {
  const compute = (path: readonly string[]): unknown[] => {
    if (path[0] === '_id') return viewIds.map((id) => (path.length === 1 ? id : null))
    if (path[0] === '_originalId') return layers.map((doc) => (path.length === 1 ? doc._id : null))
    return computeColumn(layers, path)
  }
  return {idx: viewIds.map((_, i) => i), column: memoized(compute, new Map()), doc: build}
}

const CONSTRAINT_PATH: Record<Constraint['field'], string[]> = {
  _id: ['_id'],
  _type: ['_type'],
  slug: ['slug', 'current'],
}

/** The selection restricted to the documents passing every predicate. */
export function applyNative(sel: Selection, predicates: readonly NativePredicate[]): Selection {
  let {idx} = sel
  for (const predicate of predicates) {
    if (predicate.kind === 'constraint') {
      const values = sel.column(CONSTRAINT_PATH[predicate.constraint.field])
      const wanted = predicate.constraint.values
      idx = idx.filter((i) => {
        const value = values[i]
        return typeof value === 'string' && wanted.includes(value)
      })
    } else {
      const values = sel.column(predicate.path)
      const negated = predicate.negated
      idx = idx.filter((i) => (values[i] !== null) !== negated)
    }
  }
  return idx === sel.idx ? sel : {...sel, idx}
}

/**
 * The documents to give groq-js for a top-k site, in their original (`_id`) order.
 *
 * `sel` holds the site's candidates, already restricted to the native predicates;
 * `countResidual` counts how many of some documents pass the residual filter (or throws when it
 * can't). Returns a subset S of them such that evaluating `S[filter] | order(…)[…]` gives exactly
 * the result over all of them: S contains the first `end` documents passing the filter in groq-js
 * order (ordering keys, then input position), and every document whose keys tie with the last one
 * taken. groq-js re-applies the filter, re-sorts S stably (S keeps the input order) and slices, so
 * it sees the same prefix.
 */
export function selectTopCandidates(
  sel: Selection,
  site: TopKSite,
  countResidual: ((docs: LakeDocument[]) => number) | null,
): LakeDocument[] {
  const {keys, end} = site
  const {idx} = sel
  const all = () => idx.map((i) => sel.doc(i))
  if (end <= 0) return []
  if (idx.length <= end) return all()
  const columns = keys.map((key) => sel.column(key.path))
  const compare = (a: number, b: number) => {
    for (let k = 0; k < keys.length; k++) {
      const c = compareOrderValues(columns[k][a], columns[k][b])
      if (c !== 0) return keys[k].desc ? -c : c
    }
    return 0
  }
  // Everything up to (and tied with) the m-th document in groq-js order.
  const upTo = (m: number): LakeDocument[] => {
    if (m >= idx.length) return all()
    const boundary = nthPosition(idx, compare, m)
    const out: LakeDocument[] = []
    for (const i of idx) if (compare(i, boundary) <= 0) out.push(sel.doc(i))
    return out
  }
  if (!countResidual) return upTo(end)
  // Grow the prefix until `end` of its documents pass the residual filter.
  try {
    for (let m = Math.max(end * 2, 32); ; m *= 4) {
      const prefix = upTo(m)
      if (prefix.length === idx.length || countResidual(prefix) >= end) return prefix
    }
  } catch {
    return all()
  }
}

/**
 * The position of the m-th (1-based) of `idx` in groq-js order (keys via `compare`, then
 * position). One pass keeping the best m in a sorted buffer; a full sort when m is a large share.
 */
function nthPosition(idx: readonly number[], compare: (a: number, b: number) => number, m: number) {
  const order = (a: number, b: number) => compare(a, b) || a - b
  if (m * 8 > idx.length) return [...idx].sort(order)[m - 1]
  const best: number[] = []
  for (const i of idx) {
    // Positions come in ascending order, so a tie with the worst kept one never displaces it.
    if (best.length === m && compare(i, best[m - 1]) >= 0) continue
    let lo = 0
    let hi = best.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (order(best[mid], i) < 0) lo = mid + 1
      else hi = mid
    }
    best.splice(lo, 0, i)
    if (best.length > m) best.pop()
  }
  return best[m - 1]
}

// ------------------------------------------------------------------ unsupported functions

/** Functions groq-js parses but cannot evaluate (`throw Error("not implemented")`). */
const UNSUPPORTED: Record<string, readonly string[] | 'all'> = {
  text: ['query', 'semanticSimilarity'],
  geo: 'all',
  documents: ['get', 'incomingRefCount', 'incomingGlobalDocumentReferenceCount'],
  global: ['anywhere'],
  media: ['aspect'],
  user: ['attributes'],
}

/** The first function call the lake can't evaluate, as `{namespace, name}`, or null. */
export function unsupportedFunction(tree: ExprNode): {namespace: string; name: string} | null {
  let found: {namespace: string; name: string} | null = null
  walk(tree, (node) => {
    if (found || node.type !== 'FuncCall') return
    const namespace = String(node.namespace)
    const name = String(node.name)
    const names = UNSUPPORTED[namespace]
    if (names === 'all' || names?.includes(name)) found = {namespace, name}
  })
  return found
}
