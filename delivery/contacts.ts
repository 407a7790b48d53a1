/**
 * The people a page lists as contacts. An interview names its own contacts and its fact sheet names
 * the association's; often they are the same person, who should be listed once.
 */

interface Identified {
  _id: string
}

/**
 * The people of all lists in order, each once (by document id); missing entries (a reference to a
 * deleted person dereferences to null) are dropped.
 */
export function uniqueContacts<T extends Identified>(
  ...lists: ReadonlyArray<ReadonlyArray<T | null | undefined> | null | undefined>
): T[] {
  const seen = new Set<string>()
  const people: T[] = []
  for (const list of lists) {
    for (const person of list ?? []) {
      if (!person || seen.has(person._id)) continue
      seen.add(person._id)
      people.push(person)
    }
  }
  return people
}
