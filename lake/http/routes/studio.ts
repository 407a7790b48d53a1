/**
 * Endpoints the Studio only needs to degrade gracefully (lake/README.md#studio-endpoints): hosted features,
 * telemetry, onboarding journeys, help and the events API. Each answers the documented "nothing
 * here" shape, so the Studio hides the feature instead of logging errors; they are known
 * endpoints, so they are not logged as drift.
 */
import {readBody} from '../body.ts'
import {validateDatasetName, type RequestContext} from '../context.ts'
import {sendJson} from '../respond.ts'

/**
 * The project's features: content releases and scheduled drafts (`singleDocRelease`) work on the
 * lake (lake/write/releases.ts), and `scheduledPublishing` is reported for the Studio's schedule
 * UI; comments, tasks and cross-dataset references stay "not enabled".
 */
export const LAKE_FEATURES = ['contentReleases', 'scheduledPublishing', 'singleDocRelease']

export function handleFeatures(ctx: RequestContext): void {
  sendJson(ctx.res, 200, LAKE_FEATURES)
}

/** Telemetry consent: denied, so the Studio never posts batches. */
export function handleTelemetryStatus(ctx: RequestContext): void {
  sendJson(ctx.res, 200, {status: 'denied'})
}

/** Telemetry batches (not sent when denied): accepted and dropped. */
export async function handleIntakeBatch(ctx: RequestContext): Promise<void> {
  await readBody(ctx.req, 1_000_000)
  sendJson(ctx.res, 200, {})
}

/** Announcements, trials, upsells: none. */
export function handleJourney(ctx: RequestContext): void {
  sendJson(ctx.res, 200, null)
}

/** Help resources of the navbar: none. */
export function handleHelp(ctx: RequestContext): void {
  sendJson(ctx.res, 200, {})
}

/** Events API (history when `beta.eventsAPI.documents` is on): no events. */
export function handleDocumentEvents(ctx: RequestContext): void {
  validateDatasetName(ctx.params.dataset)
  sendJson(ctx.res, 200, {events: {}, nextCursor: ''})
}

/** The viewer's "request editor access" status: no requests. */
export function handleAccessRequests(ctx: RequestContext): void {
  sendJson(ctx.res, 200, [])
}
