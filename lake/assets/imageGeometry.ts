/**
 * Where the pixels go, pure: `planGeometry` turns a spec and the source size into the source region,
 * the resized size and the canvas (`rect`, then `w`/`h` × `dpr` by `fit`, then `min-*`/`max-*`
 * bounds on the output, then the 8192 cap).
 */
import {invalidInput} from '../core/errors.ts'
import {MAX_IMAGE_DIMENSION, type ImageTransformSpec, type Rect} from './imageParams.ts'

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

export function clamp(value: number, min: number, max: number): number {
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
