/** QM status for sites: the labels readers see and a date formatter, from domain/qmStatus.ts. */
import {QM_STATUS_LABELS, effectiveValidUntil, type QmStatus} from '../domain/qmStatus.ts'

export {QM_STATUS_LABELS, effectiveValidUntil, type QmStatus}

/** Swedish label for a status, e.g. "giltig"; empty for none. */
export function qmStatusLabel(status: QmStatus | null | undefined): string {
  return status ? QM_STATUS_LABELS[status] : ''
}

const DATE_FORMAT = new Intl.DateTimeFormat('sv-SE', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/Stockholm',
})

/**
 * A date as Swedes write it in running text: "3 mars 2025". Calendar dates (`YYYY-MM-DD`) are
 * shown as they are; timestamps as the day they fall on in Sweden.
 */
export function formatSwedishDate(value: string | null | undefined): string {
  if (!value) return ''
  const calendar = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  const instant = calendar
    ? new Date(Date.UTC(Number(calendar[1]), Number(calendar[2]) - 1, Number(calendar[3]), 12))
    : new Date(value)
  return Number.isNaN(instant.getTime()) ? '' : DATE_FORMAT.format(instant)
}
