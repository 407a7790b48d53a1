/**
 * Assets (lake/README.md#assets):
 * - `POST /assets/images/:dataset`, `POST /assets/files/:dataset` — raw bytes in, `{document}` out;
 *   the same bytes give the same document (content-addressed);
 * - `GET /images/:projectId/:dataset/:file[/:vanity]`, `GET /files/…` — the bytes, on the bare
 *   API host (no project subdomain). Images take Sanity's transform parameters (`w`, `h`, `fit`,
 *   `rect`, `fm`, `auto=format`, … — see `lake/assets/imageTransforms.ts`); results are cached in
 *   `<data>/assets/cache/`. Without them, or for SVG/HEIC/BMP, the original bytes are served.
 * Deleting an asset is a `/data/mutate` delete of its document, blocked while strongly referenced.
 */
import {existsSync} from 'node:fs'
import {dirname} from 'node:path'
import {
  ASSET_BODY_LIMIT,
  assetFilePath,
  describeUpload,
  fileAssetId,
  mimeTypeForExtension,
  parseAssetFileName,
  readAssetBytes,
  storeAssetBytes,
  type AssetKind,
} from '../../assets/assets.ts'
import {verifyDecodable} from '../../assets/imageDecode.ts'
import {commitMutations, whenWritable} from '../../write/commit.ts'
import {readBody} from '../body.ts'
import {validateDatasetName, type RequestContext} from '../context.ts'
import {http1, sendError, sendJson} from '../respond.ts'
import {isValidProjectId} from '../../core/ids.ts'
import {
  isTransformableImage,
  OUTPUT_MIME_TYPES,
  parseImageTransform,
  resolveOutputFormat,
  type ImageTransformSpec,
  type OutputFormat,
} from '../../assets/imageParams.ts'
import {transformCacheKey, transformImageCached} from '../../assets/imageTransforms.ts'
import {assetNotFound} from '../../core/errors.ts'
import {bareHost, isTls} from './auth.ts'
import {prepareWrite} from './write.ts'

function dataDirOf(ctx: RequestContext): string {
  return dirname(ctx.lake.storage.path)
}

/** `https://localhost:3443` for a request to `https://local.localhost:3443/…`. */
export function publicBaseUrl(ctx: RequestContext): string {
  const host =
    (ctx.req.headers[':authority'] as string | undefined) ?? ctx.req.headers.host ?? 'localhost'
  return `${isTls(ctx) ? 'https' : 'http'}://${bareHost(host)}`
}

async function upload(ctx: RequestContext, kind: AssetKind): Promise<void> {
  const {dataset, createDataset} = prepareWrite(ctx)
  const bytes = await readBody(ctx.req, ASSET_BODY_LIMIT)
  const contentType = ctx.req.headers['content-type']
  const doc = describeUpload({
    kind,
    bytes,
    contentType: typeof contentType === 'string' ? contentType : null,
    baseUrl: publicBaseUrl(ctx),
    projectId: ctx.projectId,
    dataset,
    search: ctx.search,
  })
  if (kind === 'image' && isTransformableImage(doc.extension as string)) {
    await verifyDecodable(bytes)
  }
  const {storage, hub} = ctx.lake
  const document = await whenWritable(storage, () => {
    const existing = storage.getDocument(dataset, doc._id)
    if (existing) return existing
    storeAssetBytes(dataDirOf(ctx), doc.assetId as string, bytes)
    commitMutations(storage, hub, {
      dataset,
      mutations: [{createIfNotExists: doc}],
      identity: ctx.caller.identity ?? '',
      createDataset,
    })
    return storage.getDocument(dataset, doc._id)
  })
  sendJson(ctx.res, 200, {document})
}

export function handleImageUpload(ctx: RequestContext): Promise<void> {
  return upload(ctx, 'image')
}

export function handleFileUpload(ctx: RequestContext): Promise<void> {
  return upload(ctx, 'file')
}

/** The transform an image request asks for, with its output format and cache key; or null. */
function imageTransformFor(
  ctx: RequestContext,
  sha1: string,
  extension: string,
): {spec: ImageTransformSpec; format: OutputFormat; key: string} | null {
  const spec = parseImageTransform(ctx.search)
  // SVG, HEIC and BMP are served as uploaded (the parameters are still validated).
  if (!spec || !isTransformableImage(extension)) return null
  const accept = ctx.req.headers.accept
  const format = resolveOutputFormat(
    spec,
    extension,
    typeof accept === 'string' ? accept : undefined,
  )
  return {spec, format, key: transformCacheKey(sha1, spec, format)}
}

function appendVary(ctx: RequestContext, field: string): void {
  const current = ctx.res.getHeader('Vary')
  ctx.res.setHeader('Vary', current ? `${String(current)}, ${field}` : field)
}

async function serve(ctx: RequestContext, kind: AssetKind): Promise<void> {
  const {projectId, dataset, file} = ctx.params
  const parsed = parseAssetFileName(kind, file)
  if (!isValidProjectId(projectId) || !parsed) {
    sendError(ctx.res, assetNotFound())
    return
  }
  validateDatasetName(dataset)
  const dataDir = dataDirOf(ctx)
  if (!existsSync(assetFilePath(dataDir, parsed.sha1))) {
    sendError(ctx.res, assetNotFound())
    return
  }
  const transform = kind === 'image' ? imageTransformFor(ctx, parsed.sha1, parsed.extension) : null
  let mimeType = transform
    ? OUTPUT_MIME_TYPES[transform.format]
    : mimeTypeForExtension(parsed.extension)
  if (kind === 'file') {
    const doc = ctx.lake.storage.getDataset(dataset)
      ? ctx.lake.storage.getDocument(dataset, fileAssetId(parsed.sha1, parsed.extension))
      : null
    if (typeof doc?.mimeType === 'string') mimeType = doc.mimeType
  }
  const etag = transform ? `"${parsed.sha1}-${transform.key.slice(0, 16)}"` : `"${parsed.sha1}"`
  const notModified = ctx.req.headers['if-none-match'] === etag
  // The body comes before any header, so a failed transform answers a plain JSON error.
  let bytes: Buffer | null = null
  if (!notModified) {
    bytes = transform
      ? await transformImageCached({
          dataDir,
          key: transform.key,
          spec: transform.spec,
          format: transform.format,
          source: () => {
            const original = readAssetBytes(dataDir, parsed.sha1)
            if (!original) throw assetNotFound()
            return original
          },
        })
      : readAssetBytes(dataDir, parsed.sha1)
    if (!bytes) {
      sendError(ctx.res, assetNotFound())
      return
    }
  }
  const {res} = ctx
  res.setHeader('Content-Type', mimeType)
  res.setHeader('Cache-Control', 'public, max-age=31536000, immutable')
  res.setHeader('ETag', etag)
  if (transform?.spec.autoFormat && !transform.spec.format) appendVary(ctx, 'Accept')
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin')
  const download = ctx.search.get('dl')
  if (download !== null) {
    const name = (download || file).replace(/["\\\r\n]/g, '_')
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`)
  }
  if (!bytes) {
    http1(res).writeHead(304)
    res.end()
    return
  }
  res.setHeader('Content-Length', bytes.byteLength)
  http1(res).writeHead(200)
  if (ctx.method === 'HEAD') res.end()
  else http1(res).end(bytes)
}

export function handleServeImage(ctx: RequestContext): Promise<void> {
  return serve(ctx, 'image')
}

export function handleServeFile(ctx: RequestContext): Promise<void> {
  return serve(ctx, 'file')
}
