import {CheckmarkIcon} from '@sanity/icons/Checkmark'
import {defineField, defineType} from 'sanity'

/** One QM criteria area and how the organisation shows that it meets it. */
export const qmCriterion = defineType({
  name: 'qmCriterion',
  title: 'Kriterium',
  type: 'object',
  icon: CheckmarkIcon,
  fields: [
    defineField({
      name: 'area',
      title: 'Kriterieområde',
      description: 'Det område i kvalitetsmärkningen som kriteriet gäller.',
      type: 'string',
      validation: (rule) => rule.required().error('Ange kriterieområdet.'),
    }),
    defineField({
      name: 'evidence',
      title: 'Organisationens underlag',
      description: 'Hur organisationen uppfyller kriteriet.',
      type: 'text',
      rows: 4,
    }),
  ],
  preview: {
    select: {area: 'area', evidence: 'evidence'},
    prepare({area, evidence}) {
      return {title: area || 'Kriterieområde saknas', subtitle: evidence}
    },
  },
})
