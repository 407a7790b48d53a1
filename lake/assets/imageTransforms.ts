/**
 * Image transforms for `GET /images/…?w=&h=&fit=…` (the commonly used part of Sanity's image URL
 * API), done with `sharp` (prebuilt libvips binaries).
 *
 * Parsing is pure: `parseImageTransform` turns the query into a spec or throws a 400, and
 * `planGeometry` turns a spec plus the source size into pixel boxes. `renderImageTransform` runs
 * sharp; `transformImageCached` keeps results in `<data>/assets/cache/`, keyed by the asset and
 * the canonical spec, so a repeated request skips sharp.
 *
 * Order of operations: EXIF orientation, `flip`, `or`, then `rect` (source pixels of the oriented
 * image), then sizing (`w`/`h` × `dpr` by `fit`, then `min-*`/`max-*` bounds on the output, then
 * the 8192 cap), then `blur`/`sharp`, then encoding. Animated images give their first frame.
 */
import {createHash, randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import sharp from 'sharp'
import {invalidInput, type LakeError} from '../core/errors.ts'

/** Sanity refuses output sizes above this. */
const MAX_IMAGE_DIMENSION = 8192

/** Bump when the rendering changes, so old cache files are not served. */
const RENDERER_VERSION = 1

export type ImageFit = 'clip' | 'crop' | 'fill' | 'fillmax' | 'max' | 'min' | 'scale'
export type RequestedFormat = 'jpg' | 'pjpg' | 'png' | 'webp'
/** What the transform encodes to: a requested format, or the source's own format. */
export type OutputFormat = RequestedFormat | 'gif' | 'avif'

export interface Rgba {
  r: number
  g: number
  b: number
  /** 0..1 */
  alpha: number
}

export interface Rect {
  left: number
  top: number
  width: number
  height: number
}

/** Where `fit=crop` / `fit=min` keep the image: a point in 0..1 of the region, or by entropy. */
export type CropAnchor = {x: number; y: number} | 'entropy'

export interface ImageTransformSpec {
  width?: number
  height?: number
  maxWidth?: number
  maxHeight?: number
  minWidth?: number
  minHeight?: number
  fit: ImageFit
  crop: CropAnchor
  rect?: Rect
  quality: number
  format?: RequestedFormat
  autoFormat: boolean
  dpr: number
  background?: Rgba
  flipHorizontal: boolean
  flipVertical: boolean
  /** Clockwise degrees. */
  orientation: 0 | 90 | 180 | 270
  blur?: number
  sharpen?: number
}

/** Query parameters that make a request a transform; anything else (`dl`, …) keeps the original. */
const TRANSFORM_PARAMS = [
  'w',
  'h',
  'max-w',
  'max-h',
  'min-w',
  'min-h',
  'fit',
  'crop',
  'fp-x',
  'fp-y',
  'rect',
  'q',
  'fm',
  'auto',
  'dpr',
  'bg',
  'flip',
  'or',
  'blur',
  'sharp',
] as const

const FITS: readonly ImageFit[] = ['clip', 'crop', 'fill', 'fillmax', 'max', 'min', 'scale']
const REQUESTED_FORMATS: readonly RequestedFormat[] = ['jpg', 'pjpg', 'png', 'webp']
const CROP_VALUES = ['top', 'bottom', 'left', 'right', 'center', 'focalpoint', 'entropy']

export const OUTPUT_MIME_TYPES: Record<OutputFormat, string> = {
  jpg: 'image/jpeg',
  pjpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
}

/** Source formats sharp's prebuilt binaries decode; others (SVG, HEIC, BMP) are served as is. */
const TRANSFORMABLE_EXTENSIONS = new Set(['jpg', 'png', 'webp', 'gif', 'tiff', 'avif'])

export function isTransformableImage(extension: string): boolean {
  return TRANSFORMABLE_EXTENSIONS.has(extension)
}

function hasTransformParams(search: URLSearchParams): boolean {
  return TRANSFORM_PARAMS.some((name) => search.has(name))
}

function invalidParam(name: string, value: string, expected: string): LakeError {
  return invalidInput(`Invalid value "${value}" for image parameter "${name}": ${expected}`)
}

/** A decimal number within [min, max]; `undefined` when the parameter is absent. */
function numberParam(
  search: URLSearchParams,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const value = search.get(name)
  if (value === null) return undefined
  const number = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN
  if (!(number >= min && number <= max)) {
    throw invalidParam(name, value, `expected a number from ${min} to ${max}`)
  }
  return number
}

/** A pixel size, rounded: decimals are accepted because URL builders may compute them. */
function sizeParam(search: URLSearchParams, name: string): number | undefined {
  const value = numberParam(search, name, 1, MAX_IMAGE_DIMENSION)
  return value === undefined ? undefined : Math.max(1, Math.round(value))
}

function oneOf<T extends string>(
  search: URLSearchParams,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const value = search.get(name)
  if (value === null) return undefined
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidParam(name, value, `expected one of ${allowed.join(', ')}`)
  }
  return value as T
}

