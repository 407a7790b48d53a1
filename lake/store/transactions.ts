/**
 * The append-only transaction log (`transactions`, `transaction_documents`): who wrote what and
 * when, with each document's state before and after, which is all that history needs. Each
 * revision is stored once, as its row's `after`; a `before` that is the document's previous
 * logged revision is read from that row ({@link BEFORE}); mutations are kept deflated, those
 * repeating an after state as a pointer to it (lake/store/mutationLog.ts).
 */
import type {SQLInputValue} from 'node:sqlite'
import type {CommittedTransaction, LakeDocument} from '../core/types.ts'
import {placeholders, type Database} from './database.ts'
import {deflateJson, inflateJson} from './compression.ts'
import {parseDocument} from './documents.ts'
import {compactMutations, expandMutations} from './mutationLog.ts'

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
  /** Also transactions touching any id that starts with one of these. */
  idPrefixes?: string[]
  fromSeq?: number
  toSeq?: number
  fromTime?: string
  toTime?: string
  authors?: string[]
  reverse?: boolean
  limit?: number
  /** Read the before/after states of only these documents (history's
   *  `includeIdentifiedDocumentsOnly`): a large import's transaction is not parsed whole. */
  statesOf?: readonly string[]
  /** Leave `mutations` empty (history's `excludeMutations`). */
  withoutMutations?: boolean
}

/** The `before` of a `transaction_documents td` row, also when it is the previous revision. */
const BEFORE = `CASE WHEN td.before_from_log = 1 THEN (
  SELECT p.after FROM transaction_documents p
  WHERE p.dataset = td.dataset AND p.doc_id = td.doc_id AND p.seq < td.seq
  ORDER BY p.seq DESC LIMIT 1) ELSE td.before END`

/** Stored in place of an import's mutations, which are `createOrReplace` of each after state. */
const AFTERS = {createOrReplaceAfters: true}

function storedMutations(tx: CommittedTransaction): string | Uint8Array {
  const repeatsAfters =
    tx.mutations.length === tx.changes.length &&
    tx.mutations.every((mutation, index) => {
      const after = tx.changes[index].after
      return after !== null && 'createOrReplace' in mutation && mutation.createOrReplace === after
    })
  if (repeatsAfters) return JSON.stringify(AFTERS)
  const afters = new Map(tx.changes.map((change) => [change.id, change.after]))
  return deflateJson(compactMutations(tx.mutations, (id) => afters.get(id)))
}

function mutationsOf(stored: unknown, documents: TransactionRecord['documents']): unknown[] {
  const value = inflateJson(stored)
  if (!Array.isArray(value)) return documents.map((document) => ({createOrReplace: document.after}))
  const afters = new Map(documents.map((document) => [document.id, document.after]))
  return expandMutations(value, (id) => afters.get(id))
}

/** An import's transaction, as its log row names it. */
export interface ImportHeader {
  dataset: string
  transactionId: string
  /** ISO with ms. */
  timestamp: string
  identity: string
}

/** A change as the log stores it: the after state already serialized (shared with documents). */
export interface LoggedChange {
  id: string
  before: LakeDocument | null
  /** JSON of the after state, or null for a delete. */
  after: string | null
  /** Whether `before` is the document's last logged revision (then it is not stored again). */
  beforeLogged: boolean
}

export class TransactionLog {
  private readonly database: Database

  constructor(database: Database) {
    this.database = database
  }

  has(dataset: string, transactionId: string): boolean {
    return this.seq(dataset, transactionId) !== null
  }

  seq(dataset: string, transactionId: string): number | null {
    const row = this.database
      .stmt('SELECT seq FROM transactions WHERE dataset = ? AND id = ?')
      .get(dataset, transactionId)
    return row ? Number(row.seq) : null
  }

  /** Appends a transaction and its per-document states; call inside a database transaction. */
  append(tx: CommittedTransaction, changes: readonly LoggedChange[]): number {
    const info = this.database
      .stmt(
        'INSERT INTO transactions (dataset, id, timestamp, author, mutations, document_ids) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        tx.dataset,
        tx.transactionId,
        tx.timestamp,
        tx.identity,
        storedMutations(tx),
        JSON.stringify(changes.map((c) => c.id)),
      )
    const seq = Number(info.lastInsertRowid)
    this.appendDocuments(
      tx.dataset,
      seq,
      changes.map((change) => {
        const fromLog = change.before !== null && change.beforeLogged
        const before = change.before === null || fromLog ? null : JSON.stringify(change.before)
        return {id: change.id, before, after: change.after, fromLog}
      }),
    )
    return seq
  }

  /**
   * Appends an import's transaction row (lake/store/importSession.ts) before its documents are
   * known: its mutations are the `createOrReplace` of each after state, its document ids are
   * set by {@link setDocumentIds} once they are all written.
   */
  appendImport(header: ImportHeader): number {
    const info = this.database
      .stmt(
        'INSERT INTO transactions (dataset, id, timestamp, author, mutations, document_ids) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        header.dataset,
        header.transactionId,
        header.timestamp,
        header.identity,
        JSON.stringify(AFTERS),
        '[]',
      )
    return Number(info.lastInsertRowid)
  }

  setDocumentIds(seq: number, ids: readonly string[]): void {
    this.database
      .stmt('UPDATE transactions SET document_ids = ? WHERE seq = ?')
      .run(JSON.stringify(ids), seq)
  }

