/**
 * Liveness and protocol probes: `GET /ping` (the Studio's HTTP/1 legacy-protocol check reads its
 * resource timing, so it needs `Timing-Allow-Origin: *`), `GET /data/ping/:dataset` (latency
 * report; reads `X-Sanity-Shard`) and `GET /check/cors`.
 */
import type {RequestContext} from '../context.ts'
import {sendJson} from '../respond.ts'

export const SHARD = 'local'

export function handlePing(ctx: RequestContext): void {
  ctx.res.setHeader('Timing-Allow-Origin', '*')
  ctx.res.setHeader('Cache-Control', 'no-store')
  sendJson(ctx.res, 200, {pong: true})
}

export function handleDataPing(ctx: RequestContext): void {
  ctx.res.setHeader('X-Sanity-Shard', SHARD)
  ctx.res.setHeader('Timing-Allow-Origin', '*')
  ctx.res.setHeader(
    'Access-Control-Expose-Headers',
    'Content-Type, X-Sanity-Warning, X-Sanity-Shard',
  )
  ctx.res.setHeader('Cache-Control', 'no-store')
  sendJson(ctx.res, 200, {})
}

export function handleCorsCheck(ctx: RequestContext): void {
  sendJson(ctx.res, 200, {result: {allowed: true, withCredentials: true}})
}
