/**
 * `POST /data/import/:dataset` (lake extension, administrator only): an NDJSON body written as one
 * transaction, documents taken verbatim (lake/write/imports.ts). Body limit 256 MiB.
 */
import {requireWrite} from '../../auth/access.ts'
import {commitImport, validateTransactionId} from '../../write/commit.ts'
import {readBody} from '../body.ts'
import {validateDatasetName, type RequestContext} from '../context.ts'
import {sendJson} from '../respond.ts'

export const IMPORT_BODY_LIMIT = 256 * 1024 * 1024

export async function handleImport(ctx: RequestContext): Promise<void> {
  requireWrite(ctx.caller, 'administration')
  const dataset = ctx.params.dataset
  validateDatasetName(dataset)
  const ndjson = (await readBody(ctx.req, IMPORT_BODY_LIMIT)).toString('utf8')
  const tx = commitImport(ctx.lake.storage, ctx.lake.hub, {
    dataset,
    ndjson,
    transactionId: validateTransactionId(ctx.search.get('transactionId')),
    identity: ctx.caller.identity ?? '',
  })
  sendJson(ctx.res, 200, {transactionId: tx.transactionId, count: tx.changes.length})
}
