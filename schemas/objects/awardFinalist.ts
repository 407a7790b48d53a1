import {CaseIcon} from '@sanity/icons/Case'
import {defineField, defineType, type ValidationContext} from 'sanity'

import {awardKindOf} from '../../domain/awards.ts'
import {isEligibleForAretsStadskarna, type DatedCertification} from '../../domain/qmEligibility.ts'
import {fetchForValidation, itemKeyOf} from '../validationClient.ts'

export const AWARD_FINALIST_MESSAGES = {
  organizationRequired: 'Välj finalistens organisation.',
  organizationRepeated: 'Organisationen finns redan bland finalisterna.',
  noValidQm: (organization: string, date: string) =>
    `${organization} hade ingen giltig kvalitetsmärkning den ${date}, när finalisterna utsågs. ` +
    'En giltig QM krävs för Årets Stadskärna.',
} as const

interface AwardDraft {
  kind?: unknown
  timeline?: {finalistsAnnounced?: unknown}
  finalists?: Array<{_key?: unknown; organization?: {_ref?: unknown}}>
}

/** Every finalist of Årets Stadskärna must hold a valid QM on the day the finalists are named. */
async function validateFinalistOrganization(
  value: {_ref?: unknown} | undefined,
  context: ValidationContext,
): Promise<string | true> {
  const ref = typeof value?._ref === 'string' ? value._ref : undefined
  if (!ref) return true
  const award = context.document as AwardDraft | undefined
  const key = itemKeyOf(context)
  const finalists = award?.finalists ?? []
  const index = finalists.findIndex((finalist) => finalist?._key === key)
  if (finalists.slice(0, Math.max(index, 0)).some((f) => f?.organization?._ref === ref)) {
    return AWARD_FINALIST_MESSAGES.organizationRepeated
  }

  const nominated = award?.timeline?.finalistsAnnounced
  if (!awardKindOf(award?.kind)?.requiresQm || typeof nominated !== 'string' || !nominated) {
    return true
  }
  const {name, certifications} = await fetchForValidation<{
    name: string | null
    certifications: DatedCertification[]
  }>(
    context,
    `{
      "name": *[_id == $ref][0].name,
      "certifications": *[
        _type == "qmCertification" && organization._ref == $ref && !(_id in path("drafts.**"))
      ]{certifiedAt, validUntil}
    }`,
    {ref},
  )
  return isEligibleForAretsStadskarna(certifications, nominated)
    ? true
    : AWARD_FINALIST_MESSAGES.noValidQm(name ?? ref, nominated)
}

/** A finalist of an award year: the city-centre organisation and its city. */
export const awardFinalist = defineType({
  name: 'awardFinalist',
  title: 'Finalist',
  type: 'object',
  icon: CaseIcon,
  fields: [
    defineField({
      name: 'organization',
      title: 'Organisation',
      type: 'reference',
      to: [{type: 'organization'}],
      validation: (rule) => [
        rule.required().error(AWARD_FINALIST_MESSAGES.organizationRequired),
        rule
          .custom((value, context) =>
            validateFinalistOrganization(value as {_ref?: unknown} | undefined, context),
          )
          .error(),
      ],
    }),
    defineField({
      name: 'city',
      title: 'Stad',
      type: 'reference',
      to: [{type: 'city'}],
    }),
  ],
  preview: {
    select: {organizationName: 'organization.name', cityName: 'city.name'},
    prepare({organizationName, cityName}) {
      return {title: organizationName || 'Finalist utan organisation', subtitle: cityName}
    },
  },
})
