/**
 * The Studio's own search (sanity's `createSearch`, strategy `groq2024`) over the project's schema,
 * run through a @sanity/client, so tests and benchmarks send exactly the queries the Studio's
 * search box sends: a reference-resolving query, then the scored search
 * (`*[_type in $__types] | score(boost(… match text::query($__query), w), …)[_score > 0] …`).
 */
import type {SanityClient} from '@sanity/client'
import {createSchema, createSearch, type SearchOptions} from 'sanity'
import {schemaTypes} from '../schemas/index.ts'

export interface StudioSearchHit {
  _id: string
  _type: string
}

/** The project's document types, as the Studio's search gets them. */
function documentTypes() {
  const schema = createSchema({name: 'default', types: schemaTypes})
  return schema
    .getTypeNames()
    .map((name) => schema.get(name))
    .filter((type) => type?.type?.name === 'document')
}

/** One query the search sent. */
export interface StudioSearchRequest {
  query: string
  params: Record<string, unknown>
}

/**
 * Searches like the Studio's search box (published perspective unless given); `onRequest` sees
 * each query the search sends.
 */
export function studioSearch(
  client: SanityClient,
  onRequest: (request: StudioSearchRequest) => void = () => undefined,
): (text: string, options?: SearchOptions) => Promise<StudioSearchHit[]> {
  const recording = {
    observable: {
      fetch(query: string, params: Record<string, unknown>, options: Record<string, unknown>) {
        onRequest({query, params})
        return client.observable.fetch(query, params, options)
      },
    },
  }
  const search = createSearch(
    documentTypes() as never,
    recording as never,
    {
      strategy: 'groq2024',
    } as never,
  )
  return (text, options = {}) =>
    new Promise((resolve, reject) => {
      search(text, {limit: 25, ...options}).subscribe({
        next: (result) => resolve(result.hits.map(({hit}) => ({_id: hit._id, _type: hit._type}))),
        error: reject,
      })
    })
}
