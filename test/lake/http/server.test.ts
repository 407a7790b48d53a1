/** The HTTP server itself (lake/http/server.ts): unknown endpoints, 500s, CORS. */
import {beforeAll, describe, expect, it, vi} from 'vitest'
import {rawRequest} from '../../../testkit/lake.ts'
import {lakeForThisFile} from '../../helpers/lakeSuite.ts'
import {seedPosts} from '../../helpers/seedPosts.ts'

const lake = lakeForThisFile()

const raw = (path: string, init?: RequestInit, token?: string | null) =>
  rawRequest(lake, path, init, token)

describe('http', () => {
  beforeAll(async () => {
    await seedPosts(lake, 'persp')
  })

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
