/** Image transforms on `/images/…` (sharp): the query parser, the geometry, and the real lake. */
import {existsSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import sharp from 'sharp'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {planGeometry} from '../../../lake/assets/imageGeometry.ts'
import {
  parseImageTransform,
  resolveOutputFormat,
  type ImageTransformSpec,
} from '../../../lake/assets/imageParams.ts'
import {transformCacheKey, transformCachePath} from '../../../lake/assets/imageTransforms.ts'
import {catchLakeError} from '../../helpers/lakeError.ts'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'
import {png} from '../../helpers/png.ts'
import {seededRandom} from '../../../testkit/seededRandom.ts'

const RED = [255, 0, 0]
const BLUE = [0, 0, 255]

function spec(query: string): ImageTransformSpec {
  const parsed = parseImageTransform(new URLSearchParams(query))
  if (!parsed) throw new Error(`no transform in "${query}"`)
  return parsed
}

/** A PNG whose left half is red and right half blue. */
async function redBluePng(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) raw.set(x < width / 2 ? RED : BLUE, (y * width + x) * 3)
  }
  return sharp(raw, {raw: {width, height, channels: 3}})
    .png()
    .toBuffer()
}

/** A noisy PNG, so JPEG quality shows in the size. */
async function noisyPng(width: number, height: number): Promise<Buffer> {
  const random = seededRandom(7)
  const raw = Buffer.alloc(width * height * 3)
  for (let i = 0; i < raw.length; i++) raw[i] = Math.floor(random() * 256)
  return sharp(raw, {raw: {width, height, channels: 3}})
    .png()
    .toBuffer()
}

async function pixel(image: Buffer, x: number, y: number): Promise<number[]> {
  const {data, info} = await sharp(image).removeAlpha().raw().toBuffer({resolveWithObject: true})
  const offset = (y * info.width + x) * info.channels
  return [...data.subarray(offset, offset + 3)]
}

function expectColor(actual: number[], expected: number[]): void {
  actual.forEach((channel, index) => expect(Math.abs(channel - expected[index])).toBeLessThan(40))
}

async function size(image: Buffer): Promise<[number, number]> {
  const metadata = await sharp(image).metadata()
  return [metadata.width, metadata.height]
}

describe('image transform parameters', () => {
  it('finds no transform without transform parameters', () => {
    expect(parseImageTransform(new URLSearchParams(''))).toBeNull()
    expect(parseImageTransform(new URLSearchParams('dl=a.png'))).toBeNull()
  })

  it('parses sizes, fit, crop, format and the rest', () => {
    expect(
      spec(
        'w=100&h=50.4&fit=crop&crop=focalpoint&fp-x=0.2&fp-y=1&rect=1,2,30,40&q=60&fm=webp&dpr=2&bg=f00&flip=hv&or=90&blur=10',
      ),
    ).toEqual({
      width: 100,
      height: 50,
      maxWidth: undefined,
      maxHeight: undefined,
      minWidth: undefined,
      minHeight: undefined,
      fit: 'crop',
      crop: {x: 0.2, y: 1},
      rect: {left: 1, top: 2, width: 30, height: 40},
      quality: 60,
      format: 'webp',
      autoFormat: false,
      dpr: 2,
      background: {r: 255, g: 0, b: 0, alpha: 1},
      flipHorizontal: true,
      flipVertical: true,
      orientation: 90,
      blur: 10,
      sharpen: undefined,
    })
    expect(spec('w=10')).toMatchObject({fit: 'clip', crop: {x: 0.5, y: 0.5}, quality: 75, dpr: 1})
    expect(spec('crop=top,left').crop).toEqual({x: 0, y: 0})
    expect(spec('crop=bottom,right').crop).toEqual({x: 1, y: 1})
    expect(spec('crop=entropy').crop).toBe('entropy')
    expect(spec('bg=80ff0000').background).toEqual({r: 255, g: 0, b: 0, alpha: 128 / 255})
    expect(spec('auto=format').autoFormat).toBe(true)
  })

  it.each([
    'w=abc',
    'w=-5',
    'w=0',
    'w=8193',
    'h=1e3',
    'max-w=x',
    'fm=gif',
    'fm=json',
    'fit=stretch',
    'crop=middle',
    'fp-x=1.5',
    'rect=1,2,3',
    'rect=0,0,0,10',
    'rect=a,b,c,d',
    'q=101',
    'dpr=4',
    'dpr=0.5',
    'bg=zzz',
    'flip=x',
    'or=45',
    'auto=compress',
    'blur=2001',
  ])('rejects %s with a 400', (query) => {
    const error = catchLakeError(() => parseImageTransform(new URLSearchParams(query)), query)
    expect(error.status).toBe(400)
    expect(error.body).toMatchObject({statusCode: 400, error: 'Bad Request'})
  })

  it('picks the output format', () => {
    expect(resolveOutputFormat(spec('w=1'), 'png', 'image/webp,*/*')).toBe('png')
    expect(resolveOutputFormat(spec('auto=format'), 'jpg', 'image/avif,image/webp,*/*')).toBe(
      'webp',
    )
    expect(resolveOutputFormat(spec('auto=format'), 'jpg', '*/*')).toBe('jpg')
    expect(resolveOutputFormat(spec('auto=format&fm=png'), 'jpg', 'image/webp')).toBe('png')
    expect(resolveOutputFormat(spec('w=1'), 'tiff', undefined)).toBe('png')
  })
})

