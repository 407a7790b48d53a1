/**
 * The one write path, shared by /data/mutate, /data/actions and /data/import: apply a transaction (lake/write/mutations.ts,
 * pure) against the committed state, write it in ONE SQLite transaction, then publish it to the
 * listener hub. Runs synchronously from the source read to the commit, so no other write can
 * interleave (Node is single-threaded); an import writes in another thread while holding the
 * storage's write gate, so callers run commits through {@link whenWritable}. Publishing only queues the transaction: listeners get it in
 * a later turn (lake/realtime/listeners.ts), so the response never waits for the fan-out, and it
 * is sent after the commit, when every query (also in the worker pool) sees the change.
 */
import {importTransaction, parseImportLine, type ImportedChange} from './imports.ts'
import {dataDirOf, ImportWriter} from './importWriter.ts'
import {applyTransaction, type DocumentSource} from './mutations.ts'
import type {ListenerHub} from '../realtime/listeners.ts'
import {runQuerySync, type QuerySource} from '../groq/query.ts'
import type {LakeStorage} from '../store/storage.ts'
import {badRequest, transactionIdConflict} from '../core/errors.ts'
import {compareIds, newTransactionId} from '../core/ids.ts'
import type {CommittedTransaction, LakeDocument, Mutation} from '../core/types.ts'

export interface CommitRequest {
  dataset: string
  mutations: Mutation[]
  transactionId?: string
  identity: string
  dryRun?: boolean
  autoGenerateArrayKeys?: boolean
  skipCrossDatasetReferenceValidation?: boolean
  /** Create the dataset on commit (an administrator's first write). */
  createDataset?: boolean
  /** ISO commit time; default now (the release scheduler passes its clock's time). */
  timestamp?: string
  /** Refuses the applied transaction by throwing, before anything is written (also on dryRun). */
  authorize?: (tx: CommittedTransaction) => void
  /** `mutations` were parsed from the request body for this commit alone (lake/write/mutations.ts). */
  parsedInput?: boolean
}

/** Committed state of a dataset as lake/write/mutations.ts needs it. */
export function documentSource(storage: LakeStorage, dataset: string): DocumentSource {
  return {
    get: (id) => storage.getDocument(dataset, id),
    referencingIds: (id) => storage.referencingIds(dataset, id),
    queryIds(query, params, pending) {
      const source = overlaidSource(storage, dataset, pending)
      const result = runQuerySync(source, query, params, {
        perspective: {kind: 'raw'},
        access: 'all',
        rawIncludesVersions: true,
        dataset,
      })
      const items = Array.isArray(result) ? result : result === null ? [] : [result]
      return items
        .map((item) =>
          item && typeof item === 'object' ? (item as {_id?: unknown})._id : undefined,
        )
        .filter((id): id is string => typeof id === 'string')
    },
  }
}

/** The last stored state of a document: the current one, else the last before it was deleted. */
export function lastRevisionReader(
  storage: LakeStorage,
  dataset: string,
): (id: string) => LakeDocument | null {
  return (id) => {
    const current = storage.getDocument(dataset, id)
    if (current) return current
    const state = storage.documentStateAt(dataset, id, {})
    return state?.after ?? state?.before ?? null
  }
}

/** Committed documents with the transaction's pending writes laid over them. */
function overlaidSource(
  storage: LakeStorage,
  dataset: string,
  pending: ReadonlyMap<string, LakeDocument | null>,
): QuerySource {
  if (pending.size === 0) {
    return {
      get: (id) => storage.getDocument(dataset, id),
      all: () => storage.allDocuments(dataset),
      idsByType: (types) => storage.idsByType(dataset, types),
      idsBySlug: (slugs) => storage.idsBySlug(dataset, slugs),
      idsReferencing: (ids) => storage.idsReferencing(dataset, ids),
    }
  }
  const get = (id: string) =>
    pending.has(id) ? (pending.get(id) ?? null) : storage.getDocument(dataset, id)
  return {
    get,
    all() {
      const merged = new Map(storage.allDocuments(dataset).map((doc) => [doc._id, doc]))
      for (const [id, doc] of pending) {
        if (doc) merged.set(id, doc)
        else merged.delete(id)
      }
      return [...merged.values()].sort((a, b) => compareIds(a._id, b._id))
    },
    // Candidates may be a superset: the filter runs exactly over the overlaid documents.
    idsByType: (types) => [...storage.idsByType(dataset, types), ...pending.keys()],
    idsBySlug: (slugs) => [...storage.idsBySlug(dataset, slugs), ...pending.keys()],
    idsReferencing: (ids) => [...storage.idsReferencing(dataset, ids), ...pending.keys()],
  }
}

