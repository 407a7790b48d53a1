/**
 * Persistent storage of the lake: one embedded SQLite database (`node:sqlite`) holding datasets,
 * documents (with indexed `_type` and `slug.current`), strong references, the append-only
 * transaction log (with before/after per document for history) and hashed API tokens.
 *
 * SQLite is the source of truth. Each dataset's documents are also kept parsed in memory (loaded on
 * first use, updated after every commit) so queries don't re-parse JSON.
 *
 * Durability: WAL mode with `synchronous=FULL`, so a transaction that was acknowledged survives a
 * power loss (NORMAL in WAL mode may lose the last commits on power failure).
 */
import {mkdirSync} from 'node:fs'
import {join} from 'node:path'
import {DatabaseSync, type StatementSync} from 'node:sqlite'
import {strongLocalTargets} from '../core/references.ts'
import {transactionIdConflict} from '../core/errors.ts'
import type {CommittedTransaction, LakeDocument, Role} from '../core/types.ts'

export type AclMode = 'public' | 'private'

export interface DatasetInfo {
  name: string
  aclMode: AclMode
  createdAt: string
}

export interface TokenRecord {
  id: string
  hash: string
  role: Role
  label: string | null
  identity: string
  createdAt: string
}

/** One row of the transaction log, with the per-document states it produced. */
export interface TransactionRecord {
  seq: number
  id: string
  timestamp: string
  author: string
  mutations: unknown[]
  documentIDs: string[]
  documents: Array<{id: string; before: LakeDocument | null; after: LakeDocument | null}>
}

export interface TransactionFilter {
  ids?: string[]
  fromSeq?: number
  toSeq?: number
  fromTime?: string
  toTime?: string
  authors?: string[]
  reverse?: boolean
  limit?: number
}

