import {HelpCircleIcon} from '@sanity/icons/HelpCircle'
import {defineField, defineType} from 'sanity'

import {plainTextFromBlocks} from '../previewText.ts'

/** One question and its answer in an interview. */
export const qaPair = defineType({
  name: 'qaPair',
  title: 'Fråga och svar',
  type: 'object',
  icon: HelpCircleIcon,
  fields: [
    defineField({
      name: 'question',
      title: 'Fråga',
      type: 'text',
      rows: 2,
      validation: (rule) => rule.required().error('Skriv frågan.'),
    }),
    defineField({
      name: 'answer',
      title: 'Svar',
      type: 'blockContent',
      validation: (rule) => rule.required().error('Skriv svaret på frågan.'),
    }),
  ],
  preview: {
    select: {question: 'question', answer: 'answer'},
    prepare({question, answer}) {
      return {
        title: question || 'Fråga saknas',
        subtitle: plainTextFromBlocks(answer) || 'Svar saknas',
      }
    },
  },
})
