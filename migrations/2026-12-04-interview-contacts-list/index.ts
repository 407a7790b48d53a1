/**
 * An interview had one `contact` (a reference to a person); it now has a list, `contacts`. Move an
 * existing `contact` to the end of `contacts` (unless that person is already listed) and remove
 * the old field. The array item's `_key` is derived from the person's id, so a rerun, or the same
 * interview's draft and published version, get the same key.
 */
import {createHash} from 'node:crypto'
import {at, defineMigration, insert, setIfMissing, unset} from 'sanity/migrate'

interface Reference {
  _ref?: unknown
  _weak?: unknown
}

/** A stable array key for the person `ref`: 12 hex digits of its sha256. */
export function contactKeyFor(ref: string): string {
  return createHash('sha256').update(ref).digest('hex').slice(0, 12)
}

export default defineMigration({
  title: 'Move interview.contact (one person) into the interview.contacts list',
  documentTypes: ['interview'],
  filter: 'defined(contact)',
  migrate: {
    document(interview) {
      const contact = interview.contact as Reference | undefined
      const ref = typeof contact?._ref === 'string' ? contact._ref : undefined
      const listed = Array.isArray(interview.contacts)
        ? (interview.contacts as Reference[]).some((item) => item?._ref === ref)
        : false
      if (!ref || listed) return at('contact', unset())
      const item = {
        _type: 'reference',
        _ref: ref,
        _key: contactKeyFor(ref),
        ...(contact?._weak === true ? {_weak: true} : {}),
      }
      return [
        at('contacts', setIfMissing([])),
        at('contacts', insert([item], 'after', -1)),
        at('contact', unset()),
      ]
    },
  },
})
