/**
 * The documents a scored search's `_id` term can hit, and those with a stored `_score`, without
 * reading every document per query (lake/groq/plan/scoreSite.ts `scoreCandidates`).
 *
 * A document's id never changes, nor do its tokens (lake/groq/plan/textLookup.ts `textTokens`),
 * so the ids of a source's whole `_id`-sorted array are bucketed once by the first two characters
 * of each of their tokens (one-character tokens by that character), and a commit's copy of the
 * array (lake/groq/plan/derived.ts) only adds its new or changed documents to a short list
 * checked one by one; the buckets are rebuilt when that list grows long. A lookup's candidates
 * (the buckets its tokens can be in, plus that list) are then checked exactly, so deleted
 * documents left in a bucket don't matter.
 */
import type {LakeDocument} from '../../core/types.ts'
import {derived, type Derivation} from './derived.ts'
import {hits, textTokens, type TextQuery} from './textLookup.ts'

/** Above this many documents added or changed since the buckets were built, they are rebuilt. */
const FRESH_LIMIT = 1_000

interface IdIndex {
  /** Raw ids by the first two characters of one of their tokens (or the whole one-character token). */
  buckets: Map<string, string[]>
  /** Documents added or changed since the buckets were built. */
  fresh: LakeDocument[]
  /** Raw ids that had a positive stored `_score` (a superset: never removed). */
  scored: Set<string>
}

function hasPositiveScore(doc: LakeDocument): boolean {
  const stored = (doc as {_score?: unknown})._score
  return typeof stored === 'number' && stored > 0
}

function build(docs: readonly LakeDocument[]): IdIndex {
  const buckets = new Map<string, string[]>()
  const scored = new Set<string>()
  for (const doc of docs) {
    const id = doc._id
    let previous = ''
    for (const token of textTokens(id)) {
      const key = token.slice(0, 2)
      if (key === previous) continue
      previous = key
      const bucket = buckets.get(key)
      if (bucket) {
        if (bucket[bucket.length - 1] !== id) bucket.push(id)
      } else buckets.set(key, [id])
    }
    if (hasPositiveScore(doc)) scored.add(id)
  }
  return {buckets, fresh: [], scored}
}

const derivation: Derivation<IdIndex> = {
  compute: build,
  patch: (previous, {pieces}, docs) => {
    const fresh = [...previous.fresh]
    const scored = new Set(previous.scored)
    for (const piece of pieces) {
      if (piece.kind !== 'fresh') continue
      const doc = docs[piece.at]
      fresh.push(doc)
      if (hasPositiveScore(doc)) scored.add(doc._id)
    }
    if (fresh.length > FRESH_LIMIT) return build(docs)
    return {buckets: previous.buckets, fresh, scored}
  },
}

function indexOf(all: readonly LakeDocument[]): IdIndex {
  return derived(all, 'idTokens', derivation)
}

/** Bucket keys a token lookup can be in. */
function keysOf(q: TextQuery, keys: Iterable<string>, out: Set<string>): void {
  if (q.kind !== 'token') {
    for (const part of q.parts) keysOf(part, keys, out)
    return
  }
  const {token, prefix} = q
  if (token.length >= 2 || !prefix) out.add(token.slice(0, 2))
  else for (const key of keys) if (key.startsWith(token)) out.add(key)
}

/**
 * Raw ids of the documents of `all` (a source's whole `_id`-sorted array) whose id tokens the
 * lookup hits, as FTS5 would answer it; `get` gives the current document of an id.
 */
export function idsHitting(
  all: readonly LakeDocument[],
  query: TextQuery,
  get: (id: string) => LakeDocument | null,
): Set<string> {
  const index = indexOf(all)
  const keys = new Set<string>()
  keysOf(query, index.buckets.keys(), keys)
  const out = new Set<string>()
  const check = (id: string) => {
    if (out.has(id)) return
    const doc = get(id)
    if (doc && hits(query, textTokens(doc._id))) out.add(id)
  }
  for (const key of keys) for (const id of index.buckets.get(key) ?? []) check(id)
  for (const doc of index.fresh) check(doc._id)
  return out
}

/** Raw ids of the documents of `all` with a positive stored `_score`. */
export function idsWithStoredScore(
  all: readonly LakeDocument[],
  get: (id: string) => LakeDocument | null,
): string[] {
  return [...indexOf(all).scored].filter((id) => {
    const doc = get(id)
    return doc !== null && hasPositiveScore(doc)
  })
}
