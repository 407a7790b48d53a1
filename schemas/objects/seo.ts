import {SearchIcon} from '@sanity/icons/Search'
import {defineField, defineType} from 'sanity'

import {imageWithAltField} from '../fields/imageWithAlt.ts'

/** What search engines and link previews show; falls back to the page's own title and lead. */
export const seo = defineType({
  name: 'seo',
  title: 'Sökmotorer och delning',
  type: 'object',
  icon: SearchIcon,
  options: {collapsible: true, collapsed: true},
  fields: [
    defineField({
      name: 'title',
      title: 'Titel',
      description: 'Lämna tomt för att använda sidans rubrik.',
      type: 'string',
      validation: (rule) =>
        rule.max(60).warning('Längre titlar än 60 tecken kortas ofta av i sökresultaten.'),
    }),
    defineField({
      name: 'description',
      title: 'Beskrivning',
      description: 'Lämna tomt för att använda ingressen.',
      type: 'text',
      rows: 3,
      validation: (rule) =>
        rule.max(160).warning('Längre beskrivningar än 160 tecken kortas ofta av i sökresultaten.'),
    }),
    imageWithAltField({
      name: 'image',
      title: 'Delningsbild',
      description:
        'Visas när sidan delas i sociala medier. Lämna tomt för att använda huvudbilden.',
    }),
  ],
})
