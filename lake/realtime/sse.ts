/**
 * Server-sent events over HTTP/1.1 (`http.ServerResponse`) or the HTTP/2 compat API
 * (`Http2ServerResponse`), as `/data/listen` needs (lake/README.md#listen): named events with JSON data, optional `id:` lines, a `:` comment heartbeat, and exactly one
 * `onClose` when the stream ends.
 */
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {Http2ServerRequest, Http2ServerResponse} from 'node:http2'

import {queryLimits} from '../groq/limits.ts'

export interface EventStream {
  /** Writes `id: …` (optional), `event: <event>` and `data: <JSON>`. A no-op once closed. */
  send(event: string, data: unknown, id?: string): void
  /** Ends the response (server side). Calls `onClose` if it has not been called yet. */
  close(): void
  readonly closed: boolean
}

export interface EventStreamOptions {
  /** Interval of the `:` keep-alive comment; default 15000. 0 or less disables it. */
  keepAliveMs?: number
  /**
   * Called exactly once when the stream ends: the client went away (request/response `close`,
   * response `error`, a destroyed HTTP/2 stream) or `close()` was called.
   */
  onClose: () => void
  /**
   * Back-pressure for a client that stops reading: unsent bytes may stay above this for at most
   * `stallMs` (a burst, such as the events of a large import, drains in time) and never exceed
   * 4× it; past either, the connection is dropped at the next write (an event or the
   * keep-alive), and the client reconnects and resumes or resyncs. Default: the lake's
   * `listenerBufferBytes` (LAKE_LISTENER_BUFFER_BYTES, lake/groq/limits.ts), the one rule for
   * every event stream (`/data/listen` and the live events API).
   */
  maxBufferedBytes?: number
  /** How long unsent bytes may stay above `maxBufferedBytes`; default 5000 ms. */
  stallMs?: number
}

const DEFAULT_KEEP_ALIVE_MS = 15_000
const DEFAULT_STALL_MS = 5_000
/** Unsent bytes past this multiple of `maxBufferedBytes` drop the stream at once. */
const HARD_LIMIT_FACTOR = 4
/** Connection-specific header fields, forbidden on HTTP/2 (RFC 9113 §8.2.2). */
const CONNECTION_HEADERS = [
  'connection',
  'keep-alive',
  'transfer-encoding',
  'proxy-connection',
  'upgrade',
]

type AnyRequest = IncomingMessage | Http2ServerRequest
type AnyResponse = ServerResponse | Http2ServerResponse

/** What both response kinds offer (`Http2ServerResponse#flushHeaders` is missing from @types/node). */
interface ResponseLike {
  statusCode: number
  readonly destroyed: boolean
  readonly writableEnded: boolean
  readonly writableLength: number
  setHeader(name: string, value: string): unknown
  hasHeader(name: string): boolean
  removeHeader(name: string): void
  flushHeaders(): void
  write(chunk: string | Buffer): boolean
  end(): unknown
  destroy(): unknown
  on(event: 'close' | 'error' | 'drain', listener: () => void): unknown
  off(event: 'close' | 'error' | 'drain', listener: () => void): unknown
}

/**
 * Starts an SSE response: status 200, `Content-Type: text/event-stream; charset=utf-8`,
 * `Cache-Control: no-cache`, headers flushed at once. Headers the caller already set (CORS) are kept.
 */
