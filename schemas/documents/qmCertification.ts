import {CheckmarkCircleIcon} from '@sanity/icons/CheckmarkCircle'
import {defineArrayMember, defineField, defineType, type ValidationContext} from 'sanity'

import {isValidOn} from '../../domain/qmEligibility.ts'
import {checkRevisionGap} from '../../domain/qmRevision.ts'
import {missingSections, qmSectionTitle} from '../../domain/qmSections.ts'
import {
  certificationStatus,
  effectiveValidUntil,
  expectedValidUntil,
  QM_STATUS_LABELS,
  QM_VALIDITY_YEARS,
} from '../../domain/qmStatus.ts'
import {ValidUntilInput} from '../../studio/components/ValidUntilInput.ts'
import {fetchForValidation, publishedId} from '../validationClient.ts'

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
  previousRequired: 'En revidering måste hänvisa till certifieringen som den förnyar.',
  previousIsSelf: 'En certifiering kan inte förnya sig själv; välj den tidigare certifieringen.',
  previousOtherOrganization: (previousOrganization: string, organization: string) =>
    `Den tidigare certifieringen gäller ${previousOrganization}, inte ${organization}. ` +
    'En revidering förnyar samma organisations certifiering.',
  previousEndedTooEarly: (previousValidUntil: string, certifiedAt: string, earliest: string) =>
    `Den tidigare certifieringen gällde till ${previousValidUntil}, mer än ett år innan ` +
    `revideringen börjar (${certifiedAt}). Den får ha gått ut tidigast ${earliest}.`,
  previousEndsTooLate: (previousValidUntil: string, certifiedAt: string, latest: string) =>
    `Den tidigare certifieringen gäller till ${previousValidUntil}, mer än ett år efter att ` +
    `revideringen börjar (${certifiedAt}). Den får gälla längst till ${latest}.`,
  sectionsMissing: (titles: string[]) =>
    `En ny ansökan ska ta upp alla nio avsnitt. Saknas: ${titles.join(', ')}.`,
} as const

/** The text editors see for Årets Stadskärna eligibility, derived from validity today. */
export const ELIGIBILITY_LABEL = 'kan nomineras till Årets Stadskärna'

interface CertificationDraft {
  _id?: string
  certifiedAt?: unknown
  applicationType?: unknown
  organization?: {_ref?: unknown}
  criteria?: Array<{section?: unknown}>
}

interface PreviousCertification {
  _id: string
  certifiedAt?: string
  validUntil?: string
  organizationId?: string
  organizationName?: string
}

/** The checks on `previousCertification`, with Swedish messages naming the problem. */
async function validatePreviousCertification(
  value: {_ref?: unknown} | undefined,
  context: ValidationContext,
): Promise<string | true> {
  const document = context.document as CertificationDraft | undefined
  const ref = typeof value?._ref === 'string' ? value._ref : undefined
  if (!ref) return document?.applicationType === 'revision' ? QM_MESSAGES.previousRequired : true
  if (ref === publishedId(document?._id)) return QM_MESSAGES.previousIsSelf

  const organizationRef = document?.organization?._ref
  const {previous, organizationName} = await fetchForValidation<{
    previous: PreviousCertification | null
    organizationName: string | null
  }>(
    context,
    `{
      "previous": *[_id == $ref][0]{
        _id, certifiedAt, validUntil,
        "organizationId": organization._ref, "organizationName": organization->name
      },
      "organizationName": *[_id == $organization][0].name
    }`,
    {ref, organization: typeof organizationRef === 'string' ? organizationRef : ''},
  )
  // A reference to a missing document is reported by Sanity's own reference check.
  if (!previous) return true
  if (
    typeof organizationRef === 'string' &&
    previous.organizationId &&
    previous.organizationId !== organizationRef
  ) {
    return QM_MESSAGES.previousOtherOrganization(
      previous.organizationName ?? previous.organizationId,
      organizationName ?? organizationRef,
    )
  }
  const certifiedAt = certifiedAtOf(document)
  if (!certifiedAt || !previous.certifiedAt) return true
  let gap: ReturnType<typeof checkRevisionGap>
  try {
    gap = checkRevisionGap(
      {certifiedAt: previous.certifiedAt, validUntil: previous.validUntil},
      certifiedAt,
    )
  } catch {
    return true
  }
  if (gap.ok) return true
  return gap.problem === 'endedTooEarly'
    ? QM_MESSAGES.previousEndedTooEarly(gap.previousValidUntil, certifiedAt, gap.earliest)
    : QM_MESSAGES.previousEndsTooLate(gap.previousValidUntil, certifiedAt, gap.latest)
}

