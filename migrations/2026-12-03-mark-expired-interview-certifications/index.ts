/**
 * Date-driven, recurring: keeps `interview.certificationExpired` in step with the interview's QM
 * certification. `true` when the certification's last valid day (validUntil, or certifiedAt + 3
 * years) is before today; absent otherwise (no certification, still valid, or renewed).
 *
 * "Today" comes from the runner (`--today`, or the date of the schedule tick), see
 * scripts/migrate/context.ts, so it can be tested with a fixed clock.
 */
import {at, defineMigration, set, unset} from 'sanity/migrate'

import {certificationStatus} from '../../domain/qmStatus.ts'
import {migrationToday} from '../../scripts/migrate/context.ts'

/** Re-run on every `run` and every schedule tick, even once applied. */
export const recurring = true

interface Reference {
  _ref?: unknown
}

export default defineMigration({
  title: 'Mark interviews whose QM certification has expired (certificationExpired)',
  // Certifications are read too, so the interviews can look them up in context.filtered.
  documentTypes: ['interview', 'qmCertification'],
  filter: '_type == "qmCertification" || defined(certification) || defined(certificationExpired)',
  migrate: {
    async document(doc, context) {
      if (doc._type !== 'interview') return []
      const ref = (doc.certification as Reference | undefined)?._ref
      const certification =
        typeof ref === 'string' ? await context.filtered.getDocument(ref) : undefined
      const certifiedAt = certification?.certifiedAt
      const validUntil = certification?.validUntil
      const expired =
        typeof certifiedAt === 'string' &&
        certificationStatus(
          {certifiedAt, validUntil: typeof validUntil === 'string' ? validUntil : undefined},
          migrationToday(context),
        ) === 'expired'

      if (expired && doc.certificationExpired !== true) {
        return at('certificationExpired', set(true))
      }
      if (!expired && doc.certificationExpired !== undefined) {
        return at('certificationExpired', unset())
      }
      return []
    },
  },
})
