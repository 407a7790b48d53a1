/**
 * Image URLs from `@sanity/image-url`, built against whichever Content Lake the client targets.
 *
 * `createImageUrlBuilder(client)` takes the client's `apiHost` as the image base URL, turning
 * `https://api.` into `https://cdn.`: the hosted API gives `https://cdn.sanity.io/images/<project>/
 * <dataset>/<file>`, the local lake `http://127.0.0.1:3400/images/<project>/<dataset>/<file>`,
 * which is where the lake serves them.
 */
import type {SanityClient} from '@sanity/client'
import {createImageUrlBuilder} from '@sanity/image-url'

/** An image field as the queries return it (`asset`, `hotspot`, `crop`, `alt`). */
export interface ImageValue {
  asset?: {_ref: string} | null
  hotspot?: {x: number; y: number; height: number; width: number} | null
  crop?: {top: number; bottom: number; left: number; right: number} | null
  alt?: string | null
}

export interface ImageDimensions {
  width: number
  height: number
}

const ASSET_ID = /^image-[A-Za-z0-9]+-(\d+)x(\d+)-[a-z0-9]+$/

/** The original size encoded in an image asset id (`image-<hash>-<w>x<h>-<format>`), after crop. */
export function imageDimensions(image: ImageValue | null | undefined): ImageDimensions | null {
  const match = image?.asset?._ref ? ASSET_ID.exec(image.asset._ref) : null
  if (!match) return null
  const crop = image?.crop
  const keepX = crop ? 1 - crop.left - crop.right : 1
  const keepY = crop ? 1 - crop.top - crop.bottom : 1
  return {
    width: Math.max(1, Math.round(Number(match[1]) * keepX)),
    height: Math.max(1, Math.round(Number(match[2]) * keepY)),
  }
}

export interface ImageUrls {
  /** URL of the image scaled to `width` (never upscaled), in the best format the browser takes. */
  url(image: ImageValue, width: number, height?: number): string
  /** A `srcset` for the given widths, leaving out widths larger than the original. */
  srcSet(image: ImageValue, widths: readonly number[], aspectRatio?: number): string
}

export function createImageUrls(client: Pick<SanityClient, 'config'>): ImageUrls {
  const builder = createImageUrlBuilder(client)
  const url = (image: ImageValue, width: number, height?: number) => {
    let spec = builder.image(image as Parameters<typeof builder.image>[0]).width(width)
    if (height) spec = spec.height(height)
    return spec
      .fit(height ? 'crop' : 'max')
      .auto('format')
      .url()
  }
  return {
    url,
    srcSet(image, widths, aspectRatio) {
      const original = imageDimensions(image)?.width ?? Infinity
      const usable = widths.filter((width) => width <= original)
      const chosen = usable.length > 0 ? usable : [Math.min(...widths)]
      return chosen
        .map((width) => {
          const height = aspectRatio ? Math.round(width / aspectRatio) : undefined
          return `${url(image, width, height)} ${width}w`
        })
        .join(', ')
    },
  }
}

/** True when the image has an asset to show. */
export function hasImage(image: ImageValue | null | undefined): image is ImageValue {
  return Boolean(image?.asset?._ref)
}
