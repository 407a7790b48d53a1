/**
 * Project endpoints the Studio calls (lake/README.md#studio-endpoints): the project (organizationId null, so
 * no agent-bundles stream), the dataset ACL by role, grants and user applications.
 */
import {unauthorized} from '../../core/errors.ts'
import {requireDataset, validateDatasetName, type RequestContext} from '../context.ts'
import {sendJson} from '../respond.ts'
import type {Role} from '../../core/types.ts'
import {handleListDatasets} from './datasets.ts'

const EVERYTHING = '_id in path("**")'

/** Document grants per role: a viewer only reads, so its Studio is read-only. */
export const ROLE_GRANTS: Record<Role, string[]> = {
  administrator: ['read', 'create', 'update', 'history', 'editHistory'],
  editor: ['read', 'create', 'update', 'history', 'editHistory'],
  viewer: ['read'],
}

export function handleProject(ctx: RequestContext): void {
  sendJson(ctx.res, 200, projectBody(ctx.params.projectId ?? ctx.projectId))
}

/** `GET /projects` (`client.projects.list()`): the one project this lake answers as. */
export function handleProjects(ctx: RequestContext): void {
  sendJson(ctx.res, 200, [projectBody(ctx.projectId)])
}

/**
 * `GET /projects/:id/datasets/:dataset/settings/embeddings` (`client.datasets.getEmbeddingsSettings`):
 * the lake has no embeddings index, so they are disabled.
 */
export function handleEmbeddingsSettings(ctx: RequestContext): void {
  requireDataset(ctx)
  sendJson(ctx.res, 200, {enabled: false, status: 'disabled'})
}

function projectBody(id: string): Record<string, unknown> {
  return {
    id,
    displayName: id === 'local' ? 'Stadskärna CMS (lokal)' : id,
    studioHost: null,
    organizationId: null,
    isBlocked: false,
    isDisabled: false,
    isDisabledByUser: false,
    metadata: {},
    members: [],
    features: [],
    pendingInvites: 0,
    createdAt: '2026-01-01T00:00:00Z',
  }
}

export function handleDatasetAcl(ctx: RequestContext): void {
  validateDatasetName(ctx.params.dataset)
  const {role} = ctx.caller
  if (!role) throw unauthorized()
  sendJson(ctx.res, 200, [{filter: EVERYTHING, permissions: ROLE_GRANTS[role]}])
}

/** No project-level grants: no schema deploy, no invite button. */
export function handleProjectGrants(ctx: RequestContext): void {
  sendJson(ctx.res, 200, {})
}

export function handleUserApplications(ctx: RequestContext): void {
  sendJson(ctx.res, 200, [])
}

/**
 * `GET /projects/:id/datasets`; with `?datasetProfile=…` (the comments/tasks add-on dataset
 * lookup) there is none, so the Studio does not take a content dataset for an add-on dataset.
 */
export function handleProjectDatasets(ctx: RequestContext): void {
  if (ctx.search.get('datasetProfile')) {
    sendJson(ctx.res, 200, [])
    return
  }
  handleListDatasets(ctx)
}
