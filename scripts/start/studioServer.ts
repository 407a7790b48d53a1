/**
 * Serves a built Studio (scripts/start/studioBuild.ts) the way a CDN would:
 * - brotli or gzip, from the files compressed at build time, chosen by `Accept-Encoding`;
 * - content-hashed assets (`static/…-<hash>.js`) `immutable` for a year, so a warm visit loads
 *   nothing but index.html; index.html `no-cache` with an ETag, so it is revalidated (304);
 * - the SPA fallback: a path without an extension is the Studio's own route → index.html.
 * Files are read once and kept in memory: a build does not change while it is served.
 */
import {createHash} from 'node:crypto'
import {existsSync, readFileSync, statSync} from 'node:fs'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {extname, join, normalize, resolve, sep} from 'node:path'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
}

export const IMMUTABLE = 'public, max-age=31536000, immutable'
export const REVALIDATE = 'no-cache'
const SHORT = 'public, max-age=300'

/** `static/sanity-Bx3k9Qa1.js`: a name the bundler derived from the content. */
const HASHED_ASSET = /(?:^|\/)static\/.+[-.][A-Za-z0-9_-]{8,}\.[a-z0-9]+$/

interface CachedFile {
  bytes: Buffer
  br?: Buffer
  gzip?: Buffer
  etag: string
  type: string
  cacheControl: string
}

export interface StudioServer {
  url: string
  port: number
  close(): Promise<void>
}

/** `br` and `gzip` preferences from `Accept-Encoding` (q=0 excludes). */
function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>()
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean)
    if (name && (q === undefined || Number(q) > 0)) accepted.add(name)
  }
  return accepted
}

/** Called after each response, e.g. to count what a visit fetched. */
export type OnResponse = (path: string, status: number) => void

function createStudioHandler(
  dir: string,
  onResponse?: OnResponse,
): (req: IncomingMessage, res: ServerResponse) => void {
  const root = resolve(dir)
  const cache = new Map<string, CachedFile | null>()

  const load = (relativePath: string): CachedFile | null => {
    if (cache.has(relativePath)) return cache.get(relativePath) ?? null
    const file = join(root, relativePath)
    let entry: CachedFile | null = null
    if (existsSync(file) && statSync(file).isFile()) {
      const bytes = readFileSync(file)
      const sibling = (suffix: string) =>
        existsSync(file + suffix) ? readFileSync(file + suffix) : undefined
      entry = {
        bytes,
        br: sibling('.br'),
        gzip: sibling('.gz'),
        etag: `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`,
        type: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        cacheControl: relativePath.endsWith('index.html')
          ? REVALIDATE
          : HASHED_ASSET.test(relativePath.split(sep).join('/'))
            ? IMMUTABLE
            : SHORT,
      }
    }
    cache.set(relativePath, entry)
    return entry
  }

  return (req, res) => {
    if (onResponse) res.once('finish', () => onResponse(req.url ?? '/', res.statusCode))
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, {Allow: 'GET, HEAD'}).end()
      return
    }
    let pathname: string
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://studio.invalid').pathname)
    } catch {
      res.writeHead(400).end()
      return
    }
    const full = normalize(join(root, pathname))
    const inside = full === root || full.startsWith(root + sep)
    const hidden = pathname.split('/').some((segment) => segment.startsWith('.'))
    if (!inside || hidden) {
      res.writeHead(404).end()
      return
    }
    let file = load(full.slice(root.length + 1))
    if (!file) {
      if (extname(pathname)) {
        res.writeHead(404, {'Content-Type': 'text/plain; charset=utf-8'}).end('Not found\n')
        return
      }
      file = load('index.html')
      if (!file) {
        res.writeHead(503, {'Content-Type': 'text/plain; charset=utf-8'}).end('No Studio build\n')
        return
      }
    }
    const headers: Record<string, string | number> = {
      'Content-Type': file.type,
      'Cache-Control': file.cacheControl,
      ETag: file.etag,
      Vary: 'Accept-Encoding',
      'X-Content-Type-Options': 'nosniff',
    }
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, headers).end()
      return
    }
    const accepted = acceptedEncodings(req.headers['accept-encoding'])
    let body = file.bytes
    if (file.br && accepted.has('br')) {
      body = file.br
      headers['Content-Encoding'] = 'br'
    } else if (file.gzip && accepted.has('gzip')) {
      body = file.gzip
      headers['Content-Encoding'] = 'gzip'
    }
    headers['Content-Length'] = body.byteLength
    res.writeHead(200, headers)
    res.end(req.method === 'HEAD' ? undefined : body)
  }
}

/** Serves the Studio in `dir` on `host:port` (0 = a free port). */
export async function serveStudio(options: {
  dir: string
  port: number
  host?: string
  onResponse?: OnResponse
}): Promise<StudioServer> {
  const server: Server = createServer(createStudioHandler(options.dir, options.onResponse))
  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', fail)
      done()
    })
  })
  const {port} = server.address() as AddressInfo
  return {
    url: `http://localhost:${port}`,
    port,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done())
        server.closeAllConnections()
      }),
  }
}
