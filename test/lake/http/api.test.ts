import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'
import {startTestLake, type TestLake} from '../../helpers/lake.ts'

let lake: TestLake

beforeAll(async () => {
  lake = await startTestLake()
})
afterAll(async () => {
  await lake?.stop()
})

async function raw(path: string, init: RequestInit = {}, token: string | null = lake.adminToken) {
  const headers = new Headers(init.headers)
  if (token) headers.set('Authorization', `Bearer ${token}`)
  const res = await fetch(`${lake.url}${path}`, {...init, headers})
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // not JSON
  }
  return {status: res.status, headers: res.headers, body, text}
}

async function seed(dataset: string) {
  const client = lake.client({dataset})
  await client
    .transaction()
    .create({_id: 'author-1', _type: 'author', name: 'Published author'})
    .create({_id: 'drafts.author-1', _type: 'author', name: 'Draft author'})
    .create({
      _id: 'post-1',
      _type: 'post',
      title: 'Published post',
      slug: {current: 'post-1'},
      author: {_type: 'reference', _ref: 'author-1'},
    })
    .create({
      _id: 'drafts.post-1',
      _type: 'post',
      title: 'Draft post',
      slug: {current: 'post-1'},
      author: {_type: 'reference', _ref: 'author-1'},
    })
    .create({_id: 'drafts.post-2', _type: 'post', title: 'Only a draft'})
    .create({
      _id: 'post-3',
      _type: 'post',
      title: 'Points at a draft',
      hidden: {_type: 'reference', _ref: 'drafts.post-2', _weak: true},
    })
    .commit()
  return client
}

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
      statusCode: 404,
      error: 'Not Found',
      message: 'Dataset "nosuch" not found',
    })
    const doc = await raw('/v1/data/doc/nosuch/a')
    expect(doc.status).toBe(404)
  })
})

describe('auth', () => {
  beforeAll(async () => {
    await seed('auth')
  })

  it('unknown tokens get 401 even on GET', async () => {
    const res = await raw('/v1/data/query/auth?query=*', {}, 'not-a-token')
    expect(res.status).toBe(401)
    expect(res.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Session not found',
      errorCode: 'SIO-401-ANF',
    })
  })

  it('writes need a token, and viewers cannot write', async () => {
    const anon = lake.client({dataset: 'auth', token: null})
    await expect(anon.create({_type: 'post'})).rejects.toMatchObject({statusCode: 401})
    const viewer = lake.client({dataset: 'auth', token: lake.createToken('viewer')})
    const error = await viewer.create({_type: 'post'}).catch((e: unknown) => e)
    expect(error).toMatchObject({statusCode: 403})
    expect(String((error as Error).message)).toContain(
      'Insufficient permissions; permission "create" required',
    )
    // viewers can read drafts
    expect(await viewer.fetch('count(*)', {}, {perspective: 'raw'})).toBe(6)
  })

  it('only administrators create datasets on first write', async () => {
    const editor = lake.client({dataset: 'fresh-by-editor', token: lake.createToken('editor')})
    await expect(editor.create({_type: 'x'})).rejects.toMatchObject({statusCode: 404})
    const admin = lake.client({dataset: 'fresh-by-admin'})
    await admin.create({_id: 'x', _type: 'x'})
    const editorOnExisting = lake.client({
      dataset: 'fresh-by-admin',
      token: lake.createToken('editor'),
    })
    await editorOnExisting.create({_id: 'y', _type: 'x'})
    expect(await admin.fetch('count(*)')).toBe(2)
  })

  it('private datasets give anonymous callers empty results, not errors', async () => {
    const admin = lake.client({dataset: 'secret'})
    await admin.datasets.create('secret')
    await admin.create({_id: 'p1', _type: 'post'})
    const anon = lake.client({dataset: 'secret', token: null})
    expect(await anon.fetch('count(*)')).toBe(1) // public by default
    await admin.datasets.edit('secret', {aclMode: 'private'})
    expect(await anon.fetch('*[_type == "post"]')).toEqual([])
    expect(await anon.fetch('count(*)')).toBe(0)
    expect(await anon.getDocument('p1')).toBeUndefined()
    expect(await admin.fetch('count(*)')).toBe(1)
    const list = await admin.datasets.list()
    expect(list).toContainEqual({name: 'secret', aclMode: 'private'})
  })

  it('dataset management: create, list, delete (admin only)', async () => {
    const admin = lake.client()
    await admin.datasets.create('managed')
    expect(await admin.datasets.list()).toContainEqual({name: 'managed', aclMode: 'public'})
    const editor = lake.client({token: lake.createToken('editor')})
    await expect(editor.datasets.delete('managed')).rejects.toMatchObject({statusCode: 403})
    await admin.datasets.delete('managed')
    expect((await admin.datasets.list()).map((d) => d.name)).not.toContain('managed')
    const bad = await raw('/v1/datasets/Bad%20Name', {method: 'PUT'})
    expect(bad.status).toBe(400)
  })

  it('reports the project id from the header or the host', async () => {
    const res = await raw(
      `/v1/data/query/auth?query=${encodeURIComponent('sanity::projectId()')}`,
      {
        headers: {'X-Sanity-Project-ID': 'abc123'},
      },
    )
    expect(res.body).toMatchObject({result: 'abc123'})
    const none = await raw(`/v1/data/query/auth?query=${encodeURIComponent('sanity::projectId()')}`)
    expect(none.body).toMatchObject({result: 'local'})
  })
})

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

