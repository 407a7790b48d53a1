import {CheckmarkCircleIcon} from '@sanity/icons/CheckmarkCircle'
import {defineArrayMember, defineField, defineType} from 'sanity'

import {
  certificationStatus,
  effectiveValidUntil,
  expectedValidUntil,
  QM_STATUS_LABELS,
  QM_VALIDITY_YEARS,
} from '../../domain/qmStatus.ts'
import {ValidUntilInput} from '../../studio/components/ValidUntilInput.ts'

export const APPLICATION_TYPES = [
  {value: 'new', title: 'Ny ansökan'},
  {value: 'revision', title: 'Revidering'},
] as const

export const QM_MESSAGES = {
  organizationRequired: 'Välj organisationen som har certifierats.',
  certifiedAtRequired: 'Ange datum för certifieringen.',
  applicationTypeRequired: 'Ange om det är en ny ansökan eller en revidering.',
  validUntilNotAfterCertifiedAt: 'Giltig till måste vara ett datum efter certifieringsdatumet.',
  validUntilDiffers: (expected: string) =>
    `Kvalitetsmärkningen gäller normalt i ${QM_VALIDITY_YEARS} år, dvs. till ${expected}. ` +
    'Kontrollera att det avvikande datumet stämmer.',
} as const

interface CertificationDraft {
  certifiedAt?: unknown
}

function certifiedAtOf(document: unknown): string | undefined {
  const certifiedAt = (document as CertificationDraft | undefined)?.certifiedAt
  return typeof certifiedAt === 'string' && certifiedAt ? certifiedAt : undefined
}

function statusLine(certifiedAt: unknown, validUntil: unknown): string | undefined {
  if (typeof certifiedAt !== 'string' || !certifiedAt) return undefined
  const dates = {certifiedAt, validUntil: typeof validUntil === 'string' ? validUntil : undefined}
  try {
    const status = QM_STATUS_LABELS[certificationStatus(dates, new Date())]
    return `Giltig t.o.m. ${effectiveValidUntil(dates)} (${status})`
  } catch {
    return undefined
  }
}

/**
 * A Quality Mark certification of a city-centre organisation. Whether it is valid, expiring or
 * expired is derived from the dates (see domain/qmStatus.ts), never stored.
 */
export const qmCertification = defineType({
  name: 'qmCertification',
  title: 'QM-certifiering',
  type: 'document',
  icon: CheckmarkCircleIcon,
  fields: [
    defineField({
      name: 'organization',
      title: 'Organisation',
      description: 'Organisationen som har fått kvalitetsmärkningen.',
      type: 'reference',
      to: [{type: 'organization'}],
      validation: (rule) => rule.required().error(QM_MESSAGES.organizationRequired),
    }),
    defineField({
      name: 'city',
      title: 'Stad',
      type: 'reference',
      to: [{type: 'city'}],
    }),
    defineField({
      name: 'applicationType',
      title: 'Typ av ansökan',
      type: 'string',
      options: {list: [...APPLICATION_TYPES], layout: 'radio', direction: 'horizontal'},
      initialValue: 'new',
      validation: (rule) => rule.required().error(QM_MESSAGES.applicationTypeRequired),
    }),
    defineField({
      name: 'certifiedAt',
      title: 'Certifieringsdatum',
      type: 'date',
      options: {dateFormat: 'YYYY-MM-DD'},
      validation: (rule) => rule.required().error(QM_MESSAGES.certifiedAtRequired),
    }),
    defineField({
      name: 'validUntil',
      title: 'Giltig till och med',
      description:
        `Sista dagen märkningen gäller; normalt certifieringsdatum + ${QM_VALIDITY_YEARS} år. ` +
        'Lämnas fältet tomt räknas det så. Status (giltig, löper snart ut, utgången) räknas fram ' +
        'från datumen.',
      type: 'date',
      options: {dateFormat: 'YYYY-MM-DD'},
      components: {input: ValidUntilInput},
      validation: (rule) => [
        rule
          .custom((validUntil, context) => {
            const certifiedAt = certifiedAtOf(context.document)
            if (typeof validUntil !== 'string' || !certifiedAt) return true
            return validUntil > certifiedAt ? true : QM_MESSAGES.validUntilNotAfterCertifiedAt
          })
          .error(),
        rule
          .custom((validUntil, context) => {
            const certifiedAt = certifiedAtOf(context.document)
            if (typeof validUntil !== 'string' || !certifiedAt || validUntil <= certifiedAt) {
              return true
            }
            let expected: string
            try {
              expected = expectedValidUntil(certifiedAt)
            } catch {
              return true
            }
            return validUntil === expected ? true : QM_MESSAGES.validUntilDiffers(expected)
          })
          .warning(),
      ],
    }),
    defineField({
      name: 'certificate',
      title: 'Certifikat',
      description: 'Certifikatet som PDF.',
      type: 'file',
      options: {accept: 'application/pdf'},
    }),
    defineField({
      name: 'focusAreas',
      title: 'Fokusområden',
      description: 'Skriv ett område och tryck Enter, t.ex. "Trygghet" eller "Handel".',
      type: 'array',
      of: [defineArrayMember({type: 'string'})],
      options: {layout: 'tags'},
      validation: (rule) => rule.unique().error('Samma fokusområde finns redan.'),
    }),
    defineField({
      name: 'criteria',
      title: 'Kriterier',
      description:
        'Kvalitetsmärkningens kriterieområden och organisationens underlag för vart och ett.',
      type: 'array',
      of: [defineArrayMember({type: 'qmCriterion'})],
    }),
  ],
  preview: {
    select: {
      organizationName: 'organization.name',
      cityName: 'city.name',
      certifiedAt: 'certifiedAt',
      validUntil: 'validUntil',
    },
    prepare({organizationName, cityName, certifiedAt, validUntil}) {
      const title = [organizationName, cityName].filter(Boolean).join(', ')
      return {
        title: title || 'Certifiering utan organisation',
        subtitle: statusLine(certifiedAt, validUntil) ?? 'Certifieringsdatum saknas',
      }
    },
  },
  orderings: [
    {
      title: 'Giltig till, tidigast först',
      name: 'validUntilAsc',
      by: [{field: 'validUntil', direction: 'asc'}],
    },
    {
      title: 'Certifieringsdatum, senast först',
      name: 'certifiedAtDesc',
      by: [{field: 'certifiedAt', direction: 'desc'}],
    },
  ],
})
