/** Response helpers: CORS on everything, JSON with charset, NDJSON, Sanity-shaped errors. */
import type {LakeError} from '../core/errors.ts'
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {Http2ServerRequest, Http2ServerResponse} from 'node:http2'

export type LakeRequest = IncomingMessage | Http2ServerRequest
export type LakeResponse = ServerResponse | Http2ServerResponse

/** Both response kinds share this API; TypeScript can't call methods on the union. */
export function http1(res: LakeResponse): ServerResponse {
  return res as ServerResponse
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'
export const NDJSON_CONTENT_TYPE = 'application/x-ndjson'

/** Echo `Origin` with credentials, or `*` without one (lake/README.md#responses). */
export function setCorsHeaders(req: LakeRequest, res: LakeResponse): void {
  const origin = req.headers.origin
  if (typeof origin === 'string' && origin) {
    res.setHeader('Access-Control-Allow-Origin', origin)
    res.setHeader('Access-Control-Allow-Credentials', 'true')
    res.setHeader('Vary', 'Origin')
  } else {
    res.setHeader('Access-Control-Allow-Origin', '*')
  }
  res.setHeader('Access-Control-Expose-Headers', 'Content-Type, X-Sanity-Warning')
}

export function sendPreflight(req: LakeRequest, res: LakeResponse): void {
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS')
  const requested = req.headers['access-control-request-headers']
  res.setHeader(
    'Access-Control-Allow-Headers',
    typeof requested === 'string' && requested ? requested : 'Authorization, Content-Type',
  )
  res.setHeader('Access-Control-Max-Age', '600')
  http1(res).writeHead(204)
  res.end()
}

export function sendJson(res: LakeResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.setHeader('Content-Type', JSON_CONTENT_TYPE)
  res.setHeader('Content-Length', Buffer.byteLength(text))
  http1(res).writeHead(status)
  http1(res).end(text)
}

/** Sends a body that is already JSON text (e.g. a query result serialized by a query worker). */
export function sendJsonText(res: LakeResponse, status: number, text: string): void {
  res.setHeader('Content-Type', JSON_CONTENT_TYPE)
  res.setHeader('Content-Length', Buffer.byteLength(text))
  http1(res).writeHead(status)
  http1(res).end(text)
}

/** Sends NDJSON lines (one JSON value each, newline-terminated). */
export function sendNdjson(res: LakeResponse, lines: Iterable<unknown>): void {
  res.setHeader('Content-Type', NDJSON_CONTENT_TYPE)
  const out = http1(res)
  out.writeHead(200)
  let chunk = ''
  for (const line of lines) {
    chunk += `${JSON.stringify(line)}\n`
    if (chunk.length > 65536) {
      out.write(chunk)
      chunk = ''
    }
  }
  out.end(chunk)
}

/** Sends a LakeError's status and Sanity-shaped body (lake/core/errors.ts). */
export function sendError(res: LakeResponse, error: LakeError): void {
  sendJson(res, error.status, error.body)
}
