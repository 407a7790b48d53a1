/**
 * The images of an interview file (the interviewee's portrait, the main image): their bytes, and
 * the asset id the Content Lake gives them (`image-<sha1>-<w>x<h>-<ext>`, content-addressed), so
 * a dry run can show the reference and a re-import finds the asset without uploading it again.
 */
import {createHash} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import {dirname, isAbsolute, resolve} from 'node:path'

import {imageSize} from 'image-size'

import type {ParseWarning} from './errors.ts'
import type {ParsedInterview} from './parseInterview.ts'
import type {SourceImage} from './sourceBlocks.ts'

export interface ResolvedImage {
  image: SourceImage
  bytes: Uint8Array
  assetId: string
  filename: string
}

const EXTENSIONS: Record<string, string> = {
  jpg: 'jpg',
  png: 'png',
  gif: 'gif',
  webp: 'webp',
  tiff: 'tiff',
}

/** The images the interview uses, read from the document or from the file's folder. */
export async function resolveImages(
  parsed: ParsedInterview,
  file: string,
  warnings: ParseWarning[],
): Promise<ResolvedImage[]> {
  const wanted = [
    {image: parsed.interviewee.portrait, line: parsed.interviewee.line, what: 'portrait'},
    {image: parsed.mainImage?.image, line: parsed.mainImage?.line ?? 1, what: 'main image'},
  ]
  const resolved: ResolvedImage[] = []
  for (const {image, line, what} of wanted) {
    if (!image) continue
    let bytes = image.bytes
    if (!bytes && image.src) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(image.src)) {
        warnings.push({
          line,
          message: `the ${what} ${image.src} is not downloaded; save it next to the file and link it by name`,
        })
        continue
      }
      const path = isAbsolute(image.src) ? image.src : resolve(dirname(file), decodeURI(image.src))
      try {
        bytes = await readFile(path)
      } catch {
        warnings.push({
          line,
          message: `the ${what} "${image.src}" was not found next to the file; it is not imported`,
        })
        continue
      }
    }
    if (!bytes) continue
    let type: string | undefined
    let width: number | undefined
    let height: number | undefined
    try {
      ;({type, width, height} = imageSize(bytes))
    } catch {
      // Not an image format the lake knows.
    }
    const extension = type ? EXTENSIONS[type] : undefined
    if (!extension || !width || !height) {
      warnings.push({
        line,
        message: `the ${what} is not a JPEG, PNG, GIF, WebP or TIFF image; it is not imported`,
      })
      continue
    }
    const sha1 = createHash('sha1').update(bytes).digest('hex')
    resolved.push({
      image,
      bytes,
      assetId: `image-${sha1}-${width}x${height}-${extension}`,
      filename:
        (image.src && decodeURI(image.src.split('/').pop() ?? '')) ||
        `${what === 'portrait' ? 'portratt' : 'bild'}.${extension}`,
    })
  }
  return resolved
}