describe('mutate', () => {
  it('is atomic: a failing second mutation writes nothing', async () => {
    const client = lake.client({dataset: 'atomic'})
    await client.create({_id: 'exists', _type: 'thing'})
    await expect(
      client
        .transaction()
        .create({_id: 'new-one', _type: 'thing'})
        .create({_id: 'exists', _type: 'thing'})
        .commit(),
    ).rejects.toMatchObject({statusCode: 409})
    expect(await client.getDocument('new-one')).toBeUndefined()
  })

  it('ifRevisionID mismatch is a 409', async () => {
    const client = lake.client({dataset: 'revs'})
    const doc = await client.create({_id: 'r1', _type: 'thing', n: 1})
    await client.patch('r1').ifRevisionId(doc._rev).set({n: 2}).commit()
    await expect(
      client.patch('r1').ifRevisionId(doc._rev).set({n: 3}).commit(),
    ).rejects.toMatchObject({
      statusCode: 409,
    })
    expect((await client.getDocument('r1'))?.n).toBe(2)
  })

  it('enforces reference integrity over HTTP', async () => {
    const client = lake.client({dataset: 'refs'})
    await expect(
      client.create({_id: 'src', _type: 'thing', ref: {_type: 'reference', _ref: 'target404'}}),
    ).rejects.toMatchObject({statusCode: 409})
    await client
      .transaction()
      .create({_id: 'target', _type: 'thing'})
      .create({_id: 'src', _type: 'thing', ref: {_type: 'reference', _ref: 'target'}})
      .commit()
    await expect(client.delete('target')).rejects.toMatchObject({statusCode: 409})
    expect(await client.getDocument('target')).toBeDefined()
  })

  it('dryRun computes the response and writes nothing', async () => {
    const client = lake.client({dataset: 'dry'})
    await client.create({_id: 'base', _type: 'thing'})
    const res = await client.mutate([{create: {_id: 'dry-doc', _type: 'thing', t: 1}}], {
      dryRun: true,
      returnDocuments: true,
    })
    expect(res).toMatchObject([{_id: 'dry-doc', t: 1}])
    expect(await client.getDocument('dry-doc')).toBeUndefined()
  })

  it('echoes a supplied transactionId and rejects its reuse', async () => {
    const client = lake.client({dataset: 'txid'})
    const res = await client
      .transaction()
      .create({_id: 't1', _type: 'thing'})
      .commit({transactionId: 'my-tx-1', returnDocuments: false})
    expect(res.transactionId).toBe('my-tx-1')
    expect((await client.getDocument('t1'))?._rev).toBe('my-tx-1')
    await expect(
      client.transaction().create({_id: 't2', _type: 'thing'}).commit({transactionId: 'my-tx-1'}),
    ).rejects.toMatchObject({statusCode: 409})
    expect(await client.getDocument('t2')).toBeUndefined()
  })

  it('results carry ids and documents only when asked', async () => {
    const plain = await raw('/v1/data/mutate/results', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({mutations: [{create: {_id: 'a', _type: 'x'}}]}),
    })
    expect(plain.body).toMatchObject({results: [{operation: 'create'}]})
    expect((plain.body as {results: object[]}).results[0]).not.toHaveProperty('id')
    const full = await raw('/v1/data/mutate/results?returnIds=true&returnDocuments=true', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({
        mutations: [{createIfNotExists: {_id: 'a', _type: 'x'}}, {create: {_id: 'b', _type: 'x'}}],
      }),
    })
    expect(full.body).toMatchObject({
      results: [
        {id: 'a', operation: 'none'},
        {id: 'b', operation: 'create', document: {_id: 'b', _type: 'x'}},
      ],
    })
  })

  it('rejects malformed JSON and unknown mutations with 400, writing nothing', async () => {
    const bad = await raw('/v1/data/mutate/badinput', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: '{"mutations": [',
    })
    expect(bad.status).toBe(400)
    expect(bad.headers.get('content-type')).toBe('application/json; charset=utf-8')
    const unknown = await raw('/v1/data/mutate/badinput', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({mutations: [{create: {_id: 'ok', _type: 'x'}}, {explode: {id: 'x'}}]}),
    })
    expect(unknown.status).toBe(400)
    const invalidId = await raw('/v1/data/mutate/badinput', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({mutations: [{create: {_id: '-bad id', _type: 'x'}}]}),
    })
    expect(invalidId.status).toBe(400)
    const list = await lake.client().datasets.list()
    expect(list.map((d) => d.name)).not.toContain('badinput')
  })

  it('bodies over 4,000,000 bytes get 413 and the server keeps serving', async () => {
    const big = JSON.stringify({
      mutations: [{create: {_id: 'big', _type: 'x', s: 'x'.repeat(4_100_000)}}],
    })
    const res = await raw('/v1/data/mutate/big', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: big,
    })
    expect(res.status).toBe(413)
    expect(res.body).toMatchObject({message: 'Request body exceeds limit of 4000000 bytes'})
    const client = lake.client({dataset: 'big'})
    await client.create({_id: 'small', _type: 'x'})
    expect(await client.getDocument('big')).toBeUndefined()
  })
})

