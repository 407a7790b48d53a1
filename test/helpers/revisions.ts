/**
 * What a migration run changed: every document's `_rev` before and after, compared. The
 * runner's own documents (`migrations.*`: ledger, lock) are left out.
 */
import type {SanityClient} from '@sanity/client'

/** Every document except the runner's own, as id → _rev. */
export async function revisions(client: SanityClient): Promise<Map<string, string>> {
  const docs = await client.fetch<{_id: string; _rev: string}[]>(
    '*[!(_id in path("migrations.**"))]{_id, _rev}',
  )
  return new Map(docs.filter((d) => !d._id.startsWith('migrations.')).map((d) => [d._id, d._rev]))
}

/** The ids whose revision differs between two `revisions()` snapshots, sorted. */
export function changedBetween(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after]
    .filter(([id, rev]) => before.get(id) !== rev)
    .map(([id]) => id)
    .sort()
}
