/** Where a query's documents come from: the storage of one dataset, a worker's cache, or an array. */
import {compareIds} from '../core/ids.ts'
import {findReferences} from '../core/references.ts'
import type {LakeDocument} from '../core/types.ts'
import {documentText} from '../store/textIndex.ts'
import {hits, textTokens, type TextQuery} from './plan/textLookup.ts'

/** The committed documents of one dataset, with the lookups the planner uses. */
export interface QuerySource {
  get(id: string): LakeDocument | null
  /** Every document, sorted by `_id` ascending. */
  all(): readonly LakeDocument[]
  idsByType(types: readonly string[]): string[]
  idsBySlug(slugs: readonly string[]): string[]
  /**
   * Ids of the documents with a `_ref` equal to one of `ids` anywhere inside (a superset of
   * what GROQ's `references()` matches). Without it, `references()` narrows nothing.
   */
  idsReferencing?(ids: readonly string[]): string[]
  /**
   * Ids of the documents the full-text index hits for `query` (lake/groq/plan/textLookup.ts),
   * of one of `types` unless null, consistent with `get`/`all` (it may hold more ids, never
   * fewer); null when it can't answer. Without it, text lookups narrow nothing.
   */
  idsMatchingText?(query: TextQuery, types: readonly string[] | null): string[] | null
  /** Optional fast path: the documents of one type, sorted by `_id`. */
  docsByType?(type: string): readonly LakeDocument[]
}

/** A QuerySource over a plain array (tests, dry runs). */
export function arraySource(documents: readonly LakeDocument[]): QuerySource {
  const byId = new Map(documents.map((doc) => [doc._id, doc]))
  const sorted = [...documents].sort((a, b) => compareIds(a._id, b._id))
  return {
    get: (id) => byId.get(id) ?? null,
    all: () => sorted,
    idsReferencing: (ids) =>
      sorted
        .filter((doc) => findReferences(doc).some((reference) => ids.includes(reference.ref)))
        .map((doc) => doc._id),
    idsMatchingText: (query, types) =>
      sorted
        .filter((doc) => !types || types.includes(doc._type))
        .filter((doc) => hits(query, textTokens(documentText(doc))))
        .map((doc) => doc._id),
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
