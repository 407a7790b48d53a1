import type {ValidationContext} from 'sanity'

/** API version for the queries validation rules make (the Studio requires one). */
export const VALIDATION_API_VERSION = '2025-02-19'

/**
 * Runs a GROQ query for a validation rule, through the client the Studio (or the CLI, or a test)
 * hands the rule, so rules see the same dataset as the editor.
 */
export function fetchForValidation<T>(
  context: ValidationContext,
  query: string,
  params: Record<string, unknown> = {},
): Promise<T> {
  return context.getClient({apiVersion: VALIDATION_API_VERSION}).fetch<T>(query, params)
}

/** The published id of a document, whether the Studio validates its draft or its published version. */
export function publishedId(id: string | undefined): string | undefined {
  return id?.replace(/^drafts\./, '')
}

/** The `_key` of the array item a rule runs in (the nearest keyed segment of its path). */
export function itemKeyOf(context: ValidationContext): string | undefined {
  for (const segment of [...(context.path ?? [])].reverse()) {
    if (typeof segment === 'object' && segment !== null && '_key' in segment) return segment._key
  }
  return undefined
}
