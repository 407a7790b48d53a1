/** GET|POST /data/query (lake/http/routes/query.ts): perspectives, visibility, params, errors. */
import {beforeAll, describe, expect, it} from 'vitest'
import {rawRequest} from '../../../testkit/lake.ts'
import {lakeForThisFile} from '../../helpers/lakeSuite.ts'
import {seedPosts} from '../../helpers/seedPosts.ts'

const lake = lakeForThisFile()

const raw = (path: string, init?: RequestInit, token?: string | null) =>
  rawRequest(lake, path, init, token)
const seed = (dataset: string) => seedPosts(lake, dataset)

describe('query', () => {
  beforeAll(async () => {
    await seed('persp')
  })

  it('raw perspective returns drafts and published', async () => {
    const ids = await lake
      .client({dataset: 'persp', perspective: 'raw'})
      .fetch<string[]>('*[_type == "post"]._id')
    expect(ids).toEqual(['drafts.post-1', 'drafts.post-2', 'post-1', 'post-3'])
  })

  it('published perspective hides drafts', async () => {
    const client = lake.client({dataset: 'persp', perspective: 'published'})
    expect(await client.fetch('*[_type == "post"]._id')).toEqual(['post-1', 'post-3'])
    expect(await client.fetch('*[_id == "post-1"][0]._originalId')).toBeNull()
  })

  it('drafts perspective overlays drafts with _originalId and derefs through drafts', async () => {
    const client = lake.client({dataset: 'persp', perspective: 'drafts'})
    const posts = await client.fetch<Array<Record<string, unknown>>>(
      '*[_type == "post"]{_id, _originalId, title, "author": author->{_id, _originalId, name}}',
    )
    expect(posts).toEqual([
      {
        _id: 'post-1',
        _originalId: 'drafts.post-1',
        title: 'Draft post',
        author: {_id: 'author-1', _originalId: 'drafts.author-1', name: 'Draft author'},
      },
      {_id: 'post-2', _originalId: 'drafts.post-2', title: 'Only a draft', author: null},
      {_id: 'post-3', _originalId: 'post-3', title: 'Points at a draft', author: null},
    ])
    // previewDrafts is an alias
    const alias = lake.client({dataset: 'persp', perspective: 'previewDrafts'})
    expect(await alias.fetch('*[_id == "post-1"][0].title')).toBe('Draft post')
  })

  it('defaults to published from 2025-02-19 and raw before', async () => {
    const q = 'count(*[_type == "post"])'
    expect(await lake.client({dataset: 'persp', apiVersion: '2025-02-19'}).fetch(q)).toBe(2)
    expect(await lake.client({dataset: 'persp', apiVersion: 'X'}).fetch(q)).toBe(2)
    expect(await lake.client({dataset: 'persp', apiVersion: '2024-01-01'}).fetch(q)).toBe(4)
    expect(await lake.client({dataset: 'persp', apiVersion: '1'}).fetch(q)).toBe(4)
  })

  it('anonymous callers never see dotted ids, also not through ->', async () => {
    const anon = lake.client({dataset: 'persp', token: null, perspective: 'raw'})
    expect(await anon.fetch('*._id')).toEqual(['author-1', 'post-1', 'post-3'])
    expect(await anon.fetch('*[_id == "post-3"][0].hidden->')).toBeNull()
    const admin = lake.client({dataset: 'persp', perspective: 'raw'})
    expect(await admin.fetch('*[_id == "post-3"][0].hidden->title')).toBe('Only a draft')
    const drafts = lake.client({dataset: 'persp', token: null, perspective: 'drafts'})
    expect(await drafts.fetch('*[_id == "post-1"][0].title')).toBe('Published post')
  })

  it('passes identity, projectId and dataset to GROQ', async () => {
    const anonIdentity = await lake.client({dataset: 'persp', token: null}).fetch('identity()')
    const result = await lake
      .client({dataset: 'persp'})
      .fetch<Record<string, string>>(
        '{"id": identity(), "p": sanity::projectId(), "d": sanity::dataset()}',
      )
    expect(result.id).toMatch(/^p-/)
    expect(result.id).not.toBe(anonIdentity)
    expect(result.p).toBe('test')
    expect(result.d).toBe('persp')
  })

  it('returns {query, result, ms} and omits query with returnQuery=false', async () => {
    const q = encodeURIComponent('*[_id == $id][0].title')
    const withQuery = await raw(`/v2025-02-19/data/query/persp?query=${q}&%24id=%22post-1%22`)
    expect(withQuery.status).toBe(200)
    expect(withQuery.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(withQuery.body).toMatchObject({
      query: '*[_id == $id][0].title',
      result: 'Published post',
    })
    expect(typeof (withQuery.body as {ms: unknown}).ms).toBe('number')
    const without = await raw(
      `/v2025-02-19/data/query/persp?query=${q}&%24id=%22nope%22&returnQuery=false`,
    )
    expect(without.body).not.toHaveProperty('query')
    expect(without.body).toMatchObject({result: null})
  })

  it('parse errors are 400 queryParseError with start/end', async () => {
    const res = await raw(`/v1/data/query/persp?query=${encodeURIComponent('*[_type == "event]')}`)
    expect(res.status).toBe(400)
    const error = (res.body as {error: Record<string, unknown>}).error
    expect(error).toMatchObject({type: 'queryParseError', query: '*[_type == "event]'})
    expect(typeof error.start).toBe('number')
    expect(typeof error.end).toBe('number')
    await expect(lake.client({dataset: 'persp'}).fetch('*[')).rejects.toThrow(
      /GROQ query parse error/,
    )
  })

  it('a referenced but missing param is a 400 queryParseError', async () => {
    const res = await raw(
      `/v1/data/query/persp?query=${encodeURIComponent('*[slug.current == $slug]')}`,
    )
    expect(res.status).toBe(400)
    expect((res.body as {error: unknown}).error).toMatchObject({
      type: 'queryParseError',
      description: 'param $slug referenced, but not provided',
      start: 18,
      end: 23,
    })
    const slice = await raw(`/v1/data/query/persp?query=${encodeURIComponent('*[0...$n]')}`)
    expect(slice.status).toBe(400)
    expect((slice.body as {error: {description: string}}).error.description).toMatch(/\$n/)
  })

  it('slices with params work (params at parse time)', async () => {
    const client = lake.client({dataset: 'persp', perspective: 'raw'})
    expect(await client.fetch('*[_type == "post"][0...$n]._id', {n: 1})).toEqual(['drafts.post-1'])
  })

  it('long queries go through POST and work', async () => {
    const ids = Array.from({length: 1500}, (_, i) => `missing-${i}`).concat(['post-1'])
    const client = lake.client({dataset: 'persp'})
    const query = `*[_id in ${JSON.stringify(ids)}]._id`
    expect(query.length).toBeGreaterThan(11_264)
    expect(await client.fetch(query)).toEqual(['post-1'])
    const post = await raw('/v1/data/query/persp', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({query: '*[_id == $id][0]._id', params: {id: 'post-1'}}),
    })
    expect(post.body).toMatchObject({result: 'post-1'})
  })

  it('reads on an unknown dataset are 404 in Sanity error shape', async () => {
    const res = await raw('/v1/data/query/nosuch?query=*')
    expect(res.status).toBe(404)
    expect(res.body).toEqual({
      error: 'Dataset not found',
      message: 'Dataset "nosuch" not found for project ID "local"',
    })
    const doc = await raw('/v1/data/doc/nosuch/a')
    expect(doc.status).toBe(404)
  })
})
