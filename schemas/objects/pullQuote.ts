import {DoubleQuoteIcon} from '@sanity/icons/DoubleQuote'
import {defineField, defineType} from 'sanity'

/** A quote lifted out of an interview and shown large. */
export const pullQuote = defineType({
  name: 'pullQuote',
  title: 'Citat',
  type: 'object',
  icon: DoubleQuoteIcon,
  fields: [
    defineField({
      name: 'text',
      title: 'Citat',
      type: 'text',
      rows: 3,
      validation: (rule) => [
        rule.required().error('Skriv citatet, eller ta bort citatet helt.'),
        rule.max(280).warning('Citatet är långt; ett kort citat blir tydligare.'),
      ],
    }),
    defineField({
      name: 'attribution',
      title: 'Vem säger det',
      description: 'T.ex. "Anna Andersson, centrumchef i Exempelstad".',
      type: 'string',
    }),
  ],
  preview: {
    select: {text: 'text', attribution: 'attribution'},
    prepare({text, attribution}) {
      return {title: text || 'Citat saknas', subtitle: attribution}
    },
  },
})
