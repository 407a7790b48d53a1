/**
 * Request bodies (lake/http/body.ts): oversized bodies get their 413 even while the client is
 * still sending; depth is measured on the raw text; UTF-8 is decoded strictly.
 */
import {connect} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {
  decodeUtf8,
  jsonDepthExceeds,
  MAX_JSON_DEPTH,
  parseJsonText,
} from '../../../lake/http/body.ts'
import {LakeError} from '../../../lake/core/errors.ts'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

let lake: TestLake
beforeAll(async () => {
  lake = await startTestLake()
  await lake.client().datasets.create('test')
})
afterAll(async () => {
  await lake.stop()
})

/**
 * Sends a request over a raw socket and reads the answer only after the whole body was written,
 * like a client that does not read while uploading. Resolves with the status line's code, or the
 * socket error (EPIPE, ECONNRESET) when the server cut the connection first.
 */
function post(path: string, body: Buffer, chunked: boolean): Promise<number | string> {
  return new Promise((resolve) => {
    const socket = connect(lake.port, '127.0.0.1')
    socket.pause()
    let answer = ''
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1')
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)
      if (status && answer.includes('\r\n\r\n')) {
        resolve(Number(status[1]))
        socket.destroy()
      }
    })
    socket.on('end', () => resolve(answer ? answer.slice(0, 40) : 'closed without an answer'))
    const head = [
      `POST ${path} HTTP/1.1`,
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      `Authorization: Bearer ${lake.adminToken}`,
      chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${body.length}`,
      '',
      '',
    ].join('\r\n')
    socket.write(head)
    const piece = 64 * 1024
    for (let offset = 0; offset < body.length; offset += piece) {
      const part = body.subarray(offset, offset + piece)
      socket.write(
        chunked
          ? Buffer.concat([
              Buffer.from(`${part.length.toString(16)}\r\n`),
              part,
              Buffer.from('\r\n'),
            ])
          : part,
      )
    }
    socket.write(chunked ? '0\r\n\r\n' : '', () => socket.resume())
  })
}

describe('oversized bodies', () => {
  it('gives every one of 20 concurrent clients its 413, with and without Content-Length', async () => {
    const body = Buffer.alloc(4_500_000, 0x20)
    const results = await Promise.all(
      Array.from({length: 20}, (_, i) => post('/v2025-02-19/data/mutate/test', body, i % 2 === 1)),
    )
    expect(results).toEqual(Array(20).fill(413))
    const ping = await fetch(`${lake.url}/v1/ping`)
    expect(ping.status).toBe(200)
    expect(await lake.client().fetch('count(*)')).toBe(0)
  })
})

describe('JSON depth and encoding', () => {
  it('measures nesting on the raw text, ignoring brackets in strings', () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH))).toBe(false)
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH + 1))).toBe(true)
    expect(jsonDepthExceeds(`{"a":"${'['.repeat(100)}\\"${'{'.repeat(100)}"}`)).toBe(false)
    // 100,000 levels: measured without recursion, refused before JSON.parse runs.
    expect(() => parseJsonText(nested(100_000))).toThrow(LakeError)
  })

  it('refuses invalid UTF-8 instead of replacing it', () => {
    expect(decodeUtf8(Buffer.from('åäö ✓', 'utf8'))).toBe('åäö ✓')
    for (const bytes of [
      [0xff, 0xfe],
      [0xc3, 0x28],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x82],
    ]) {
      expect(() => decodeUtf8(Buffer.from([0x22, ...bytes, 0x22]))).toThrow(/not valid UTF-8/)
    }
  })
})
