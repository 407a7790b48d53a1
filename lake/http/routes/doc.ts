/** `GET /data/doc/:dataset/:ids` — raw documents by exact id, no perspective (lake/README.md#doc). */
import {accessFor, commaList, flag, requireDataset, type RequestContext} from '../context.ts'
import {sendJson} from '../respond.ts'
import {mayRead} from '../../auth/access.ts'
import {publishedId} from '../../core/ids.ts'
import type {LakeDocument} from '../../core/types.ts'

export function handleDoc(ctx: RequestContext): void {
  const started = performance.now()
  const dataset = requireDataset(ctx)
  const access = accessFor(ctx, dataset)
  const storage = ctx.lake.storage
  const requested = commaList(ctx.params.ids)
  const ids: string[] = []
  const seen = new Set<string>()
  const add = (id: string) => {
    if (!seen.has(id)) {
      seen.add(id)
      ids.push(id)
    }
  }
  const readable = (id: string) => mayRead(access, id)
  for (const id of requested) add(id)
  if (flag(ctx.search, 'includeAllVersions')) {
    // Variants the caller may not read are left out (not reported), so their existence stays hidden.
    const bases = new Set(requested.map(publishedId))
    for (const doc of storage.allDocuments(dataset.name)) {
      if (bases.has(publishedId(doc._id)) && readable(doc._id)) add(doc._id)
    }
  }
  const excludeContent = flag(ctx.search, 'excludeContent')
  const documents: LakeDocument[] = []
  const omitted: Array<{id: string; reason: 'existence' | 'permission'}> = []
  for (const id of ids) {
    if (!readable(id)) {
      omitted.push({id, reason: 'permission'})
      continue
    }
    const doc = storage.getDocument(dataset.name, id)
    if (!doc) omitted.push({id, reason: 'existence'})
    else if (!excludeContent) documents.push(doc)
  }
  sendJson(ctx.res, 200, {ms: Math.round(performance.now() - started), documents, omitted})
}
