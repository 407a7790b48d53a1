/**
 * Project and dataset management: `GET /projects/:projectId[/datasets]`, `GET /datasets`,
 * `PUT|PATCH|DELETE /datasets/:name` (also under `/projects/:projectId/datasets/:name`).
 * One lake holds one set of datasets, whatever the project id (see lake/http/server.ts).
 */
import {requireWrite} from '../../auth/access.ts'
import {readJson} from '../body.ts'
import {validateDatasetName, type RequestContext} from '../context.ts'
import {sendJson} from '../respond.ts'
import type {AclMode} from '../../store/storage.ts'
import {datasetNotFound, invalidInput} from '../../core/errors.ts'

export function handleListDatasets(ctx: RequestContext): void {
  sendJson(
    ctx.res,
    200,
    ctx.lake.storage.listDatasets().map((d) => ({name: d.name, aclMode: d.aclMode})),
  )
}

async function readAclMode(ctx: RequestContext): Promise<AclMode | undefined> {
  const body = (await readJson(ctx.req)) as {aclMode?: unknown} | undefined
  const aclMode = body && typeof body === 'object' ? body.aclMode : undefined
  if (aclMode === undefined) return undefined
  if (aclMode !== 'public' && aclMode !== 'private') {
    throw invalidInput(`Invalid aclMode ${JSON.stringify(aclMode)}: must be "public" or "private"`)
  }
  return aclMode
}

export async function handleCreateDataset(ctx: RequestContext): Promise<void> {
  requireWrite(ctx.caller, 'administration')
  const name = ctx.params.name
  validateDatasetName(name)
  const aclMode = await readAclMode(ctx)
  const {storage} = ctx.lake
  await storage.writeGate.whenFree(() => {
    storage.createDataset(name, aclMode ?? 'public')
    if (aclMode) storage.setDatasetAclMode(name, aclMode)
  })
  const dataset = storage.getDataset(name)
  sendJson(ctx.res, 200, {datasetName: name, aclMode: dataset?.aclMode ?? 'public'})
}

export async function handleEditDataset(ctx: RequestContext): Promise<void> {
  requireWrite(ctx.caller, 'administration')
  const name = ctx.params.name
  validateDatasetName(name)
  const aclMode = await readAclMode(ctx)
  const {storage} = ctx.lake
  if (!storage.getDataset(name)) throw datasetNotFound(name, ctx.projectId)
  if (aclMode) await storage.writeGate.whenFree(() => storage.setDatasetAclMode(name, aclMode))
  sendJson(ctx.res, 200, {datasetName: name, aclMode: storage.getDataset(name)?.aclMode})
}

export async function handleDeleteDataset(ctx: RequestContext): Promise<void> {
  requireWrite(ctx.caller, 'administration')
  const name = ctx.params.name
  validateDatasetName(name)
  const {storage} = ctx.lake
  if (!(await storage.writeGate.whenFree(() => storage.deleteDataset(name))))
    throw datasetNotFound(name, ctx.projectId)
  sendJson(ctx.res, 200, {deleted: true})
}
