/**
 * Endpoints the Studio only needs to degrade gracefully (studio-offline §6): hosted features,
 * telemetry, onboarding journeys, help, the events API and the bifur
 * presence socket. Each answers the documented "nothing here" shape, so the Studio hides the
 * feature instead of logging errors; they are known endpoints, so they are not logged as drift.
 */
import {readBody} from '../http/body.ts'
import {validateDatasetName, type RequestContext} from '../http/context.ts'
import {gatewayError, http1, sendJson} from '../http/respond.ts'

/** `[]`: comments, tasks, scheduling, releases stay "not enabled". */
export function handleFeatures(ctx: RequestContext): void {
  sendJson(ctx.res, 200, [])
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

/** The bifur presence socket is refused; the Studio then shows no presence avatars. */
export function handleSocket(ctx: RequestContext): void {
  const {res} = ctx
  const body = JSON.stringify(gatewayError(404, 'Presence (bifur) is not available on the lake'))
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.setHeader('Content-Length', Buffer.byteLength(body))
  http1(res).writeHead(404)
  http1(res).end(body)
}

/** The viewer's "request editor access" status: no requests. */
export function handleAccessRequests(ctx: RequestContext): void {
  sendJson(ctx.res, 200, [])
}
