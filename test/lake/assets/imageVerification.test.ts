/**
 * Image uploads are decoded before they are stored (lake/assets/imageDecode.ts): a header without
 * pixels, a truncated file or one over the pixel limit is a 400, and nothing is written.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {MAX_IMAGE_PIXELS} from '../../../lake/assets/imageDecode.ts'
import {storeAssetBytes, sha1Hex} from '../../../lake/assets/assets.ts'
import {png} from '../../helpers/png.ts'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

let lake: TestLake
beforeAll(async () => {
  lake = await startTestLake()
  await lake.client().datasets.create('test')
})
afterAll(async () => {
  await lake.stop()
})

/** A PNG signature and IHDR claiming `width` × `height`, with no pixel data (33 bytes). */
function headerOnlyPng(width: number, height: number): Buffer {
  const full = png(1, 1)
  const head = Buffer.from(full.subarray(0, 33))
  head.writeUInt32BE(width, 16)
  head.writeUInt32BE(height, 20)
  return head
}

async function upload(bytes: Buffer) {
  const res = await fetch(`${lake.url}/v2025-02-19/assets/images/test`, {
    method: 'POST',
    headers: {authorization: `Bearer ${lake.adminToken}`, 'content-type': 'image/png'},
    body: new Uint8Array(bytes),
  })
  return {status: res.status, body: await res.json()}
}

describe('image uploads', () => {
  it('refuses a header without pixels, a truncated image and one over the pixel limit', async () => {
    const valid = png(40, 30)
    const cases = [
      headerOnlyPng(100_000, 100_000),
      headerOnlyPng(10, 10),
      valid.subarray(0, valid.length - 20),
      headerOnlyPng(20_000, 20_000),
    ]
    expect(cases[0]).toHaveLength(33)
    for (const bytes of cases) {
      const {status, body} = await upload(bytes)
      expect(status).toBe(400)
      expect(body).toMatchObject({statusCode: 400, error: 'Bad Request'})
      expect(body.message).toMatch(/^Invalid image/)
    }
    expect((await upload(headerOnlyPng(20_000, 20_000))).body.message).toContain(
      MAX_IMAGE_PIXELS.toLocaleString('en'),
    )
    expect(await lake.client().fetch('count(*)')).toBe(0)
    const ok = await upload(valid)
    expect(ok.status).toBe(200)
    expect(ok.body.document.metadata.dimensions).toMatchObject({width: 40, height: 30})
  })

  it('answers a transform of a stored corrupt image with 400, not 500', async () => {
    // An image stored before uploads were verified: its bytes on disk, served by name.
    const corrupt = headerOnlyPng(64, 64)
    const sha1 = sha1Hex(corrupt)
    storeAssetBytes(lake.dataDir, sha1, corrupt)
    const res = await fetch(`${lake.url}/images/test/test/${sha1}-64x64.png?w=10`)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({statusCode: 400, error: 'Bad Request'})
    expect(lake.logs.filter((line) => line.includes(' 500 '))).toEqual([])
  })
})
