/** Image and file assets: upload, Sanity id/url formats, dedupe by content, serving, delete rules. */
import {createHash} from 'node:crypto'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'
import {png} from '../../helpers/png.ts'

let lake: TestLake
beforeAll(async () => {
  lake = await startTestLake()
  // The first write of an administrator creates the dataset.
  await lake.client().create({_id: 'seed', _type: 'seed'})
})
afterAll(async () => {
  await lake.stop()
})

describe('assets', () => {
  it('uploads an image with Sanity ids, URLs and dimensions', async () => {
    const bytes = png(6, 4)
    const sha1 = createHash('sha1').update(bytes).digest('hex')
    const asset = await lake.client().assets.upload('image', bytes, {
      filename: 'torget.png',
      title: 'Torget',
    })
    expect(asset).toMatchObject({
      _id: `image-${sha1}-6x4-png`,
      _type: 'sanity.imageAsset',
      assetId: sha1,
      sha1hash: sha1,
      extension: 'png',
      mimeType: 'image/png',
      size: bytes.length,
      originalFilename: 'torget.png',
      title: 'Torget',
      path: `images/test/test/${sha1}-6x4.png`,
      url: `${lake.url}/images/test/test/${sha1}-6x4.png`,
      metadata: {
        _type: 'sanity.imageMetadata',
        dimensions: {_type: 'sanity.imageDimensions', width: 6, height: 4, aspectRatio: 1.5},
        hasAlpha: false,
        isOpaque: true,
      },
    })
    expect(asset._id).toMatch(/^image-[A-Za-z0-9]+-\d+x\d+-[a-z0-9]+$/)
    expect(asset._rev).toBeTruthy()
    expect(asset._createdAt).toBeTruthy()
    // The Studio's pre-upload lookup by hash finds it.
    expect(
      await lake.client().fetch('*[_type == "sanity.imageAsset" && sha1hash == $h][0]._id', {
        h: sha1,
      }),
    ).toBe(asset._id)
  })

  it('returns the same document for the same bytes', async () => {
    const bytes = png(5, 5, [1, 2, 3])
    const first = await lake.client().assets.upload('image', bytes, {filename: 'a.png'})
    const second = await lake.client().assets.upload('image', bytes, {filename: 'b.png'})
    expect(second._id).toBe(first._id)
    expect(second._rev).toBe(first._rev)
    expect(second.originalFilename).toBe('a.png')
  })

  it('serves the bytes back on the bare host', async () => {
    const bytes = png(8, 3, [9, 9, 9])
    const asset = await lake.client().assets.upload('image', bytes)
    // Transform parameters are covered in imageTransforms.test.ts.
    const res = await fetch(asset.url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true)
    const vanity = await fetch(`${asset.url}/torget.png`)
    expect(vanity.status).toBe(200)
    const etag = res.headers.get('etag') as string
    expect((await fetch(asset.url, {headers: {'if-none-match': etag}})).status).toBe(304)
    const missing = await fetch(`${lake.url}/images/test/test/${'0'.repeat(40)}-1x1.png`)
    expect(missing.status).toBe(404)
  })

  it('uploads files with their type, and serves them', async () => {
    const bytes = Buffer.from('%PDF-1.4\n% a tiny pdf\n')
    const sha1 = createHash('sha1').update(bytes).digest('hex')
    const asset = await lake.client().assets.upload('file', bytes, {
      filename: 'Kvalitetsmärkning.pdf',
      contentType: 'application/pdf',
    })
    expect(asset).toMatchObject({
      _id: `file-${sha1}-pdf`,
      _type: 'sanity.fileAsset',
      extension: 'pdf',
      mimeType: 'application/pdf',
      originalFilename: 'Kvalitetsmärkning.pdf',
      url: `${lake.url}/files/test/test/${sha1}.pdf`,
    })
    expect(asset.metadata).toBeUndefined()
    const res = await fetch(`${asset.url}?dl=`)
    expect(res.headers.get('content-type')).toBe('application/pdf')
    expect(res.headers.get('content-disposition')).toContain('attachment')
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true)
  })

  it('rejects a non-image on the image endpoint, and uploads from viewers', async () => {
    await expect(
      lake.client().assets.upload('image', Buffer.from('not an image')),
    ).rejects.toMatchObject({statusCode: 400})
    const viewer = lake.client({token: lake.createToken('viewer')})
    await expect(viewer.assets.upload('image', png(2, 2))).rejects.toMatchObject({
      statusCode: 403,
    })
  })

  it('blocks deleting an asset while a document references it', async () => {
    const asset = await lake.client().assets.upload('image', png(4, 4, [50, 60, 70]))
    await lake.client().create({
      _id: 'person-with-portrait',
      _type: 'person',
      portrait: {_type: 'image', asset: {_type: 'reference', _ref: asset._id}},
    })
    await expect(lake.client().delete(asset._id)).rejects.toMatchObject({statusCode: 409})
    await lake.client().delete('person-with-portrait')
    await lake.client().delete(asset._id)
    expect(await lake.client().getDocument(asset._id)).toBeUndefined()
  })
})
