/**
 * Live published content for readers: the site holds one Live Content API stream
 * (`client.live.events()`, published documents only) while at least one reader's page is open, and
 * relays its `message` events to the pages at `GET /api/live` as server-sent events. Each page's
 * script (web/client/liveReload.ts) reloads when a message names one of the page's sync tags.
 *
 * The relay sits on the site so the browser talks only to the site's own origin: no CORS setup on
 * the Content Lake, no token or lake address in the page, and one upstream connection however many
 * readers are on the site.
 */
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {LiveEvent, SanityClient} from '@sanity/client'

export const LIVE_PATH = '/api/live'
/** An SSE comment this often keeps idle connections open through proxies. */
const HEARTBEAT_MS = 25_000

export interface LiveRelay {
  handle(req: IncomingMessage, res: ServerResponse): void
  close(): void
}

export function createLiveRelay(client: SanityClient, log: (line: string) => void): LiveRelay {
  const readers = new Set<ServerResponse>()
  /** Readers connected before the lake welcomed the upstream stream: welcomed with it. */
  const waiting = new Set<ServerResponse>()
  let upstream: {unsubscribe(): void} | null = null
  let welcomed = false
  const WELCOME = 'event: welcome\ndata: {}\n\n'

  const broadcast = (event: string, data: unknown, id?: string) => {
    const frame = `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
    for (const res of readers) res.write(frame)
  }

  const connect = () => {
    upstream = client.live.events().subscribe({
      next(event: LiveEvent) {
        if (event.type === 'welcome') {
          welcomed = true
          for (const res of waiting) res.write(WELCOME)
          waiting.clear()
        } else if (event.type === 'message') broadcast('message', {tags: event.tags}, event.id)
        // The lake could not replay what the relay missed: every page may be stale.
        else if (event.type === 'restart') broadcast('restart', {})
      },
      error(error: unknown) {
        log(`web: live events failed: ${String(error)}`)
        upstream = null
        welcomed = false
        if (readers.size > 0)
          setTimeout(() => readers.size > 0 && !upstream && connect(), 2000).unref()
      },
    })
  }

  return {
    handle(req, res) {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Accel-Buffering': 'no',
      })
      readers.add(res)
      // `welcome` once the site's own stream from the lake is open: from then on, every commit
      // reaches this reader.
      if (welcomed) res.write(WELCOME)
      else waiting.add(res)
      if (!upstream) connect()
      const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS)
      heartbeat.unref()
      req.once('close', () => {
        clearInterval(heartbeat)
        readers.delete(res)
        waiting.delete(res)
        if (readers.size === 0 && upstream) {
          upstream.unsubscribe()
          upstream = null
          welcomed = false
        }
      })
    },
    close() {
      upstream?.unsubscribe()
      upstream = null
      for (const res of readers) res.end()
      readers.clear()
      waiting.clear()
    },
  }
}
