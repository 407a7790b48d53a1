/**
 * The `documents` table, and each dataset's documents kept parsed in memory (loaded on first use,
 * updated after every commit) so queries don't re-parse JSON, with the reference index derived
 * from them. SQLite stays the source of truth; the memory copy is derived from it.
 */
import {findReferences, isLocalReference} from '../core/references.ts'
import {compareIds} from '../core/ids.ts'
import type {SQLInputValue, SQLOutputValue} from 'node:sqlite'
import type {LakeDocument} from '../core/types.ts'
import {placeholders, type Database} from './database.ts'
import {
  CURRENT_BODY,
  CURRENT_REVISION_JOIN,
  SYSTEM_TYPE_CONDITION,
  SYSTEM_TYPE_PREFIX,
} from './schema.ts'
import type {ImportRow} from './importRows.ts'
import {documentText, TextIndex} from './textIndex.ts'

interface DatasetCache {
  docs: Map<string, LakeDocument>
  /** Ids whose current revision is in `documents.body`, not in a log row (older data folders). */
  unlogged: Set<string>
  sorted: LakeDocument[] | null
  /** `_type` → documents sorted by `_id`; rebuilt lazily after a commit. */
  byType: Map<string, LakeDocument[]> | null
  /** Referenced id → referring id → 1 for a local strong reference, else 0; built on first
   *  use, then kept up to date by every commit ({@link DocumentStore.applied}). */
  referrers: Map<string, Map<string, number>> | null
}

function slugOf(doc: LakeDocument): string | null {
  const slug = doc.slug as {current?: unknown} | undefined
  return slug && typeof slug === 'object' && typeof slug.current === 'string' ? slug.current : null
}

/** Code-unit order of two strings (SQLite's BINARY collation for ASCII ids). */
function compareText(a: unknown, b: unknown): number {
  return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0
}

/** One document's change as {@link DocumentStore.write} takes it. */
export interface StoredChange {
  id: string
  before: LakeDocument | null
  after: LakeDocument | null
}

const NO_REFERENCES: ReadonlyMap<string, number> = new Map()

/** A document's referenced ids → 1 when a local strong reference to it blocks deletes, else 0. */
function referencesOf(doc: LakeDocument, dataset: string): Map<string, number> {
  const strongest = new Map<string, number>()
  for (const reference of findReferences(doc)) {
    const strong = !reference.weak && isLocalReference(reference, dataset) ? 1 : 0
    if (strong >= (strongest.get(reference.ref) ?? 0)) strongest.set(reference.ref, strong)
  }
  return strongest
}

function addReferrer(
  referrers: Map<string, Map<string, number>>,
  doc: LakeDocument,
  dataset: string,
): void {
  for (const [to, strong] of referencesOf(doc, dataset)) {
    let from = referrers.get(to)
    if (!from) referrers.set(to, (from = new Map()))
    from.set(doc._id, strong)
  }
}

function removeReferrer(
  referrers: Map<string, Map<string, number>>,
  doc: LakeDocument,
  dataset: string,
): void {
  for (const to of referencesOf(doc, dataset).keys()) {
    const from = referrers.get(to)
    from?.delete(doc._id)
    if (from?.size === 0) referrers.delete(to)
  }
}

export function parseDocument(text: string | null | undefined): LakeDocument | null {
  return text === null || text === undefined ? null : (JSON.parse(text) as LakeDocument)
}

export class DocumentStore {
  private readonly caches = new Map<string, DatasetCache>()

  private readonly database: Database
  private readonly text: TextIndex

  constructor(database: Database) {
    this.database = database
    this.text = new TextIndex(database)
  }

  /** Ids of the dataset's documents matching a search in Sanity's syntax, best first. */
  search(dataset: string, search: string): string[] {
    return this.text.search(dataset, search)
  }

  private cache(dataset: string): DatasetCache {
    let cache = this.caches.get(dataset)
    if (!cache) {
      const docs = new Map<string, LakeDocument>()
      const unlogged = new Set<string>()
      for (const row of this.database
        .stmt(
          `SELECT ${CURRENT_BODY} AS body, d.body IS NOT NULL AS unlogged FROM documents d
           LEFT JOIN transaction_documents td ON ${CURRENT_REVISION_JOIN}
           WHERE d.dataset = ? ORDER BY d.id`,
        )
        .iterate(dataset)) {
        const doc = parseDocument(row.body as string) as LakeDocument
        docs.set(doc._id, doc)
        if (row.unlogged) unlogged.add(doc._id)
      }
      cache = {docs, unlogged, sorted: null, byType: null, referrers: null}
      this.caches.set(dataset, cache)
    }
    return cache
  }

