/**
 * A query worker's documents (lake/groq/worker.ts): its own read-only node:sqlite connection to
 * the lake's database, and per dataset a cache of the parsed documents with the indexes the
 * planner uses (sorted by `_id`, by `_type`, by `slug.current`, by referenced id). The reference
 * index is derived from the cached documents (not read from the `refs` table) so it always
 * matches them, whatever was committed since.
 *
 * Freshness: before each query the worker asks SQLite whether anything was committed since it
 * last looked (`PRAGMA data_version`, a per-connection counter that changes when another
 * connection commits); if so it reads the transaction log rows after the last sequence number it
 * applied. In WAL mode a reader sees every transaction committed before its read began, so a
 * query sent after a mutation's response sees that mutation.
 *
 * Indexes are kept up to date incrementally: a change replaces only the arrays it touches (the
 * sorted list and the changed types' lists are copied with the change applied), because the
 * planner memoizes columns and visibility per array identity (lake/groq/plan/selection.ts,
 * perspective.ts), so untouched types keep their memos. A large batch (an import) drops the
 * indexes instead, to be rebuilt on first use.
 */
import {DatabaseSync, type StatementSync} from 'node:sqlite'
import {compareIds} from '../core/ids.ts'
import {findReferences} from '../core/references.ts'
import type {LakeDocument} from '../core/types.ts'
import type {QuerySource} from './source.ts'

/** Above this many changed documents in one refresh, indexes are rebuilt rather than patched. */
const INCREMENTAL_LIMIT = 256

interface DatasetCache {
  createdAt: string
  /** Highest transaction-log sequence number applied. */
  seq: number
  /** `PRAGMA data_version` when this cache was last brought up to date. */
  version: number
  docs: Map<string, LakeDocument>
  sorted: LakeDocument[] | null
  byType: Map<string, LakeDocument[]> | null
  bySlug: Map<string, Set<string>> | null
  /** `_ref` value → ids of the documents holding it (lake/core/references.ts finds them). */
  byRef: Map<string, Set<string>> | null
}

function slugOf(doc: LakeDocument): string | null {
  const slug = doc.slug as {current?: unknown} | undefined
  return slug && typeof slug === 'object' && typeof slug.current === 'string' ? slug.current : null
}

