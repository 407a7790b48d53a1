/**
 * Persistent storage of the lake: one embedded SQLite database holding datasets, documents, every
 * reference, the append-only transaction log (with before/after per document for history), the
 * full-text index, hashed API tokens and the Studio's per-user UI state.
 *
 * `LakeStorage` is the one object the rest of the lake holds; each concern lives in its own module
 * and this class only composes them and owns the commit, the one write that spans them:
 * database.ts (connection, pragmas, atomic runs), schema.ts (tables), datasets.ts, documents.ts
 * (with the in-memory copy queries read), transactions.ts (log and history), tokens.ts (tokens,
 * users, key-value state). No SQL outside lake/store/.
 */
import {transactionIdConflict} from '../core/errors.ts'
import type {CommittedTransaction, LakeDocument, Role} from '../core/types.ts'
import {Database} from './database.ts'
import {DatasetStore, type AclMode, type DatasetInfo} from './datasets.ts'
import {DocumentStore} from './documents.ts'
import {TokenStore, type TokenListing, type TokenRecord} from './tokens.ts'
import {importRow, type ImportRow} from './importRows.ts'
import {ImportSession} from './importSession.ts'
import {
  TransactionLog,
  type ImportHeader,
  type TransactionFilter,
  type TransactionRecord,
} from './transactions.ts'
import {WriteGate} from './writeGate.ts'

export type {AclMode, DatasetInfo} from './datasets.ts'
export type {TokenListing, TokenRecord} from './tokens.ts'
export type {ImportHeader, TransactionFilter, TransactionRecord} from './transactions.ts'
export type {ImportRow} from './importRows.ts'
export type {ImportSession} from './importSession.ts'

export class LakeStorage {
  private readonly database: Database
  private readonly datasets: DatasetStore
  private readonly documents: DocumentStore
  private readonly log: TransactionLog
  private readonly tokens: TokenStore
  /** Held while a write runs on another connection (an import); see lake/store/writeGate.ts. */
  readonly writeGate = new WriteGate()

  constructor(dataDir: string, options: {busyTimeoutMs?: number} = {}) {
    this.database = new Database(dataDir, options)
    this.datasets = new DatasetStore(this.database)
    this.documents = new DocumentStore(this.database)
    this.log = new TransactionLog(this.database)
    this.tokens = new TokenStore(this.database)
  }

  /** The SQLite connection, for tests that inspect the file's settings and rows. */
  get db() {
    return this.database.db
  }

  /** The database file; assets and the TLS certificate live next to it. */
  get path(): string {
    return this.database.path
  }

  close(): void {
    this.database.close()
  }

  // ---------------------------------------------------------------- datasets

  listDatasets(): DatasetInfo[] {
    return this.datasets.list()
  }

  getDataset(name: string): DatasetInfo | null {
    return this.datasets.get(name)
  }

  createDataset(name: string, aclMode: AclMode = 'public'): DatasetInfo {
    this.datasets.create(name, aclMode)
    return this.datasets.get(name) as DatasetInfo
  }

  setDatasetAclMode(name: string, aclMode: AclMode): void {
    this.datasets.setAclMode(name, aclMode)
  }

  deleteDataset(name: string): boolean {
    const existed = this.datasets.delete(name)
    this.documents.forget(name)
    return existed
  }

  // ---------------------------------------------------------------- documents

  /** The committed document by exact id. Returned objects are shared: never mutate them. */
  getDocument(dataset: string, id: string): LakeDocument | null {
    return this.documents.get(dataset, id)
  }

  /** All documents of a dataset sorted by `_id` ascending (shared array: do not mutate). */
  allDocuments(dataset: string): readonly LakeDocument[] {
    return this.documents.all(dataset)
  }

  documentCount(dataset: string): number {
    return this.documents.count(dataset)
  }

  /** Documents of one `_type`, sorted by `_id`, from memory (shared array: do not mutate). */
  documentsByType(dataset: string, type: string): readonly LakeDocument[] {
    return this.documents.byType(dataset, type)
  }

  /** Ids of documents whose `_type` is one of `types`. */
  idsByType(dataset: string, types: readonly string[]): string[] {
    return types.flatMap((type) => this.documents.byType(dataset, type).map((doc) => doc._id))
  }

  /** Ids of documents whose `_type` is one of `types`, from SQL (start-up checks; indexed for
   *  system types). */
  idsByTypeSql(dataset: string, types: readonly string[]): string[] {
    return this.documents.idsByTypeSql(dataset, types)
  }

  /** Ids of committed documents starting with `prefix` (e.g. a release's `versions.<id>.`). */
  idsWithPrefix(dataset: string, prefix: string): string[] {
    return this.documents.idsWithPrefix(dataset, prefix)
  }

  /** Ids of documents whose `slug.current` is one of `slugs`. */
  idsBySlug(dataset: string, slugs: readonly string[]): string[] {
    return this.documents.idsBySlug(dataset, slugs)
  }

  /** Ids of committed documents holding a strong reference to `id`. */
  referencingIds(dataset: string, id: string): string[] {
    return this.documents.referencingIds(dataset, id)
  }

  /**
   * Ids of the dataset's documents matching a search in Sanity's `text::query()` syntax, best
   * match first (lake/store/textIndex.ts).
   */
  searchText(dataset: string, search: string): string[] {
    return this.documents.search(dataset, search)
  }

