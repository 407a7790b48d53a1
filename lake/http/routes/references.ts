/**
 * `GET /data/references/:dataset/documents/:id/to` — documents in *other* datasets of this lake
 * whose cross-dataset references (`_dataset: <dataset>`) point at the document. The Studio asks
 * before deleting or unpublishing (`excludeInternalReferences=true`; it finds same-dataset
 * references with GROQ itself). Datasets the caller cannot read are not searched.
 */
import {accessFor, requireDataset, type RequestContext} from '../context.ts'
import {sendJson} from '../respond.ts'
import {mayRead} from '../../auth/access.ts'
import {publishedId} from '../../core/ids.ts'
import {findReferences} from '../../core/references.ts'

interface CrossDatasetReference {
  documentId: string
  datasetName: string
  projectId: string
}

export function handleCrossDatasetReferences(ctx: RequestContext): void {
  const target = requireDataset(ctx)
  const targetId = publishedId(ctx.params.id)
  const references: CrossDatasetReference[] = []
  for (const dataset of ctx.lake.storage.listDatasets()) {
    if (dataset.name === target.name) continue
    const access = accessFor(ctx, dataset)
    if (access === 'none') continue
    for (const doc of ctx.lake.storage.allDocuments(dataset.name)) {
      if (!mayRead(access, doc._id)) continue
      const pointsHere = findReferences(doc).some(
        (reference) => reference.dataset === target.name && publishedId(reference.ref) === targetId,
      )
      if (pointsHere) {
        references.push({documentId: doc._id, datasetName: dataset.name, projectId: ctx.projectId})
      }
    }
  }
  sendJson(ctx.res, 200, {totalCount: references.length, references})
}
