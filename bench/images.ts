/**
 * Image benchmark: serving a resized image from the lake over HTTP, from the transform cache
 * against the naive baseline of running sharp on every request (the cache folder is emptied,
 * untimed, before each baseline request). The source is a 2400×1600 photo-like JPEG.
 *
 *   node bench/images.ts [--iterations 60]
 */
import {rmSync} from 'node:fs'
import {join} from 'node:path'
import {parseArgs} from 'node:util'
import sharp from 'sharp'

import {startTestLake} from '../testkit/lake.ts'
import {ms, sample, table} from './measure.ts'

const {values} = parseArgs({options: {iterations: {type: 'string', default: '60'}}})
const iterations = Math.max(10, Number(values.iterations) || 60)

/** Smooth gradients plus a little noise, so the encoders have realistic work to do. */
async function photoLikeJpeg(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3)
  let state = 12345
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      state = (state * 1103515245 + 12345) >>> 0
      const noise = (state >>> 24) % 24
      const offset = (y * width + x) * 3
      pixels[offset] = (x * 255) / width + noise
      pixels[offset + 1] = (y * 255) / height + noise
      pixels[offset + 2] = 128 + noise
    }
  }
  return sharp(pixels, {raw: {width, height, channels: 3}})
    .jpeg({quality: 85})
    .toBuffer()
}

const lake = await startTestLake()
try {
  const client = lake.client({dataset: 'production'})
  const asset = await client.assets.upload('image', await photoLikeJpeg(2400, 1600), {
    filename: 'torget.jpg',
  })
  const cacheDir = join(lake.dataDir, 'assets', 'cache')
  const rows: (string | number)[][] = []
  for (const [label, params, accept] of [
    ['w=800, auto=format (WebP)', 'w=800&auto=format', 'image/webp,*/*'],
    ['w=400 h=400 fit=crop, JPEG', 'w=400&h=400&fit=crop', '*/*'],
  ] as const) {
    const url = new URL(asset.url)
    const get = async () => {
      const response = await fetch(`${lake.url}${url.pathname}?${params}`, {headers: {accept}})
      if (!response.ok) throw new Error(`${url.pathname}?${params}: HTTP ${response.status}`)
      return response.arrayBuffer()
    }
    const uncached = await sample(get, {
      iterations,
      warmup: 3,
      prepare: () => rmSync(cacheDir, {recursive: true, force: true}),
    })
    const cached = await sample(get, {iterations, warmup: 3})
    const bytes = (await get()).byteLength
    rows.push([
      label,
      ms(uncached.p50),
      ms(uncached.p95),
      ms(cached.p50),
      ms(cached.p95),
      `${Math.round(uncached.p50 / cached.p50)}×`,
      bytes,
    ])
  }
  console.log(`Image transforms over HTTP, 2400×1600 JPEG source, ${iterations} iterations\n`)
  console.log(
    table(
      ['transform', 'sharp p50', 'sharp p95', 'cached p50', 'cached p95', 'speed-up', 'bytes'],
      rows,
    ),
  )
} finally {
  await lake.stop()
}
