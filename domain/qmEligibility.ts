/**
 * Årets Stadskärna requires a valid Quality Mark: an organisation can be a finalist only if one of
 * its certifications was valid on the nomination date. Derived from the certifications' dates
 * (domain/qmStatus.ts), never stored.
 */
import {effectiveValidUntil, toIsoDate, type CertificationDates} from './qmStatus.ts'

export interface DatedCertification {
  certifiedAt?: string | null
  validUntil?: string | null
}

function hasCertificationDate(
  certification: DatedCertification,
): certification is CertificationDates & DatedCertification {
  return typeof certification.certifiedAt === 'string' && certification.certifiedAt !== ''
}

/**
 * Whether a certification is valid on `date`: from its certification date through its last valid
 * day (`validUntil`, or certification date + three years), both included.
 */
export function isValidOn(certification: DatedCertification, date: string | Date): boolean {
  if (!hasCertificationDate(certification)) return false
  const day = toIsoDate(date)
  try {
    return certification.certifiedAt <= day && day <= effectiveValidUntil(certification)
  } catch {
    return false
  }
}

/** The first of the certifications that is valid on `date`, if any. */
export function validCertificationOn<T extends DatedCertification>(
  certifications: readonly T[],
  date: string | Date,
): T | undefined {
  return certifications.find((certification) => isValidOn(certification, date))
}

/**
 * Eligibility for Årets Stadskärna on `date` (the day the finalists are nominated): the
 * organisation holds a valid Quality Mark that day.
 */
export function isEligibleForAretsStadskarna(
  certifications: readonly DatedCertification[],
  date: string | Date,
): boolean {
  return validCertificationOn(certifications, date) !== undefined
}
