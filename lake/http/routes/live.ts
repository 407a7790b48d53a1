/**
 * `GET /data/live/events/:dataset` — the Live Content API (lake/README.md#live-events) as server-sent events: `welcome`,
 * then one `message` per visible commit, `restart` when a resume is impossible, `goaway` when the
 * lake closes the stream. The protocol lives in lake/realtime/live.ts.
 */
import {accessFor, flag, requireDataset, type RequestContext} from '../context.ts'
import {STREAM_END_REASONS} from '../../auth/openStreams.ts'
import {apiVersionAtLeast} from '../../core/apiVersion.ts'
import {
  liveMessage,
  resumeLive,
  type LiveMessage,
  type LiveStreamSpec,
} from '../../realtime/live.ts'
import {openEventStream, type EventStream} from '../../realtime/sse.ts'
import {authenticationRequired, forbidden, invalidInput} from '../../core/errors.ts'

/** The first API version with the live events endpoint (@sanity/client `live.ts`). */
const LIVE_API_VERSION = '2021-03-25'
/** Streams are closed with `goaway` after this long; the client reconnects and resumes. */
const LIVE_MAX_CONNECTION_MS = 30 * 60 * 1000

export function handleLiveEvents(ctx: RequestContext): void {
  if (!apiVersionAtLeast(ctx.apiVersion, LIVE_API_VERSION)) {
    throw invalidInput(`The live events API requires API version ${LIVE_API_VERSION} or later`)
  }
  const dataset = requireDataset(ctx)
  const includeDrafts = flag(ctx.search, 'includeDrafts')
  const waitFor = ctx.search.get('waitFor')
  // The lake runs no Sanity Functions, so there is nothing to wait for: events go out at commit.
  if (waitFor !== null && waitFor !== 'function') {
    throw invalidInput(`Invalid "waitFor" value "${waitFor}" (expected "function")`)
  }
  // The read rule: drafts need a caller who may read them.
  const access = accessFor(ctx, dataset)
  if (includeDrafts && access !== 'all') {
    const reason = 'includeDrafts=true requires a token that may read drafts'
    throw ctx.caller.role ? forbidden(reason) : authenticationRequired(reason)
  }
  const spec: LiveStreamSpec = {dataset: dataset.name, includeDrafts}
  const lastEventId = headerValue(ctx.req.headers['last-event-id'])
  const {lake} = ctx

  let lastSentId = lastEventId ?? ''
  let unwatch: (() => void) | undefined
  let untrack: (() => void) | undefined
  let maxAge: ReturnType<typeof setTimeout> | undefined
  // Set once the stream is open; a client gone before that closes the stream inside
  // openEventStream, before `closer` exists.
  let closer: EventStream | undefined
  // A client that stops reading is dropped as on /data/listen (LAKE_LISTENER_BUFFER_BYTES, sse.ts).
  const stream = openEventStream(ctx.req, ctx.res, {
    onClose: () => {
      unwatch?.()
      untrack?.()
      clearTimeout(maxAge)
      if (closer) lake.streams.delete(closer)
    },
  })
  if (stream.closed) return
  const send = (event: 'message' | 'restart', data: unknown, id: string) => {
    stream.send(event, data, id)
    lastSentId = id
  }
  const sendMessage = (message: LiveMessage) => {
    if (message.event === 'restart') send('restart', {}, message.id)
    else send('message', {tags: message.tags}, message.id)
  }
  /** What the server's shutdown calls: say `goaway` with the position, then end. */
  const shutdownHandle: EventStream = {
    send: stream.send,
    close() {
      const reason = 'The server is closing the connection'
      stream.send('goaway', {id: lastSentId, reason}, lastSentId || undefined)
      stream.close()
    },
    get closed() {
      return stream.closed
    },
  }
  closer = shutdownHandle
  lake.streams.add(shutdownHandle)
  maxAge = setTimeout(() => shutdownHandle.close(), LIVE_MAX_CONNECTION_MS)
  maxAge.unref()
  // A revoked token: `disconnect` (the client stops); a changed role: `goaway` (it reconnects).
  untrack = lake.openStreams.track(ctx.caller, (why) => {
    if (why === 'roleChanged') return shutdownHandle.close()
    stream.send('disconnect', {reason: STREAM_END_REASONS.revoked})
    stream.close()
  })

  // Resume and subscribe in one synchronous step, so no commit falls between them.
  stream.send('welcome', {})
  if (access === 'none') return
  if (lastEventId) {
    const resume = resumeLive(lake.storage, spec, lastEventId)
    if (resume.kind === 'restart') send('restart', {}, resume.id)
    else for (const message of resume.messages) sendMessage(message)
  }
  if (stream.closed) return
  unwatch = lake.hub.watch((tx) => {
    if (tx.dataset !== spec.dataset) return
    const message = liveMessage(spec, tx.transactionId, tx.changes)
    if (message) sendMessage(message)
  })
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value
  return first === undefined || first === '' ? undefined : first
}