describe('image transform geometry', () => {
  const source = {width: 200, height: 100}
  const plan = (query: string) => planGeometry(spec(query), source)

  it('keeps the aspect ratio for one side, and scales up except with max/min', () => {
    expect(plan('w=100')).toMatchObject({width: 100, height: 50})
    expect(plan('h=25')).toMatchObject({width: 50, height: 25})
    expect(plan('w=400')).toMatchObject({width: 400, height: 200})
    expect(plan('w=400&fit=max')).toMatchObject({width: 200, height: 100})
    expect(plan('w=400&fit=crop')).toMatchObject({width: 400, height: 200})
  })

  it('sizes each fit mode for a box', () => {
    expect(plan('w=100&h=100')).toMatchObject({width: 100, height: 50})
    expect(plan('w=400&h=400&fit=max')).toMatchObject({width: 200, height: 100})
    expect(plan('w=100&h=100&fit=scale')).toMatchObject({width: 100, height: 100})
    expect(plan('w=50&h=50&fit=crop')).toMatchObject({
      width: 50,
      height: 50,
      region: {left: 50, top: 0, width: 100, height: 100},
    })
    expect(plan('w=50&h=50&fit=crop&crop=right').region).toMatchObject({left: 100})
    expect(plan('w=50&h=50&fit=crop&crop=focalpoint&fp-x=0.1').region).toMatchObject({left: 0})
    expect(plan('w=50&h=50&fit=crop&crop=entropy')).toMatchObject({
      entropyCrop: true,
      region: {left: 0, top: 0, width: 200, height: 100},
    })
    // min: the requested aspect, never larger than the source allows.
    expect(plan('w=400&h=400&fit=min')).toMatchObject({width: 100, height: 100})
    expect(plan('w=100&h=100&fit=fill')).toMatchObject({
      width: 100,
      height: 50,
      canvas: {width: 100, height: 100},
    })
    expect(plan('w=400&h=400&fit=fillmax')).toMatchObject({
      width: 200,
      height: 100,
      canvas: {width: 400, height: 400},
    })
  })

  it('applies dpr, output bounds and the 8192 cap', () => {
    expect(plan('w=50&dpr=2')).toMatchObject({width: 100, height: 50})
    expect(plan('w=100&max-h=20')).toMatchObject({width: 40, height: 20})
    expect(plan('w=10&min-w=30')).toMatchObject({width: 30, height: 15})
    expect(plan('w=8192&dpr=3')).toMatchObject({width: 8192, height: 4096})
  })

  it('crops with rect before sizing, and rejects a rect outside the image', () => {
    expect(plan('rect=150,0,100,100&w=25')).toMatchObject({
      region: {left: 150, top: 0, width: 50, height: 100},
      width: 25,
      height: 50,
    })
    expect(catchLakeError(() => plan('rect=200,0,10,10'), 'rect outside').status).toBe(400)
  })
})