export function openEventStream(
  req: AnyRequest,
  response: AnyResponse,
  options: EventStreamOptions,
): EventStream {
  const res = response as unknown as ResponseLike
  const {onClose} = options
  const keepAliveMs = options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS
  const maxBufferedBytes = options.maxBufferedBytes ?? queryLimits().listenerBufferBytes
  const stallMs = options.stallMs ?? DEFAULT_STALL_MS
  const http2Stream = 'stream' in response ? response.stream : undefined
  const isHttp2 = http2Stream !== undefined || req.httpVersionMajor === 2

  let closed = false
  let timer: ReturnType<typeof setInterval> | undefined
  /** Since when the unsent bytes have been above `maxBufferedBytes` (undefined: they are not). */
  let overSince: number | undefined

  /** `end`: finish the response normally; `destroy`: drop the connection; `none`: it is gone. */
  const finish = (how: 'end' | 'destroy' | 'none'): void => {
    if (closed) return
    closed = true
    if (timer !== undefined) clearInterval(timer)
    timer = undefined
    req.off('close', onGone)
    res.off('close', onGone)
    res.off('drain', onDrain)
    http2Stream?.off('close', onGone)
    // The 'error' listener stays: an 'error' without a listener would crash the process.
    if (how !== 'none' && !isGone()) {
      try {
        if (how === 'end') res.end()
        else res.destroy()
      } catch {
        // The connection is already going away.
      }
    }
    try {
      onClose()
    } catch (err) {
      console.error('[lake] SSE onClose handler failed:', err)
    }
  }

  const isGone = (): boolean =>
    res.destroyed ||
    res.writableEnded ||
    (http2Stream !== undefined && (http2Stream.destroyed || http2Stream.closed)) ||
    (req.socket?.destroyed ?? false)

  function onGone(): void {
    finish('none')
  }

  const write = (chunk: string | Buffer): void => {
    if (closed) return
    if (isGone()) {
      finish('none')
      return
    }
    try {
      res.write(chunk)
    } catch {
      finish('none')
      return
    }
    const unsent = res.writableLength
    if (unsent <= maxBufferedBytes) {
      overSince = undefined
      return
    }
    overSince ??= performance.now()
    if (unsent > HARD_LIMIT_FACTOR * maxBufferedBytes || performance.now() - overSince > stallMs) {
      finish('destroy')
    }
  }

  function onDrain(): void {
    overSince = undefined
  }

  req.on('close', onGone)
  res.on('close', onGone)
  res.on('error', onGone)
  res.on('drain', onDrain)
  http2Stream?.on('close', onGone)

  res.statusCode = 200
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8')
  if (!res.hasHeader('Cache-Control')) res.setHeader('Cache-Control', 'no-cache')
  if (isHttp2) {
    for (const name of CONNECTION_HEADERS) if (res.hasHeader(name)) res.removeHeader(name)
  } else {
    // Never time out an idle event stream; send each event as soon as it is written.
    req.socket?.setTimeout(0)
    req.socket?.setNoDelay(true)
  }
  res.flushHeaders()

  if (keepAliveMs > 0) {
    timer = setInterval(() => write(':\n\n'), keepAliveMs)
    timer.unref()
  }

  if (isGone()) finish('none')

  return {
    send(event: string, data: unknown, id?: string): void {
      write(encodeEvent(event, data, id))
    },
    close(): void {
      finish('end')
    },
    get closed(): boolean {
      return closed
    },
  }
}

/**
 * Objects sent to many streams (the listener hub hands one event object to every listener that
 * gets it) are encoded once: the same bytes are written to each stream, with no per-stream
 * string building or UTF-8 encoding. Sent objects are never mutated afterwards.
 */
const encoded = new WeakMap<object, {event: string; id: string | undefined; bytes: Buffer}>()

function encodeEvent(event: string, data: unknown, id: string | undefined): Buffer | string {
  if (data === null || typeof data !== 'object')
    return frame(event, JSON.stringify(data ?? null), id)
  const cached = encoded.get(data)
  if (cached !== undefined && cached.event === event && cached.id === id) return cached.bytes
  const bytes = Buffer.from(frame(event, JSON.stringify(data), id))
  encoded.set(data, {event, id, bytes})
  return bytes
}

function frame(event: string, json: string, id: string | undefined): string {
  const idLine = id === undefined ? '' : `id: ${singleLine(id)}\n`
  return `${idLine}event: ${singleLine(event)}\ndata: ${json}\n\n`
}

/** SSE fields end at CR or LF; strip them so a value cannot inject lines. */
function singleLine(value: string): string {
  return value.replace(/[\r\n]/g, '')
}
