/**
 * Revisions: a certificate is valid three years and is renewed by a revision application, which
 * refers to the certification it renews. The renewed one must end close to when the revision
 * starts: at most a year before or after.
 */
import {
  addMonths,
  effectiveValidUntil,
  expectedValidUntil,
  type CertificationDates,
} from './qmStatus.ts'

/** How far (in months) the renewed certification's end may be from the revision's start. */
export const REVISION_WINDOW_MONTHS = 12

export type RevisionGap =
  | {ok: true}
  /** The renewed certification ended more than a year before the revision starts. */
  | {ok: false; problem: 'endedTooEarly'; previousValidUntil: string; earliest: string}
  /** The renewed certification is still valid more than a year after the revision starts. */
  | {ok: false; problem: 'endsTooLate'; previousValidUntil: string; latest: string}

/**
 * Checks the renewed certification's last valid day against the revision's start: it must lie
 * within a year on either side (both limits included). Throws RangeError for malformed dates.
 */
export function checkRevisionGap(previous: CertificationDates, revisionStart: string): RevisionGap {
  const previousValidUntil = effectiveValidUntil(previous)
  const earliest = addMonths(revisionStart, -REVISION_WINDOW_MONTHS)
  const latest = addMonths(revisionStart, REVISION_WINDOW_MONTHS)
  if (previousValidUntil < earliest) {
    return {ok: false, problem: 'endedTooEarly', previousValidUntil, earliest}
  }
  if (previousValidUntil > latest) {
    return {ok: false, problem: 'endsTooLate', previousValidUntil, latest}
  }
  return {ok: true}
}

export interface CertificationToRenew extends CertificationDates {
  _id: string
  organization?: {_ref: string} | null
  city?: {_ref: string} | null
}

export interface RevisionDraft {
  _type: 'qmCertification'
  applicationType: 'revision'
  organization?: {_type: 'reference'; _ref: string}
  city?: {_type: 'reference'; _ref: string}
  previousCertification: {_type: 'reference'; _ref: string}
  certifiedAt: string
  validUntil: string
}

const reference = (ref: string) => ({_type: 'reference' as const, _ref: ref})

/**
 * The revision that renews `previous`, prefilled: the same organisation and city, a reference to
 * `previous`, starting on the day the previous one's validity ends and valid three years from then.
 * `previous` may be a draft (`drafts.` id); the reference points at the published id.
 */
export function revisionDraftOf(previous: CertificationToRenew): RevisionDraft {
  const certifiedAt = effectiveValidUntil(previous)
  return {
    _type: 'qmCertification',
    applicationType: 'revision',
    ...(previous.organization?._ref ? {organization: reference(previous.organization._ref)} : {}),
    ...(previous.city?._ref ? {city: reference(previous.city._ref)} : {}),
    previousCertification: reference(previous._id.replace(/^drafts\./, '')),
    certifiedAt,
    validUntil: expectedValidUntil(certifiedAt),
  }
}
