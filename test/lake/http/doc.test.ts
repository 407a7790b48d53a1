/** GET /data/doc (lake/http/routes/doc.ts). */
import {beforeAll, describe, expect, it} from 'vitest'
import {rawRequest} from '../../../testkit/lake.ts'
import {lakeForThisFile} from '../../helpers/lakeSuite.ts'
import {seedPosts} from '../../helpers/seedPosts.ts'

const lake = lakeForThisFile()

const raw = (path: string, init?: RequestInit, token?: string | null) =>
  rawRequest(lake, path, init, token)
const seed = (dataset: string) => seedPosts(lake, dataset)

describe('doc endpoint', () => {
  beforeAll(async () => {
    await seed('docs')
  })

  it('returns raw documents and always reports omitted', async () => {
    const res = await raw('/v2025-02-19/data/doc/docs/post-1,drafts.post-1,missing')
    const body = res.body as {documents: Array<{_id: string}>; omitted: unknown[]}
    expect(body.documents.map((d) => d._id).sort()).toEqual(['drafts.post-1', 'post-1'])
    expect(body.omitted).toEqual([{id: 'missing', reason: 'existence'}])
    const all = await raw('/v2025-02-19/data/doc/docs/post-1')
    expect((all.body as {omitted: unknown[]}).omitted).toEqual([])
  })

  it('excludeContent and includeAllVersions', async () => {
    const res = await raw('/v2025-02-19/data/doc/docs/post-1,missing?excludeContent=true')
    expect(res.body).toMatchObject({documents: [], omitted: [{id: 'missing', reason: 'existence'}]})
    const versions = await raw('/v2025-02-19/data/doc/docs/post-1?includeAllVersions=true')
    const ids = (versions.body as {documents: Array<{_id: string}>}).documents.map((d) => d._id)
    expect(ids.sort()).toEqual(['drafts.post-1', 'post-1'])
    const client = lake.client({dataset: 'docs'})
    expect(await client.getDocument('post-1')).toMatchObject({title: 'Published post'})
    expect(await client.getDocuments(['post-1', 'nope'])).toMatchObject([{_id: 'post-1'}, null])
  })

  it('anonymous: dotted ids are omitted with reason permission', async () => {
    const res = await raw('/v2025-02-19/data/doc/docs/post-1,drafts.post-1', {}, null)
    expect(res.body).toMatchObject({
      documents: [{_id: 'post-1'}],
      omitted: [{id: 'drafts.post-1', reason: 'permission'}],
    })
  })
})
