/**
 * The query limits (documented in the README's lake section). Each can be set by an environment
 * variable read at first use; tests and embedders pass their own through `setQueryLimits`.
 *
 * - `maxQueryBytes` (LAKE_QUERY_MAX_BYTES, default 300 KB, hosted Sanity's "Query Size
 *   Exceeded" limit): a longer query is a 413 before parsing.
 * - `timeoutMs` (LAKE_QUERY_TIMEOUT_MS, default 10 s; hosted allows 1 min): parse and evaluation
 *   time of one query. Over it, the query is answered with a 408 `queryTimeoutError`.
 * - `workers` (LAKE_QUERY_WORKERS, default 2): worker threads evaluating queries; a query waits
 *   for a free one.
 * - `syncTimeoutMs` (LAKE_QUERY_SYNC_TIMEOUT_MS, default 2 s): the bound for the GROQ the lake
 *   evaluates on its main thread (mutations' delete/patch by query, parsing listener queries).
 * - `listenerFilterTimeoutMs` (LAKE_LISTENER_FILTER_TIMEOUT_MS, default 250 ms): one listener
 *   filter over one changed document; over it, that listener misses the event (and it is logged).
 * - `listenerBufferBytes` (LAKE_LISTENER_BUFFER_BYTES, default 32 MiB): unsent bytes an event
 *   stream (`/data/listen`, live events) may hold while its client does not read
 *   (lake/realtime/sse.ts); past it for 5 s, or past 4× at once, the lake drops the stream and
 *   the client reconnects.
 */
export interface QueryLimits {
  maxQueryBytes: number
  timeoutMs: number
  workers: number
  syncTimeoutMs: number
  listenerFilterTimeoutMs: number
  listenerBufferBytes: number
}

const DEFAULTS: QueryLimits = {
  maxQueryBytes: 300 * 1024,
  timeoutMs: 10_000,
  workers: 2,
  syncTimeoutMs: 2_000,
  listenerFilterTimeoutMs: 250,
  listenerBufferBytes: 32 * 1024 * 1024,
}

const ENV: Record<keyof QueryLimits, string> = {
  maxQueryBytes: 'LAKE_QUERY_MAX_BYTES',
  timeoutMs: 'LAKE_QUERY_TIMEOUT_MS',
  workers: 'LAKE_QUERY_WORKERS',
  syncTimeoutMs: 'LAKE_QUERY_SYNC_TIMEOUT_MS',
  listenerFilterTimeoutMs: 'LAKE_LISTENER_FILTER_TIMEOUT_MS',
  listenerBufferBytes: 'LAKE_LISTENER_BUFFER_BYTES',
}

let current: QueryLimits | null = null

function fromEnv(): QueryLimits {
  const limits = {...DEFAULTS}
  for (const key of Object.keys(ENV) as Array<keyof QueryLimits>) {
    const raw = process.env[ENV[key]]
    if (raw === undefined || raw === '') continue
    const value = Number(raw)
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`${ENV[key]} must be a positive integer, got ${JSON.stringify(raw)}`)
    }
    limits[key] = value
  }
  return limits
}

export function queryLimits(): QueryLimits {
  current ??= fromEnv()
  return current
}

/** Overrides some limits for this process (e.g. a short timeout in tests). */
export function setQueryLimits(limits: Partial<QueryLimits>): QueryLimits {
  current = {...queryLimits(), ...limits}
  return current
}
