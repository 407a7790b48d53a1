import {CaseIcon} from '@sanity/icons/Case'
import {defineField, defineType} from 'sanity'

import {imageWithAltField} from '../fields/imageWithAlt.ts'
import {slugField} from '../fields/slug.ts'
import {MESSAGES} from '../validationMessages.ts'

export const ORGANIZATION_KINDS = [
  {value: 'cityCentreOrganization', title: 'Samverkansorganisation'},
  {value: 'nationalAssociation', title: 'Nationell förening'},
  {value: 'europeanNetwork', title: 'Europeiskt nätverk'},
  {value: 'municipality', title: 'Kommun'},
  {value: 'company', title: 'Företag'},
] as const

function organizationKindTitle(kind: unknown): string | undefined {
  return ORGANIZATION_KINDS.find((option) => option.value === kind)?.title
}

export const organization = defineType({
  name: 'organization',
  title: 'Organisation',
  type: 'document',
  icon: CaseIcon,
  fields: [
    defineField({
      name: 'name',
      title: 'Namn',
      type: 'string',
      validation: (rule) => rule.required().error('Ange organisationens namn.'),
    }),
    slugField({source: 'name'}),
    defineField({
      name: 'kind',
      title: 'Typ av organisation',
      type: 'string',
      options: {list: [...ORGANIZATION_KINDS], layout: 'radio'},
      validation: (rule) => rule.required().error('Välj vilken typ av organisation det är.'),
    }),
    defineField({
      name: 'city',
      title: 'Stad',
      type: 'reference',
      to: [{type: 'city'}],
    }),
    defineField({
      name: 'website',
      title: 'Webbplats',
      type: 'url',
      validation: (rule) => rule.uri({scheme: ['http', 'https']}).error(MESSAGES.urlFormat),
    }),
    imageWithAltField({name: 'logo', title: 'Logotyp', hotspot: false}),
    defineField({
      name: 'description',
      title: 'Beskrivning',
      type: 'text',
      rows: 4,
    }),
    defineField({
      name: 'memberSince',
      title: 'Medlem i Svenska Stadskärnor sedan',
      description: 'Lämna tomt om organisationen inte är medlem.',
      type: 'date',
      options: {dateFormat: 'YYYY-MM-DD'},
    }),
  ],
  preview: {
    select: {name: 'name', kind: 'kind', cityName: 'city.name', media: 'logo'},
    prepare({name, kind, cityName, media}) {
      const subtitle = [organizationKindTitle(kind), cityName].filter(Boolean).join(' · ')
      return {title: name || 'Namnlös organisation', subtitle: subtitle || undefined, media}
    },
  },
  orderings: [{title: 'Namn', name: 'nameAsc', by: [{field: 'name', direction: 'asc'}]}],
})
