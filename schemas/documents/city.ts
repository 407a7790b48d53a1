import {PinIcon} from '@sanity/icons/Pin'
import {defineArrayMember, defineField, defineType} from 'sanity'

import {imageWithAltField} from '../fields/imageWithAlt.ts'
import {slugField} from '../fields/slug.ts'

export const city = defineType({
  name: 'city',
  title: 'Stad',
  type: 'document',
  icon: PinIcon,
  fields: [
    defineField({
      name: 'name',
      title: 'Namn',
      type: 'string',
      validation: (rule) => rule.required().error('Ange stadens namn.'),
    }),
    slugField({source: 'name'}),
    defineField({
      name: 'municipality',
      title: 'Kommun',
      description: 'T.ex. "Borås kommun".',
      type: 'string',
    }),
    defineField({
      name: 'county',
      title: 'Län',
      description: 'T.ex. "Västra Götalands län".',
      type: 'string',
    }),
    defineField({
      name: 'cityCentreOrganization',
      title: 'Stadskärneorganisation',
      description: 'Samverkansorganisationen som arbetar med stadskärnan.',
      type: 'reference',
      to: [{type: 'organization'}],
      options: {
        filter: '!defined(kind) || kind == $kind',
        filterParams: {kind: 'cityCentreOrganization'},
      },
    }),
    defineField({
      name: 'keyFacts',
      title: 'Nyckeltal',
      type: 'array',
      of: [defineArrayMember({type: 'keyFact'})],
    }),
    defineField({
      name: 'description',
      title: 'Beskrivning',
      type: 'text',
      rows: 4,
    }),
    imageWithAltField({name: 'image', title: 'Bild'}),
  ],
  preview: {
    select: {name: 'name', municipality: 'municipality', county: 'county', media: 'image'},
    prepare({name, municipality, county, media}) {
      const subtitle = [municipality, county].filter(Boolean).join(', ')
      return {title: name || 'Namnlös stad', subtitle: subtitle || undefined, media}
    },
  },
  orderings: [{title: 'Namn', name: 'nameAsc', by: [{field: 'name', direction: 'asc'}]}],
})