interface DatasetCache {
  docs: Map<string, LakeDocument>
  sorted: LakeDocument[] | null
  /** `_type` → documents sorted by `_id`; rebuilt lazily after a commit. */
  byType: Map<string, LakeDocument[]> | null
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS datasets (
  name TEXT PRIMARY KEY,
  acl_mode TEXT NOT NULL DEFAULT 'public',
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
  dataset TEXT NOT NULL,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  slug TEXT,
  body TEXT NOT NULL,
  PRIMARY KEY (dataset, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS documents_type ON documents (dataset, type, id);
CREATE INDEX IF NOT EXISTS documents_slug ON documents (dataset, slug, id) WHERE slug IS NOT NULL;
CREATE TABLE IF NOT EXISTS refs (
  dataset TEXT NOT NULL,
  from_id TEXT NOT NULL,
  to_id TEXT NOT NULL,
  PRIMARY KEY (dataset, to_id, from_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS refs_from ON refs (dataset, from_id);
CREATE TABLE IF NOT EXISTS transactions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  dataset TEXT NOT NULL,
  id TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  author TEXT NOT NULL,
  mutations TEXT NOT NULL,
  document_ids TEXT NOT NULL,
  UNIQUE (dataset, id)
);
CREATE TABLE IF NOT EXISTS transaction_documents (
  dataset TEXT NOT NULL,
  doc_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  before TEXT,
  after TEXT,
  PRIMARY KEY (dataset, doc_id, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS transaction_documents_seq ON transaction_documents (seq);
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  label TEXT,
  identity TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`

function slugOf(doc: LakeDocument): string | null {
  const slug = doc.slug as {current?: unknown} | undefined
  return slug && typeof slug === 'object' && typeof slug.current === 'string' ? slug.current : null
}

function parseDoc(text: string | null | undefined): LakeDocument | null {
  return text === null || text === undefined ? null : (JSON.parse(text) as LakeDocument)
}

export class LakeStorage {
  readonly db: DatabaseSync
  readonly path: string
  private readonly caches = new Map<string, DatasetCache>()
  private readonly statements = new Map<string, StatementSync>()

  constructor(dataDir: string) {
    mkdirSync(dataDir, {recursive: true})
    this.path = join(dataDir, 'lake.sqlite')
    this.db = new DatabaseSync(this.path)
    this.db.exec('PRAGMA journal_mode = WAL')
    this.db.exec('PRAGMA synchronous = FULL')
    this.db.exec('PRAGMA busy_timeout = 5000')
    this.db.exec('PRAGMA foreign_keys = ON')
    this.db.exec(SCHEMA)
  }

  close(): void {
    if (this.db.isOpen) this.db.close()
  }

  private stmt(sql: string): StatementSync {
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.db.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }

  // ---------------------------------------------------------------- datasets

  listDatasets(): DatasetInfo[] {
    const rows = this.stmt('SELECT name, acl_mode, created_at FROM datasets ORDER BY name').all()
    return rows.map((row) => ({
      name: String(row.name),
      aclMode: row.acl_mode as AclMode,
      createdAt: String(row.created_at),
    }))
  }

  getDataset(name: string): DatasetInfo | null {
    const row = this.stmt('SELECT name, acl_mode, created_at FROM datasets WHERE name = ?').get(
      name,
    )
    if (!row) return null
    return {
      name: String(row.name),
      aclMode: row.acl_mode as AclMode,
      createdAt: String(row.created_at),
    }
  }

  createDataset(name: string, aclMode: AclMode = 'public'): DatasetInfo {
    this.stmt('INSERT OR IGNORE INTO datasets (name, acl_mode, created_at) VALUES (?, ?, ?)').run(
      name,
      aclMode,
      new Date().toISOString(),
    )
    return this.getDataset(name) as DatasetInfo
  }

  setDatasetAclMode(name: string, aclMode: AclMode): void {
    this.stmt('UPDATE datasets SET acl_mode = ? WHERE name = ?').run(aclMode, name)
  }

  deleteDataset(name: string): boolean {
    return this.inTransaction(() => {
      const existed = this.stmt('DELETE FROM datasets WHERE name = ?').run(name).changes > 0
      for (const table of ['documents', 'refs', 'transactions', 'transaction_documents']) {
        this.stmt(`DELETE FROM ${table} WHERE dataset = ?`).run(name)
      }
      this.caches.delete(name)
      return existed
    })
  }

  // ---------------------------------------------------------------- documents

  private cache(dataset: string): DatasetCache {
    let cache = this.caches.get(dataset)
    if (!cache) {
      const docs = new Map<string, LakeDocument>()
      for (const row of this.stmt(
        'SELECT body FROM documents WHERE dataset = ? ORDER BY id',
      ).iterate(dataset)) {
        const doc = parseDoc(row.body as string) as LakeDocument
        docs.set(doc._id, doc)
      }
      cache = {docs, sorted: null, byType: null}
      this.caches.set(dataset, cache)
    }
    return cache
  }

  /** The committed document by exact id. Returned objects are shared: never mutate them. */
  getDocument(dataset: string, id: string): LakeDocument | null {
    return this.cache(dataset).docs.get(id) ?? null
  }

  /** All documents of a dataset sorted by `_id` ascending (shared array: do not mutate). */
  allDocuments(dataset: string): readonly LakeDocument[] {
    const cache = this.cache(dataset)
    if (!cache.sorted) {
      cache.sorted = [...cache.docs.values()].sort((a, b) => compareIds(a._id, b._id))
    }
    return cache.sorted
  }

  documentCount(dataset: string): number {
    return this.cache(dataset).docs.size
  }

  /**
   * Documents of one `_type`, sorted by `_id` (shared array: do not mutate). Served from an
   * in-memory index derived from the document cache: the SQL index `documents_type` costs ~1 µs
   * per row, too slow for types with thousands of documents under the 5 ms query budget.
   */
  documentsByType(dataset: string, type: string): readonly LakeDocument[] {
    const cache = this.cache(dataset)
    if (!cache.byType) {
      const byType = new Map<string, LakeDocument[]>()
      for (const doc of this.allDocuments(dataset)) {
        let list = byType.get(doc._type)
        if (!list) byType.set(doc._type, (list = []))
        list.push(doc)
      }
      cache.byType = byType
    }
    return cache.byType.get(type) ?? []
  }

  /** Ids of documents whose `_type` is one of `types`. */
  idsByType(dataset: string, types: readonly string[]): string[] {
    return types.flatMap((type) => this.documentsByType(dataset, type).map((doc) => doc._id))
  }

  /** Ids of documents whose `_type` is one of `types`, through the SQL index (for checks). */
  idsByTypeSql(dataset: string, types: readonly string[]): string[] {
    if (types.length === 0) return []
    const sql = `SELECT id FROM documents WHERE dataset = ? AND type IN (${types.map(() => '?').join(',')}) ORDER BY id`
    return this.stmt(sql)
      .all(dataset, ...types)
      .map((row) => String(row.id))
  }

  /** Ids of documents whose `slug.current` is one of `slugs` (SQL index `documents_slug`). */
  idsBySlug(dataset: string, slugs: readonly string[]): string[] {
    if (slugs.length === 0) return []
    const sql = `SELECT id FROM documents WHERE dataset = ? AND slug IN (${slugs.map(() => '?').join(',')})`
    return this.stmt(sql)
      .all(dataset, ...slugs)
      .map((row) => String(row.id))
  }

  /** Ids of committed documents holding a strong reference to `id`. */
  referencingIds(dataset: string, id: string): string[] {
    return this.stmt('SELECT from_id FROM refs WHERE dataset = ? AND to_id = ? ORDER BY from_id')
      .all(dataset, id)
      .map((row) => String(row.from_id))
  }

  hasTransaction(dataset: string, transactionId: string): boolean {
    return !!this.stmt('SELECT 1 AS x FROM transactions WHERE dataset = ? AND id = ?').get(
      dataset,
      transactionId,
    )
  }

  private inTransaction<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      const result = fn()
      this.db.exec('COMMIT')
      return result
    } catch (error) {
      this.db.exec('ROLLBACK')
      throw error
    }
  }

  private writeDocument(dataset: string, id: string, after: LakeDocument | null): void {
    this.stmt('DELETE FROM refs WHERE dataset = ? AND from_id = ?').run(dataset, id)
    if (after === null) {
      this.stmt('DELETE FROM documents WHERE dataset = ? AND id = ?').run(dataset, id)
      return
    }
    this.stmt(
      'INSERT OR REPLACE INTO documents (dataset, id, type, slug, body) VALUES (?, ?, ?, ?, ?)',
    ).run(dataset, id, String(after._type), slugOf(after), JSON.stringify(after))
    for (const to of strongLocalTargets(after, dataset)) {
      this.stmt('INSERT OR IGNORE INTO refs (dataset, from_id, to_id) VALUES (?, ?, ?)').run(
        dataset,
        id,
        to,
      )
    }
  }

  private updateCache(
    dataset: string,
    changes: ReadonlyArray<{id: string; after: LakeDocument | null}>,
  ) {
    const cache = this.caches.get(dataset)
    if (!cache) return
    for (const change of changes) {
      if (change.after) cache.docs.set(change.id, change.after)
      else cache.docs.delete(change.id)
    }
    cache.sorted = null
    cache.byType = null
  }

  /**
   * Writes a transaction atomically: every changed document, the strong-reference index and the
   * transaction-log row in ONE SQLite transaction. Creates the dataset when `createDataset` is set.
   * Throws LakeError 409 when the transaction id was already used in the dataset.
   */
  commit(tx: CommittedTransaction, options: {createDataset?: boolean} = {}): void {
    const seq = this.inTransaction(() => {
      if (options.createDataset) {
        this.stmt(
          'INSERT OR IGNORE INTO datasets (name, acl_mode, created_at) VALUES (?, ?, ?)',
        ).run(tx.dataset, 'public', tx.timestamp)
      }
      if (this.hasTransaction(tx.dataset, tx.transactionId))
        throw transactionIdConflict(tx.transactionId)
      const info = this.stmt(
        'INSERT INTO transactions (dataset, id, timestamp, author, mutations, document_ids) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(
        tx.dataset,
        tx.transactionId,
        tx.timestamp,
        tx.identity,
        JSON.stringify(tx.mutations),
        JSON.stringify(tx.changes.map((c) => c.id)),
      )
      const txSeq = Number(info.lastInsertRowid)
      for (const change of tx.changes) {
        this.writeDocument(tx.dataset, change.id, change.after)
        this.stmt(
          'INSERT INTO transaction_documents (dataset, doc_id, seq, before, after) VALUES (?, ?, ?, ?, ?)',
        ).run(
          tx.dataset,
          change.id,
          txSeq,
          change.before ? JSON.stringify(change.before) : null,
          change.after ? JSON.stringify(change.after) : null,
        )
      }
      return txSeq
    })
    void seq
    this.updateCache(tx.dataset, tx.changes)
  }

  // ---------------------------------------------------------------- history

  transactionSeq(dataset: string, transactionId: string): number | null {
    const row = this.stmt('SELECT seq FROM transactions WHERE dataset = ? AND id = ?').get(
      dataset,
      transactionId,
    )
    return row ? Number(row.seq) : null
  }

  /** The last recorded state change of a document at or before `seq` / `time` (or overall). */
  documentStateAt(
    dataset: string,
    id: string,
    at: {seq?: number; time?: string},
  ): {before: LakeDocument | null; after: LakeDocument | null} | null {
    let row
    if (at.seq !== undefined) {
      row = this.stmt(
        'SELECT before, after FROM transaction_documents WHERE dataset = ? AND doc_id = ? AND seq <= ? ORDER BY seq DESC LIMIT 1',
      ).get(dataset, id, at.seq)
    } else if (at.time !== undefined) {
      row = this.stmt(
        `SELECT td.before, td.after FROM transaction_documents td JOIN transactions t ON t.seq = td.seq
         WHERE td.dataset = ? AND td.doc_id = ? AND t.timestamp <= ? ORDER BY td.seq DESC LIMIT 1`,
      ).get(dataset, id, at.time)
    } else {
      row = this.stmt(
        'SELECT before, after FROM transaction_documents WHERE dataset = ? AND doc_id = ? ORDER BY seq DESC LIMIT 1',
      ).get(dataset, id)
    }
    if (!row) return null
    return {
      before: parseDoc(row.before as string | null),
      after: parseDoc(row.after as string | null),
    }
  }

  /** Transactions of a dataset touching any of `filter.ids` (all when absent), in commit order. */
  transactions(dataset: string, filter: TransactionFilter): TransactionRecord[] {
    const where = ['t.dataset = ?']
    const args: Array<string | number> = [dataset]
    if (filter.ids && filter.ids.length > 0) {
      where.push(
        `t.seq IN (SELECT seq FROM transaction_documents WHERE dataset = ? AND doc_id IN (${filter.ids.map(() => '?').join(',')}))`,
      )
      args.push(dataset, ...filter.ids)
    }
    if (filter.fromSeq !== undefined) where.push('t.seq >= ?') && args.push(filter.fromSeq)
    if (filter.toSeq !== undefined) where.push('t.seq <= ?') && args.push(filter.toSeq)
    if (filter.fromTime !== undefined) where.push('t.timestamp >= ?') && args.push(filter.fromTime)
    if (filter.toTime !== undefined) where.push('t.timestamp <= ?') && args.push(filter.toTime)
    if (filter.authors && filter.authors.length > 0) {
      where.push(`t.author IN (${filter.authors.map(() => '?').join(',')})`)
      args.push(...filter.authors)
    }
    let sql = `SELECT t.seq, t.id, t.timestamp, t.author, t.mutations, t.document_ids FROM transactions t WHERE ${where.join(' AND ')} ORDER BY t.seq ${filter.reverse ? 'DESC' : 'ASC'}`
    if (filter.limit !== undefined) {
      sql += ' LIMIT ?'
      args.push(filter.limit)
    }
    const rows = this.db.prepare(sql).all(...args)
    return rows.map((row) => {
      const seq = Number(row.seq)
      const documents = this.stmt(
        'SELECT doc_id, before, after FROM transaction_documents WHERE seq = ?',
      )
        .all(seq)
        .map((d) => ({
          id: String(d.doc_id),
          before: parseDoc(d.before as string | null),
          after: parseDoc(d.after as string | null),
        }))
      return {
        seq,
        id: String(row.id),
        timestamp: String(row.timestamp),
        author: String(row.author),
        mutations: JSON.parse(String(row.mutations)) as unknown[],
        documentIDs: JSON.parse(String(row.document_ids)) as string[],
        documents,
      }
    })
  }

  // ---------------------------------------------------------------- tokens

  insertToken(record: TokenRecord): void {
    this.stmt(
      'INSERT INTO tokens (id, hash, role, label, identity, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO UPDATE SET role = excluded.role',
    ).run(record.id, record.hash, record.role, record.label, record.identity, record.createdAt)
  }

  tokenByHash(hash: string): TokenRecord | null {
    const row = this.stmt(
      'SELECT id, hash, role, label, identity, created_at FROM tokens WHERE hash = ?',
    ).get(hash)
    if (!row) return null
    return {
      id: String(row.id),
      hash: String(row.hash),
      role: row.role as Role,
      label: row.label === null ? null : String(row.label),
      identity: String(row.identity),
      createdAt: String(row.created_at),
    }
  }
}

/** Ordering of `_id`s: plain code-unit comparison (what `Array.prototype.sort` does). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