  /** A transaction's log rows, many per statement: `before` is null when it is the last logged
   *  revision (`fromLog`), `after` null for a delete. */
  appendDocuments(
    dataset: string,
    seq: number,
    rows: ReadonlyArray<{
      id: string
      before: string | null
      after: string | null
      fromLog: boolean
    }>,
  ): void {
    const values: SQLInputValue[] = []
    for (const row of rows) {
      values.push(dataset, row.id, seq, row.before, row.after, row.fromLog ? 1 : 0)
    }
    this.database.insertRows(
      'INSERT INTO transaction_documents (dataset, doc_id, seq, before, after, before_from_log)',
      6,
      values,
    )
  }

  /** Replaces the `after` of a document's log row (a later line of the same import). */
  replaceAfter(dataset: string, id: string, seq: number, after: string): void {
    this.database
      .stmt(
        'UPDATE transaction_documents SET after = ? WHERE dataset = ? AND doc_id = ? AND seq = ?',
      )
      .run(after, dataset, id, seq)
  }

  /** The last recorded state change of a document at or before `seq` / `time` (or overall). */
  documentStateAt(
    dataset: string,
    id: string,
    at: {seq?: number; time?: string},
  ): {before: LakeDocument | null; after: LakeDocument | null} | null {
    let row
    if (at.seq !== undefined) {
      row = this.database
        .stmt(
          `SELECT ${BEFORE} AS before, td.after FROM transaction_documents td WHERE td.dataset = ? AND td.doc_id = ? AND td.seq <= ? ORDER BY td.seq DESC LIMIT 1`,
        )
        .get(dataset, id, at.seq)
    } else if (at.time !== undefined) {
      row = this.database
        .stmt(
          `SELECT ${BEFORE} AS before, td.after FROM transaction_documents td JOIN transactions t ON t.seq = td.seq
         WHERE td.dataset = ? AND td.doc_id = ? AND t.timestamp <= ? ORDER BY td.seq DESC LIMIT 1`,
        )
        .get(dataset, id, at.time)
    } else {
      row = this.database
        .stmt(
          `SELECT ${BEFORE} AS before, td.after FROM transaction_documents td WHERE td.dataset = ? AND td.doc_id = ? ORDER BY td.seq DESC LIMIT 1`,
        )
        .get(dataset, id)
    }
    if (!row) return null
    return {
      before: parseDocument(row.before as string | null),
      after: parseDocument(row.after as string | null),
    }
  }

  /** Transactions of a dataset touching any of `filter.ids` / `filter.idPrefixes` (all when both
   *  are absent), in commit order. */
  list(dataset: string, filter: TransactionFilter): TransactionRecord[] {
    const where = ['t.dataset = ?']
    const args: Array<string | number> = [dataset]
    const touching: string[] = []
    const touchingArgs: string[] = []
    if (filter.ids && filter.ids.length > 0) {
      touching.push(`doc_id IN (${placeholders(filter.ids.length)})`)
      touchingArgs.push(...filter.ids)
    }
    for (const prefix of filter.idPrefixes ?? []) {
      touching.push('(doc_id >= ? AND doc_id < ?)')
      touchingArgs.push(prefix, `${prefix}\uffff`)
    }
    if (touching.length > 0) {
      where.push(
        `t.seq IN (SELECT seq FROM transaction_documents WHERE dataset = ? AND (${touching.join(' OR ')}))`,
      )
      args.push(dataset, ...touchingArgs)
    }
    if (filter.fromSeq !== undefined) where.push('t.seq >= ?') && args.push(filter.fromSeq)
    if (filter.toSeq !== undefined) where.push('t.seq <= ?') && args.push(filter.toSeq)
    if (filter.fromTime !== undefined) where.push('t.timestamp >= ?') && args.push(filter.fromTime)
    if (filter.toTime !== undefined) where.push('t.timestamp <= ?') && args.push(filter.toTime)
    if (filter.authors && filter.authors.length > 0) {
      where.push(`t.author IN (${placeholders(filter.authors.length)})`)
      args.push(...filter.authors)
    }
    let sql = `SELECT t.seq, t.id, t.timestamp, t.author, t.mutations, t.document_ids FROM transactions t WHERE ${where.join(' AND ')} ORDER BY t.seq ${filter.reverse ? 'DESC' : 'ASC'}`
    if (filter.limit !== undefined) {
      sql += ' LIMIT ?'
      args.push(filter.limit)
    }
    const rows = this.database.db.prepare(sql).all(...args)
    const only = filter.statesOf
    const documentsOf = only
      ? this.database.db.prepare(
          `SELECT td.doc_id, ${BEFORE} AS before, td.after FROM transaction_documents td WHERE td.dataset = ? AND td.seq = ? AND td.doc_id IN (${placeholders(only.length)}) ORDER BY td.rowid`,
        )
      : this.database.stmt(
          `SELECT td.doc_id, ${BEFORE} AS before, td.after FROM transaction_documents td WHERE td.dataset = ? AND td.seq = ? ORDER BY td.rowid`,
        )
    return rows.map((row) => {
      const seq = Number(row.seq)
      const documents = documentsOf.all(dataset, seq, ...(only ?? [])).map((d) => ({
        id: String(d.doc_id),
        before: parseDocument(d.before as string | null),
        after: parseDocument(d.after as string | null),
      }))
      return {
        seq,
        id: String(row.id),
        timestamp: String(row.timestamp),
        author: String(row.author),
        mutations: filter.withoutMutations ? [] : mutationsOf(row.mutations, documents),
        documentIDs: JSON.parse(String(row.document_ids)) as string[],
        documents,
      }
    })
  }
}
