/**
 * The secret the local login form requires: a token is never issued without it.
 *
 * - The code is `LAKE_LOGIN_CODE` when set, else generated at start (10 random digits) and
 *   printed in the lake's ready output, so only someone who can read the lake's terminal logs in.
 * - Codes are compared in constant time (both sides hashed first, so lengths do not leak).
 * - Wrong codes are throttled per client address: after {@link MAX_FAILURES} wrong codes within
 *   {@link FAILURE_WINDOW_MS}, further attempts are refused (429) until the window has passed,
 *   so the code cannot be guessed by trying.
 */
import {createHash, randomInt, timingSafeEqual} from 'node:crypto'

export const MAX_FAILURES = 5
export const FAILURE_WINDOW_MS = 60_000

export interface LoginCode {
  code: string
  /** True when the lake made the code itself (it must then print it). */
  generated: boolean
}

/** `LAKE_LOGIN_CODE` (trimmed) when set, else a fresh random code. */
export function resolveLoginCode(
  configured: string | undefined = process.env.LAKE_LOGIN_CODE,
): LoginCode {
  const code = configured?.trim()
  if (code) return {code, generated: false}
  let digits = ''
  for (let i = 0; i < 10; i++) digits += String(randomInt(10))
  return {code: digits, generated: true}
}

/** Constant-time comparison of a submitted code with the expected one. */
export function codeMatches(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest()
  const b = createHash('sha256').update(given).digest()
  return timingSafeEqual(a, b)
}

/** At most this many clients are tracked; past it the one whose last failure is oldest is dropped. */
export const MAX_TRACKED_CLIENTS = 10_000

/**
 * Counts wrong codes per client; pure apart from the injected clock. Bounded: a client's entry
 * goes when its last failure leaves the window (entries are kept in order of last failure, so
 * expiring them reads only the expired ones), and at most {@link MAX_TRACKED_CLIENTS} are kept.
 */
export class LoginThrottle {
  /** client → times of its failures within the window, in order of each client's last failure. */
  private readonly failures = new Map<string, number[]>()
  private readonly now: () => number
  private readonly maxClients: number

  constructor(now: () => number = Date.now, maxClients = MAX_TRACKED_CLIENTS) {
    this.now = now
    this.maxClients = maxClients
  }

  /** The number of clients tracked (for tests of the bound). */
  get size(): number {
    this.expire()
    return this.failures.size
  }

  /** Drops every client whose last failure is outside the window (the oldest come first). */
  private expire(): void {
    const since = this.now() - FAILURE_WINDOW_MS
    for (const [client, times] of this.failures) {
      if (times[times.length - 1] > since) break
      this.failures.delete(client)
    }
  }

  private recent(client: string): number[] {
    this.expire()
    const since = this.now() - FAILURE_WINDOW_MS
    return (this.failures.get(client) ?? []).filter((time) => time > since)
  }

  /** Whether the client has used up its attempts (the code is then not even checked). */
  blocked(client: string): boolean {
    return this.recent(client).length >= MAX_FAILURES
  }

  recordFailure(client: string): void {
    const times = [...this.recent(client), this.now()]
    // Re-inserted, so the map stays ordered by last failure.
    this.failures.delete(client)
    this.failures.set(client, times)
    for (const oldest of this.failures.keys()) {
      if (this.failures.size <= this.maxClients) break
      this.failures.delete(oldest)
    }
  }

  recordSuccess(client: string): void {
    this.failures.delete(client)
  }
}
