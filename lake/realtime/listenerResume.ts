/**
 * Listener resume (`/data/listen` with `enableResume=true`, @sanity/client `ResumableListenOptions`):
 * a client reconnecting with `Last-Event-ID: <transactionId>#<documentId>` (the id of the last
 * `mutation` event it got) receives `welcomeback` and the events it missed, rebuilt from the
 * transaction log with the same rules as live delivery ({@link eventsForListener}), or `reset`
 * when the log cannot serve them (unknown id, or more than {@link MAX_RESUMED_TRANSACTIONS}).
 *
 * The log keeps each document's before and after state, not the mutations that produced it, so
 * replayed events carry `[{createOrReplace: after}]` or `[{delete: {id}}]` as their mutations
 * (the safe choice, see lake/README.md#listen); everything else is identical.
 */
import type {CommittedTransaction, DocumentChange} from '../core/types.ts'
import type {TransactionRecord} from '../store/storage.ts'
import type {TransactionLog} from './live.ts'
import {
  eventsForListener,
  type CompiledFilter,
  type ListenerSpec,
  type MutationEvent,
} from './listeners.ts'

/** At most this many transactions are replayed on resume; more answer `reset`. */
const MAX_RESUMED_TRANSACTIONS = 1000

export type ListenerResume = {kind: 'welcomeback'; events: MutationEvent[]} | {kind: 'reset'}

/** The events a listener missed after the event with id `lastEventId`. */
export function resumeListener(
  log: TransactionLog,
  spec: ListenerSpec,
  filter: CompiledFilter,
  lastEventId: string,
  maxTransactions = MAX_RESUMED_TRANSACTIONS,
): ListenerResume {
  const separator = lastEventId.indexOf('#')
  if (separator <= 0) return {kind: 'reset'}
  const transactionId = lastEventId.slice(0, separator)
  const position = log.transactionSeq(spec.dataset, transactionId)
  if (position === null) return {kind: 'reset'}
  const records = log.transactions(spec.dataset, {fromSeq: position, limit: maxTransactions + 2})
  // The first record is the transaction of the last event the client got.
  if (records.length > maxTransactions + 1 || records[0]?.id !== transactionId) {
    return {kind: 'reset'}
  }
  const [current, ...later] = records
  const currentEvents = eventsForListener(spec, filter, committedFromLog(spec.dataset, current))
  const seen = currentEvents.findIndex((event) => event.eventId === lastEventId)
  if (seen === -1) return {kind: 'reset'}
  const events = currentEvents.slice(seen + 1)
  for (const record of later) {
    events.push(...eventsForListener(spec, filter, committedFromLog(spec.dataset, record)))
  }
  return {kind: 'welcomeback', events}
}

/** A logged transaction in the shape the listener rules take. */
function committedFromLog(dataset: string, record: TransactionRecord): CommittedTransaction {
  const states = new Map(record.documents.map((doc) => [doc.id, doc]))
  // `documentIDs` keeps the order in which the transaction touched them.
  const ordered = [
    ...record.documentIDs.filter((id) => states.has(id)),
    ...record.documents.map((doc) => doc.id).filter((id) => !record.documentIDs.includes(id)),
  ]
  const changes: DocumentChange[] = ordered.map((id) => {
    const {before, after} = states.get(id) as TransactionRecord['documents'][number]
    return {id, before, after, mutations: after ? [{createOrReplace: after}] : [{delete: {id}}]}
  })
  return {
    dataset,
    transactionId: record.id,
    timestamp: record.timestamp,
    identity: record.author,
    mutations: record.mutations as CommittedTransaction['mutations'],
    changes,
    results: [],
  }
}
