import {UserIcon} from '@sanity/icons/User'
import {defineField, defineType} from 'sanity'

import {imageWithAltField} from '../fields/imageWithAlt.ts'
import {slugField} from '../fields/slug.ts'
import {MESSAGES} from '../validationMessages.ts'

/** Digits with the separators people actually type: spaces, dashes, parentheses, a leading +. */
const PHONE_PATTERN = /^\+?[\d\s\-()]{6,20}$/

export const person = defineType({
  name: 'person',
  title: 'Person',
  type: 'document',
  icon: UserIcon,
  fields: [
    defineField({
      name: 'name',
      title: 'Namn',
      type: 'string',
      validation: (rule) => rule.required().error('Ange personens namn.'),
    }),
    slugField({source: 'name'}),
    defineField({
      name: 'role',
      title: 'Roll',
      description: 'T.ex. centrumchef, verksamhetsledare eller Senior Advisor.',
      type: 'string',
    }),
    defineField({
      name: 'organization',
      title: 'Organisation',
      type: 'reference',
      to: [{type: 'organization'}],
    }),
    defineField({
      name: 'email',
      title: 'E-post',
      type: 'string',
      validation: (rule) => rule.email().error(MESSAGES.emailFormat),
    }),
    defineField({
      name: 'phone',
      title: 'Telefon',
      type: 'string',
      validation: (rule) =>
        rule.regex(PHONE_PATTERN, {name: 'telefonnummer'}).error(MESSAGES.phoneFormat),
    }),
    imageWithAltField({name: 'portrait', title: 'Porträtt'}),
    defineField({
      name: 'bio',
      title: 'Presentation',
      type: 'blockContent',
    }),
  ],
  preview: {
    select: {
      name: 'name',
      role: 'role',
      organizationName: 'organization.name',
      media: 'portrait',
    },
    prepare({name, role, organizationName, media}) {
      const subtitle = [role, organizationName].filter(Boolean).join(', ')
      return {title: name || 'Namnlös person', subtitle: subtitle || undefined, media}
    },
  },
  orderings: [{title: 'Namn', name: 'nameAsc', by: [{field: 'name', direction: 'asc'}]}],
})
