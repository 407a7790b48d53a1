/**
 * An import's ONE SQLite transaction, written in batches as they arrive (the import writer's
 * thread, lake/write/importWriterThread.ts, gets the rows of each batch of lines from the main
 * thread, lake/store/importRows.ts): the transaction opens with the first rows and commits once
 * the last line was parsed, or rolls back, so a bad line anywhere still writes nothing.
 *
 * References are kept until the commit and written then, sorted by their key, as one commit
 * writes them (lake/store/documents.ts); a replacing row (the same id on a later line) replaces
 * its document's. An import without documents only creates its dataset.
 */
import {transactionIdConflict} from '../core/errors.ts'
import type {Database} from './database.ts'
import type {DatasetStore} from './datasets.ts'
import type {DocumentStore} from './documents.ts'
import type {ImportRow} from './importRows.ts'
import type {ImportHeader, TransactionLog} from './transactions.ts'

interface Stores {
  database: Database
  datasets: DatasetStore
  documents: DocumentStore
  log: TransactionLog
}

export class ImportSession {
  readonly #stores: Stores
  readonly #header: ImportHeader
  /** The transaction's log sequence number, once it is open. */
  #seq: number | null = null
  readonly #ids: string[] = []

  constructor(stores: Stores, header: ImportHeader) {
    this.#stores = stores
    this.#header = header
  }

  /** Writes a batch of rows, in line order; the first batch opens the transaction. */
  write(rows: readonly ImportRow[]): void {
    const {documents, log} = this.#stores
    const {dataset} = this.#header
    const seq = this.#seq ?? this.#open()
    const appended = []
    for (const row of rows) {
      if (row.replaces) continue
      appended.push({id: row.id, before: row.before, after: row.after, fromLog: row.beforeFromLog})
      this.#ids.push(row.id)
    }
    log.appendDocuments(dataset, seq, appended)
    for (const row of rows) if (row.replaces) log.replaceAfter(dataset, row.id, seq, row.after)
    documents.writeImported(dataset, rows, seq)
  }

  /** Commits (or only creates the dataset, when no rows came). */
  commit(): void {
    const {database, datasets, log} = this.#stores
    const {dataset, timestamp} = this.#header
    if (this.#seq === null) {
      datasets.create(dataset, 'public', timestamp)
      return
    }
    log.setDocumentIds(this.#seq, this.#ids)
    database.commit()
  }

  rollback(): void {
    this.#stores.database.rollback()
  }

  #open(): number {
    const {database, datasets, log} = this.#stores
    const {dataset, transactionId, timestamp} = this.#header
    database.begin()
    try {
      datasets.create(dataset, 'public', timestamp)
      if (log.has(dataset, transactionId)) throw transactionIdConflict(transactionId)
      this.#seq = log.appendImport(this.#header)
      return this.#seq
    } catch (error) {
      database.rollback()
      throw error
    }
  }
}
