/**
 * Image and file assets (lake/README.md#assets): bytes are stored once per content hash (SHA-1) in
 * `<data>/assets/<aa>/<sha1>`; the asset document (`sanity.imageAsset` / `sanity.fileAsset`) has
 * Sanity's id and URL formats. Image type and dimensions are sniffed with `image-size` (pure JS).
 * Transforms (`?w=&h=&fit=…`) are applied when serving, in lake/assets/imageTransforms.ts.
 */
import {createHash, randomBytes} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {imageSize} from 'image-size'
import mime from 'mime'
import {writeFileAtomic} from '../core/atomicWrite.ts'
import {checkPixelLimit, invalidImage} from './imageDecode.ts'

export type AssetKind = 'image' | 'file'

export interface ImageFormat {
  extension: string
  mimeType: string
}

/** image-size type → Sanity extension and MIME type. */
const IMAGE_FORMATS: Record<string, ImageFormat> = {
  jpg: {extension: 'jpg', mimeType: 'image/jpeg'},
  png: {extension: 'png', mimeType: 'image/png'},
  gif: {extension: 'gif', mimeType: 'image/gif'},
  webp: {extension: 'webp', mimeType: 'image/webp'},
  svg: {extension: 'svg', mimeType: 'image/svg+xml'},
  tiff: {extension: 'tiff', mimeType: 'image/tiff'},
  avif: {extension: 'avif', mimeType: 'image/avif'},
  heif: {extension: 'heic', mimeType: 'image/heic'},
  bmp: {extension: 'bmp', mimeType: 'image/bmp'},
}

export const ASSET_BODY_LIMIT = 100 * 1024 * 1024

export interface ImageInfo extends ImageFormat {
  width: number
  height: number
  hasAlpha: boolean
}

/** PNG alpha: color type 4/6 in IHDR, or a tRNS chunk. Other formats: by format. */
function sniffAlpha(bytes: Uint8Array, extension: string): boolean {
  if (extension === 'png') {
    if (bytes.length > 25 && (bytes[25] === 4 || bytes[25] === 6)) return true
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes('tRNS')
  }
  return extension === 'svg' || extension === 'gif' || extension === 'webp'
}

export function sniffImage(bytes: Uint8Array): ImageInfo {
  let size: ReturnType<typeof imageSize>
  try {
    size = imageSize(bytes)
  } catch (error) {
    throw invalidImage((error as Error).message)
  }
  const format = size.type ? IMAGE_FORMATS[size.type] : undefined
  if (!format) throw invalidImage(`unsupported image type "${size.type ?? 'unknown'}"`)
  let {width, height} = size
  if (!(width > 0 && height > 0)) throw invalidImage('no dimensions')
  checkPixelLimit(width, height)
  // EXIF orientations 5-8 rotate by 90°: report the displayed dimensions.
  if (size.orientation !== undefined && size.orientation >= 5) [width, height] = [height, width]
  return {...format, width, height, hasAlpha: sniffAlpha(bytes, format.extension)}
}

export function sha1Hex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex')
}

/** The file extension Sanity would use: from the filename, else the MIME type, else `bin`. */
export function fileExtension(filename: string | null, mimeType: string | null): string {
  const fromName = filename ? /\.([A-Za-z0-9]{1,10})$/.exec(filename)?.[1]?.toLowerCase() : null
  if (fromName) return fromName
  const base = mimeType?.split(';')[0].trim().toLowerCase()
  return (base && mime.getExtension(base)) || 'bin'
}

/** The Content-Type to serve a file with (from the `mime` package's table; text in UTF-8). */
export function mimeTypeForExtension(extension: string): string {
  const type = mime.getType(extension.toLowerCase()) ?? 'application/octet-stream'
  return type.startsWith('text/') ? `${type}; charset=utf-8` : type
}

export function imageAssetId(sha1: string, width: number, height: number, ext: string): string {
  return `image-${sha1}-${width}x${height}-${ext}`
}

export function fileAssetId(sha1: string, ext: string): string {
  return `file-${sha1}-${ext}`
}