describe('actions', () => {
  it('answers the feature probe and echoes the transaction id', async () => {
    const probe = await raw('/v2025-02-19/data/actions/acts')
    expect(probe.body).toEqual({enabled: true, compatibleStudioVersions: '*'})
    const client = lake.client({dataset: 'acts'})
    await client.create({_id: 'seed', _type: 'x'})
    const res = await raw('/v2025-02-19/data/actions/acts', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({
        transactionId: 'act-tx-1',
        actions: [
          {
            actionType: 'sanity.action.document.create',
            publishedId: 'a1',
            attributes: {_id: 'drafts.a1', _type: 'post', title: 'x'},
            ifExists: 'fail',
          },
          {actionType: 'sanity.action.document.publish', draftId: 'drafts.a1', publishedId: 'a1'},
        ],
      }),
    })
    expect(res.body).toEqual({transactionId: 'act-tx-1'})
    expect(await client.getDocument('a1')).toMatchObject({title: 'x', _rev: 'act-tx-1'})
    expect(await client.getDocument('drafts.a1')).toBeUndefined()
  })
})

describe('http', () => {
  it('unknown endpoints are 404 and logged', async () => {
    const res = await raw('/v1/whatever/here')
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({statusCode: 404, error: 'Not Found'})
    expect(lake.logs).toContain('lake: 404 GET /v1/whatever/here')
  })

  it('a handler exception is a 500 with an error body and a log line; the server keeps serving', async () => {
    // Fault injection: the storage fails once, as a full disk or a corrupt file would.
    const failure = vi.spyOn(lake.server.storage, 'getDataset').mockImplementationOnce(() => {
      throw new Error('disk I/O error')
    })
    const res = await raw(`/v1/data/query/persp?query=${encodeURIComponent('count(*)')}`)
    failure.mockRestore()
    expect(res.status).toBe(500)
    expect(res.body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
    })
    expect(lake.logs.some((line) => line.startsWith('lake: 500 GET /v1/data/query/persp'))).toBe(
      true,
    )
    expect(await lake.client({dataset: 'persp'}).fetch('count(*[_id == "post-1"])')).toBe(1)
  })

  it('answers CORS preflights and echoes Origin', async () => {
    const res = await fetch(`${lake.url}/v1/data/query/x`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:3333',
        'Access-Control-Request-Headers': 'authorization,x-sanity-app',
      },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3333')
    expect(res.headers.get('access-control-allow-credentials')).toBe('true')
    expect(res.headers.get('access-control-allow-methods')).toBe(
      'GET, POST, PUT, PATCH, DELETE, OPTIONS',
    )
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization,x-sanity-app')
    expect(res.headers.get('vary')).toBe('Origin')
    const plain = await fetch(`${lake.url}/v1/data/query/x?query=1`)
    expect(plain.headers.get('access-control-allow-origin')).toBe('*')
  })
})