/** `rgb`, `argb`, `rrggbb` or `aarrggbb` hex (alpha first, as in Sanity's and imgix's `bg`). */
function parseHexColor(value: string): Rgba | null {
  const hex = value.replace(/^#/, '')
  if (!/^([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(hex)) return null
  const digits = hex.length <= 4 ? [...hex].map((digit) => digit + digit).join('') : hex
  const bytes = digits.match(/../g)!.map((pair) => parseInt(pair, 16))
  const [alpha, r, g, b] = bytes.length === 4 ? bytes : [255, ...bytes]
  return {r, g, b, alpha: alpha / 255}
}

function parseRect(value: string): Rect {
  const parts = value.split(',')
  if (parts.length !== 4 || !parts.every((part) => /^\d+$/.test(part))) {
    throw invalidParam('rect', value, 'expected four whole numbers "left,top,width,height"')
  }
  const [left, top, width, height] = parts.map(Number)
  if (width < 1 || height < 1) {
    throw invalidParam('rect', value, 'width and height must be at least 1')
  }
  return {left, top, width, height}
}

function parseCrop(search: URLSearchParams): CropAnchor {
  const value = search.get('crop')
  const modes = value === null ? ['center'] : value.split(',')
  for (const mode of modes) {
    if (!CROP_VALUES.includes(mode)) {
      throw invalidParam('crop', value ?? '', `expected a list of ${CROP_VALUES.join(', ')}`)
    }
  }
  const focalX = numberParam(search, 'fp-x', 0, 1)
  const focalY = numberParam(search, 'fp-y', 0, 1)
  if (modes.includes('focalpoint')) return {x: focalX ?? 0.5, y: focalY ?? 0.5}
  if (modes.includes('entropy')) return 'entropy'
  const x = modes.includes('left') ? 0 : modes.includes('right') ? 1 : 0.5
  const y = modes.includes('top') ? 0 : modes.includes('bottom') ? 1 : 0.5
  return {x, y}
}

function parseFlip(value: string | null): {flipHorizontal: boolean; flipVertical: boolean} {
  if (value === null) return {flipHorizontal: false, flipVertical: false}
  if (!['h', 'v', 'hv', 'vh'].includes(value))
    throw invalidParam('flip', value, 'expected h, v or hv')
  return {flipHorizontal: value.includes('h'), flipVertical: value.includes('v')}
}

/**
 * The transform a query asks for; null when it has no transform parameter. Throws a 400
 * `LakeError` for a value Sanity would not take (or one the local lake does not support).
 */
export function parseImageTransform(search: URLSearchParams): ImageTransformSpec | null {
  if (!hasTransformParams(search)) return null
  const auto = search.get('auto')
  if (auto !== null && auto !== 'format') throw invalidParam('auto', auto, 'expected format')
  const orientation = search.get('or')
  if (orientation !== null && !['0', '90', '180', '270'].includes(orientation)) {
    throw invalidParam('or', orientation, 'expected 0, 90, 180 or 270')
  }
  const bgValue = search.get('bg')
  const background = bgValue === null ? undefined : parseHexColor(bgValue)
  if (background === null) throw invalidParam('bg', bgValue ?? '', 'expected a hex colour')
  const rect = search.get('rect')
  const quality = numberParam(search, 'q', 0, 100)
  const blur = numberParam(search, 'blur', 0, 2000)
  const sharpen = numberParam(search, 'sharp', 0, 100)
  const spec: ImageTransformSpec = {
    width: sizeParam(search, 'w'),
    height: sizeParam(search, 'h'),
    maxWidth: sizeParam(search, 'max-w'),
    maxHeight: sizeParam(search, 'max-h'),
    minWidth: sizeParam(search, 'min-w'),
    minHeight: sizeParam(search, 'min-h'),
    fit: oneOf(search, 'fit', FITS) ?? 'clip',
    crop: parseCrop(search),
    rect: rect === null ? undefined : parseRect(rect),
    quality: quality === undefined ? 75 : Math.round(quality),
    format: oneOf(search, 'fm', REQUESTED_FORMATS),
    autoFormat: auto === 'format',
    dpr: numberParam(search, 'dpr', 1, 3) ?? 1,
    background,
    ...parseFlip(search.get('flip')),
    orientation: Number(orientation ?? 0) as ImageTransformSpec['orientation'],
    blur: blur || undefined,
    sharpen: sharpen || undefined,
  }
  return spec
}

/** `fm` wins; then `auto=format` gives WebP to browsers that accept it; else the source format. */
export function resolveOutputFormat(
  spec: ImageTransformSpec,
  sourceExtension: string,
  accept: string | undefined,
): OutputFormat {
  if (spec.format) return spec.format
  if (spec.autoFormat && accept?.includes('image/webp')) return 'webp'
  switch (sourceExtension) {
    case 'jpg':
    case 'png':
    case 'webp':
    case 'gif':
    case 'avif':
      return sourceExtension
    default:
      // Browsers don't show TIFF; PNG keeps it lossless.
      return 'png'
  }
}

export interface GeometryPlan {
  /** The part of the (oriented) source to use, in source pixels. */
  region: Rect
  /** Size the region is resized to (its aspect is kept unless `fit=scale`). */
  width: number
  height: number
  /** `fit=crop|min` with `crop=entropy`: let sharp pick the region's crop by entropy. */
  entropyCrop: boolean
  /** `fit=fill|fillmax`: the canvas the resized region is centred on. */
  canvas?: {width: number; height: number}
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}

/** Pixel boxes for a spec and a source size; throws a 400 for a `rect` outside the image. */
export function planGeometry(
  spec: ImageTransformSpec,
  source: {width: number; height: number},
): GeometryPlan {
  let region: Rect = {left: 0, top: 0, width: source.width, height: source.height}
  if (spec.rect) {
    const {left, top, width, height} = spec.rect
    if (left >= source.width || top >= source.height) {
      throw invalidInput(
        `Image parameter "rect" ${left},${top},${width},${height} is outside the ${source.width}x${source.height} image`,
      )
    }
    // Partly outside is clipped to the image, as URL builders' rounding can overshoot by a pixel.
    region = {
      left,
      top,
      width: Math.min(width, source.width - left),
      height: Math.min(height, source.height - top),
    }
  }
  const boxWidth = spec.width === undefined ? undefined : spec.width * spec.dpr
  const boxHeight = spec.height === undefined ? undefined : spec.height * spec.dpr
  const noUpscale = spec.fit === 'max' || spec.fit === 'fillmax' || spec.fit === 'min'
  let width = region.width
  let height = region.height
  let canvas: {width: number; height: number} | undefined
  let cropToBox = false
  if (boxWidth !== undefined && boxHeight !== undefined) {
    if (spec.fit === 'crop' || spec.fit === 'scale') {
      width = boxWidth
      height = boxHeight
      cropToBox = spec.fit === 'crop'
    } else if (spec.fit === 'min') {
      // The requested aspect, but no larger than the region allows.
      const shrink = Math.min(1, region.width / boxWidth, region.height / boxHeight)
      width = boxWidth * shrink
      height = boxHeight * shrink
      cropToBox = true
    } else {
      let scale = Math.min(boxWidth / region.width, boxHeight / region.height)
      if (noUpscale) scale = Math.min(scale, 1)
      width = region.width * scale
      height = region.height * scale
      if (spec.fit === 'fill' || spec.fit === 'fillmax') {
        canvas = {width: boxWidth, height: boxHeight}
      }
    }
  } else if (boxWidth !== undefined || boxHeight !== undefined) {
    // One side given: every fit keeps the aspect ratio.
    let scale =
      boxWidth !== undefined ? boxWidth / region.width : (boxHeight as number) / region.height
    if (noUpscale) scale = Math.min(scale, 1)
    width = region.width * scale
    height = region.height * scale
  }
  // Bounds on the output, then Sanity's cap; they scale everything, keeping the output's aspect.
  const outer = () => canvas ?? {width, height}
  const rescale = (factor: number) => {
    width *= factor
    height *= factor
    if (canvas) canvas = {width: canvas.width * factor, height: canvas.height * factor}
  }
  if (spec.minWidth !== undefined && outer().width < spec.minWidth) {
    rescale(spec.minWidth / outer().width)
  }
  if (spec.minHeight !== undefined && outer().height < spec.minHeight) {
    rescale(spec.minHeight / outer().height)
  }
  const maxWidth = Math.min(spec.maxWidth ?? Infinity, MAX_IMAGE_DIMENSION)
  const maxHeight = Math.min(spec.maxHeight ?? Infinity, MAX_IMAGE_DIMENSION)
  if (outer().width > maxWidth) rescale(maxWidth / outer().width)
  if (outer().height > maxHeight) rescale(maxHeight / outer().height)
  const pixels = (value: number) => clamp(Math.round(value), 1, MAX_IMAGE_DIMENSION)
  width = pixels(width)
  height = pixels(height)
  if (canvas) {
    canvas = {
      width: Math.max(width, pixels(canvas.width)),
      height: Math.max(height, pixels(canvas.height)),
    }
  }
  const entropyCrop = cropToBox && spec.crop === 'entropy'
  if (cropToBox && spec.crop !== 'entropy') {
    region = cropRegion(region, width / height, spec.crop)
  }
  return {region, width, height, entropyCrop, canvas}
}

/** The largest part of `region` with the given aspect, placed so `anchor` is as central as fits. */
function cropRegion(region: Rect, aspect: number, anchor: {x: number; y: number}): Rect {
  const wider = region.width / region.height > aspect
  const width = wider ? clamp(Math.round(region.height * aspect), 1, region.width) : region.width
  const height = wider ? region.height : clamp(Math.round(region.width / aspect), 1, region.height)
  const left = clamp(Math.round(anchor.x * region.width - width / 2), 0, region.width - width)
  const top = clamp(Math.round(anchor.y * region.height - height / 2), 0, region.height - height)
  return {left: region.left + left, top: region.top + top, width, height}
}

const TRANSPARENT: Rgba = {r: 255, g: 255, b: 255, alpha: 0}
const WHITE: Rgba = {r: 255, g: 255, b: 255, alpha: 1}

/** Applies the spec to an image sharp can decode; returns the encoded bytes. */
async function renderImageTransform(
  input: Uint8Array,
  spec: ImageTransformSpec,
  format: OutputFormat,
): Promise<Buffer> {
  let image = sharp(input, {autoOrient: true})
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
  const bytes = await renderImageTransform(options.source(), options.spec, options.format)
  mkdirSync(join(options.dataDir, 'assets', 'cache'), {recursive: true})
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  writeFileSync(temp, bytes)
  renameSync(temp, path)
  return bytes
}
