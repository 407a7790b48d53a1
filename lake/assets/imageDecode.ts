/**
 * Image uploads are verified by decoding them, so the lake never stores (or later fails to
 * transform) bytes that only look like an image.
 *
 * - Pixel limit: at most {@link MAX_IMAGE_PIXELS} (100 megapixels, e.g. 12,000 × 8,000: above
 *   any camera photo an editor uploads, far below what would exhaust memory when decoding). The
 *   header's dimensions are checked first, so a 33-byte file claiming 100,000 × 100,000 is refused
 *   without decoding anything; sharp is given the same limit.
 * - Decoding: formats the lake transforms (JPEG, PNG, GIF, WebP, TIFF, AVIF) are decoded
 *   completely with sharp (its default `failOn: 'warning'`: truncated or corrupt data fails). SVG, HEIC and BMP
 *   are served as uploaded and never decoded by the lake, so only their header is checked.
 * - A failure is a 400 in the gateway shape hosted Sanity uses for unreadable images.
 */
import sharp from 'sharp'

import {invalidInput, type LakeError} from '../core/errors.ts'

export const MAX_IMAGE_PIXELS = 100_000_000

/** The 400 for bytes that are not a usable image. */
export function invalidImage(detail: string): LakeError {
  return invalidInput(`Invalid image, could not read metadata: ${detail}`)
}

/** Throws {@link invalidImage} when the dimensions exceed the pixel limit. */
export function checkPixelLimit(width: number, height: number): void {
  if (width * height > MAX_IMAGE_PIXELS) {
    throw invalidImage(
      `${width} × ${height} pixels exceeds the limit of ${MAX_IMAGE_PIXELS.toLocaleString('en')} pixels`,
    )
  }
}

/** sharp options for every decode of stored or uploaded image bytes. */
export const DECODE_OPTIONS = {limitInputPixels: MAX_IMAGE_PIXELS} as const

/** Decodes every pixel of `bytes` (into a tiny thumbnail, so memory stays small). */
export async function verifyDecodable(bytes: Uint8Array): Promise<void> {
  try {
    await sharp(bytes, DECODE_OPTIONS).resize(8, 8, {fit: 'inside'}).raw().toBuffer()
  } catch (error) {
    throw invalidImage(error instanceof Error ? error.message : String(error))
  }
}
