/**
 * History (lake/README.md#history): `GET /data/history/:dataset/documents/:ids?revision=|time=|lastRevision=true` and
 * `GET /data/history/:dataset/transactions/:ids?…` (NDJSON). Served from the transaction log,
 * which stores each transaction's before/after per document.
 *
 * A transaction line shows only what the caller may read (lake/auth/access.ts), and with
 * `includeIdentifiedDocumentsOnly=true` only the requested ids: `documentIDs`, `effects` and
 * `mutations` are filtered alike. A mutation is kept when the id it targets is shown; a mutation
 * whose target is not written in it (patch or delete by query, `create` without `_id`) is kept
 * only when nothing of the transaction is hidden, since it could have touched a hidden document.
 */
import {accessFor, commaList, flag, requireDataset, type RequestContext} from '../context.ts'
import {sendJson, sendNdjson} from '../respond.ts'
import {mendozaEffects} from '../../core/effects.ts'
import {mayRead} from '../../auth/access.ts'
import type {TransactionFilter} from '../../store/storage.ts'
import {badRequest, notFound} from '../../core/errors.ts'
import type {LakeDocument, Mutation} from '../../core/types.ts'

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
    if (!mayRead(access, id)) continue
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
  const ids = commaList(ctx.params.ids).filter((id) => mayRead(access, id))
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
  // Only what the answer shows is read: the Studio asks with both flags, and an imported
  // document's transaction may hold every document of the import.
  if (onlyIdentified) filter.statesOf = ids
  if (excludeMutations) filter.withoutMutations = true
  const wanted = new Set(ids)
  const shown = (id: string) => mayRead(access, id) && (!onlyIdentified || wanted.has(id))
  const lines = storage.transactions(dataset.name, filter).map((tx) => {
    const documents = tx.documents.filter((d) => shown(d.id))
    const documentIDs = tx.documentIDs.filter(shown)
    const complete = documentIDs.length === tx.documentIDs.length
    const line: Record<string, unknown> = {
      id: tx.id,
      timestamp: tx.timestamp,
      author: tx.author,
      documentIDs,
    }
    if (!excludeMutations) {
      line.mutations = (tx.mutations as Mutation[]).filter((mutation) => {
        const target = mutationTarget(mutation)
        return target === null ? complete : shown(target)
      })
    }
    if (withEffects) {
      line.effects = Object.fromEntries(
        documents.map((d) => [d.id, mendozaEffects(d.before, d.after)]),
      )
    }
    return line
  })
  sendNdjson(ctx.res, lines)
}

/** The document id a stored mutation names, or null when it is chosen by a query or generated. */
export function mutationTarget(mutation: Mutation): string | null {
  const [kind] = Object.keys(mutation)
  const body = mutation[kind] as Record<string, unknown> | null
  if (!body || typeof body !== 'object') return null
  const id =
    kind === 'create' || kind === 'createOrReplace' || kind === 'createIfNotExists'
      ? body._id
      : body.id
  if (typeof id !== 'string' || id === '' || (kind === 'create' && id.endsWith('.'))) return null
  return id
}