/** Position of `id` in an `_id`-sorted array (or where it would be inserted). */
function lowerBound(docs: readonly LakeDocument[], id: string): number {
  let lo = 0
  let hi = docs.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (compareIds(docs[mid]._id, id) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** A copy of an `_id`-sorted array with `id` replaced, inserted or (doc null) removed. */
function withChange(
  docs: readonly LakeDocument[],
  id: string,
  doc: LakeDocument | null,
): LakeDocument[] {
  const at = lowerBound(docs, id)
  const present = at < docs.length && docs[at]._id === id
  const copy = docs.slice()
  if (doc) copy.splice(at, present ? 1 : 0, doc)
  else if (present) copy.splice(at, 1)
  return copy
}

export class WorkerDocuments {
  private readonly db: DatabaseSync
  private readonly caches = new Map<string, DatasetCache>()
  private readonly statements = new Map<string, StatementSync>()

  constructor(path: string) {
    this.db = new DatabaseSync(path, {readOnly: true})
    // The writer may hold the lock briefly while committing.
    this.db.exec('PRAGMA busy_timeout = 5000')
  }

  close(): void {
    this.db.close()
  }

  private stmt(sql: string): StatementSync {
    let statement = this.statements.get(sql)
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)))
    return statement
  }

  private dataVersion(): number {
    return Number(this.stmt('PRAGMA data_version').get()?.data_version)
  }

  private createdAt(dataset: string): string | null {
    const row = this.stmt('SELECT created_at FROM datasets WHERE name = ?').get(dataset)
    return row ? String(row.created_at) : null
  }

  private load(dataset: string, createdAt: string, version: number): DatasetCache {
    this.db.exec('BEGIN')
    try {
      const row = this.stmt(
        'SELECT COALESCE(MAX(seq), 0) AS seq FROM transaction_documents WHERE dataset = ?',
      ).get(dataset)
      const docs = new Map<string, LakeDocument>()
      // The current revision: the log row documents.seq names (lake/store/schema.ts).
      for (const {body} of this.stmt(
        `SELECT COALESCE(d.body, td.after) AS body FROM documents d
         LEFT JOIN transaction_documents td ON td.dataset = d.dataset AND td.doc_id = d.id AND td.seq = d.seq
         WHERE d.dataset = ? ORDER BY d.id`,
      ).iterate(dataset)) {
        const doc = JSON.parse(body as string) as LakeDocument
        docs.set(doc._id, doc)
      }
      const cache: DatasetCache = {
        createdAt,
        seq: Number(row?.seq ?? 0),
        version,
        docs,
        sorted: null,
        byType: null,
        bySlug: null,
        byRef: null,
      }
      this.caches.set(dataset, cache)
      return cache
    } finally {
      this.db.exec('COMMIT')
    }
  }

  /** The dataset's documents as of now (brought up to date first). */
  source(dataset: string): QuerySource {
    const cache = this.current(dataset)
    return cache ? this.sourceOf(cache) : EMPTY_SOURCE
  }

  private current(dataset: string): DatasetCache | null {
    const version = this.dataVersion()
    const cache = this.caches.get(dataset)
    if (cache && cache.version === version) return cache
    const createdAt = this.createdAt(dataset)
    if (createdAt === null) {
      this.caches.delete(dataset)
      return null
    }
    if (!cache || cache.createdAt !== createdAt) return this.load(dataset, createdAt, version)
    this.applyLog(dataset, cache)
    cache.version = version
    return cache
  }

  private applyLog(dataset: string, cache: DatasetCache): void {
    const rows = this.stmt(
      'SELECT seq, doc_id, after FROM transaction_documents WHERE seq > ? AND dataset = ? ORDER BY seq',
    ).all(cache.seq, dataset)
    if (rows.length === 0) return
    const incremental = rows.length <= INCREMENTAL_LIMIT
    for (const row of rows) {
      const id = String(row.doc_id)
      const after = row.after === null ? null : (JSON.parse(row.after as string) as LakeDocument)
      const before = cache.docs.get(id) ?? null
      if (after) cache.docs.set(id, after)
      else cache.docs.delete(id)
      cache.seq = Math.max(cache.seq, Number(row.seq))
      if (incremental) patchIndexes(cache, id, before, after)
    }
    if (!incremental) {
      cache.sorted = null
      cache.byType = null
      cache.bySlug = null
      cache.byRef = null
    }
  }

  private sourceOf(cache: DatasetCache): QuerySource {
    const sorted = () => {
      cache.sorted ??= [...cache.docs.values()].sort((a, b) => compareIds(a._id, b._id))
      return cache.sorted
    }
    const byType = () => {
      if (!cache.byType) {
        const index = new Map<string, LakeDocument[]>()
        for (const doc of sorted()) {
          let list = index.get(doc._type)
          if (!list) index.set(doc._type, (list = []))
          list.push(doc)
        }
        cache.byType = index
      }
      return cache.byType
    }
    const bySlug = () => {
      if (!cache.bySlug) {
        const index = new Map<string, Set<string>>()
        for (const doc of cache.docs.values()) addSlug(index, doc)
        cache.bySlug = index
      }
      return cache.bySlug
    }
    const byRef = () => {
      if (!cache.byRef) {
        const index = new Map<string, Set<string>>()
        for (const doc of cache.docs.values()) addRefs(index, doc)
        cache.byRef = index
      }
      return cache.byRef
    }
    return {
      get: (id) => cache.docs.get(id) ?? null,
      idsReferencing: (ids) => {
        const found = new Set<string>()
        for (const id of ids) for (const from of byRef().get(id) ?? []) found.add(from)
        return [...found].sort(compareIds)
      },
      all: sorted,
      docsByType: (type) => byType().get(type) ?? [],
      idsByType: (types) =>
        types.flatMap((type) => (byType().get(type) ?? []).map((doc) => doc._id)),
      idsBySlug: (slugs) => slugs.flatMap((slug) => [...(bySlug().get(slug) ?? [])]),
    }
  }
}

function addSlug(index: Map<string, Set<string>>, doc: LakeDocument): void {
  const slug = slugOf(doc)
  if (slug === null) return
  let ids = index.get(slug)
  if (!ids) index.set(slug, (ids = new Set()))
  ids.add(doc._id)
}

function addRefs(index: Map<string, Set<string>>, doc: LakeDocument): void {
  for (const {ref} of findReferences(doc)) {
    let ids = index.get(ref)
    if (!ids) index.set(ref, (ids = new Set()))
    ids.add(doc._id)
  }
}

function patchIndexes(
  cache: DatasetCache,
  id: string,
  before: LakeDocument | null,
  after: LakeDocument | null,
): void {
  if (cache.sorted) cache.sorted = withChange(cache.sorted, id, after)
  if (cache.byType) {
    if (before && before._type !== after?._type) {
      const list = withChange(cache.byType.get(before._type) ?? [], id, null)
      if (list.length) cache.byType.set(before._type, list)
      else cache.byType.delete(before._type)
    }
    if (after)
      cache.byType.set(after._type, withChange(cache.byType.get(after._type) ?? [], id, after))
  }
  if (cache.byRef) {
    if (before) for (const {ref} of findReferences(before)) cache.byRef.get(ref)?.delete(id)
    if (after) addRefs(cache.byRef, after)
  }
  if (cache.bySlug) {
    const old = before ? slugOf(before) : null
    if (old !== null) cache.bySlug.get(old)?.delete(id)
    if (after) addSlug(cache.bySlug, after)
  }
}

const EMPTY_SOURCE: QuerySource = {
  get: () => null,
  all: () => [],
  docsByType: () => [],
  idsByType: () => [],
  idsBySlug: () => [],
}
