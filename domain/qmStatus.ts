/**
 * Quality Mark (QM) validity rules, shared by the Studio, the delivery library and migrations.
 *
 * All dates are calendar dates (`YYYY-MM-DD`, as Sanity's `date` type stores them) and all
 * arithmetic is done on the calendar, never on timestamps, so results do not depend on the
 * machine's time zone. `validUntil` is the last day on which a certification is valid.
 */

/** A QM certification is valid for three years from the certification date. */
export const QM_VALIDITY_YEARS = 3

/** A certification is "expiring" when its last valid day falls within this many months. */
export const QM_EXPIRY_WARNING_MONTHS = 6

/** "Today" is the calendar date in Sweden, where the association and its editors work. */
export const QM_TIME_ZONE = 'Europe/Stockholm'

export const QM_STATUSES = ['valid', 'expiring', 'expired'] as const

export type QmStatus = (typeof QM_STATUSES)[number]

/** Swedish labels shown to editors and on the site. */
export const QM_STATUS_LABELS: Readonly<Record<QmStatus, string>> = {
  valid: 'giltig',
  expiring: 'löper snart ut',
  expired: 'utgången',
}

export interface CertificationDates {
  certifiedAt: string
  validUntil?: string | null
}

interface CalendarDate {
  year: number
  /** 1–12 */
  month: number
  day: number
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

function parseIsoDate(value: string): CalendarDate {
  const match = ISO_DATE.exec(value)
  if (!match) {
    throw new RangeError(`Expected a date as YYYY-MM-DD, got "${value}"`)
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`Not a calendar date: "${value}"`)
  }
  return {year, month, day}
}

function formatIsoDate({year, month, day}: CalendarDate): string {
  return [
    String(year).padStart(4, '0'),
    String(month).padStart(2, '0'),
    String(day).padStart(2, '0'),
  ].join('-')
}

/**
 * Adds whole months; a day that does not exist in the target month is clamped to that month's
 * last day (Aug 31 + 6 months = Feb 28/29), the same convention as date-fns and most calendars.
 */
export function addMonths(isoDate: string, months: number): string {
  const {year, month, day} = parseIsoDate(isoDate)
  const monthIndex = year * 12 + (month - 1) + months
  const targetYear = Math.floor(monthIndex / 12)
  const targetMonth = (monthIndex % 12) + 1
  return formatIsoDate({
    year: targetYear,
    month: targetMonth,
    day: Math.min(day, daysInMonth(targetYear, targetMonth)),
  })
}

export function addDays(isoDate: string, days: number): string {
  const {year, month, day} = parseIsoDate(isoDate)
  const shifted = new Date(Date.UTC(year, month - 1, day + days))
  return shifted.toISOString().slice(0, 10)
}

/**
 * The calendar date of `asOf`. Strings already in `YYYY-MM-DD` are taken as they are; a `Date` or
 * a full ISO timestamp is converted to the date it is in Sweden at that instant.
 */
export function toIsoDate(asOf: string | Date): string {
  if (typeof asOf === 'string' && ISO_DATE.test(asOf)) {
    return formatIsoDate(parseIsoDate(asOf))
  }
  const instant = typeof asOf === 'string' ? new Date(asOf) : asOf
  if (Number.isNaN(instant.getTime())) {
    throw new RangeError(`Not a valid date: "${String(asOf)}"`)
  }
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: QM_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant)
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((candidate) => candidate.type === type)?.value)
  return formatIsoDate({year: part('year'), month: part('month'), day: part('day')})
}

/**
 * The `validUntil` a certification gets by default: the certification date plus three years.
 * A certification from Feb 29 is valid until Feb 28 three years later (never a leap year), i.e.
 * it ends on the last day of February rather than spilling over into March.
 */
export function expectedValidUntil(certifiedAt: string): string {
  return addMonths(certifiedAt, QM_VALIDITY_YEARS * 12)
}

/** `validUntil` when set, otherwise the default three years from the certification date. */
export function effectiveValidUntil({certifiedAt, validUntil}: CertificationDates): string {
  return validUntil ? toIsoDate(validUntil) : expectedValidUntil(certifiedAt)
}

/**
 * The status as of a given day:
 * - `expired` when `asOf` is after `validUntil` (the last valid day itself is still valid);
 * - `expiring` when `validUntil` is on or before `asOf` + six months;
 * - `valid` otherwise.
 */
export function certificationStatus(dates: CertificationDates, asOf: string | Date): QmStatus {
  const validUntil = effectiveValidUntil(dates)
  const {today, expiryHorizon} = qmStatusQueryParams(asOf)
  if (validUntil < today) return 'expired'
  if (validUntil <= expiryHorizon) return 'expiring'
  return 'valid'
}

export interface QmStatusQueryParams {
  /** The day the status is computed for. */
  today: string
  /** Today + six months: certifications valid until this day or earlier are expiring. */
  expiryHorizon: string
  /**
   * For certifications without `validUntil`: certified before this day means expired (their
   * default `validUntil` is before `today`).
   */
  expiredIfCertifiedBefore: string
  /**
   * For certifications without `validUntil`: certified on or after this day means valid (their
   * default `validUntil` is after `expiryHorizon`).
   */
  validIfCertifiedFrom: string
  /** Index signature so the object can be passed as GROQ query parameters as it is. */
  [param: string]: string
}

/**
 * The earliest certification date whose default `validUntil` is on or after `isoDate`. Subtracting
 * three years alone is off by one day when the clamp of Feb 29 kicks in.
 */
function earliestCertifiedAtValidThrough(isoDate: string): string {
  const candidate = addMonths(isoDate, -QM_VALIDITY_YEARS * 12)
  return expectedValidUntil(candidate) < isoDate ? addDays(candidate, 1) : candidate
}

/** GROQ parameters for {@link QM_STATUS_GROQ_FILTERS}, computed for the given day. */
export function qmStatusQueryParams(asOf: string | Date): QmStatusQueryParams {
  const today = toIsoDate(asOf)
  const expiryHorizon = addMonths(today, QM_EXPIRY_WARNING_MONTHS)
  return {
    today,
    expiryHorizon,
    expiredIfCertifiedBefore: earliestCertifiedAtValidThrough(today),
    validIfCertifiedFrom: earliestCertifiedAtValidThrough(addDays(expiryHorizon, 1)),
  }
}

/**
 * GROQ filters (for `qmCertification` documents) that match {@link certificationStatus}, including
 * the fallback to certification date + three years when `validUntil` is missing. Use them with the
 * parameters from {@link qmStatusQueryParams}. Documents with neither date match none of them.
 */
export const QM_STATUS_GROQ_FILTERS: Readonly<Record<QmStatus, string>> = {
  valid:
    '((defined(validUntil) && validUntil > $expiryHorizon) || ' +
    '(!defined(validUntil) && certifiedAt >= $validIfCertifiedFrom))',
  expiring:
    '((defined(validUntil) && validUntil >= $today && validUntil <= $expiryHorizon) || ' +
    '(!defined(validUntil) && certifiedAt >= $expiredIfCertifiedBefore && ' +
    'certifiedAt < $validIfCertifiedFrom))',
  expired:
    '((defined(validUntil) && validUntil < $today) || ' +
    '(!defined(validUntil) && certifiedAt < $expiredIfCertifiedBefore))',
}
