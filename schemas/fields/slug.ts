import {defineField} from 'sanity'

import {MESSAGES} from '../validationMessages.ts'

interface SlugFieldOptions {
  /** The field the slug is generated from. */
  source: string
  required?: boolean
  group?: string
}

/**
 * The URL part of a document's page. Uniqueness per document type is Sanity's default check,
 * which asks the Content Lake.
 */
export function slugField({source, required = false, group}: SlugFieldOptions) {
  return defineField({
    name: 'slug',
    title: 'URL-del',
    description: 'Används i sidans adress. Generera den från namnet och ändra den sällan.',
    type: 'slug',
    group,
    options: {source, maxLength: 96},
    validation: required ? (rule) => rule.required().error(MESSAGES.slugRequired) : undefined,
  })
}
