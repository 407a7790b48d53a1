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

/** Counts wrong codes per client; pure apart from the injected clock. */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>()
  private readonly now: () => number

  constructor(now: () => number = Date.now) {
    this.now = now
  }

  private recent(client: string): number[] {
    const since = this.now() - FAILURE_WINDOW_MS
    const times = (this.failures.get(client) ?? []).filter((time) => time > since)
    if (times.length) this.failures.set(client, times)
    else this.failures.delete(client)
    return times
  }

  /** Whether the client has used up its attempts (the code is then not even checked). */
  blocked(client: string): boolean {
    return this.recent(client).length >= MAX_FAILURES
  }

  recordFailure(client: string): void {
    this.failures.set(client, [...this.recent(client), this.now()])
  }

  recordSuccess(client: string): void {
    this.failures.delete(client)
  }
}
