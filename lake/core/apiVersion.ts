/**
 * API versions (`/v<version>/…`): which ones the lake accepts, and the one comparison every module
 * uses to pick version-dependent behaviour.
 *
 * Accepted: `1`, `X`, and real calendar dates `YYYY-MM-DD` from {@link FIRST_DATED_API_VERSION}
 * (the first dated release of the hosted API, and the oldest version the Studio and
 * @sanity/client use) to tomorrow in UTC. Like the hosted API (and Sanity's clients since they
 * gained versioning), "tomorrow" is allowed so a just-released version can be pinned from any time
 * zone, and later dates are refused: a version from the future could change behaviour under the
 * caller's feet. Anything else (`vfoo`, `v2025-13-45`, `v0`, `v99999-01-01`, `v1%00`) is a 400.
 */
import {invalidInput, type LakeError} from './errors.ts'

export const FIRST_DATED_API_VERSION = '2021-03-25'
/** From this version on, queries default to the `published` perspective and `raw` includes versions. */
export const PUBLISHED_DEFAULT_API_VERSION = '2025-02-19'

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** Whether `value` is a real calendar date written `YYYY-MM-DD` (no 2025-02-30). */
function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value)
  if (!match) return false
  const [year, month, day] = match.slice(1).map(Number)
  const date = new Date(Date.UTC(year, month - 1, day))
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  )
}

/** Tomorrow's UTC date, `YYYY-MM-DD`. */
function latestAcceptedDate(now: Date): string {
  return new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10)
}

/** Whether the lake serves this version (without the leading `v`). */
export function isAcceptedApiVersion(version: string, now = new Date()): boolean {
  if (version === '1' || version === 'X') return true
  return (
    isCalendarDate(version) &&
    version >= FIRST_DATED_API_VERSION &&
    version <= latestAcceptedDate(now)
  )
}

/** The 400 for a version the lake does not serve, in the gateway's error shape. */
export function invalidApiVersion(version: string): LakeError {
  return invalidInput(
    `Invalid API version "${version}": expected "1", "X" or a date YYYY-MM-DD from ${FIRST_DATED_API_VERSION} to tomorrow (UTC)`,
  )
}

/** Throws {@link invalidApiVersion} unless the version is accepted. */
export function requireApiVersion(version: string, now = new Date()): string {
  if (!isAcceptedApiVersion(version, now)) throw invalidApiVersion(version)
  return version
}

/**
 * Whether `apiVersion` is `minimum` or newer: `X` is the newest, dates compare as dates, anything
 * else (`1`) is the oldest. A leading `v` is tolerated.
 */
export function apiVersionAtLeast(apiVersion: string, minimum: string): boolean {
  const version = apiVersion.replace(/^v/i, '')
  if (version === 'X' || version === 'x') return true
  if (!DATE.test(version)) return false
  return version >= minimum
}

/** apiVersion `X` or a date ≥ 2025-02-19 gets the new defaults (published perspective, versions in raw). */
export function isModernApiVersion(apiVersion: string): boolean {
  return apiVersionAtLeast(apiVersion, PUBLISHED_DEFAULT_API_VERSION)
}
