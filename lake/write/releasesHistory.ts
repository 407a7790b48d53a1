/**
 * A release's activity feed (`GET /data/history/:dataset/events/releases/:releaseId`, the Studio's
 * `getReleaseActivityEvents`), derived from the transaction log: pure, from the transactions that
 * touched the release document or its versions to the events the Studio's release detail lists.
 *
 * Decisions:
 * - A transaction that changes the release's `state` gives one state event (`scheduleRelease` with
 *   `publishAt`, `unscheduleRelease`, `publishRelease`, `archiveRelease`, `unarchiveRelease`); the
 *   versions it deletes or restores along the way are part of that event, not separate ones.
 * - Otherwise a version that appears is `addDocumentToRelease`, one that disappears is
 *   `discardDocumentFromRelease`; edits inside a version are not release events (the Studio shows
 *   them in the document's own history).
 * - `createRelease` carries the first `releaseType`/`intendedPublishAt` as `change`; metadata edits
 *   after that are left to the Studio, which reads them from the release's own transaction log.
 * - Newest first; `nextCursor` is the number of events already returned (opaque to the Studio),
 *   `""` when there are no more.
 */
import {releaseDocumentId} from './releases.ts'
import type {LakeDocument} from '../core/types.ts'

export interface ReleaseHistoryTransaction {
  id: string
  timestamp: string
  author: string
  documents: Array<{id: string; before: LakeDocument | null; after: LakeDocument | null}>
}

export interface ReleaseEvent {
  type: string
  timestamp: string
  author: string
  releaseName: string
  [field: string]: unknown
}

function stateOf(doc: LakeDocument | null): string | null {
  if (!doc) return null
  return typeof doc.state === 'string' ? doc.state : 'active'
}

function metadataOf(doc: LakeDocument | null): Record<string, unknown> {
  const metadata = doc?.metadata
  return metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>) : {}
}

function stateEvent(
  before: LakeDocument | null,
  after: LakeDocument | null,
): Record<string, unknown> | null {
  const from = stateOf(before)
  const to = stateOf(after)
  if (from === to || to === null) return null
  if (from === null) {
    const metadata = metadataOf(after)
    const change: Record<string, unknown> = {}
    if (metadata.releaseType !== undefined) change.releaseType = metadata.releaseType
    if (metadata.intendedPublishAt !== undefined)
      change.intendedPublishDate = metadata.intendedPublishAt
    return {type: 'createRelease', ...(Object.keys(change).length > 0 ? {change} : {})}
  }
  switch (to) {
    case 'scheduled':
      return {type: 'scheduleRelease', publishAt: after?.publishAt}
    case 'published':
      return {type: 'publishRelease'}
    case 'archived':
      return {type: 'archiveRelease'}
    case 'active':
      return from === 'archived' ? {type: 'unarchiveRelease'} : {type: 'unscheduleRelease'}
    default:
      return null
  }
}

/** The release's events, newest first, from the transactions in commit order. */
export function releaseEvents(
  releaseId: string,
  transactions: readonly ReleaseHistoryTransaction[],
): ReleaseEvent[] {
  const releaseDocId = releaseDocumentId(releaseId)
  const versionPrefix = `versions.${releaseId}.`
  const events: ReleaseEvent[] = []
  for (const tx of transactions) {
    const base = {timestamp: tx.timestamp, author: tx.author, releaseName: releaseId}
    const releaseChange = tx.documents.find((doc) => doc.id === releaseDocId)
    const state = releaseChange ? stateEvent(releaseChange.before, releaseChange.after) : null
    if (state) {
      events.push({...base, ...state} as ReleaseEvent)
      continue
    }
    for (const doc of tx.documents) {
      if (!doc.id.startsWith(versionPrefix)) continue
      const documentId = doc.id.slice(versionPrefix.length)
      if (!doc.before && doc.after) {
        events.push({
          ...base,
          type: 'addDocumentToRelease',
          documentId,
          documentType: doc.after._type,
          versionId: doc.id,
          revisionId: doc.after._rev,
          versionRevisionId: doc.after._rev,
        })
      } else if (doc.before && !doc.after) {
        events.push({
          ...base,
          type: 'discardDocumentFromRelease',
          documentId,
          documentType: doc.before._type,
          versionId: doc.id,
          versionRevisionId: doc.before._rev,
        })
      }
    }
  }
  return events.reverse()
}

/** One page of events: `limit` from the `cursor` offset, and the cursor of the next page. */
export function releaseEventsPage(
  events: readonly ReleaseEvent[],
  limit: number,
  cursor: string | null,
): {events: ReleaseEvent[]; nextCursor: string} {
  const offset = cursor && /^\d+$/.test(cursor) ? Number(cursor) : 0
  const page = events.slice(offset, offset + limit)
  const next = offset + page.length
  return {events: page, nextCursor: next < events.length ? String(next) : ''}
}
