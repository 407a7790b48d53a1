/**
 * Image transforms for `GET /images/…?w=&h=&fit=…` (the commonly used part of Sanity's image URL
 * API), done with `sharp` (prebuilt libvips binaries).
 *
 * Parsing (imageParams.ts) and geometry (imageGeometry.ts) are pure; this module runs sharp
 * (`renderImageTransform`) and keeps results in `<data>/assets/cache/` (`transformImageCached`),
 * keyed by the asset and the canonical spec, so a repeated request skips sharp.
 *
 * Order of operations: EXIF orientation, `flip`, `or`, then `rect` (source pixels of the oriented
 * image), then sizing (`w`/`h` × `dpr` by `fit`, then `min-*`/`max-*` bounds on the output, then
 * the 8192 cap), then `blur`/`sharp`, then encoding. Animated images give their first frame.
 */
import {createHash} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import sharp from 'sharp'
import {writeFileAtomic} from '../core/atomicWrite.ts'
import {clamp, planGeometry} from './imageGeometry.ts'
import type {ImageTransformSpec, OutputFormat, Rgba} from './imageParams.ts'
import {LakeError} from '../core/errors.ts'
import {DECODE_OPTIONS, invalidImage} from './imageDecode.ts'

/** Bump when the rendering changes, so old cache files are not served. */
const RENDERER_VERSION = 1

const TRANSPARENT: Rgba = {r: 255, g: 255, b: 255, alpha: 0}
const WHITE: Rgba = {r: 255, g: 255, b: 255, alpha: 1}

/** Applies the spec to an image sharp can decode; returns the encoded bytes. */
async function renderImageTransform(
  input: Uint8Array,
  spec: ImageTransformSpec,
  format: OutputFormat,
): Promise<Buffer> {
  let image = sharp(input, {autoOrient: true, ...DECODE_OPTIONS})
  let source: {width: number; height: number}
  if (spec.orientation !== 0 || spec.flipHorizontal || spec.flipVertical) {
    // sharp orders rotate, flip and extract internally, whatever the call order: orienting into
    // a raw intermediate first makes `rect` and cropping apply to the image as rotated/flipped.
    let oriented = image.flop(spec.flipHorizontal).flip(spec.flipVertical)
    if (spec.orientation !== 0) oriented = oriented.rotate(spec.orientation)
    const {data, info} = await oriented.raw().toBuffer({resolveWithObject: true})
    image = sharp(data, {raw: {width: info.width, height: info.height, channels: info.channels}})
    source = info
  } else {
    source = (await image.metadata()).autoOrient
  }
  const plan = planGeometry(spec, source)
  const {region} = plan
  if (
    region.left !== 0 ||
    region.top !== 0 ||
    region.width !== source.width ||
    region.height !== source.height
  ) {
    image = image.extract(region)
  }
  image = image.resize({
    width: plan.width,
    height: plan.height,
    fit: plan.entropyCrop ? 'cover' : 'fill',
    position: plan.entropyCrop ? sharp.strategy.entropy : undefined,
  })
  if (plan.canvas) {
    const padX = plan.canvas.width - plan.width
    const padY = plan.canvas.height - plan.height
    image = image.extend({
      left: Math.floor(padX / 2),
      right: Math.ceil(padX / 2),
      top: Math.floor(padY / 2),
      bottom: Math.ceil(padY / 2),
      background: spec.background ?? TRANSPARENT,
    })
  }
  // Sanity's blur runs 0..2000; sharp's Gaussian sigma 0.3..1000.
  if (spec.blur) image = image.blur(clamp(spec.blur / 2, 0.3, 1000))
  if (spec.sharpen) image = image.sharpen({sigma: 0.5 + spec.sharpen / 50})
  switch (format) {
    case 'jpg':
    case 'pjpg':
      // JPEG has no alpha: transparent parts get the background (white unless `bg`).
      return image
        .flatten({background: {...(spec.background ?? WHITE), alpha: 1}})
        .jpeg({quality: spec.quality, progressive: format === 'pjpg'})
        .toBuffer()
    case 'png':
      return image.png().toBuffer()
    case 'webp':
      return image.webp({quality: spec.quality}).toBuffer()
    case 'gif':
      return image.gif().toBuffer()
    case 'avif':
      return image.avif({quality: spec.quality}).toBuffer()
  }
}

/** Stable across equal specs, so equal requests share a cache file and an ETag. */
export function transformCacheKey(
  assetSha1: string,
  spec: ImageTransformSpec,
  format: OutputFormat,
): string {
  const canonical = JSON.stringify([RENDERER_VERSION, assetSha1, format, canonicalSpec(spec)])
  return createHash('sha1').update(canonical).digest('hex')
}

/** The spec's values in a fixed order (`fm`/`auto` are left out: the key has the resolved format). */
function canonicalSpec(spec: ImageTransformSpec): unknown[] {
  return [
    spec.width,
    spec.height,
    spec.maxWidth,
    spec.maxHeight,
    spec.minWidth,
    spec.minHeight,
    spec.fit,
    spec.crop,
    spec.rect,
    spec.quality,
    spec.dpr,
    spec.background,
    spec.flipHorizontal,
    spec.flipVertical,
    spec.orientation,
    spec.blur,
    spec.sharpen,
  ]
}

export function transformCachePath(dataDir: string, key: string, format: OutputFormat): string {
  return join(dataDir, 'assets', 'cache', `${key}.${format === 'pjpg' ? 'jpg' : format}`)
}

/**
 * The transformed bytes from `<data>/assets/cache/`, rendering and storing them (temp file +
 * rename, so a reader never sees half a file) on a miss.
 */
export async function transformImageCached(options: {
  dataDir: string
  key: string
  source: () => Uint8Array
  spec: ImageTransformSpec
  format: OutputFormat
}): Promise<Buffer> {
  const path = transformCachePath(options.dataDir, options.key, options.format)
  if (existsSync(path)) return readFileSync(path)
  let bytes: Buffer
  try {
    bytes = await renderImageTransform(options.source(), options.spec, options.format)
  } catch (error) {
    // A stored image sharp cannot decode (corrupt, or stored before uploads were verified).
    if (error instanceof LakeError) throw error
    throw invalidImage(error instanceof Error ? error.message : String(error))
  }
  writeFileAtomic(path, bytes)
  return bytes
}