function certifiedAtOf(document: unknown): string | undefined {
  const certifiedAt = (document as CertificationDraft | undefined)?.certifiedAt
  return typeof certifiedAt === 'string' && certifiedAt ? certifiedAt : undefined
}

function statusLine(certifiedAt: unknown, validUntil: unknown): string | undefined {
  if (typeof certifiedAt !== 'string' || !certifiedAt) return undefined
  const dates = {certifiedAt, validUntil: typeof validUntil === 'string' ? validUntil : undefined}
  try {
    const today = new Date()
    const status = QM_STATUS_LABELS[certificationStatus(dates, today)]
    const eligible = isValidOn(dates, today) ? `; ${ELIGIBILITY_LABEL}` : ''
    return `Giltig t.o.m. ${effectiveValidUntil(dates)} (${status}${eligible})`
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
      name: 'previousCertification',
      title: 'Certifiering som förnyas',
      description:
        'Den certifiering som revideringen förnyar: samma organisation, och den ska ha gått ut ' +
        'eller gå ut högst ett år från revideringens certifieringsdatum.',
      type: 'reference',
      to: [{type: 'qmCertification'}],
      hidden: ({document, value}) => document?.applicationType !== 'revision' && !value,
      options: {
        filter: ({document}) => {
          const organization = (document as CertificationDraft).organization?._ref
          const id = publishedId(document._id) ?? ''
          return typeof organization === 'string'
            ? {
                filter: 'organization._ref == $organization && _id != $id',
                params: {organization, id},
              }
            : {filter: '_id != $id', params: {id}}
        },
      },
      validation: (rule) =>
        rule.custom((value, context) =>
          validatePreviousCertification(value as {_ref?: unknown} | undefined, context),
        ),
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
      name: 'assessor',
      title: 'Granskare',
      description: 'Den som granskade ansökan.',
      type: 'reference',
      to: [{type: 'person'}],
    }),
    defineField({
      name: 'area',
      title: 'Geografiskt område',
      description: 'Området i stadskärnan som certifieringen gäller.',
      type: 'object',
      options: {collapsible: true, collapsed: false},
      fields: [
        defineField({
          name: 'description',
          title: 'Beskrivning',
          description: 'T.ex. "Gatorna innanför vallgraven, från stationen till torget".',
          type: 'text',
          rows: 3,
        }),
        defineField({
          name: 'map',
          title: 'Karta',
          description: 'Karta över området som bild eller PDF.',
          type: 'file',
          options: {accept: 'image/*,application/pdf'},
        }),
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
      title: 'Avsnitt i ansökan',
      description:
        'Ansökans nio avsnitt med organisationens underlag och bilagor. En ny ansökan tar upp ' +
        'alla nio; en revidering kan ta upp färre.',
      type: 'array',
      of: [defineArrayMember({type: 'qmCriterion'})],
      validation: (rule) =>
        rule
          .custom((criteria, context) => {
            const document = context.document as CertificationDraft | undefined
            if (document?.applicationType !== 'new') return true
            const covered = (criteria as CertificationDraft['criteria'])?.map((c) => c?.section)
            const missing = missingSections(covered ?? [])
            return missing.length === 0
              ? true
              : QM_MESSAGES.sectionsMissing(missing.map((section) => qmSectionTitle(section)!))
          })
          .warning(),
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