describe('export, import and history', () => {
  it('exports NDJSON sorted by _id and imports it verbatim into another dataset', async () => {
    await seed('exp')
    const res = await raw('/v1/data/export/exp')
    expect(res.headers.get('content-type')).toBe('application/x-ndjson')
    const lines = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as {_id: string; _type: string})
    expect(lines.map((d) => d._id)).toEqual([
      'author-1',
      'drafts.author-1',
      'drafts.post-1',
      'drafts.post-2',
      'post-1',
      'post-3',
    ])
    const typed = await raw('/v1/data/export/exp?types=author')
    expect(typed.text.trim().split('\n')).toHaveLength(2)
    const anon = await raw('/v1/data/export/exp', {}, null)
    expect(anon.text.trim().split('\n')).toHaveLength(3)

    const imported = await raw('/v1/data/import/exp-copy', {
      method: 'POST',
      headers: {'content-type': 'application/x-ndjson'},
      body: res.text,
    })
    expect(imported.body).toMatchObject({count: 6})
    const copy = await raw('/v1/data/export/exp-copy')
    expect(copy.text).toBe(res.text)
    const editorImport = await raw(
      '/v1/data/import/exp-copy',
      {method: 'POST', body: res.text},
      lake.createToken('editor'),
    )
    expect(editorImport.status).toBe(403)
  })

  it('round-trips through @sanity/client createOrReplace keeping everything but _rev', async () => {
    await seed('exp2')
    const exported = (await raw('/v1/data/export/exp2')).text
    const docs = exported
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    const target = lake.client({dataset: 'exp2-copy'})
    const tx = target.transaction()
    for (const doc of docs) tx.createOrReplace(doc as {_id: string; _type: string})
    await tx.commit()
    const copied = (await raw('/v1/data/export/exp2-copy')).text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    const strip = ({_rev, ...rest}: Record<string, unknown>) => (void _rev, rest)
    expect(copied.map(strip)).toEqual(docs.map(strip))
  })

  it('serves documents at a past revision and the transaction log', async () => {
    const client = lake.client({dataset: 'hist'})
    const v1 = await client.create({_id: 'h1', _type: 'thing', n: 1})
    const v2 = await client.patch('h1').set({n: 2}).commit()
    await client.delete('h1')
    const at1 = await raw(`/v1/data/history/hist/documents/h1?revision=${v1._rev}`)
    expect(at1.body).toMatchObject({documents: [{_id: 'h1', n: 1, _rev: v1._rev}]})
    const at2 = await raw(`/v1/data/history/hist/documents/h1?revision=${v2._rev}`)
    expect(at2.body).toMatchObject({documents: [{n: 2}]})
    const last = await raw('/v2025-02-19/data/history/hist/documents/h1?lastRevision=true')
    expect(last.body).toMatchObject({documents: [{n: 2}]})
    const byTime = await raw(
      `/v1/data/history/hist/documents/h1?time=${encodeURIComponent(v1._createdAt)}`,
    )
    expect((byTime.body as {documents: unknown[]}).documents.length).toBeLessThanOrEqual(1)

    const log = await raw(
      '/v1/data/history/hist/transactions/h1?excludeContent=true&effectFormat=mendoza',
    )
    expect(log.headers.get('content-type')).toBe('application/x-ndjson')
    const txs = log.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(txs).toHaveLength(3)
    expect(txs[0]).toMatchObject({
      id: v1._rev,
      documentIDs: ['h1'],
      author: expect.stringMatching(/^p-/),
    })
    expect(txs[2].effects.h1).toEqual({
      apply: [0, null],
      revert: [0, expect.objectContaining({n: 2})],
    })
    const limited = await raw(
      '/v1/data/history/hist/transactions/h1?reverse=true&limit=1&excludeMutations=true',
    )
    const [newest] = limited.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(newest).not.toHaveProperty('mutations')
    expect(newest.id).toBe(txs[2].id)
  })
})

describe('persistence', () => {
  it('keeps data across a restart on the same data dir', async () => {
    const client = lake.client({dataset: 'persist'})
    await client.create({_id: 'keep', _type: 'thing', v: 42})
    await lake.restart()
    expect(await lake.client({dataset: 'persist'}).fetch('*[_id == "keep"][0].v')).toBe(42)
    expect(await lake.client({dataset: 'persist'}).getDocument('keep')).toMatchObject({v: 42})
  })
})