describe('image transforms over HTTP', () => {
  let lake: TestLake
  let redBlue: {url: string; bytes: Buffer}
  let noisy: {url: string}

  const get = async (url: string, init?: RequestInit) => {
    const res = await fetch(url, init)
    return {res, body: Buffer.from(await res.arrayBuffer())}
  }

  beforeAll(async () => {
    lake = await startTestLake()
    await lake.client().create({_id: 'seed', _type: 'seed'})
    const bytes = await redBluePng(40, 20)
    redBlue = {url: (await lake.client().assets.upload('image', bytes)).url as string, bytes}
    const noise = await lake.client().assets.upload('image', await noisyPng(64, 64))
    noisy = {url: noise.url as string}
  })
  afterAll(async () => {
    await lake.stop()
  })

  it('serves the original bytes without transform parameters', async () => {
    const plain = await get(redBlue.url)
    expect(plain.res.headers.get('content-type')).toBe('image/png')
    expect(plain.body.equals(redBlue.bytes)).toBe(true)
    const download = await get(`${redBlue.url}?dl=torget.png`)
    expect(download.body.equals(redBlue.bytes)).toBe(true)
    expect(download.res.headers.get('content-disposition')).toBe(
      'attachment; filename="torget.png"',
    )
  })

  it('scales by width keeping the aspect ratio', async () => {
    const {res, body} = await get(`${redBlue.url}?w=10`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(Number(res.headers.get('content-length'))).toBe(body.length)
    expect(await size(body)).toEqual([10, 5])
  })

  it('crops to the exact size, around the centre, an edge or the focal point', async () => {
    const center = await get(`${redBlue.url}?w=10&h=10&fit=crop`)
    expect(await size(center.body)).toEqual([10, 10])
    expectColor(await pixel(center.body, 1, 5), RED)
    expectColor(await pixel(center.body, 8, 5), BLUE)
    const left = await get(`${redBlue.url}?w=10&h=10&fit=crop&crop=left`)
    expectColor(await pixel(left.body, 8, 5), RED)
    const focal = await get(`${redBlue.url}?w=10&h=10&fit=crop&crop=focalpoint&fp-x=0.9&fp-y=0.5`)
    expectColor(await pixel(focal.body, 1, 5), BLUE)
    const entropy = await get(`${redBlue.url}?w=10&h=10&fit=crop&crop=entropy`)
    expect(await size(entropy.body)).toEqual([10, 10])
  })

  it('never upscales with fit=max, and fits inside the box with fit=clip', async () => {
    expect(await size((await get(`${redBlue.url}?w=100&fit=max`)).body)).toEqual([40, 20])
    expect(await size((await get(`${redBlue.url}?w=100&h=100&fit=max`)).body)).toEqual([40, 20])
    expect(await size((await get(`${redBlue.url}?w=100&h=100&fit=clip`)).body)).toEqual([100, 50])
    expect(await size((await get(`${redBlue.url}?w=20&h=5`)).body)).toEqual([10, 5])
  })

  it('pads with the background for fit=fill', async () => {
    const {body} = await get(`${redBlue.url}?w=20&h=20&fit=fill&bg=00ff00`)
    expect(await size(body)).toEqual([20, 20])
    expectColor(await pixel(body, 10, 1), [0, 255, 0])
    expectColor(await pixel(body, 2, 10), RED)
  })

  it('extracts rect in source pixels before resizing', async () => {
    const {body} = await get(`${redBlue.url}?rect=20,0,20,20&w=5`)
    expect(await size(body)).toEqual([5, 5])
    expectColor(await pixel(body, 0, 0), BLUE)
    expectColor(await pixel(body, 4, 4), BLUE)
  })

  it('flips and rotates', async () => {
    const flipped = await get(`${redBlue.url}?flip=h`)
    expectColor(await pixel(flipped.body, 0, 0), BLUE)
    const rotated = await get(`${redBlue.url}?or=90`)
    expect(await size(rotated.body)).toEqual([20, 40])
    expectColor(await pixel(rotated.body, 10, 0), RED)
    expectColor(await pixel(rotated.body, 10, 39), BLUE)
  })

  it('encodes to the requested format', async () => {
    const webp = await get(`${redBlue.url}?fm=webp`)
    expect(webp.res.headers.get('content-type')).toBe('image/webp')
    expect(webp.body.subarray(0, 4).toString('latin1')).toBe('RIFF')
    expect(webp.body.subarray(8, 12).toString('latin1')).toBe('WEBP')
    const jpg = await get(`${redBlue.url}?fm=jpg`)
    expect(jpg.res.headers.get('content-type')).toBe('image/jpeg')
    expect([...jpg.body.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff])
    const progressive = await get(`${redBlue.url}?fm=pjpg`)
    expect((await sharp(progressive.body).metadata()).isProgressive).toBe(true)
    const fromJpg = await lake.client().assets.upload('image', jpg.body)
    const pngOut = await get(`${fromJpg.url}?fm=png`)
    expect(pngOut.res.headers.get('content-type')).toBe('image/png')
    expect([...pngOut.body.subarray(0, 8)]).toEqual([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
    ])
  })

  it('negotiates WebP with auto=format', async () => {
    const url = `${redBlue.url}?w=10&auto=format`
    const webp = await get(url, {headers: {accept: 'image/avif,image/webp,*/*'}})
    expect(webp.res.headers.get('content-type')).toBe('image/webp')
    expect(webp.res.headers.get('vary')).toContain('Accept')
    const fallback = await get(url, {headers: {accept: 'image/png,*/*'}})
    expect(fallback.res.headers.get('content-type')).toBe('image/png')
    expect(fallback.res.headers.get('etag')).not.toBe(webp.res.headers.get('etag'))
  })

  it('multiplies the size by dpr', async () => {
    expect(await size((await get(`${redBlue.url}?w=10&dpr=2`)).body)).toEqual([20, 10])
  })

  it('encodes JPEG at the requested quality', async () => {
    const low = await get(`${noisy.url}?fm=jpg&q=10`)
    const high = await get(`${noisy.url}?fm=jpg&q=90`)
    const standard = await get(`${noisy.url}?fm=jpg`)
    expect(low.body.length).toBeLessThan(standard.body.length)
    expect(standard.body.length).toBeLessThan(high.body.length)
  })

  it('answers invalid parameters with a JSON 400', async () => {
    for (const query of ['w=abc', 'w=-5', 'w=9000', 'fm=gif', 'rect=100,0,10,10', 'fit=nope']) {
      const {res, body} = await get(`${redBlue.url}?${query}`)
      expect(res.status, query).toBe(400)
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
      expect(res.headers.get('cache-control')).toBeNull()
      expect(JSON.parse(body.toString())).toMatchObject({statusCode: 400, error: 'Bad Request'})
    }
  })

  it('stores a transform in the cache and serves it from there', async () => {
    const query = 'w=7&fit=max&fm=png'
    const key = transformCacheKey(redBlue.url.match(/[a-f0-9]{40}/)![0], spec(query), 'png')
    const path = transformCachePath(lake.dataDir, key, 'png')
    expect(existsSync(path)).toBe(false)
    const first = await get(`${redBlue.url}?${query}`)
    expect(existsSync(path)).toBe(true)
    expect(
      readdirSync(join(lake.dataDir, 'assets', 'cache')).some((name) => name.endsWith('.tmp')),
    ).toBe(false)
    // A changed cache file shows the second answer came from the cache, not from sharp.
    const marker = png(3, 3, [1, 2, 3])
    writeFileSync(path, marker)
    const second = await get(`${redBlue.url}?${query}`)
    expect(second.body.equals(marker)).toBe(true)
    expect(second.body.equals(first.body)).toBe(false)
  })

  it('answers HEAD with the headers only, and 304 for a matching ETag', async () => {
    const url = `${redBlue.url}?w=12&fm=webp`
    const full = await get(url)
    const head = await get(url, {method: 'HEAD'})
    expect(head.res.status).toBe(200)
    expect(head.body.length).toBe(0)
    expect(head.res.headers.get('content-type')).toBe('image/webp')
    expect(Number(head.res.headers.get('content-length'))).toBe(full.body.length)
    const etag = full.res.headers.get('etag') as string
    expect(etag).not.toBe(`"${redBlue.url.match(/[a-f0-9]{40}/)![0]}"`)
    expect((await get(url, {headers: {'if-none-match': etag}})).res.status).toBe(304)
  })

  it('serves SVG untransformed', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
    )
    const asset = await lake.client().assets.upload('image', svg)
    const {res, body} = await get(`${asset.url}?w=5&fm=png`)
    expect(res.headers.get('content-type')).toBe('image/svg+xml')
    expect(body.equals(svg)).toBe(true)
  })
})
