/** `POST /data/actions/:dataset` (lake/README.md#actions) and the Studio's `GET` feature probe. */
import {expandActions} from '../../write/actions.ts'
import {
  commitMutations,
  documentSource,
  lastRevisionReader,
  validateTransactionId,
  whenWritable,
} from '../../write/commit.ts'
import {readJson} from '../body.ts'
import {flag, type RequestContext} from '../context.ts'
import {sendJson} from '../respond.ts'
import {mayWrite} from '../../auth/access.ts'
import {actionError, actionPermissionDenied} from '../../core/errors.ts'
import {prepareWrite} from './write.ts'

export function handleActionsProbe(ctx: RequestContext): void {
  sendJson(ctx.res, 200, {enabled: true, compatibleStudioVersions: '*'})
}

export async function handleActions(ctx: RequestContext): Promise<void> {
  const body = (await readJson(ctx.req)) as
    | {
        actions?: unknown
        transactionId?: unknown
        dryRun?: unknown
        skipCrossDatasetReferenceValidation?: unknown
      }
    | undefined
  // A token that may only read (a viewer) gets the error the Studio's permission checks expect.
  if (ctx.caller.role && !mayWrite(ctx.caller)) throw actionPermissionDenied()
  const {dataset, createDataset} = prepareWrite(ctx)
  if (!body || typeof body !== 'object' || !Array.isArray(body.actions)) {
    throw actionError(400, 'Request body must be {"actions": [...]}')
  }
  const {storage} = ctx.lake
  const actions = body.actions
  const tx = await whenWritable(storage, () => {
    const mutations = expandActions(actions, documentSource(storage, dataset), {
      lastRevision: lastRevisionReader(storage, dataset),
      idsWithPrefix: (prefix) => storage.idsWithPrefix(dataset, prefix),
    })
    return commitMutations(storage, ctx.lake.hub, {
      dataset,
      mutations,
      transactionId: validateTransactionId(body.transactionId),
      identity: ctx.caller.identity ?? '',
      dryRun: body.dryRun === true,
      autoGenerateArrayKeys: flag(ctx.search, 'autoGenerateArrayKeys'),
      skipCrossDatasetReferenceValidation: body.skipCrossDatasetReferenceValidation === true,
      createDataset,
    })
  })
  sendJson(ctx.res, 200, {transactionId: tx.transactionId})
}
