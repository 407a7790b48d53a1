import {DocumentTextIcon} from '@sanity/icons/DocumentText'
import {defineArrayMember, defineField, defineType} from 'sanity'

import {MESSAGES} from '../validationMessages.ts'

/** The fact sheet about the Quality Mark that accompanies interviews. */
export const qmFactSheet = defineType({
  name: 'qmFactSheet',
  title: 'Faktablad',
  type: 'document',
  icon: DocumentTextIcon,
  fields: [
    defineField({
      name: 'title',
      title: 'Rubrik',
      type: 'string',
      validation: (rule) => rule.required().error('Ange en rubrik för faktabladet.'),
    }),
    defineField({
      name: 'body',
      title: 'Text',
      type: 'blockContent',
    }),
    defineField({
      name: 'contacts',
      title: 'Kontaktpersoner',
      type: 'array',
      of: [defineArrayMember({type: 'reference', to: [{type: 'person'}]})],
      validation: (rule) =>
        rule.unique().error('Samma person finns redan bland kontaktpersonerna.'),
    }),
    defineField({
      name: 'website',
      title: 'Webbplats',
      description: 'Var man kan läsa mer, t.ex. om kvalitetsmärkningen.',
      type: 'url',
      validation: (rule) => rule.uri({scheme: ['http', 'https']}).error(MESSAGES.urlFormat),
    }),
    defineField({
      name: 'organization',
      title: 'Utgivare',
      description: 'Organisationen som ger ut faktabladet.',
      type: 'reference',
      to: [{type: 'organization'}],
    }),
  ],
  preview: {
    select: {title: 'title', organizationName: 'organization.name'},
    prepare({title, organizationName}) {
      return {
        title: title || 'Faktablad utan rubrik',
        subtitle: organizationName ? `Utgivare: ${organizationName}` : undefined,
      }
    },
  },
})
