/** Shared by the write routes: permission and dataset checks. */
import {mayWrite, requireWrite} from '../../auth/access.ts'
import {validateDatasetName, type RequestContext} from '../context.ts'
import {datasetNotFound} from '../../core/errors.ts'

/**
 * Checks write permission and the target dataset. Returns whether the dataset must be created by
 * this write (only an administrator's first write creates a dataset).
 */
export function prepareWrite(ctx: RequestContext): {dataset: string; createDataset: boolean} {
  requireWrite(ctx.caller)
  const dataset = ctx.params.dataset
  validateDatasetName(dataset)
  const exists = ctx.lake.storage.getDataset(dataset) !== null
  if (!exists && !mayWrite(ctx.caller, 'administration'))
    throw datasetNotFound(dataset, ctx.projectId)
  return {dataset, createDataset: !exists}
}
