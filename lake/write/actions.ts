/**
 * The Actions API (lake/README.md#actions): `sanity.action.document.*`
 * actions are expanded into plain mutations, which the caller then applies with `applyTransaction`
 * as ONE transaction (integrity checks, `_rev`, listener events).
 *
 * Each action sees the effect of the previous actions of the same request (Studio sends
 * `create` followed by `edit`s, and history restore sends `create` + `replaceDraft`): the expansion
 * runs the mutations produced so far through a `TransactionState` overlay.
 *
 * Expansions:
 * - create          → `create` of the draft/version (`attributes._id`, default `drafts.<publishedId>`);
 *                     409 if the draft exists (`ifExists: "ignore"` → nothing) or, for a draft, if the
 *                     published document exists.
 * - edit            → `createIfNotExists` of the draft from the published document (when the draft is
 *                     missing), then `patch` of the draft. The Studio's empty-action guard
 *                     (`unset: ["_empty_action_guard_pseudo_field_"]`) is an ordinary no-op patch.
 * - publish         → `createOrReplace` of the published document with the draft's content
 *                     (`_strengthenOnPublish` references made strong), then `delete` of the draft.
 * - unpublish       → `delete` of the published document, then `createIfNotExists` of the draft from it
 *                     (only when there is no draft).
 * - delete          → `delete` of the published document and of each listed draft.
 * - discard, version.discard → `delete` of the draft/version (409 if missing).
 * - replaceDraft, version.replace → `createOrReplace` of the draft/version.
 * - version.create  → `create` of the version, from `document` or as a copy of `baseId`.
 * - version.unpublish → `patch` setting `_system.delete: true` on the version.
 * - sanity.action.release.* → lake/write/releases.ts, which also locks the versions of a release
 *                     that is not active against the document actions above.
 * Anything else (variants, unknown types) → 400 actionError.
 */
import {copyForId, strengthenOnPublish} from './documentCopy.ts'
import {TransactionState} from './mutations.ts'
import type {DocumentSource} from './mutations.ts'
import {
  RELEASE_ACTION_PREFIX,
  RELEASE_DOCUMENT_PREFIX,
  RELEASE_TYPE,
  expandReleaseAction,
  isOpenRelease,
  lockedReleaseFor,
  releaseLockedDescription,
  type ReleaseActionContext,
} from './releases.ts'
import {isRecord, type LakeDocument, type Mutation} from '../core/types.ts'
import {actionError, LakeError, type ErrorItem} from '../core/errors.ts'
import {isReleaseDocumentId, isValidDocumentId, publishedId as publishedIdOf} from '../core/ids.ts'
import {releaseDocumentRefusal} from '../auth/access.ts'

export {strengthenOnPublish} from './documentCopy.ts'

const PREFIX = 'sanity.action.document.'

/** The action at `index` rejected: 400 invalid, 409 conflict. */
function rejectAction(
  status: number,
  index: number,
  description: string,
  type = status === 409 ? 'conflictError' : 'invalidActionError',
  extra: Record<string, unknown> = {},
): LakeError {
  return actionError(status, description, [{index, error: {type, description, ...extra}}])
}

/** The document an emitted mutation names (every mutation an action emits names one). */
function mutationTarget(mutation: Mutation): string | undefined {
  const body = Object.values(mutation)[0] as {_id?: unknown; id?: unknown} | undefined
  const id = body?._id ?? body?.id
  return typeof id === 'string' ? id : undefined
}

function isDraftOrVersionId(id: string): boolean {
  return id !== publishedIdOf(id)
}

export interface ExpandActionsOptions {
  /** ISO time of the transaction (release `publishedAt`); default now. */
  now?: string
  /** The last stored state of a deleted document (history), for `release.unarchive`. */
  lastRevision?: (id: string) => LakeDocument | null
  /** The scheduler's publish of a scheduled release (lake/write/releaseScheduler.ts). */
  scheduledPublish?: boolean
  /** Committed ids starting with a prefix, by index; without it a release's versions are found by
   *  a GROQ scan of the dataset. */
  idsWithPrefix?: (prefix: string) => string[]
}

class ActionContext implements ReleaseActionContext {
  readonly state: TransactionState
  readonly mutations: Mutation[] = []
  readonly now: string
  readonly scheduledPublish: boolean
  readonly #lastRevision: (id: string) => LakeDocument | null
  readonly #idsWithPrefix: ((prefix: string) => string[]) | undefined
  index = 0
  /** Set while a release action expands: it may write the versions of a locked release. */
  releaseAction = false

