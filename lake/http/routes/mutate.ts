/** `POST /data/mutate/:dataset` (lake/README.md#mutate). */
import {requireNoReleaseDocumentChanges} from '../../auth/access.ts'
import {commitMutations, validateTransactionId, whenWritable} from '../../write/commit.ts'
import {readJson} from '../body.ts'
import {flag, type RequestContext} from '../context.ts'
import {sendJson} from '../respond.ts'
import {badRequest} from '../../core/errors.ts'
import type {Mutation} from '../../core/types.ts'
import {prepareWrite} from './write.ts'

export async function handleMutate(ctx: RequestContext): Promise<void> {
  const body = (await readJson(ctx.req)) as
    {mutations?: unknown; transactionId?: unknown} | undefined
  const {dataset, createDataset} = prepareWrite(ctx)
  if (!body || typeof body !== 'object' || !Array.isArray(body.mutations)) {
    throw badRequest('Request body must be {"mutations": [...]}')
  }
  const tx = await whenWritable(ctx.lake.storage, () =>
    commitMutations(ctx.lake.storage, ctx.lake.hub, {
      dataset,
      mutations: body.mutations as Mutation[],
      transactionId: validateTransactionId(body.transactionId ?? ctx.search.get('transactionId')),
      identity: ctx.caller.identity ?? '',
      dryRun: flag(ctx.search, 'dryRun'),
      autoGenerateArrayKeys: flag(ctx.search, 'autoGenerateArrayKeys'),
      skipCrossDatasetReferenceValidation: flag(ctx.search, 'skipCrossDatasetReferenceValidation'),
      createDataset,
      // Release documents change only through release actions (lake/auth/access.ts).
      authorize: (applied) =>
        requireNoReleaseDocumentChanges(
          applied.mutations,
          applied.changes.map((change) => change.id),
        ),
      parsedInput: true,
    }),
  )
  const returnIds = flag(ctx.search, 'returnIds')
  const returnDocuments = flag(ctx.search, 'returnDocuments')
  const after = new Map(tx.changes.map((change) => [change.id, change.after]))
  const results = tx.results.map((result) => {
    const out: Record<string, unknown> = {}
    if (returnIds || returnDocuments) out.id = result.id
    out.operation = result.operation
    if (returnDocuments && result.operation !== 'delete') {
      const doc = after.get(result.id) ?? ctx.lake.storage.getDocument(dataset, result.id)
      if (doc) out.document = doc
    }
    return out
  })
  sendJson(ctx.res, 200, {transactionId: tx.transactionId, results})
}
