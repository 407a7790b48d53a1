/**
 * The Studio's release endpoints besides the actions: the release-limit check it makes before
 * creating, unarchiving or reverting a release, and a release's activity feed.
 */
import {mayRead} from '../../auth/access.ts'
import {accessFor, requireDataset, type RequestContext} from '../context.ts'
import {sendJson} from '../respond.ts'
import {
  DATASET_RELEASE_LIMIT,
  RELEASE_TYPE,
  isOpenRelease,
  releaseDocumentId,
} from '../../write/releases.ts'
import {releaseEvents, releaseEventsPage} from '../../write/releasesHistory.ts'
import {badRequest, unauthorized} from '../../core/errors.ts'

/**
 * `GET /projects/:projectId/new-content-release-allowed` (vX): the open releases of the whole lake
 * (the Studio's "organisation") against the lake's limits. Scheduled drafts (`cardinality: one`)
 * are not metered, as on hosted Sanity.
 */
export function handleReleaseLimits(ctx: RequestContext): void {
  if (!ctx.caller.role) throw unauthorized()
  const {storage} = ctx.lake
  let open = 0
  let metered = 0
  let largestDataset = 0
  for (const {name} of storage.listDatasets()) {
    let inDataset = 0
    for (const id of storage.idsByTypeSql(name, [RELEASE_TYPE])) {
      const release = storage.getDocument(name, id)
      if (!isOpenRelease(release)) continue
      inDataset++
      const metadata = release?.metadata as {cardinality?: unknown} | undefined
      if (metadata?.cardinality !== 'one') metered++
    }
    open += inDataset
    largestDataset = Math.max(largestDataset, inDataset)
  }
  const data = {
    orgActiveReleaseCount: open,
    orgMeteredActiveReleaseCount: metered,
    datasetReleaseLimit: DATASET_RELEASE_LIMIT,
    orgActiveReleaseLimit: null,
  }
  // Hosted Sanity answers 403 with the same body when the limit is reached.
  sendJson(ctx.res, largestDataset >= DATASET_RELEASE_LIMIT ? 403 : 200, {data})
}

const MAX_EVENTS_PAGE = 100

/** `GET /data/history/:dataset/events/releases/:releaseId?limit=&nextCursor=`. */
export function handleReleaseEvents(ctx: RequestContext): void {
  const dataset = requireDataset(ctx)
  const releaseId = ctx.params.releaseId
  // The read rule: a release document (a dotted system id) needs a token, as drafts do.
  if (!mayRead(accessFor(ctx, dataset), releaseDocumentId(releaseId))) throw unauthorized()
  const limitParam = ctx.search.get('limit')
  const limit = limitParam === null ? MAX_EVENTS_PAGE : Number(limitParam)
  if (!Number.isInteger(limit) || limit < 1) {
    throw badRequest('"limit" must be a positive integer')
  }
  const transactions = ctx.lake.storage.transactions(dataset.name, {
    ids: [releaseDocumentId(releaseId)],
    idPrefixes: [`versions.${releaseId}.`],
  })
  const events = releaseEvents(releaseId, transactions)
  sendJson(
    ctx.res,
    200,
    releaseEventsPage(events, Math.min(limit, MAX_EVENTS_PAGE), ctx.search.get('nextCursor')),
  )
}