/** `<sha1>-<w>x<h>.<ext>` (images) or `<sha1>.<ext>` (files) → its parts; null if malformed. */
export function parseAssetFileName(
  kind: AssetKind,
  name: string,
): {sha1: string; extension: string; width?: number; height?: number} | null {
  if (kind === 'image') {
    const match = /^([a-f0-9]{40})-(\d+)x(\d+)\.([a-z0-9]+)$/.exec(name)
    if (!match) return null
    return {sha1: match[1], width: Number(match[2]), height: Number(match[3]), extension: match[4]}
  }
  const match = /^([a-f0-9]{40})\.([a-z0-9]+)$/.exec(name)
  return match ? {sha1: match[1], extension: match[2]} : null
}

export function assetFilePath(dataDir: string, sha1: string): string {
  return join(dataDir, 'assets', sha1.slice(0, 2), sha1)
}

/** Stores the bytes under their hash (once; written to a temp file and renamed). */
export function storeAssetBytes(dataDir: string, sha1: string, bytes: Uint8Array): string {
  const path = assetFilePath(dataDir, sha1)
  if (existsSync(path)) return path
  writeFileAtomic(path, bytes)
  return path
}

export function readAssetBytes(dataDir: string, sha1: string): Buffer | null {
  const path = assetFilePath(dataDir, sha1)
  return existsSync(path) ? readFileSync(path) : null
}

export interface UploadParams {
  kind: AssetKind
  bytes: Uint8Array
  contentType: string | null
  /** `https://localhost:3443`: the bare API origin the asset URL is served from. */
  baseUrl: string
  projectId: string
  dataset: string
  search: URLSearchParams
}

/**
 * The asset document for an upload (without system fields; `_id` is content-addressed, so the
 * same bytes always give the same id).
 */
export function describeUpload(params: UploadParams): Record<string, unknown> & {_id: string} {
  const {kind, bytes, search, projectId, dataset} = params
  const sha1 = sha1Hex(bytes)
  const filename = search.get('filename')
  let doc: Record<string, unknown> & {_id: string}
  if (kind === 'image') {
    const image = sniffImage(bytes)
    const path = `images/${projectId}/${dataset}/${sha1}-${image.width}x${image.height}.${image.extension}`
    doc = {
      _id: imageAssetId(sha1, image.width, image.height, image.extension),
      _type: 'sanity.imageAsset',
      assetId: sha1,
      sha1hash: sha1,
      extension: image.extension,
      mimeType: image.mimeType,
      size: bytes.byteLength,
      originalFilename: filename ?? `${sha1}.${image.extension}`,
      uploadId: randomBytes(16).toString('base64url'),
      path,
      url: `${params.baseUrl}/${path}`,
      metadata: {
        _type: 'sanity.imageMetadata',
        dimensions: {
          _type: 'sanity.imageDimensions',
          width: image.width,
          height: image.height,
          aspectRatio: image.width / image.height,
        },
        hasAlpha: image.hasAlpha,
        isOpaque: !image.hasAlpha,
      },
    }
  } else {
    const declared = params.contentType?.split(';')[0].trim().toLowerCase() || null
    const extension = fileExtension(filename, declared)
    const mimeType =
      declared && declared !== 'application/octet-stream'
        ? declared
        : mimeTypeForExtension(extension).split(';')[0]
    const path = `files/${projectId}/${dataset}/${sha1}.${extension}`
    doc = {
      _id: fileAssetId(sha1, extension),
      _type: 'sanity.fileAsset',
      assetId: sha1,
      sha1hash: sha1,
      extension,
      mimeType,
      size: bytes.byteLength,
      originalFilename: filename ?? `${sha1}.${extension}`,
      uploadId: randomBytes(16).toString('base64url'),
      path,
      url: `${params.baseUrl}/${path}`,
    }
  }
  for (const field of ['label', 'title', 'description', 'creditLine']) {
    const value = search.get(field)
    if (value) doc[field] = value
  }
  const source = {
    name: search.get('sourceName'),
    id: search.get('sourceId'),
    url: search.get('sourceUrl'),
  }
  if (source.name && source.id) {
    doc.source = Object.fromEntries(Object.entries(source).filter(([, value]) => value))
  }
  return doc
}
