/**
 * Values the planner derives from a shared document array (attribute columns in
 * lake/groq/plan/selection.ts, visible positions in lake/groq/perspective.ts), memoized per array
 * identity, and carried over when a write replaces the array by a patched copy.
 *
 * Shared arrays (a source's whole `_id`-sorted list and its per-type lists) are never mutated: a
 * commit replaces the arrays it touches with copies made by {@link applyChanges}, which records
 * for the copy where each of its documents came from (`origin[i]`: the position in the previous
 * array, or -1 for a new or changed document). A value first asked of the copy is then patched
 * from the previous array's value, reading only the changed documents (plus one pass of plain
 * copying), instead of being recomputed from every document: after a patch of one document of a
 * 50,000-document type, its memoized columns and visibility cost a copy, not 50,000 attribute
 * reads and id checks. Only one step back is kept (a value never asked of an array is recomputed
 * when its successor needs it), and a previous value is released once patched into its successor,
 * so neither old arrays nor old values are retained.
 */
import {compareIds} from '../../core/ids.ts'
import type {LakeDocument} from '../../core/types.ts'

/** Document changes by id: the new revision, or null for a deletion. */
export type DocumentChanges = ReadonlyMap<string, LakeDocument | null>

/** How a copy relates to the array it was made from. */
export interface ArrayPatch {
  /** For each position of the copy, the position of the same document in the previous array, or -1. */
  origin: Int32Array
  previousLength: number
}

/** One kind of derived value. */
export interface Derivation<T> {
  compute(docs: readonly LakeDocument[]): T
  /** The value for `docs` from `previous`, the value for the array `docs` was patched from. */
  patch(previous: T, patch: ArrayPatch, docs: readonly LakeDocument[]): T
}

const memos = new WeakMap<readonly LakeDocument[], Map<string, unknown>>()
const patches = new WeakMap<
  readonly LakeDocument[],
  ArrayPatch & {previous: Map<string, unknown> | undefined}
>()

/** The value `key` of a shared array (computed once per array, patched when it can be). */
export function derived<T>(
  docs: readonly LakeDocument[],
  key: string,
  derivation: Derivation<T>,
): T {
  let memo = memos.get(docs)
  if (!memo) memos.set(docs, (memo = new Map()))
  if (memo.has(key)) return memo.get(key) as T
  const patch = patches.get(docs)
  let value: T
  if (patch?.previous?.has(key)) {
    value = derivation.patch(patch.previous.get(key) as T, patch, docs)
    // The previous array's value is no longer needed for this one (it recomputes if asked).
    patch.previous.delete(key)
    if (patch.previous.size === 0) patches.delete(docs)
  } else {
    value = derivation.compute(docs)
  }
  memo.set(key, value)
  return value
}

/**
 * A copy of an `_id`-sorted array with the changes applied (documents replaced, inserted, or
 * removed when null), in `_id` order; its derived values will be patched from those of `docs`.
 */
export function applyChanges(
  docs: readonly LakeDocument[],
  changes: DocumentChanges,
): LakeDocument[] {
  const ids = [...changes.keys()].sort(compareIds)
  const out: LakeDocument[] = []
  const origin = new Int32Array(docs.length + ids.length)
  let from = 0
  for (const id of ids) {
    const at = lowerBound(docs, id, from)
    for (let j = from; j < at; j++) {
      origin[out.length] = j
      out.push(docs[j])
    }
    from = at < docs.length && docs[at]._id === id ? at + 1 : at
    const doc = changes.get(id)
    if (doc) {
      origin[out.length] = -1
      out.push(doc)
    }
  }
  for (let j = from; j < docs.length; j++) {
    origin[out.length] = j
    out.push(docs[j])
  }
  patches.set(out, {
    origin: origin.subarray(0, out.length),
    previousLength: docs.length,
    previous: memos.get(docs),
  })
  // The previous array's own patch is no longer needed by anything made from now on.
  patches.delete(docs)
  return out
}

/** The first position at or after `from` whose `_id` is not below `id`. */
export function lowerBound(docs: readonly LakeDocument[], id: string, from = 0): number {
  let lo = from
  let hi = docs.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (compareIds(docs[mid]._id, id) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}
