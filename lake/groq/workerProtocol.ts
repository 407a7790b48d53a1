/** What lake/groq/pool.ts and a query worker (lake/groq/workerLoop.ts) exchange: messages and shared memory. */
import type {QueryLimits} from './limits.ts'
import type {QueryOptions} from './perspective.ts'

export interface WorkerInit {
  databasePath: string
  limits: QueryLimits
  /** Shared with the pool, see {@link workerState}. */
  state: SharedArrayBuffer
}

/** Slots in the cancellation table: a job id is cancelled when `cancelled[id % size] === id`. */
export const CANCEL_SLOTS = 4096

/**
 * What the pool can read without waiting for a message: which job runs and since when, and
 * which sent jobs it took back (to give them to another worker) and must be skipped.
 */
export function workerState(buffer: SharedArrayBuffer) {
  return {
    /** [0]: the id of the job running now, 0 when idle. */
    running: new Int32Array(buffer, 0, 1),
    /** [0]: when it started (Date.now()). */
    startedAt: new Float64Array(buffer, 8, 1),
    cancelled: new Int32Array(buffer, 16, CANCEL_SLOTS),
  }
}

export const WORKER_STATE_BYTES = 16 + 4 * CANCEL_SLOTS

/** What a query response needs besides the result (computed by the worker's `extras` hook). */
export interface QueryExtras {
  sourceMap?: 'index' | 'key' | null
  syncTags?: boolean
}

export interface QueryRequest {
  id: number
  dataset: string
  query: string
  params: Record<string, unknown>
  extras?: QueryExtras
  /** QueryOptions with the timestamp as an ISO string (structured clone keeps Dates, but be plain). */
  options: Omit<QueryOptions, 'timestamp'> & {timestamp?: string}
}

/**
 * Sent after each commit (no reply): bring the worker's copy of this dataset up to date now, if
 * it has one, so the next query does not pay for it (lake/groq/workerSource.ts `refresh`).
 */
export interface RefreshRequest {
  refresh: string
}

export type QueryReply =
  /** `json`: the result; `extra`: more members of the response object (`,"k":v…` or ''). */
  | {id: number; ok: true; json: string; extra: string}
  | {id: number; ok: false; status: number; body: unknown}
  | {id: number; ok: false; timeout: true}
  | {id: number; skipped: true}