  /** The committed document by exact id. Returned objects are shared: never mutate them. */
  get(dataset: string, id: string): LakeDocument | null {
    return this.cache(dataset).docs.get(id) ?? null
  }

  /** All documents of a dataset sorted by `_id` ascending (shared array: do not mutate). */
  all(dataset: string): readonly LakeDocument[] {
    const cache = this.cache(dataset)
    if (!cache.sorted) {
      cache.sorted = [...cache.docs.values()].sort((a, b) => compareIds(a._id, b._id))
    }
    return cache.sorted
  }

  count(dataset: string): number {
    return this.cache(dataset).docs.size
  }

  /**
   * Documents of one `_type`, sorted by `_id` (shared array: do not mutate). Served from an
   * in-memory index derived from the document cache: the SQL index `documents_type` costs ~1 µs
   * per row, too slow for types with thousands of documents under the 5 ms query budget.
   */
  byType(dataset: string, type: string): readonly LakeDocument[] {
    const cache = this.cache(dataset)
    if (!cache.byType) {
      const byType = new Map<string, LakeDocument[]>()
      for (const doc of this.all(dataset)) {
        let list = byType.get(doc._type)
        if (!list) byType.set(doc._type, (list = []))
        list.push(doc)
      }
      cache.byType = byType
    }
    return cache.byType.get(type) ?? []
  }

  /**
   * Whether the committed document's current revision is its last log row (false for a document
   * whose revision only `documents.body` holds, or that does not exist).
   */
  isLogged(dataset: string, id: string): boolean {
    const cache = this.cache(dataset)
    return cache.docs.has(id) && !cache.unlogged.has(id)
  }

  /** Ids starting with `prefix` (a range on the primary key, so it costs what it returns). */
  idsWithPrefix(dataset: string, prefix: string): string[] {
    return this.database
      .stmt('SELECT id FROM documents WHERE dataset = ? AND id >= ? AND id < ? ORDER BY id')
      .all(dataset, prefix, `${prefix}\uffff`)
      .map((row) => String(row.id))
  }

  /**
   * Ids of documents whose `_type` is one of `types`, from SQL without loading the dataset (for
   * checks at start-up). System types (`system.*`, e.g. releases) go through the small index
   * `documents_system_type`; other types scan the dataset's rows.
   */
  idsByTypeSql(dataset: string, types: readonly string[]): string[] {
    if (types.length === 0) return []
    const system = types.every((type) => type.startsWith(SYSTEM_TYPE_PREFIX))
    return this.database
      .stmt(
        `SELECT id FROM documents WHERE dataset = ? AND type IN (${placeholders(types.length)})${system ? ` AND ${SYSTEM_TYPE_CONDITION}` : ''} ORDER BY id`,
      )
      .all(dataset, ...types)
      .map((row) => String(row.id))
  }

  /** Ids of documents whose `slug.current` is one of `slugs` (from the memory copy). */
  idsBySlug(dataset: string, slugs: readonly string[]): string[] {
    if (slugs.length === 0) return []
    const wanted = new Set(slugs)
    return this.all(dataset)
      .filter((doc) => {
        const slug = slugOf(doc)
        return slug !== null && wanted.has(slug)
      })
      .map((doc) => doc._id)
  }

  /** Ids of committed documents holding a strong reference to `id`, by `_id`. */
  referencingIds(dataset: string, id: string): string[] {
    const ids: string[] = []
    for (const [from, strong] of this.referrers(dataset).get(id) ?? NO_REFERENCES) {
      if (strong === 1) ids.push(from)
    }
    return ids.sort(compareText)
  }

  /**
   * Ids of committed documents with any `_ref` equal to one of `ids` (strong, weak, cross-dataset
   * or global: what GROQ's `references()` tests), sorted by `_id`.
   */
  idsReferencing(dataset: string, ids: readonly string[]): string[] {
    const referrers = this.referrers(dataset)
    const found = new Set<string>()
    for (const id of ids) for (const from of referrers.get(id)?.keys() ?? []) found.add(from)
    return [...found].sort(compareIds)
  }

