/**
 * One-shot commands (`lake:token`) against the folder of a running lake: the lake's write gate
 * orders writes inside the lake's process only, so another process meets SQLite's write lock. A
 * commit holds it for milliseconds, but an import holds it for its whole transaction (seconds to
 * minutes), longer than a statement's busy timeout. {@link waitWhileBusy} retries such a command,
 * says once that (and why) it waits, and after a bounded time fails with a {@link LakeBusyError}
 * naming the folder, instead of SQLite's raw "database is locked".
 */
import {setTimeout as sleep} from 'node:timers/promises'

/** How long a one-shot command waits for the lake's write lock by default: 2 minutes. */
export const DEFAULT_BUSY_WAIT_MS = 120_000
/** A statement's own busy timeout inside each attempt, so the wait is reported promptly. */
export const ATTEMPT_BUSY_TIMEOUT_MS = 1_000
/** SQLite's primary result codes for a lock held by another connection. */
const SQLITE_BUSY = 5
const SQLITE_LOCKED = 6

export class LakeBusyError extends Error {
  readonly dataDir: string
  readonly waitedMs: number

  constructor(dataDir: string, waitedMs: number) {
    super(
      `the lake database in ${dataDir} stayed locked by another writer (a running lake's import?) for ${Math.round(waitedMs / 1000)} s; nothing was changed. Run the command again when the import has finished, or set LAKE_BUSY_WAIT_MS to wait longer.`,
    )
    this.name = 'LakeBusyError'
    this.dataDir = dataDir
    this.waitedMs = waitedMs
  }
}

/** Whether `error` is SQLite refusing a statement because another connection holds the lock. */
export function isBusyError(error: unknown): boolean {
  const code = (error as {errcode?: unknown} | null)?.errcode
  if (typeof code !== 'number') return false
  const primary = code & 0xff
  return primary === SQLITE_BUSY || primary === SQLITE_LOCKED
}

/** `LAKE_BUSY_WAIT_MS` (milliseconds, ≥ 0) or the default. */
export function busyWaitMs(env: Record<string, string | undefined> = process.env): number {
  const value = env.LAKE_BUSY_WAIT_MS?.trim()
  if (!value || !/^\d+$/.test(value)) return DEFAULT_BUSY_WAIT_MS
  return Number(value)
}

export interface BusyWaitOptions {
  dataDir: string
  /** The longest total wait; default {@link busyWaitMs}(). */
  maxWaitMs?: number
  /** Told once, at the first busy attempt. */
  onWait: (message: string) => void
  now?: () => number
}

/**
 * Runs `attempt` until it does not fail for a busy database, for at most `maxWaitMs`. Each
 * attempt must be all-or-nothing (one SQLite transaction), so a retry never repeats a change.
 */
export async function waitWhileBusy<T>(attempt: () => T, options: BusyWaitOptions): Promise<T> {
  const now = options.now ?? Date.now
  const maxWaitMs = options.maxWaitMs ?? busyWaitMs()
  const started = now()
  let told = false
  for (;;) {
    try {
      return attempt()
    } catch (error) {
      if (!isBusyError(error)) throw error
      const waited = now() - started
      if (waited >= maxWaitMs) throw new LakeBusyError(options.dataDir, waited)
      if (!told) {
        told = true
        options.onWait(
          `lake: the database in ${options.dataDir} is locked by another writer (a running lake's import?); waiting up to ${Math.round(maxWaitMs / 1000)} s…`,
        )
      }
      // Each attempt already waited its busy timeout; a short pause keeps a 0 timeout from spinning.
      await sleep(50)
    }
  }
}