export function validateTransactionId(id: unknown): string | undefined {
  if (id === undefined || id === null || id === '') return undefined
  if (typeof id !== 'string' || !/^[\w.-]{1,128}$/.test(id)) {
    throw badRequest(`Invalid transactionId ${JSON.stringify(id)}`)
  }
  return id
}

/** Runs `write` (reads of committed state and {@link commitMutations}) once no import holds the
 *  write gate, in the same turn as that check (lake/store/writeGate.ts). */
export function whenWritable<T>(storage: LakeStorage, write: () => T): Promise<T> {
  return storage.writeGate.whenFree(write)
}

/** Applies, writes (unless dryRun) and publishes a transaction. Throws LakeError on any failure. */
export function commitMutations(
  storage: LakeStorage,
  hub: ListenerHub | null,
  request: CommitRequest,
): CommittedTransaction {
  const transactionId = unusedTransactionId(storage, request.dataset, request.transactionId)
  const tx = applyTransaction({
    dataset: request.dataset,
    mutations: request.mutations,
    transactionId,
    timestamp: request.timestamp ?? new Date().toISOString(),
    identity: request.identity,
    source: documentSource(storage, request.dataset),
    autoGenerateArrayKeys: request.autoGenerateArrayKeys,
    skipCrossDatasetReferenceValidation: request.skipCrossDatasetReferenceValidation,
    parsedInput: request.parsedInput,
  })
  request.authorize?.(tx)
  if (request.dryRun) return tx
  writeAndPublish(storage, hub, tx, request.createDataset)
  return tx
}

export interface ImportRequest {
  dataset: string
  /** The NDJSON's lines in batches (each batch one event-loop turn's work), from line 1 on. */
  lines: AsyncIterable<readonly string[]>
  transactionId?: string
  identity: string
  /** A writer thread started ahead (the route starts it before the body arrived); else one is. */
  writer?: ImportWriter
}

/**
 * Writes an NDJSON import as one transaction and publishes it; an import without documents only
 * creates the dataset. The SQLite transaction runs in the import writer's thread
 * (lake/write/importWriter.ts) while this holds the write gate: other writes wait for it, reads
 * go on. This parses each batch of lines (its memory copy and the listeners need the documents)
 * and hands the batch's rows to the thread, which writes them while the next batch is parsed.
 * A bad line rolls the whole import back.
 */
export function commitImport(
  storage: LakeStorage,
  hub: ListenerHub | null,
  request: ImportRequest,
): Promise<CommittedTransaction> {
  return storage.writeGate.hold(async () => {
    const {dataset} = request
    const header = {
      dataset,
      transactionId: unusedTransactionId(storage, dataset, request.transactionId),
      timestamp: new Date().toISOString(),
      identity: request.identity,
    }
    const writer = request.writer ?? new ImportWriter()
    writer.begin(dataDirOf(storage.path), header)
    const byId = new Map<string, ImportedChange>()
    try {
      let number = 0
      for await (const batch of request.lines) {
        const rows = []
        for (const raw of batch) {
          const line = parseImportLine(raw, ++number, header)
          if (!line) continue
          const earlier = byId.get(line.doc._id)
          rows.push(storage.importRow(dataset, line.doc, line.json, earlier !== undefined))
          if (earlier) earlier.after = line.doc
          else
            byId.set(line.doc._id, {
              after: line.doc,
              before: storage.getDocument(dataset, line.doc._id),
            })
        }
        writer.write(rows)
      }
    } catch (error) {
      await writer.abort()
      throw error
    }
    await writer.commit()
    const tx = importTransaction(header, byId.values())
    if (tx.changes.length > 0) {
      storage.committed(tx)
      hub?.publish(tx)
    }
    return tx
  })
}

/** The caller's transaction id (409 when the dataset already has it), or a new one. */
function unusedTransactionId(
  storage: LakeStorage,
  dataset: string,
  requested: string | undefined,
): string {
  if (requested === undefined) return newTransactionId()
  if (storage.hasTransaction(dataset, requested)) throw transactionIdConflict(requested)
  return requested
}

/** The one place a transaction is written and then queued for listeners. */
function writeAndPublish(
  storage: LakeStorage,
  hub: ListenerHub | null,
  tx: CommittedTransaction,
  createDataset: boolean | undefined,
): void {
  storage.commit(tx, {createDataset})
  hub?.publish(tx)
}
