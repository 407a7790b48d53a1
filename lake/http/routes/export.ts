/** `GET /data/export/:dataset[?types=a,b]` — NDJSON of every readable raw document, by `_id` (lake/README.md#export-and-import). */
import {accessFor, requireDataset, type RequestContext} from '../context.ts'
import {sendNdjson} from '../respond.ts'
import {mayRead} from '../../auth/access.ts'

export function handleExport(ctx: RequestContext): void {
  const dataset = requireDataset(ctx)
  const access = accessFor(ctx, dataset)
  const typesParam = ctx.search.get('types')
  const types = typesParam ? new Set(typesParam.split(',').filter(Boolean)) : null
  const documents = ctx.lake.storage
    .allDocuments(dataset.name)
    .filter((doc) => mayRead(access, doc._id) && (!types || types.has(doc._type)))
  // No cursor paging: one page, and no `nextCursor` line means the export is complete.
  sendNdjson(ctx.res, documents)
}
