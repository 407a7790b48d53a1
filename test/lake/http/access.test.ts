/** Tokens, roles and datasets over HTTP (lake/auth/auth.ts, lake/http/routes/datasets.ts, projects). */
import {beforeAll, describe, expect, it} from 'vitest'
import {rawRequest} from '../../../testkit/lake.ts'
import {lakeForThisFile} from '../../helpers/lakeSuite.ts'
import {seedPosts} from '../../helpers/seedPosts.ts'

const lake = lakeForThisFile()

const raw = (path: string, init?: RequestInit, token?: string | null) =>
  rawRequest(lake, path, init, token)
const seed = (dataset: string) => seedPosts(lake, dataset)

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
