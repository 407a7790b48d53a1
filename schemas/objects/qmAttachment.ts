import {DocumentIcon} from '@sanity/icons/Document'
import {defineField, defineType} from 'sanity'

import {QM_ATTACHMENT_KINDS, qmAttachmentKindTitle} from '../../domain/qmSections.ts'

export const QM_ATTACHMENT_MESSAGES = {
  kindRequired: 'Välj vilken sorts bilaga det är.',
  fileRequired: 'Ladda upp bilagans fil.',
} as const

/** A file that belongs to a criteria section: a SWOT, an organisation matrix, a map, … */
export const qmAttachment = defineType({
  name: 'qmAttachment',
  title: 'Bilaga',
  type: 'object',
  icon: DocumentIcon,
  fields: [
    defineField({
      name: 'kind',
      title: 'Typ av bilaga',
      type: 'string',
      options: {list: [...QM_ATTACHMENT_KINDS]},
      validation: (rule) => rule.required().error(QM_ATTACHMENT_MESSAGES.kindRequired),
    }),
    defineField({
      name: 'file',
      title: 'Fil',
      type: 'file',
      validation: (rule) => rule.required().error(QM_ATTACHMENT_MESSAGES.fileRequired),
    }),
    defineField({
      name: 'description',
      title: 'Beskrivning',
      description: 'T.ex. "Organisationsmatris med parternas andelar, mandat och beslutsvägar".',
      type: 'string',
    }),
  ],
  preview: {
    select: {kind: 'kind', description: 'description', fileName: 'file.asset.originalFilename'},
    prepare({kind, description, fileName}) {
      return {
        title: qmAttachmentKindTitle(kind) ?? 'Bilaga utan typ',
        subtitle: [description, fileName].filter(Boolean).join(' · ') || undefined,
      }
    },
  },
})
