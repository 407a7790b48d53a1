/**
 * `POST /data/import/:dataset` (lake extension, administrator only): NDJSON body, one document per
 * line, written VERBATIM (createOrReplace keeping `_rev`, `_createdAt`, `_updatedAt` as given, no
 * reference checks — like `@sanity/import`, which writes references weak first). One transaction.
 * Lines without `_id` (e.g. an export's `{"nextCursor": …}`) are skipped. Body limit 256 MiB.
 */
import {requireAdmin} from '../../auth/auth.ts'
import {validateTransactionId} from '../../write/commit.ts'
import {readBody} from '../body.ts'
import {validateDatasetName, type RequestContext} from '../context.ts'
import {sendJson} from '../respond.ts'
import {isValidDocumentId, newTransactionId} from '../../core/ids.ts'
import {importError, transactionIdConflict} from '../../core/errors.ts'
import type {CommittedTransaction, DocumentChange, LakeDocument} from '../../core/types.ts'

export const IMPORT_BODY_LIMIT = 256 * 1024 * 1024

export async function handleImport(ctx: RequestContext): Promise<void> {
  requireAdmin(ctx.caller)
  const dataset = ctx.params.dataset
  validateDatasetName(dataset)
  const text = (await readBody(ctx.req, IMPORT_BODY_LIMIT)).toString('utf8')
  const {storage} = ctx.lake
  const transactionId = validateTransactionId(ctx.search.get('transactionId')) ?? newTransactionId()
  if (storage.hasTransaction(dataset, transactionId)) throw transactionIdConflict(transactionId)
  const timestamp = new Date().toISOString()
  const byId = new Map<string, LakeDocument>()
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim()
    if (!line) return
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      throw importError(index + 1, 'invalid JSON')
    }
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw importError(index + 1, 'not an object')
    const doc = value as Record<string, unknown>
    if (doc._id === undefined) return
    if (typeof doc._id !== 'string' || !isValidDocumentId(doc._id)) {
      throw importError(index + 1, `invalid _id ${JSON.stringify(doc._id)}`)
    }
    if (typeof doc._type !== 'string' || !doc._type) throw importError(index + 1, 'missing _type')
    byId.set(doc._id, {
      ...doc,
      _rev: typeof doc._rev === 'string' ? doc._rev : transactionId,
      _createdAt: typeof doc._createdAt === 'string' ? doc._createdAt : timestamp,
      _updatedAt: typeof doc._updatedAt === 'string' ? doc._updatedAt : timestamp,
    } as LakeDocument)
  })
  const changes: DocumentChange[] = [...byId.values()].map((doc) => ({
    id: doc._id,
    before: storage.getDocument(dataset, doc._id),
    after: doc,
    mutations: [{createOrReplace: doc}],
  }))
  const tx: CommittedTransaction = {
    dataset,
    transactionId,
    timestamp,
    identity: ctx.caller.identity ?? '',
    mutations: changes.map((change) => ({createOrReplace: change.after})),
    changes,
    results: changes.map((change) => ({
      id: change.id,
      operation: change.before ? 'update' : 'create',
    })),
  }
  if (changes.length > 0) {
    storage.commit(tx, {createDataset: true})
    ctx.lake.hub.publish(tx)
  } else {
    storage.createDataset(dataset)
  }
  sendJson(ctx.res, 200, {transactionId, count: changes.length})
}
