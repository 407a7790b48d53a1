import {mkdtempSync, rmSync} from 'node:fs'
import http from 'node:http'
import http2 from 'node:http2'
import https from 'node:https'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {EventSource} from 'eventsource'
import {afterAll, afterEach, describe, expect, it} from 'vitest'

import {queryLimits, setQueryLimits} from '../../../lake/groq/limits.ts'
import {type EventStream, openEventStream} from '../../../lake/realtime/sse.ts'
import {ensureCertificate} from '../../../lake/http/tls.ts'

interface Opened {
  stream: EventStream
  /** Unsent bytes of the response. */
  unsent: () => number
  closed: Promise<void>
  closeCount: () => number
}

type Handler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void

/** A handler that opens a stream per request and hands it to the test. */
function streamingHandler(keepAliveMs: number, maxBufferedBytes?: number, stallMs?: number) {
  const opened: Opened[] = []
  const waiters: Array<(o: Opened) => void> = []
  const handler: Handler = (req, res) => {
    // CORS headers set by the caller before opening must survive.
    res.setHeader('Access-Control-Allow-Origin', '*')
    let count = 0
    let resolveClosed!: () => void
    const closed = new Promise<void>((resolve) => (resolveClosed = resolve))
    const stream = openEventStream(req, res, {
      keepAliveMs,
      maxBufferedBytes,
      stallMs,
      onClose: () => {
        count++
        resolveClosed()
      },
    })
    const o = {stream, closed, closeCount: () => count, unsent: () => res.writableLength}
    const waiter = waiters.shift()
    if (waiter) waiter(o)
    else opened.push(o)
  }
  const next = (): Promise<Opened> => {
    const o = opened.shift()
    return o ? Promise.resolve(o) : new Promise((resolve) => waiters.push(resolve))
  }
  return {handler, next}
}

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function listen(server: http.Server | http2.Http2SecureServer): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          if ('closeAllConnections' in server) server.closeAllConnections()
          server.close(() => resolve())
        }),
    )
  })
}

/** Reads a byte stream until the accumulated text satisfies `done`. */
async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  state: {text: string},
  done: (text: string) => boolean,
): Promise<string> {
  const decoder = new TextDecoder()
  while (!done(state.text)) {
    const {value, done: ended} = await reader.read()
    if (ended) throw new Error(`stream ended; got ${JSON.stringify(state.text)}`)
    state.text += decoder.decode(value, {stream: true})
  }
  return state.text
}

