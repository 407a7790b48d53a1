/**
 * The Live Content API's protocol without I/O (`GET /data/live/events/:dataset`, see
 * lake/README.md#live-events and @sanity/client `src/data/live.ts`):
 *
 * - a stream starts with `welcome`; each committed transaction that changes a document the stream
 *   may see becomes one `message` whose `id` is the transaction id and whose data is
 *   `{tags: […]}` (lake/realtime/liveTags.ts decides the tags);
 * - a stream sees published documents (root ids) only; with `includeDrafts` it also sees drafts
 *   and release versions, folded onto their published id; a transaction changing more than 500 of
 *   them (a bulk import) sends `restart` instead of its tags;
 * - on reconnect with `Last-Event-ID`, {@link resumeLive} replays the messages of the transactions
 *   committed after that id from the lake's transaction log, or answers `restart` (with the id to
 *   continue from) when the id is unknown or too many transactions were missed;
 * - `goaway` tells the client the server is closing the stream (shutdown, or the maximum
 *   connection age), with the last id it sent, so the client reconnects and resumes from it.
 */
import {mayRead, type ReadAccess} from '../auth/access.ts'
import type {LakeStorage} from '../store/storage.ts'
import {changeTags, type ChangedDocument, type SyncTag} from './liveTags.ts'

export interface LiveStreamSpec {
  dataset: string
  /** Drafts and versions count too (only for callers who may read them). */
  includeDrafts: boolean
}

/**
 * What one transaction tells a stream: `message` with the tags it invalidates, or `restart`
 * (refetch everything) when it changed more than {@link MAX_TAGGED_DOCUMENTS} documents, as a
 * bulk import does. `id` is the transaction id: the position a client resumes from.
 */
export type LiveMessage =
  {event: 'message'; id: string; tags: SyncTag[]} | {event: 'restart'; id: string}

/** Transactions changing more documents than this send `restart` instead of a list of tags. */
const MAX_TAGGED_DOCUMENTS = 500

/** At most this many missed transactions are replayed on resume; more answer `restart`. */
const MAX_REPLAYED_TRANSACTIONS = 1000

/** The part of the storage the resume reads: the transaction log. */
export type TransactionLog = Pick<LakeStorage, 'transactionSeq' | 'transactions'>

/** What one committed transaction sends a stream, or null when it sees none of its changes. */
export function liveMessage(
  spec: LiveStreamSpec,
  transactionId: string,
  changes: readonly ChangedDocument[],
): LiveMessage | null {
  // The route allows includeDrafts only to callers reading everything (lake/auth/access.ts).
  const access: ReadAccess = spec.includeDrafts ? 'all' : 'root'
  const visible = changes.filter((change) => mayRead(access, change.id))
  if (visible.length === 0) return null
  if (visible.length > MAX_TAGGED_DOCUMENTS) return {event: 'restart', id: transactionId}
  return {event: 'message', id: transactionId, tags: changeTags(spec.dataset, visible)}
}

export type LiveResume = {kind: 'resume'; messages: LiveMessage[]} | {kind: 'restart'; id: string}

/** What to send a client reconnecting with `Last-Event-ID: lastEventId`. */
export function resumeLive(
  log: TransactionLog,
  spec: LiveStreamSpec,
  lastEventId: string,
  maxTransactions = MAX_REPLAYED_TRANSACTIONS,
): LiveResume {
  const position = log.transactionSeq(spec.dataset, lastEventId)
  if (position === null) return {kind: 'restart', id: latestTransactionId(log, spec.dataset)}
  const missed = log.transactions(spec.dataset, {fromSeq: position + 1, limit: maxTransactions + 1})
  if (missed.length > maxTransactions) {
    return {kind: 'restart', id: latestTransactionId(log, spec.dataset)}
  }
  const messages: LiveMessage[] = []
  for (const tx of missed) {
    const message = liveMessage(spec, tx.id, tx.documents)
    if (message) messages.push(message)
  }
  return {kind: 'resume', messages}
}

/** The id of the dataset's last transaction (`''` when it has none): where a restart continues. */
function latestTransactionId(log: TransactionLog, dataset: string): string {
  return log.transactions(dataset, {reverse: true, limit: 1})[0]?.id ?? ''
}