  constructor(source: DocumentSource, options: ExpandActionsOptions = {}) {
    this.now = options.now ?? new Date().toISOString()
    this.scheduledPublish = options.scheduledPublish === true
    this.#lastRevision = options.lastRevision ?? (() => null)
    this.#idsWithPrefix = options.idsWithPrefix
    this.state = new TransactionState(source, {
      dataset: '',
      transactionId: '__expanding_actions__',
      now: this.now,
    })
  }

  get(id: string): LakeDocument | null {
    return this.state.get(id)
  }

  lastRevision(id: string): LakeDocument | null {
    return this.#lastRevision(id)
  }

  private idsMatching(query: string, params: Record<string, unknown>): string[] {
    const ids = this.state.source.queryIds(query, params, this.state.pending)
    return ids.filter((id) => this.get(id) !== null)
  }

  versionIds(releaseId: string): string[] {
    if (!this.#idsWithPrefix) {
      return this.idsMatching('*[sanity::partOfRelease($releaseId)]', {releaseId})
    }
    const prefix = `versions.${releaseId}.`
    const ids = new Set(this.#idsWithPrefix(prefix))
    for (const id of this.state.pending.keys()) if (id.startsWith(prefix)) ids.add(id)
    return [...ids].filter((id) => this.get(id) !== null).sort()
  }

  openReleaseCount(): number {
    const ids = this.idsMatching(
      `*[_type == "${RELEASE_TYPE}" && _id in path("${RELEASE_DOCUMENT_PREFIX}*")]`,
      {},
    )
    return ids.filter((id) => isOpenRelease(this.get(id))).length
  }

  /** Records a mutation and applies it to the overlay, so later actions see its effect. */
  emit(mutation: Mutation): void {
    if (!this.releaseAction) {
      this.checkReleaseDocument(mutation)
      this.checkReleaseLock(mutation)
    }
    try {
      this.state.apply(mutation, this.mutations.length)
    } catch (error) {
      if (!(error instanceof LakeError)) throw error
      const body = error.body as {error?: {description?: string; items?: ErrorItem[]}}
      const item = body.error?.items?.[0]
      const description = item?.error.description ?? body.error?.description ?? error.message
      throw actionError(error.status, description, [
        {index: this.index, error: item?.error ?? {type: 'mutationError', description}},
      ])
    }
    this.mutations.push(mutation)
  }

  /** Document actions must not change a release's own document (lake/auth/access.ts). */
  private checkReleaseDocument(mutation: Mutation): void {
    const id = mutationTarget(mutation)
    if (id !== undefined && isReleaseDocumentId(id)) this.invalid(releaseDocumentRefusal(id))
  }

  /** Document actions must not change the versions of a release that is not active. */
  private checkReleaseLock(mutation: Mutation): void {
    const id = mutationTarget(mutation)
    if (id === undefined) return
    const release = lockedReleaseFor((releaseId) => this.get(releaseId), id)
    if (release) {
      this.conflict(releaseLockedDescription(release, id), 'releaseLockedError', {
        id,
        releaseId: release._id,
      })
    }
  }

  invalid(description: string): never {
    throw rejectAction(400, this.index, description)
  }

  conflict(
    description: string,
    type = 'conflictError',
    extra: Record<string, unknown> = {},
  ): never {
    throw rejectAction(409, this.index, description, type, extra)
  }

  string(action: Record<string, unknown>, field: string): string {
    const value = action[field]
    if (typeof value !== 'string' || value === '') this.invalid(`"${field}" is required`)
    return value
  }

  documentId(action: Record<string, unknown>, field: string): string {
    const id = this.string(action, field)
    if (!isValidDocumentId(id))
      this.invalid(`Malformed document ID in "${field}": ${JSON.stringify(id)}`)
    return id
  }

  publishedId(action: Record<string, unknown>): string {
    const id = this.documentId(action, 'publishedId')
    if (isDraftOrVersionId(id)) this.invalid(`"publishedId" must be a published id, got "${id}"`)
    return id
  }

  /** A draft or version id (`field`) that belongs to `publishedId` (when given). */
  variantId(action: Record<string, unknown>, field: string, publishedId?: string): string {
    return this.checkVariant(action[field], `"${field}"`, publishedId)
  }

  checkVariant(id: unknown, label: string, publishedId?: string): string {
    if (typeof id !== 'string' || id === '') this.invalid(`${label} is required`)
    if (!isValidDocumentId(id))
      this.invalid(`Malformed document ID in ${label}: ${JSON.stringify(id)}`)
    if (!isDraftOrVersionId(id)) this.invalid(`${label} must be a draft or version id, got "${id}"`)
    if (publishedId !== undefined && publishedIdOf(id) !== publishedId) {
      this.invalid(`${label} "${id}" is not a draft or version of "${publishedId}"`)
    }
    return id
  }

  /** A document body (`attributes` / `document`) whose `_id` is a draft/version of `publishedId`. */
  documentBody(
    action: Record<string, unknown>,
    field: string,
    publishedId: string | undefined,
    defaultId?: string,
  ): Record<string, unknown> {
    const body = action[field]
    if (!isRecord(body)) this.invalid(`"${field}" must be a document object`)
    const doc = {...body}
    if ((doc._id === undefined || doc._id === '') && defaultId) doc._id = defaultId
    this.checkVariant(doc._id, `"${field}._id"`, publishedId)
    if (typeof doc._type !== 'string' || doc._type === '')
      this.invalid(`"${field}._type" is required`)
    return doc
  }

  notFound(id: string): never {
    return this.conflict(`Document "${id}" does not exist`, 'documentNotFoundError', {id})
  }
}

function expandOne(context: ActionContext, action: Record<string, unknown>): void {
  const actionType = action.actionType as string
  const kind = actionType.slice(PREFIX.length)
  switch (kind) {
    case 'create': {
      const publishedId = context.publishedId(action)
      const doc = context.documentBody(action, 'attributes', publishedId, `drafts.${publishedId}`)
      const id = doc._id as string
      const ifExists = action.ifExists ?? 'fail'
      if (ifExists !== 'fail' && ifExists !== 'ignore') {
        context.invalid(`"ifExists" must be "fail" or "ignore"`)
      }
      if (id.startsWith('drafts.') && context.get(publishedId)) {
        context.conflict(
          `Cannot create draft "${id}": the published document "${publishedId}" already exists`,
          'documentAlreadyExistsError',
          {id: publishedId},
        )
      }
      if (context.get(id)) {
        if (ifExists === 'ignore') return
        context.conflict(`Document by ID "${id}" already exists`, 'documentAlreadyExistsError', {
          id,
        })
      }
      context.emit({create: doc})
      return
    }

    case 'edit': {
      const publishedId = context.publishedId(action)
      const draftId = context.variantId(action, 'draftId', publishedId)
      if (!isRecord(action.patch)) context.invalid(`"patch" must be an object of patch operations`)
      const {id: _id, query: _query, params: _params, ...operations} = action.patch
      void _id
      void _query
      void _params
      if (!context.get(draftId)) {
        const published = context.get(publishedId)
        if (!published) {
          context.conflict(
            `Cannot edit "${draftId}": neither it nor the published document "${publishedId}" exists`,
            'documentNotFoundError',
            {id: draftId},
          )
        }
        context.emit({createIfNotExists: copyForId(published, draftId)})
      }
      context.emit({patch: {id: draftId, ...operations}})
      return
    }

    case 'publish': {
      const publishedId = context.publishedId(action)
      const draftId = context.variantId(action, 'draftId', publishedId)
      const draft = context.get(draftId)
      if (!draft) {
        context.conflict(
          `Cannot publish "${publishedId}": the draft "${draftId}" does not exist`,
          'documentNotFoundError',
          {id: draftId},
        )
      }
      const published = context.get(publishedId)
      checkRevision(context, draftId, draft, action.ifDraftRevisionId, 'ifDraftRevisionId')
      checkRevision(
        context,
        publishedId,
        published,
        action.ifPublishedRevisionId,
        'ifPublishedRevisionId',
      )
      const doc = strengthenOnPublish(copyForId(draft, publishedId)) as Record<string, unknown>
      context.emit({createOrReplace: doc})
      context.emit({delete: {id: draftId}})
      return
    }

    case 'unpublish': {
      const publishedId = context.publishedId(action)
      const draftId =
        action.draftId === undefined
          ? `drafts.${publishedId}`
          : context.variantId(action, 'draftId', publishedId)
      const published = context.get(publishedId)
      if (!published) {
        context.conflict(
          `Cannot unpublish "${publishedId}": it is not published`,
          'documentNotFoundError',
          {id: publishedId},
        )
      }
      const hasDraft = context.get(draftId) !== null
      context.emit({delete: {id: publishedId}})
      if (!hasDraft) context.emit({createIfNotExists: copyForId(published, draftId)})
      return
    }

    case 'delete': {
      const publishedId = context.publishedId(action)
      const includeDrafts = action.includeDrafts ?? []
      if (!Array.isArray(includeDrafts)) context.invalid(`"includeDrafts" must be an array of ids`)
      const drafts = includeDrafts.map((id: unknown, i) =>
        context.checkVariant(id, `"includeDrafts[${i}]"`, publishedId),
      )
      const draftId = `drafts.${publishedId}`
      if (context.get(draftId) && !drafts.includes(draftId)) {
        context.conflict(
          `Cannot delete "${publishedId}": its draft "${draftId}" exists and is not listed in "includeDrafts"`,
        )
      }
      context.emit({delete: {id: publishedId}})
      for (const id of drafts) context.emit({delete: {id}})
      return
    }

    case 'discard':
    case 'version.discard': {
      const field = kind === 'discard' ? 'draftId' : 'versionId'
      const id = context.variantId(action, field)
      if (!context.get(id)) context.notFound(id)
      context.emit({delete: {id}})
      return
    }

    case 'replaceDraft': {
      const publishedId = context.publishedId(action)
      const doc = context.documentBody(action, 'attributes', publishedId, `drafts.${publishedId}`)
      const id = doc._id as string
      if (!context.get(id) && !context.get(publishedId)) {
        context.conflict(
          `Cannot replace draft "${id}": neither it nor the published document "${publishedId}" exists`,
          'documentNotFoundError',
          {id},
        )
      }
      context.emit({createOrReplace: doc})
      return
    }

    case 'version.create': {
      const publishedId = context.publishedId(action)
      let doc: Record<string, unknown>
      if (action.document !== undefined) {
        doc = context.documentBody(action, 'document', publishedId)
      } else {
        const baseId = context.documentId(action, 'baseId')
        const versionId = context.variantId(action, 'versionId', publishedId)
        const base = context.get(baseId)
        if (!base) context.notFound(baseId)
        checkRevision(context, baseId, base, action.ifBaseRevisionId, 'ifBaseRevisionId')
        doc = copyForId(base, versionId)
      }
      const id = doc._id as string
      if (context.get(id)) {
        context.conflict(`Document by ID "${id}" already exists`, 'documentAlreadyExistsError', {
          id,
        })
      }
      context.emit({create: doc})
      return
    }

    case 'version.replace': {
      const doc = context.documentBody(action, 'document', undefined)
      const id = doc._id as string
      if (!context.get(id)) context.notFound(id)
      context.emit({createOrReplace: doc})
      return
    }

    case 'version.unpublish': {
      const publishedId = context.publishedId(action)
      const versionId = context.variantId(action, 'versionId', publishedId)
      if (!versionId.startsWith('versions.')) context.invalid(`"versionId" must be a version id`)
      if (!context.get(versionId)) context.notFound(versionId)
      context.emit({patch: {id: versionId, set: {'_system.delete': true}}})
      return
    }

    default:
      context.invalid(`Unsupported action type "${actionType}"`)
  }
}

function checkRevision(
  context: ActionContext,
  id: string,
  doc: LakeDocument | null,
  expected: unknown,
  field: string,
): void {
  if (expected === undefined || expected === null) return
  if (typeof expected !== 'string') context.invalid(`"${field}" must be a string`)
  if (doc?._rev === expected) return
  const current = doc?._rev ?? null
  context.conflict(
    doc
      ? `Document "${id}" has unexpected revision ID ("${current}"), expected "${expected}"`
      : `Document "${id}" does not exist, expected revision "${expected}"`,
    'documentRevisionIDDoesNotMatchError',
    {id, currentRevisionID: current, expectedRevisionID: expected},
  )
}

/** Expands Actions API actions (sanity.action.document.*, sanity.action.release.*) into mutations
 *  against the source's current state. Throws LakeError with an actionError body (400 invalid,
 *  409 conflict). */
export function expandActions(
  actions: unknown[],
  source: DocumentSource,
  options: ExpandActionsOptions = {},
): Mutation[] {
  if (!Array.isArray(actions)) {
    throw rejectAction(400, 0, '"actions" must be an array of actions')
  }
  const context: ActionContext = new ActionContext(source, options)
  actions.forEach((action, index) => {
    context.index = index
    if (!isRecord(action)) context.invalid('Action must be an object')
    if (typeof action.actionType !== 'string') context.invalid('"actionType" is required')
    if (action.actionType.startsWith(RELEASE_ACTION_PREFIX)) {
      context.releaseAction = true
      expandReleaseAction(context, action)
      context.releaseAction = false
      return
    }
    if (!action.actionType.startsWith(PREFIX)) {
      context.invalid(`Unsupported action type "${action.actionType}"`)
    }
    expandOne(context, action)
  })
  return context.mutations
}
