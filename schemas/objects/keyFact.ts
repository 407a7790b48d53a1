import {BarChartIcon} from '@sanity/icons/BarChart'
import {defineField, defineType} from 'sanity'

/** A figure worth highlighting about a city, e.g. "Planerade bostäder: 3 000". */
export const keyFact = defineType({
  name: 'keyFact',
  title: 'Nyckeltal',
  type: 'object',
  icon: BarChartIcon,
  fields: [
    defineField({
      name: 'label',
      title: 'Vad',
      description: 'T.ex. "Planerade bostäder" eller "Invånare i kommunen".',
      type: 'string',
      validation: (rule) => rule.required().error('Ange vad nyckeltalet gäller.'),
    }),
    defineField({
      name: 'value',
      title: 'Värde',
      description: 'Skrivs som det ska visas, t.ex. "3 000" eller "ca 45 procent".',
      type: 'string',
      validation: (rule) => rule.required().error('Ange ett värde för nyckeltalet.'),
    }),
  ],
  preview: {
    select: {label: 'label', value: 'value'},
    prepare({label, value}) {
      return {title: label || 'Nyckeltal utan namn', subtitle: value || 'Värde saknas'}
    },
  },
})
