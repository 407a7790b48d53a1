import {CheckmarkIcon} from '@sanity/icons/Checkmark'
import {defineArrayMember, defineField, defineType} from 'sanity'

import {QM_SECTIONS, qmSectionTitle} from '../../domain/qmSections.ts'
import {plainTextFromBlocks} from '../previewText.ts'
import {itemKeyOf} from '../validationClient.ts'

export const QM_CRITERION_MESSAGES = {
  sectionRequired: 'Välj vilket av de nio avsnitten underlaget gäller.',
  sectionRepeated: (title: string) =>
    `Avsnittet ”${title}” finns redan i ansökan; varje avsnitt får bara finnas en gång.`,
} as const

interface CriterionLike {
  _key?: unknown
  section?: unknown
}

/**
 * One of the nine sections of a QM application and the organisation's evidence for it. Used in
 * `qmCertification.criteria`, where each section may appear once.
 */
export const qmCriterion = defineType({
  name: 'qmCriterion',
  title: 'Avsnitt',
  type: 'object',
  icon: CheckmarkIcon,
  fields: [
    defineField({
      name: 'section',
      title: 'Avsnitt',
      description: 'Ansökan bedöms i nio avsnitt.',
      type: 'string',
      options: {list: [...QM_SECTIONS]},
      validation: (rule) => [
        rule.required().error(QM_CRITERION_MESSAGES.sectionRequired),
        rule
          .custom((section, context) => {
            if (typeof section !== 'string') return true
            const criteria = (context.document as {criteria?: CriterionLike[]} | undefined)
              ?.criteria
            const key = itemKeyOf(context)
            const index = (criteria ?? []).findIndex((criterion) => criterion?._key === key)
            const earlier = (criteria ?? []).slice(0, Math.max(index, 0))
            return earlier.some((criterion) => criterion?.section === section)
              ? QM_CRITERION_MESSAGES.sectionRepeated(qmSectionTitle(section) ?? section)
              : true
          })
          .error(),
      ],
    }),
    defineField({
      name: 'evidence',
      title: 'Organisationens underlag',
      description: 'Hur organisationen uppfyller kraven i avsnittet.',
      type: 'blockContent',
    }),
    defineField({
      name: 'attachments',
      title: 'Bilagor',
      description: 'T.ex. SWOT, organisationsmatris, karta över området och finansieringsavtal.',
      type: 'array',
      of: [defineArrayMember({type: 'qmAttachment'})],
    }),
    defineField({
      name: 'area',
      title: 'Tidigare kriterieområde (fritext)',
      description:
        'Från tiden innan avsnitten var en fast lista. Välj avsnitt ovan och töm sedan fältet.',
      type: 'string',
      hidden: ({value}) => !value,
    }),
  ],
  preview: {
    select: {section: 'section', area: 'area', evidence: 'evidence'},
    prepare({section, area, evidence}) {
      return {
        title: qmSectionTitle(section) ?? area ?? 'Avsnitt saknas',
        subtitle: plainTextFromBlocks(evidence) || undefined,
      }
    },
  },
})