describe('openEventStream over HTTP/1.1', () => {
  it('sends named JSON events with ids, keep-alive comments, and closes on client abort', async () => {
    const {handler, next} = streamingHandler(20)
    const port = await listen(http.createServer(handler))
    const abort = new AbortController()
    const response = await fetch(`http://127.0.0.1:${port}/`, {signal: abort.signal})
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-cache')
    expect(response.headers.get('access-control-allow-origin')).toBe('*')

    const opened = await next()
    opened.stream.send('welcome', {listenerName: 'L1'})
    opened.stream.send('mutation', {documentId: 'a', text: 'line\nbreak'}, 'tx-1#a')

    const reader = response.body!.getReader()
    const state = {text: ''}
    await readUntil(reader, state, (text) => text.includes('"line\\nbreak"}\n\n'))
    const withoutComments = state.text.replaceAll(':\n\n', '')
    expect(withoutComments).toBe(
      'event: welcome\ndata: {"listenerName":"L1"}\n\n' +
        'id: tx-1#a\nevent: mutation\ndata: {"documentId":"a","text":"line\\nbreak"}\n\n',
    )
    // A keep-alive comment arrives on its own.
    const before = state.text.length
    await readUntil(reader, state, (text) => text.slice(before).includes(':\n\n'))

    expect(opened.closeCount()).toBe(0)
    abort.abort()
    await opened.closed
    expect(opened.stream.closed).toBe(true)
    expect(opened.closeCount()).toBe(1)
    // Sending after the client left is a no-op.
    expect(() => opened.stream.send('mutation', {})).not.toThrow()
    expect(opened.closeCount()).toBe(1)
  })

  it('works with the eventsource client @sanity/client uses (named events, lastEventId)', async () => {
    const {handler, next} = streamingHandler(15_000)
    const port = await listen(http.createServer(handler))
    const source = new EventSource(`http://127.0.0.1:${port}/`)
    cleanups.push(() => source.close())
    const received: Array<{type: string; data: unknown; id: string}> = []
    const done = new Promise<void>((resolve) => {
      for (const type of ['welcome', 'mutation']) {
        source.addEventListener(type, (event) => {
          received.push({type, data: JSON.parse(event.data), id: event.lastEventId})
          if (type === 'mutation') resolve()
        })
      }
    })
    const opened = await next()
    opened.stream.send('welcome', {listenerName: 'L2'})
    opened.stream.send('mutation', {documentId: 'b'}, 'tx-2#b')
    await done
    expect(received).toEqual([
      {type: 'welcome', data: {listenerName: 'L2'}, id: ''},
      {type: 'mutation', data: {documentId: 'b'}, id: 'tx-2#b'},
    ])
    source.close()
    await opened.closed
    expect(opened.closeCount()).toBe(1)
  })

  it('close() from the server ends the response and calls onClose once', async () => {
    const {handler, next} = streamingHandler(15_000)
    const port = await listen(http.createServer(handler))
    const response = await fetch(`http://127.0.0.1:${port}/`)
    const opened = await next()
    opened.stream.send('disconnect', {reason: 'bye'})
    opened.stream.close()
    opened.stream.close()
    expect(await response.text()).toBe('event: disconnect\ndata: {"reason":"bye"}\n\n')
    await opened.closed
    expect(opened.closeCount()).toBe(1)
    expect(opened.stream.closed).toBe(true)
  })
  it('frames one event object for each stream with its own name and id', async () => {
    const {handler, next} = streamingHandler(15_000)
    const port = await listen(http.createServer(handler))
    const first = await fetch(`http://127.0.0.1:${port}/`)
    const a = await next()
    const second = await fetch(`http://127.0.0.1:${port}/`)
    const b = await next()
    const shared = {documentId: 'å'}
    a.stream.send('mutation', shared, 'tx-1#å')
    b.stream.send('mutation', shared, 'tx-1#å')
    a.stream.send('mutation', shared, 'tx-2#å')
    b.stream.send('welcome', shared)
    a.stream.close()
    b.stream.close()
    expect(await first.text()).toBe(
      'id: tx-1#å\nevent: mutation\ndata: {"documentId":"å"}\n\n' +
        'id: tx-2#å\nevent: mutation\ndata: {"documentId":"å"}\n\n',
    )
    expect(await second.text()).toBe(
      'id: tx-1#å\nevent: mutation\ndata: {"documentId":"å"}\n\n' +
        'event: welcome\ndata: {"documentId":"å"}\n\n',
    )
  })
})

describe('openEventStream backpressure', () => {
  it('drops a client that does not read once too much is buffered', async () => {
    const {handler, next} = streamingHandler(15_000, 64 * 1024)
    const port = await listen(http.createServer(handler))
    const response = await fetch(`http://127.0.0.1:${port}/`)
    const opened = await next()
    // The client never reads the body.
    opened.stream.send('mutation', {big: 'x'.repeat(8 * 1024 * 1024)})
    await opened.closed
    expect(opened.stream.closed).toBe(true)
    expect(opened.closeCount()).toBe(1)
    await response.body?.cancel().catch(() => undefined)
  })
  it('without a limit of its own, a stream (listen or live events) has LAKE_LISTENER_BUFFER_BYTES', async () => {
    const previous = queryLimits().listenerBufferBytes
    setQueryLimits({listenerBufferBytes: 64 * 1024})
    cleanups.push(() => setQueryLimits({listenerBufferBytes: previous}))
    const {handler, next} = streamingHandler(15_000)
    const port = await listen(http.createServer(handler))
    const response = await fetch(`http://127.0.0.1:${port}/`)
    const opened = await next()
    // Far below the 32 MiB default, far above 4× the configured limit.
    opened.stream.send('message', {tags: ['s1:'.padEnd(8 * 1024 * 1024, 'x')]})
    await opened.closed
    expect(opened.closeCount()).toBe(1)
    await response.body?.cancel().catch(() => undefined)
  })

  it('lets a reading client take a burst above the limit, but drops one that stays above it', async () => {
    const limit = 512 * 1024
    const {handler, next} = streamingHandler(15_000, limit, 100)
    const port = await listen(http.createServer(handler))

    const reading = await fetch(`http://127.0.0.1:${port}/`)
    const burst = await next()
    // More than the limit at once (as a large import's events), less than 4× it.
    burst.stream.send('mutation', {big: 'x'.repeat(3 * limit)})
    expect(burst.unsent()).toBeGreaterThan(limit)
    burst.stream.send('mutation', {last: true})
    const state = {text: ''}
    await readUntil(reading.body!.getReader(), state, (text) => text.includes('"last":true'))
    expect(burst.stream.closed).toBe(false)

    const stuck = await fetch(`http://127.0.0.1:${port}/`)
    const stalled = await next()
    // The client never reads; events keep coming, slower than 4× the limit fills up in 100 ms.
    let unsentAtClose = 0
    const timer = setInterval(() => {
      unsentAtClose = stalled.unsent()
      stalled.stream.send('mutation', {chunk: 'y'.repeat(32 * 1024)})
    }, 5)
    cleanups.push(() => clearInterval(timer))
    await stalled.closed
    clearInterval(timer)
    expect(unsentAtClose).toBeGreaterThan(limit)
    expect(unsentAtClose).toBeLessThan(4 * limit)
    await stuck.body?.cancel().catch(() => undefined)
  })
})

