/**
 * Certifications from before `validUntil` existed: store the default, the certification date plus
 * three years (domain/qmStatus.ts), so every certification carries its last valid day.
 */
import {at, defineMigration, set} from 'sanity/migrate'

import {expectedValidUntil} from '../../domain/qmStatus.ts'

export default defineMigration({
  title: 'Backfill qmCertification.validUntil as certifiedAt + 3 years where it is missing',
  documentTypes: ['qmCertification'],
  filter: 'defined(certifiedAt) && !defined(validUntil)',
  migrate: {
    document(certification) {
      const {certifiedAt, validUntil} = certification
      if (typeof certifiedAt !== 'string' || (validUntil !== undefined && validUntil !== null)) {
        return undefined
      }
      // A malformed date throws (RangeError naming the value); the runner names the document.
      return at('validUntil', set(expectedValidUntil(certifiedAt)))
    },
  },
})
