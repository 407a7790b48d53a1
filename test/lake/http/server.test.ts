/** The HTTP server itself (lake/http/server.ts): unknown endpoints, 500s, CORS, keep-alive. */
import {connect} from 'node:net'
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

  it("answers a request sent on a kept-alive connection while the main thread was busy past Node's default keep-alive", async () => {
    const {port} = new URL(lake.url)
    const socket = connect(Number(port), '127.0.0.1')
    let received = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (received += chunk))
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    socket.once('error', () => undefined)
    const request = `GET /v1/ping HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`
    const answered = async (count: number) => {
      while (received.split('HTTP/1.1 200').length - 1 < count) {
        await new Promise<void>((resolve, reject) => {
          socket.once('data', () => resolve())
          closed.then(() => reject(new Error(`connection closed after: ${received}`)), reject)
        })
      }
    }
    socket.write(request)
    await answered(1)
    expect(received).toMatch(/keep-alive: timeout=65/i)
    // The next request is in the socket while the thread is blocked (a long commit on a loaded
    // machine) past Node's default keep-alive (5 s, plus a 1 s buffer in Node 24): its timer runs
    // before the socket is read, and would close the connection with the request unanswered.
    socket.write(request)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 7_000)
    await answered(2)
    socket.destroy()
  }, 20_000)
})