// The lake's own self-signed certificate (pure JS), made once for this file.
const certificateDir = mkdtempSync(join(tmpdir(), 'lake-sse-cert-'))
const certificate = await ensureCertificate(certificateDir)
afterAll(() => rmSync(certificateDir, {recursive: true, force: true}))

describe('openEventStream over HTTP/2 (TLS, allowHTTP1)', () => {
  it('streams over h2 without connection headers and closes when the client stream closes', async () => {
    const {handler, next} = streamingHandler(20)
    const server = http2.createSecureServer({...certificate, allowHTTP1: true}, handler)
    const port = await listen(server)
    const session = http2.connect(`https://127.0.0.1:${port}`, {ca: certificate.cert})
    cleanups.push(() => session.destroy())
    const request = session.request({':path': '/data/listen/production'})
    const headers = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
      request.on('response', resolve)
      request.on('error', reject)
    })
    expect(headers[':status']).toBe(200)
    expect(headers['content-type']).toBe('text/event-stream; charset=utf-8')
    expect(headers['cache-control']).toBe('no-cache')
    expect(headers['access-control-allow-origin']).toBe('*')
    for (const name of ['connection', 'keep-alive', 'transfer-encoding']) {
      expect(headers[name]).toBeUndefined()
    }

    const opened = await next()
    opened.stream.send('welcome', {listenerName: 'H2'})
    let text = ''
    request.setEncoding('utf8')
    await new Promise<void>((resolve) => {
      const onData = (chunk: string) => {
        text += chunk
        const afterWelcome = text.split('data: {"listenerName":"H2"}\n\n')[1]
        if (afterWelcome?.includes(':\n\n')) {
          request.off('data', onData)
          resolve()
        }
      }
      request.on('data', onData)
    })
    expect(text.replaceAll(':\n\n', '')).toBe('event: welcome\ndata: {"listenerName":"H2"}\n\n')

    request.close(http2.constants.NGHTTP2_CANCEL)
    await opened.closed
    expect(opened.closeCount()).toBe(1)
    expect(() => opened.stream.send('mutation', {})).not.toThrow()
  })

  it('serves HTTP/1.1 clients on the same TLS server', async () => {
    const {handler, next} = streamingHandler(15_000)
    const server = http2.createSecureServer({...certificate, allowHTTP1: true}, handler)
    const port = await listen(server)
    const request = https.get({host: '127.0.0.1', port, path: '/', ca: certificate.cert})
    const response = await new Promise<http.IncomingMessage>((resolve) =>
      request.on('response', resolve),
    )
    expect(response.httpVersion).toBe('1.1')
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    const opened = await next()
    opened.stream.send('welcome', {listenerName: 'H1'})
    response.setEncoding('utf8')
    const chunk = await new Promise<string>((resolve) => response.once('data', resolve))
    expect(chunk).toBe('event: welcome\ndata: {"listenerName":"H1"}\n\n')
    request.destroy()
    await opened.closed
    expect(opened.closeCount()).toBe(1)
  })
})
