/**
 * History (§10): `GET /data/history/:dataset/documents/:ids?revision=|time=|lastRevision=true` and
 * `GET /data/history/:dataset/transactions/:ids?…` (NDJSON). Served from the transaction log,
 * which stores each transaction's before/after per document.
 */
import {accessFor, commaList, flag, requireDataset, type RequestContext} from '../context.ts'
import {sendJson, sendNdjson} from '../respond.ts'
import {mendozaEffects} from '../../core/effects.ts'
import {isRootId} from '../../core/ids.ts'
import type {TransactionFilter} from '../../store/storage.ts'
import {badRequest, notFound} from '../../core/errors.ts'
import type {LakeDocument} from '../../core/types.ts'

export function handleHistoryDocuments(ctx: RequestContext): void {
  const dataset = requireDataset(ctx)
  const access = accessFor(ctx, dataset)
  const {storage} = ctx.lake
  const revision = ctx.search.get('revision')
  const time = ctx.search.get('time')
  const lastRevision = flag(ctx.search, 'lastRevision')
  const selectors = [revision, time, lastRevision ? 'x' : null].filter(
    (s) => s !== null && s !== '',
  )
  if (selectors.length !== 1) {
    throw badRequest('Exactly one of "revision", "time" or "lastRevision" must be given')
  }
  let seq: number | undefined
  if (revision) {
    const found = storage.transactionSeq(dataset.name, revision)
    if (found === null) throw notFound(`Revision "${revision}" not found`)
    seq = found
  }
  if (time && Number.isNaN(Date.parse(time))) throw badRequest(`Invalid time "${time}"`)
  const at = time ? new Date(time).toISOString() : undefined
  const documents: LakeDocument[] = []
  for (const id of commaList(ctx.params.ids)) {
    if (!(access === 'all' || (access === 'root' && isRootId(id)))) continue
    if (lastRevision) {
      const current = storage.getDocument(dataset.name, id)
      const state = current ? null : storage.documentStateAt(dataset.name, id, {})
      const doc = current ?? state?.after ?? state?.before
      if (doc) documents.push(doc)
      continue
    }
    const state = storage.documentStateAt(dataset.name, id, seq !== undefined ? {seq} : {time: at})
    if (state?.after) documents.push(state.after)
  }
  sendJson(ctx.res, 200, {documents})
}

export function handleHistoryTransactions(ctx: RequestContext): void {
  const dataset = requireDataset(ctx)
  const access = accessFor(ctx, dataset)
  const {storage} = ctx.lake
  const {search} = ctx
  const ids = commaList(ctx.params.ids).filter(
    (id) => access === 'all' || (access === 'root' && isRootId(id)),
  )
  if (ids.length === 0) {
    sendNdjson(ctx.res, [])
    return
  }
  const filter: TransactionFilter = {ids, reverse: flag(search, 'reverse')}
  const limit = search.get('limit')
  if (limit) {
    const n = Number(limit)
    if (!Number.isInteger(n) || n < 0) throw badRequest(`Invalid limit "${limit}"`)
    filter.limit = n
  }
  for (const [param, key] of [
    ['fromTransaction', 'fromSeq'],
    ['toTransaction', 'toSeq'],
  ] as const) {
    const value = search.get(param)
    if (!value) continue
    const seq = storage.transactionSeq(dataset.name, value)
    if (seq === null) throw badRequest(`Unknown transaction "${value}" in ${param}`)
    filter[key] = seq
  }
  for (const [param, key] of [
    ['fromTime', 'fromTime'],
    ['toTime', 'toTime'],
  ] as const) {
    const value = search.get(param)
    if (!value) continue
    if (Number.isNaN(Date.parse(value))) throw badRequest(`Invalid ${param} "${value}"`)
    filter[key] = new Date(value).toISOString()
  }
  const authors = search.get('authors')
  if (authors) filter.authors = commaList(authors)
  const onlyIdentified = flag(search, 'includeIdentifiedDocumentsOnly')
  const excludeMutations = flag(search, 'excludeMutations')
  const withEffects = search.get('effectFormat') === 'mendoza'
  const wanted = new Set(ids)
  const lines = storage.transactions(dataset.name, filter).map((tx) => {
    const documents = onlyIdentified ? tx.documents.filter((d) => wanted.has(d.id)) : tx.documents
    const line: Record<string, unknown> = {
      id: tx.id,
      timestamp: tx.timestamp,
      author: tx.author,
      documentIDs: onlyIdentified ? tx.documentIDs.filter((id) => wanted.has(id)) : tx.documentIDs,
    }
    if (!excludeMutations) line.mutations = tx.mutations
    if (withEffects) {
      line.effects = Object.fromEntries(
        documents.map((d) => [d.id, mendozaEffects(d.before, d.after)]),
      )
    }
    return line
  })
  sendNdjson(ctx.res, lines)
}
