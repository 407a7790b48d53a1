/**
 * Assets (content-lake-api §12, studio-offline §6.4):
 * - `POST /assets/images/:dataset`, `POST /assets/files/:dataset` — raw bytes in, `{document}` out;
 *   the same bytes give the same document (content-addressed);
 * - `GET /images/:projectId/:dataset/:file[/:vanity]`, `GET /files/…` — the bytes, on the bare
 *   API host (no project subdomain). Transform parameters are ignored: the original is served.
 * Deleting an asset is a `/data/mutate` delete of its document, blocked while strongly referenced.
 */
import {dirname} from 'node:path'
import {
  ASSET_BODY_LIMIT,
  describeUpload,
  fileAssetId,
  mimeTypeForExtension,
  parseAssetFileName,
  readAssetBytes,
  storeAssetBytes,
  type AssetKind,
} from '../assets.ts'
import {commitMutations} from '../commit.ts'
import {readBody} from '../http/body.ts'
import {validateDatasetName, type RequestContext} from '../http/context.ts'
import {gatewayError, http1, sendJson} from '../http/respond.ts'
import {isValidProjectId} from '../ids.ts'
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
  const {storage, hub} = ctx.lake
  const existing = storage.getDocument(dataset, doc._id)
  if (existing) {
    sendJson(ctx.res, 200, {document: existing})
    return
  }
  storeAssetBytes(dataDirOf(ctx), doc.assetId as string, bytes)
  commitMutations(storage, hub, {
    dataset,
    mutations: [{createIfNotExists: doc}],
    identity: ctx.caller.identity ?? '',
    createDataset,
  })
  sendJson(ctx.res, 200, {document: storage.getDocument(dataset, doc._id)})
}

export function handleImageUpload(ctx: RequestContext): Promise<void> {
  return upload(ctx, 'image')
}

export function handleFileUpload(ctx: RequestContext): Promise<void> {
  return upload(ctx, 'file')
}

function serve(ctx: RequestContext, kind: AssetKind): void {
  const {projectId, dataset, file} = ctx.params
  const parsed = parseAssetFileName(kind, file)
  if (!isValidProjectId(projectId) || !parsed) {
    sendJson(ctx.res, 404, gatewayError(404, 'Asset not found'))
    return
  }
  validateDatasetName(dataset)
  const bytes = readAssetBytes(dataDirOf(ctx), parsed.sha1)
  if (!bytes) {
    sendJson(ctx.res, 404, gatewayError(404, 'Asset not found'))
    return
  }
  let mimeType = mimeTypeForExtension(parsed.extension)
  if (kind === 'file') {
    const doc = ctx.lake.storage.getDataset(dataset)
      ? ctx.lake.storage.getDocument(dataset, fileAssetId(parsed.sha1, parsed.extension))
      : null
    if (typeof doc?.mimeType === 'string') mimeType = doc.mimeType
  }
  const {res} = ctx
  const etag = `"${parsed.sha1}"`
  res.setHeader('Content-Type', mimeType)
  res.setHeader('Cache-Control', 'public, max-age=31536000, immutable')
  res.setHeader('ETag', etag)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin')
  const download = ctx.search.get('dl')
  if (download !== null) {
    const name = (download || file).replace(/["\\\r\n]/g, '_')
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`)
  }
  if (ctx.req.headers['if-none-match'] === etag) {
    http1(res).writeHead(304)
    res.end()
    return
  }
  res.setHeader('Content-Length', bytes.byteLength)
  http1(res).writeHead(200)
  if (ctx.method === 'HEAD') res.end()
  else http1(res).end(bytes)
}

export function handleServeImage(ctx: RequestContext): void {
  serve(ctx, 'image')
}

export function handleServeFile(ctx: RequestContext): void {
  serve(ctx, 'file')
}
