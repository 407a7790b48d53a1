/**
 * `GET /data/listen/:dataset` — SSE listener (lake/README.md#listen): welcome, then mutation events from the hub. With
 * `enableResume=true` and `Last-Event-ID`, `welcomeback` and the missed events from the transaction
 * log, or `reset` (lake/realtime/listenerResume.ts).
 */
import {readAccess} from '../../auth/access.ts'
import {STREAM_END_REASONS} from '../../auth/openStreams.ts'
import {validateDatasetName, flag, queryStringParams, type RequestContext} from '../context.ts'
import {randomBase62} from '../../core/ids.ts'
import {
  compileListenerFilter,
  type CompiledFilter,
  type ListenerSpec,
} from '../../realtime/listeners.ts'
import {resumeListener} from '../../realtime/listenerResume.ts'
import {openEventStream, type EventStream} from '../../realtime/sse.ts'
import {badRequest, datasetNotFound, describeError, LakeError} from '../../core/errors.ts'

/** Hosted Sanity words a bad listener query as a GROQ parse error. */
function channelErrorMessage(error: unknown): string {
  const detail =
    error instanceof LakeError ? (error.body as {error?: {type?: unknown}}).error : null
  const message = describeError(error)
  return detail?.type === 'queryParseError' ? `GROQ query parse error: ${message}` : message
}

export function handleListen(ctx: RequestContext): void {
  const {lake, search} = ctx
  let stream: EventStream | undefined
  let unsubscribe: (() => void) | undefined
  let untrack: (() => void) | undefined
  const open = () => {
    // A client that stops reading is dropped rather than buffered for without bound (sse.ts).
    stream = openEventStream(ctx.req, ctx.res, {
      onClose: () => {
        unsubscribe?.()
        untrack?.()
        if (stream) lake.streams.delete(stream)
      },
    })
    lake.streams.add(stream)
    return stream
  }

  // Problems with the request are reported as `channelError` (the client raises ChannelError).
  let spec: ListenerSpec
  let filter: CompiledFilter
  let visible: boolean
  try {
    const dataset = ctx.params.dataset
    validateDatasetName(dataset)
    const info = lake.storage.getDataset(dataset)
    if (!info) throw datasetNotFound(dataset, ctx.projectId)
    const query = search.get('query')
    if (!query) throw badRequest('Missing "query" parameter')
    const params = queryStringParams(search)
    const effectFormat = search.get('effectFormat')
    spec = {
      dataset,
      query,
      params,
      includeResult: flag(search, 'includeResult', true),
      includePreviousRevision: flag(search, 'includePreviousRevision'),
      includeMutations: flag(search, 'includeMutations', true),
      includeAllVersions: flag(search, 'includeAllVersions'),
      effectFormat: effectFormat === 'mendoza' ? 'mendoza' : undefined,
      visibility: search.get('visibility') === 'query' ? 'query' : 'transaction',
      apiVersion: ctx.apiVersion,
      access: readAccess(ctx.caller, info.aclMode),
    }
    filter = compileListenerFilter(query, params)
    // A private dataset without a token: the stream stays silent (like an empty query result).
    visible = spec.access !== 'none'
  } catch (error) {
    const events = open()
    events.send('channelError', {message: channelErrorMessage(error)})
    events.close()
    return
  }

  const events = open()
  const listenerName = randomBase62(22)
  const lastEventId = ctx.req.headers['last-event-id']
  // Resume and subscribe in one synchronous step, so no commit falls between them.
  if (flag(search, 'enableResume') && typeof lastEventId === 'string' && lastEventId !== '') {
    const resume = visible
      ? resumeListener(lake.storage, spec, filter, lastEventId)
      : {kind: 'welcomeback' as const, events: []}
    if (resume.kind === 'reset') events.send('reset', {})
    else {
      events.send('welcomeback', {listenerName})
      for (const event of resume.events) events.send('mutation', event, event.eventId)
    }
  } else {
    events.send('welcome', {listenerName})
  }
  if (events.closed) return
  // A revoked token ends the stream with `disconnect` (the client does not reconnect); a changed
  // role just ends it, and the client reconnects with the token's new rights.
  untrack = lake.openStreams.track(ctx.caller, (why) => {
    if (why === 'revoked') events.send('disconnect', {reason: STREAM_END_REASONS.revoked})
    events.close()
  })
  if (visible) {
    unsubscribe = lake.hub.subscribe(
      spec,
      (event) => events.send('mutation', event, event.eventId),
      filter,
    )
  }
}