  /** Ids of committed documents with any `_ref` to one of `ids` (GROQ `references()`), by `_id`. */
  idsReferencing(dataset: string, ids: readonly string[]): string[] {
    return this.documents.idsReferencing(dataset, ids)
  }

  // ---------------------------------------------------------------- commit and history

  hasTransaction(dataset: string, transactionId: string): boolean {
    return this.log.has(dataset, transactionId)
  }

  /**
   * Writes a transaction atomically: every changed document, the strong-reference index and the
   * transaction-log rows in ONE SQLite transaction. Creates the dataset when `createDataset` is set.
   * Throws LakeError 409 when the transaction id was already used in the dataset.
   */
  commit(tx: CommittedTransaction, options: {createDataset?: boolean} = {}): void {
    if (this.writeGate.busy) throw new Error('A commit ran while a long write held the write gate')
    this.write(tx, options.createDataset, (id) => this.documents.isLogged(tx.dataset, id))
    this.documents.applied(tx.dataset, tx.changes)
  }

  /**
   * The rows an import writes for one of its documents (lake/store/importRows.ts), against the
   * committed state in the memory copy; the import writer's thread writes them with
   * {@link beginImport} on its own connection, then this storage calls {@link committed}.
   * `replaces`: an earlier line of the same import had the id.
   */
  importRow(dataset: string, doc: LakeDocument, json: string, replaces: boolean): ImportRow {
    const before = this.documents.get(dataset, doc._id)
    return importRow(dataset, {
      doc,
      json,
      before,
      beforeLogged: before !== null && this.documents.isLogged(dataset, doc._id),
      replaces,
    })
  }

  /** An import's transaction on this connection, written in batches (lake/store/importSession.ts);
   *  it creates the dataset. */
  beginImport(header: ImportHeader): ImportSession {
    const {database, datasets, documents, log} = this
    return new ImportSession({database, datasets, documents, log}, header)
  }

  /** Brings the memory copy up to date with a transaction another connection committed. */
  committed(tx: CommittedTransaction): void {
    this.documents.applied(tx.dataset, tx.changes)
  }

  private write(
    tx: CommittedTransaction,
    createDataset: boolean | undefined,
    isLogged: (id: string) => boolean,
  ): void {
    this.database.inTransaction(() => {
      if (createDataset) this.datasets.create(tx.dataset, 'public', tx.timestamp)
      if (this.log.has(tx.dataset, tx.transactionId)) throw transactionIdConflict(tx.transactionId)
      const changes = tx.changes.map((change) => ({
        id: change.id,
        before: change.before,
        after: change.after === null ? null : JSON.stringify(change.after),
        beforeLogged: change.before !== null && isLogged(change.id),
      }))
      const seq = this.log.append(tx, changes)
      this.documents.write(tx.dataset, tx.changes, seq)
    })
  }

  transactionSeq(dataset: string, transactionId: string): number | null {
    return this.log.seq(dataset, transactionId)
  }

  /** The last recorded state change of a document at or before `seq` / `time` (or overall). */
  documentStateAt(
    dataset: string,
    id: string,
    at: {seq?: number; time?: string},
  ): {before: LakeDocument | null; after: LakeDocument | null} | null {
    return this.log.documentStateAt(dataset, id, at)
  }

  /** Transactions of a dataset touching any of `filter.ids` (all when absent), in commit order. */
  transactions(dataset: string, filter: TransactionFilter): TransactionRecord[] {
    return this.log.list(dataset, filter)
  }

  // ---------------------------------------------------------------- tokens and users

  insertToken(record: TokenRecord): void {
    this.tokens.insert(record)
  }

  tokenByHash(hash: string): TokenRecord | null {
    return this.tokens.byHash(hash)
  }

  /** Every token with role, label, creation and last use (for `lake:token list`). */
  listTokens(): TokenListing[] {
    return this.tokens.list()
  }

  /** Records a request made with the token (throttled; see tokens.ts). */
  recordTokenUse(tokenId: string): void {
    // Advisory bookkeeping: skipped while an import holds the write lock rather than waiting.
    if (this.writeGate.busy) return
    this.tokens.recordUse(tokenId)
  }

  /** Revokes a token by id: requests with it get 401 from the next one on. */
  deleteToken(tokenId: string): boolean {
    return this.tokens.delete(tokenId)
  }

  /** The current role of each token id that still exists (what open streams re-check). */
  tokenRoles(tokenIds: readonly string[]): Map<string, Role> {
    return this.tokens.rolesById(tokenIds)
  }

  /** Calls `listener` after each token change made by this lake; returns the unsubscribe. */
  onTokensChanged(listener: () => void): () => void {
    return this.tokens.onChange(listener)
  }

  tokenLabel(tokenId: string): string | null {
    return this.tokens.labelById(tokenId)
  }

  /** The most recent token of an identity (its label and role), or null. */
  latestTokenOf(identity: string): {label: string | null; role: Role} | null {
    return this.tokens.latestOfIdentity(identity)
  }

  /** Deletes a token by id when its label starts with `labelPrefix`; whether one was deleted. */
  deleteTokenWithLabelPrefix(tokenId: string, labelPrefix: string): boolean {
    return this.tokens.deleteWithLabelPrefix(tokenId, labelPrefix)
  }

  keyValues(identity: string, keys: readonly string[]): Array<{key: string; value: unknown}> {
    return this.tokens.keyValues(identity, keys)
  }

  setKeyValues(identity: string, pairs: ReadonlyArray<{key: string; value: unknown}>): void {
    this.tokens.setKeyValues(identity, pairs)
  }
}
