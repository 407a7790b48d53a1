import {CommentIcon} from '@sanity/icons/Comment'
import {defineArrayMember, defineField, defineType} from 'sanity'

import {imageWithAltField} from '../fields/imageWithAlt.ts'
import {slugField} from '../fields/slug.ts'

export const INTERVIEW_LANGUAGES = [
  {value: 'sv', title: 'Svenska'},
  {value: 'en', title: 'Engelska'},
] as const

export const INTERVIEW_MESSAGES = {
  titleRequired: 'Ange en rubrik för intervjun.',
  intervieweeRequired: 'Välj vem som intervjuas.',
  questionsRequired: 'Lägg till minst en fråga med svar.',
  leadTooLong: 'Ingressen är lång; håll den under 300 tecken så att den syns i listor.',
  contactsUnique: 'Samma person finns redan bland kontakterna.',
} as const

export const interview = defineType({
  name: 'interview',
  title: 'Intervju',
  type: 'document',
  icon: CommentIcon,
  groups: [
    {name: 'content', title: 'Innehåll', default: true},
    {name: 'relations', title: 'Kopplingar'},
    {name: 'seo', title: 'Sökmotorer'},
  ],
  fields: [
    defineField({
      name: 'title',
      title: 'Rubrik',
      type: 'string',
      group: 'content',
      validation: (rule) => rule.required().error(INTERVIEW_MESSAGES.titleRequired),
    }),
    slugField({source: 'title', required: true, group: 'content'}),
    defineField({
      name: 'publishedAt',
      title: 'Publiceringsdatum',
      type: 'datetime',
      group: 'content',
      initialValue: () => new Date().toISOString(),
    }),
    defineField({
      name: 'language',
      title: 'Språk',
      type: 'string',
      group: 'content',
      options: {list: [...INTERVIEW_LANGUAGES], layout: 'radio', direction: 'horizontal'},
      initialValue: 'sv',
      validation: (rule) => rule.required().error('Välj intervjuns språk.'),
    }),
    defineField({
      name: 'interviewee',
      title: 'Intervjuad person',
      type: 'reference',
      to: [{type: 'person'}],
      group: ['content', 'relations'],
      validation: (rule) => rule.required().error(INTERVIEW_MESSAGES.intervieweeRequired),
    }),
    defineField({
      name: 'organization',
      title: 'Organisation',
      type: 'reference',
      to: [{type: 'organization'}],
      group: 'relations',
    }),
    defineField({
      name: 'city',
      title: 'Stad',
      type: 'reference',
      to: [{type: 'city'}],
      group: 'relations',
    }),
    defineField({
      name: 'lead',
      title: 'Ingress',
      type: 'text',
      rows: 3,
      group: 'content',
      validation: (rule) => rule.max(300).warning(INTERVIEW_MESSAGES.leadTooLong),
    }),
    imageWithAltField({name: 'mainImage', title: 'Huvudbild', group: 'content'}),
    defineField({
      name: 'pullQuote',
      title: 'Citat',
      type: 'pullQuote',
      group: 'content',
    }),
    defineField({
      name: 'questions',
      title: 'Frågor och svar',
      description: 'Visas i den ordning de står här; dra för att ändra ordningen.',
      type: 'array',
      of: [defineArrayMember({type: 'qaPair'})],
      group: 'content',
      validation: (rule) => rule.required().min(1).error(INTERVIEW_MESSAGES.questionsRequired),
    }),
    defineField({
      name: 'certification',
      title: 'QM-certifiering',
      description: 'Certifieringen som intervjun handlar om.',
      type: 'reference',
      to: [{type: 'qmCertification'}],
      group: 'relations',
    }),
    defineField({
      name: 'certificationExpired',
      title: 'Certifieringen har gått ut',
      description:
        'Sätts automatiskt av den schemalagda migreringen när den kopplade certifieringen har gått ut.',
      type: 'boolean',
      readOnly: true,
      group: 'relations',
    }),
    defineField({
      name: 'factSheet',
      title: 'Faktablad',
      type: 'reference',
      to: [{type: 'qmFactSheet'}],
      group: 'relations',
    }),
    defineField({
      name: 'contacts',
      title: 'Kontakter',
      description: 'De som läsare kan kontakta för frågor om intervjun.',
      type: 'array',
      of: [defineArrayMember({type: 'reference', to: [{type: 'person'}]})],
      group: 'relations',
      validation: (rule) => rule.unique().error(INTERVIEW_MESSAGES.contactsUnique),
    }),
    defineField({
      name: 'tags',
      title: 'Taggar',
      type: 'array',
      of: [defineArrayMember({type: 'string'})],
      options: {layout: 'tags'},
      group: 'content',
      validation: (rule) => rule.unique().error('Samma tagg finns redan.'),
    }),
    defineField({
      name: 'seo',
      title: 'Sökmotorer och delning',
      type: 'seo',
      group: 'seo',
    }),
  ],
  preview: {
    select: {
      title: 'title',
      intervieweeName: 'interviewee.name',
      cityName: 'city.name',
      publishedAt: 'publishedAt',
      media: 'mainImage',
    },
    prepare({title, intervieweeName, cityName, publishedAt, media}) {
      const date = typeof publishedAt === 'string' ? publishedAt.slice(0, 10) : undefined
      const subtitle = [intervieweeName, cityName, date].filter(Boolean).join(' · ')
      return {title: title || 'Intervju utan rubrik', subtitle: subtitle || undefined, media}
    },
  },
  orderings: [
    {
      title: 'Publiceringsdatum, senast först',
      name: 'publishedAtDesc',
      by: [{field: 'publishedAt', direction: 'desc'}],
    },
  ],
})
