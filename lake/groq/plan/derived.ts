/**
 * Values the planner derives from a shared document array (attribute columns in
 * lake/groq/plan/selection.ts, visible positions in lake/groq/perspective.ts), memoized per array
 * identity, and carried over when a write replaces the array by a patched copy.
 *
 * Shared arrays (a source's whole `_id`-sorted list and its per-type lists) are never mutated: a
 * commit replaces the arrays it touches with copies made by {@link applyChanges}, which records
 * for the copy where its documents came from ({@link ArrayPatch}: runs of the previous array, and
 * the new or changed documents). A value first asked of the copy is then patched
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

/**
 * How a copy relates to the array it was made from, in order of position in the copy: runs of
 * documents copied unchanged (previous positions `from` to `to`, exclusive, now from `at`) and
 * single new or changed documents (`fresh`, at `at`).
 */
export interface ArrayPatch {
  pieces: Array<{kind: 'run'; from: number; to: number; at: number} | {kind: 'fresh'; at: number}>
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
  const pieces: ArrayPatch['pieces'] = []
  const fresh: LakeDocument[] = []
  let from = 0
  let length = 0
  const run = (to: number) => {
    if (to > from) pieces.push({kind: 'run', from, to, at: length})
    length += to - from
  }
  for (const id of ids) {
    const at = lowerBound(docs, id, from)
    run(at)
    from = at < docs.length && docs[at]._id === id ? at + 1 : at
    const doc = changes.get(id)
    if (doc) {
      pieces.push({kind: 'fresh', at: length++})
      fresh.push(doc)
    }
  }
  run(docs.length)
  // One allocation of the final size, filled by plain copying: no growth, little garbage.
  const out = new Array<LakeDocument>(length)
  let f = 0
  for (const piece of pieces) {
    if (piece.kind === 'run') {
      for (let j = piece.from, i = piece.at; j < piece.to; j++, i++) out[i] = docs[j]
    } else {
      out[piece.at] = fresh[f++]
    }
  }
  patches.set(out, {pieces, previousLength: docs.length, previous: memos.get(docs)})
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
