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
 * Indexes are kept up to date incrementally (lake/groq/documentIndexes.ts: a change is queued for
 * the arrays it touches and merged when a query next reads them, so untouched types keep their
 * arrays and the planner's memos are patched, not rebuilt). A large batch (an import) drops the
 * indexes instead, to be rebuilt on first use.
 */
import {DatabaseSync, type StatementSync} from 'node:sqlite'
import type {LakeDocument} from '../core/types.ts'
import {DocumentIndexes} from './documentIndexes.ts'
import type {QuerySource} from './source.ts'
import {WorkerText} from './workerText.ts'
import type {TextQuery} from './plan/textLookup.ts'

/** Above this many changed documents in one refresh, indexes are rebuilt rather than patched. */
const INCREMENTAL_LIMIT = 256

interface DatasetCache {
  createdAt: string
  /** Highest transaction-log sequence number applied. */
  seq: number
  /** `PRAGMA data_version` when this cache was last brought up to date. */
  version: number
  docs: Map<string, LakeDocument>
  indexes: DocumentIndexes
}

export class WorkerDocuments {
  private readonly db: DatabaseSync
  private readonly caches = new Map<string, DatasetCache>()
  private readonly statements = new Map<string, StatementSync>()
  /** Full-text lookups, consistent with the caches (lake/groq/workerText.ts). */
  private readonly text: WorkerText

  constructor(path: string) {
    this.db = new DatabaseSync(path, {readOnly: true})
    // The writer may hold the lock briefly while committing.
    this.db.exec('PRAGMA busy_timeout = 5000')
    this.text = new WorkerText(this.db, (sql) => this.stmt(sql))
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
        indexes: new DocumentIndexes(docs),
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
    if (!cache) return EMPTY_SOURCE
    const idsMatchingText = (query: TextQuery, types: readonly string[] | null) => {
      const ofTypes = types && ((id: string) => types.includes(cache.docs.get(id)?._type ?? ''))
      return this.text.ids(dataset, cache.createdAt, query, ofTypes)
    }
    return {...this.sourceOf(cache), idsMatchingText}
  }

  /**
   * Applies what was committed since, if this worker holds the dataset (the pool sends this after
   * each commit, so the next query finds the copy and its indexes current). Never loads one.
   */
  refresh(dataset: string): void {
    if (this.caches.has(dataset)) this.current(dataset)
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
      if (incremental) cache.indexes.change(id, before, after)
    }
    if (!incremental) cache.indexes = new DocumentIndexes(cache.docs)
  }

  private sourceOf(cache: DatasetCache): QuerySource {
    return {
      get: (id) => cache.docs.get(id) ?? null,
      idsReferencing: (ids) => cache.indexes.idsReferencing(ids),
      all: () => cache.indexes.all(),
      docsByType: (type) => cache.indexes.ofType(type),
      idsByType: (types) =>
        types.flatMap((type) => cache.indexes.ofType(type).map((doc) => doc._id)),
      idsBySlug: (slugs) => cache.indexes.idsBySlug(slugs),
    }
  }
}

const EMPTY_SOURCE: QuerySource = {
  get: () => null,
  all: () => [],
  docsByType: () => [],
  idsByType: () => [],
  idsBySlug: () => [],
}
