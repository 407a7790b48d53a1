/**
 * Candidate documents of a site (lake/groq/plan/sites.ts) and how the lake narrows them:
 * native predicates over memoized attribute columns, and the top-k candidates of an ordered slice.
 *
 * Ordering follows groq-js 2.0 `order()` exactly: values are ranked number < string < boolean <
 * everything else (null, missing, objects, arrays: all equal), numbers and booleans compare
 * numerically, strings by UTF-16 code units, `desc` reverses the comparison, and ties keep input
 * order (the sort is stable over the dataset, which is in `_id` order).
 */
import type {LakeDocument} from '../../core/types.ts'
import {satisfies, valueAt, type IndexConstraint, type NativePredicate} from './constraints.ts'
import {derived, type Derivation} from './derived.ts'
import {comparisonTest, operandValue} from './ranges.ts'
import type {TopKSite} from './sites.ts'

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

/**
 * Some candidate documents (`idx`: ascending positions, so `_id` order is kept), with access to
 * attribute values by position. Reading attributes of thousands of documents is the main cost of
 * a site, so for SHARED arrays (the storage's per-type and whole-dataset arrays, replaced, never
 * mutated, on commit) the values are memoized per array and path, and patched rather than
 * recomputed when a commit replaces the array (lake/groq/plan/derived.ts).
 */
export interface Selection {
  idx: number[]
  /** `valueAt(doc(i), path)` for every position i. */
  column(path: readonly string[]): readonly unknown[]
  /** The (view) document at a position. */
  doc(i: number): LakeDocument
}

function valueOf(doc: LakeDocument, path: readonly string[]): unknown {
  if (path.length === 1) {
    const [name] = path
    return Object.hasOwn(doc, name) ? (doc[name] ?? null) : null
  }
  return valueAt(doc, path)
}

function computeColumn(docs: readonly LakeDocument[], path: readonly string[]): unknown[] {
  return docs.map((doc) => valueOf(doc, path))
}

function columnDerivation(path: readonly string[]): Derivation<unknown[]> {
  return {
    compute: (docs) => computeColumn(docs, path),
    patch: (previous, {pieces}, docs) => {
      const out = new Array<unknown>(docs.length)
      for (const piece of pieces) {
        if (piece.kind === 'fresh') out[piece.at] = valueOf(docs[piece.at], path)
        else for (let j = piece.from, i = piece.at; j < piece.to; j++, i++) out[i] = previous[j]
      }
      return out
    },
  }
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
  const column: Selection['column'] = options.shared
    ? (path) => derived(docs, `column\u0000${path.join('\u0000')}`, columnDerivation(path))
    : memoized((path) => computeColumn(docs, path), new Map())
  return {
    idx: options.idx ?? docs.map((_, i) => i),
    column,
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

const CONSTRAINT_PATH: Record<Exclude<IndexConstraint['field'], 'references'>, string[]> = {
  _id: ['_id'],
  _type: ['_type'],
  slug: ['slug', 'current'],
}

/**
 * The selection restricted to the documents passing every predicate (`now()` is `timestamp`,
 * the request's time).
 */
export function applyNative(
  sel: Selection,
  predicates: readonly NativePredicate[],
  timestamp: Date,
): Selection {
  let {idx} = sel
  for (const predicate of predicates) {
    const constraint = predicate.kind === 'constraint' ? predicate.constraint : null
    if (constraint?.field === 'references') {
      // Not produced by nativePredicate (references() stays with groq-js); exact if it were.
      idx = idx.filter((i) => satisfies(sel.doc(i), constraint))
    } else if (constraint) {
      const values = sel.column(CONSTRAINT_PATH[constraint.field])
      const wanted = constraint.values
      idx = idx.filter((i) => {
        const value = values[i]
        return typeof value === 'string' && wanted.includes(value)
      })
    } else if (predicate.kind === 'defined') {
      const values = sel.column(predicate.path)
      const negated = predicate.negated
      idx = idx.filter((i) => (values[i] !== null) !== negated)
    } else if (predicate.kind === 'compare') {
      const {path, op, operand} = predicate.comparison
      const values = sel.column(path)
      const test = comparisonTest(op, operandValue(operand, timestamp))
      idx = idx.filter((i) => test(values[i]))
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
    if (keys.length === 0) return idx.slice(0, m).map((i) => sel.doc(i))
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
