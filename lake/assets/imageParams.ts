/**
 * Sanity's image URL parameters (`w`, `h`, `fit`, `crop`, `rect`, `fm`, `auto`, `q`, `dpr`, `bg`,
 * `flip`, `or`, `blur`, `sharp`, `min-*`/`max-*`), pure: `parseImageTransform` turns the query
 * into an {@link ImageTransformSpec} or throws a 400, and `resolveOutputFormat` picks the encoding.
 * Geometry is in imageGeometry.ts, rendering and caching in imageTransforms.ts.
 */
import {invalidInput, type LakeError} from '../core/errors.ts'

/** Sanity refuses output sizes above this. */
export const MAX_IMAGE_DIMENSION = 8192

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
