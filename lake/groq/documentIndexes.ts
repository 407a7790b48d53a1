/**
 * The indexes a query worker keeps over its copy of a dataset (lake/groq/workerSource.ts): all
 * documents sorted by `_id`, per `_type` (each sorted by `_id`), by `slug.current` and by
 * referenced id. Each is built on first use and then kept up to date by {@link change}.
 *
 * The sorted arrays are shared with the planner, which memoizes derived values per array identity
 * (lake/groq/plan/derived.ts), so they are replaced, never mutated. A write does not copy them at
 * once: its change is queued per array, and an array is brought up to date when a query next asks
 * for it, in one merge for all the writes queued since (plan/derived.ts `applyChanges`, which also
 * lets the memos be patched instead of recomputed). So a write costs readers O(log n) per changed
 * document until they read a touched array, then one copy of it; arrays of other types are never
 * touched. The slug and reference indexes (sets of ids) are updated in place.
 */
import {compareIds} from '../core/ids.ts'
import {findReferences} from '../core/references.ts'
import type {LakeDocument} from '../core/types.ts'
import {applyChanges} from './plan/derived.ts'

type Changes = Map<string, LakeDocument | null>

function slugOf(doc: LakeDocument): string | null {
  const slug = doc.slug as {current?: unknown} | undefined
  return slug && typeof slug === 'object' && typeof slug.current === 'string' ? slug.current : null
}

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  let ids = index.get(key)
  if (!ids) index.set(key, (ids = new Set()))
  ids.add(id)
}

/** Removes `id` under `key`, and the key once no id is left (so deleted slugs and targets don't pile up). */
function removeFrom(index: Map<string, Set<string>>, key: string, id: string): void {
  const ids = index.get(key)
  if (ids?.delete(id) && ids.size === 0) index.delete(key)
}

/**
 * Queued changes of an array nobody reads would pile up (one entry per changed id, deleted ones
 * included); past this many they are merged as a read would.
 */
const MAX_QUEUED_CHANGES = 4096

export class DocumentIndexes {
  private readonly docs: ReadonlyMap<string, LakeDocument>
  private sorted: LakeDocument[] | null = null
  private sortedChanges: Changes = new Map()
  private byType: Map<string, LakeDocument[]> | null = null
  private typeChanges = new Map<string, Changes>()
  private bySlug: Map<string, Set<string>> | null = null
  /** `_ref` value → ids of the documents holding it (lake/core/references.ts finds them). */
  private byRef: Map<string, Set<string>> | null = null

  /** Indexes over `docs`, which the owner keeps current and reports every change of. */
  constructor(docs: ReadonlyMap<string, LakeDocument>) {
    this.docs = docs
  }

  /** Records that the document `id` changed from `before` to `after` (null: absent). */
  change(id: string, before: LakeDocument | null, after: LakeDocument | null): void {
    if (this.sorted) {
      this.sortedChanges.set(id, after)
      if (this.sortedChanges.size > MAX_QUEUED_CHANGES) this.all()
    }
    if (this.byType) {
      if (before && before._type !== after?._type) this.queueTypeChange(before._type, id, null)
      if (after) this.queueTypeChange(after._type, id, after)
    }
    if (this.bySlug) {
      const old = before ? slugOf(before) : null
      if (old !== null) removeFrom(this.bySlug, old, id)
      const slug = after ? slugOf(after) : null
      if (slug !== null) addTo(this.bySlug, slug, id)
    }
    if (this.byRef) {
      if (before) for (const {ref} of findReferences(before)) removeFrom(this.byRef, ref, id)
      if (after) for (const {ref} of findReferences(after)) addTo(this.byRef, ref, id)
    }
  }

  private queueTypeChange(type: string, id: string, doc: LakeDocument | null): void {
    let changes = this.typeChanges.get(type)
    if (!changes) this.typeChanges.set(type, (changes = new Map()))
    changes.set(id, doc)
    if (changes.size > MAX_QUEUED_CHANGES) this.ofType(type)
  }

  /** Every document, sorted by `_id` (do not mutate). */
  all(): LakeDocument[] {
    if (!this.sorted) {
      this.sorted = [...this.docs.values()].sort((a, b) => compareIds(a._id, b._id))
    } else if (this.sortedChanges.size > 0) {
      this.sorted = applyChanges(this.sorted, this.sortedChanges)
      this.sortedChanges = new Map()
    }
    return this.sorted
  }

  /** The documents of one type, sorted by `_id` (do not mutate). */
  ofType(type: string): LakeDocument[] {
    if (!this.byType) {
      const index = new Map<string, LakeDocument[]>()
      for (const doc of this.all()) {
        let list = index.get(doc._type)
        if (!list) index.set(doc._type, (list = []))
        list.push(doc)
      }
      this.byType = index
    }
    const changes = this.typeChanges.get(type)
    if (changes) {
      this.typeChanges.delete(type)
      const list = applyChanges(this.byType.get(type) ?? [], changes)
      if (list.length > 0) this.byType.set(type, list)
      else this.byType.delete(type)
    }
    return this.byType.get(type) ?? []
  }

  /** Ids of the documents whose `slug.current` is one of `slugs`. */
  idsBySlug(slugs: readonly string[]): string[] {
    if (!this.bySlug) {
      const index = new Map<string, Set<string>>()
      for (const doc of this.docs.values()) {
        const slug = slugOf(doc)
        if (slug !== null) addTo(index, slug, doc._id)
      }
      this.bySlug = index
    }
    const bySlug = this.bySlug
    return slugs.flatMap((slug) => [...(bySlug.get(slug) ?? [])])
  }

  /** Ids (sorted) of the documents holding a `_ref` to one of `ids` anywhere inside. */
  idsReferencing(ids: readonly string[]): string[] {
    if (!this.byRef) {
      const index = new Map<string, Set<string>>()
      for (const doc of this.docs.values()) {
        for (const {ref} of findReferences(doc)) addTo(index, ref, doc._id)
      }
      this.byRef = index
    }
    const found = new Set<string>()
    for (const id of ids) for (const from of this.byRef.get(id) ?? []) found.add(from)
    return [...found].sort(compareIds)
  }
}
