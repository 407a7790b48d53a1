/**
 * Collects the sync tags of every query a page runs: the page's client is wrapped so each
 * `fetch` asks for the full response (`filterResponse: false`), keeps its `syncTags` and returns
 * the result as usual. The delivery functions stay unaware of it.
 */
import type {SanityClient} from '@sanity/client'

export interface TrackedClient {
  client: SanityClient
  /** The tags of every response so far, in first-seen order. */
  tags(): string[]
}

export function trackSyncTags(client: SanityClient): TrackedClient {
  const tags = new Set<string>()
  const fetch = async (query: string, params?: unknown, options?: object) => {
    const response = await client.fetch(query, (params ?? {}) as Record<string, unknown>, {
      ...options,
      filterResponse: false,
    })
    for (const tag of response.syncTags ?? []) tags.add(tag)
    return response.result
  }
  const tracked = new Proxy(client, {
    get(target, property) {
      if (property === 'fetch') return fetch
      const value: unknown = Reflect.get(target, property)
      // Methods run on the real client (it keeps its configuration in private fields).
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value
    },
  })
  return {client: tracked, tags: () => [...tags]}
}