  /**
   * The dataset's reference index, from the memory copy (the query workers derive theirs the
   * same way: lake/groq/documentIndexes.ts). It replaced reading the `refs` table, whose rows,
   * keyed by the referenced id, sent a batch's writes to a random page per reference: three
   * quarters of the pages a commit of 500 new documents wrote at 100k documents.
   */
  private referrers(dataset: string): Map<string, Map<string, number>> {
    const cache = this.cache(dataset)
    if (!cache.referrers) {
      cache.referrers = new Map()
      for (const doc of cache.docs.values()) addReferrer(cache.referrers, doc, dataset)
    }
    return cache.referrers
  }

  /**
   * Writes (or deletes, for a null `after`) the changed documents and their text; call inside a
   * transaction, after the log rows of `seq` holding each `after` were appended (a document row
   * points at its log row: lake/store/schema.ts), then {@link DocumentStore.applied} once it
   * committed. `before` is the committed document (null when new). Unchanged text is not
   * re-indexed. References are not written: the reference index is derived from the memory copy
   * ({@link DocumentStore.referencingIds}).
   */
  write(dataset: string, changes: readonly StoredChange[], seq: number): void {
    const insert = this.database.stmt(
      'INSERT OR IGNORE INTO documents (dataset, id, type, seq) VALUES (?, ?, ?, ?)',
    )
    const update = this.database.stmt(
      'UPDATE documents SET type = ?, seq = ?, body = NULL WHERE dataset = ? AND id = ? RETURNING rowid',
    )
    const remove = this.database.stmt(
      'DELETE FROM documents WHERE dataset = ? AND id = ? RETURNING rowid',
    )
    for (const {id, before, after} of changes) {
      if (after === null) {
        const removed = remove.get(dataset, id)
        if (removed) this.text.remove(removed.rowid as number)
      } else {
        const inserted = before === null ? insert.run(dataset, id, String(after._type), seq) : null
        if (inserted && inserted.changes > 0) {
          this.text.insertNew([inserted.lastInsertRowid, documentText(after)])
          continue
        }
        const row = update.get(String(after._type), seq, dataset, id)
        this.text.put(row?.rowid as number, after, before)
      }
    }
  }

  /**
   * Writes the `documents` rows and the text of a batch of imported documents
   * (lake/store/importRows.ts) whose log rows at `seq` hold them; call inside a transaction. New
   * documents are inserted many rows per statement.
   */
  writeImported(dataset: string, rows: readonly ImportRow[], seq: number): void {
    const fresh = rows.filter((row) => !row.existing && !row.replaces)
    const values: SQLInputValue[] = []
    for (const row of fresh) values.push(dataset, row.id, row.type, seq)
    const inserted = new Map<string, SQLOutputValue>()
    for (const {id, rowid} of this.database.insertRows(
      'INSERT OR IGNORE INTO documents (dataset, id, type, seq)',
      4,
      values,
      'RETURNING id, rowid',
    )) {
      inserted.set(id as string, rowid)
    }
    const texts: SQLInputValue[] = []
    for (const row of fresh) {
      const rowid = inserted.get(row.id)
      if (rowid !== undefined) texts.push(rowid as number, row.text ?? '')
    }
    this.text.insertNew(texts)
    // The rest in line order: updates, and later lines replacing earlier ones.
    for (const row of rows) {
      if (row.replaces) {
        const replaced = this.database
          .stmt('UPDATE documents SET type = ? WHERE dataset = ? AND id = ? RETURNING rowid')
          .get(row.type, dataset, row.id)
        this.text.write(replaced?.rowid as number, row.text ?? '')
        continue
      }
      if (!row.existing && inserted.has(row.id)) continue
      const updated = this.database
        .stmt(
          'UPDATE documents SET type = ?, seq = ?, body = NULL WHERE dataset = ? AND id = ? RETURNING rowid',
        )
        .get(row.type, seq, dataset, row.id)
      if (row.text !== null) this.text.write(updated?.rowid as number, row.text)
    }
  }

  /** Brings the memory copy up to date after a commit. */
  applied(dataset: string, changes: ReadonlyArray<{id: string; after: LakeDocument | null}>) {
    const cache = this.caches.get(dataset)
    if (!cache) return
    for (const change of changes) {
      if (cache.referrers) {
        const before = cache.docs.get(change.id)
        if (before) removeReferrer(cache.referrers, before, dataset)
        if (change.after) addReferrer(cache.referrers, change.after, dataset)
      }
      if (change.after) cache.docs.set(change.id, change.after)
      else cache.docs.delete(change.id)
      cache.unlogged.delete(change.id)
    }
    cache.sorted = null
    cache.byType = null
  }

  /** Drops the memory copy of a deleted dataset. */
  forget(dataset: string): void {
    this.caches.delete(dataset)
  }
}
