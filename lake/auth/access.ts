/**
 * The read rule and the write rule: the only places that decide what a caller may see or change.
 * Every read path (query, doc, listen, history documents and transactions, export, references,
 * live streams) asks {@link readAccess} once per dataset and {@link mayRead} per document id;
 * every write path asks {@link requireWrite}.
 *
 * Read rule (lake/README.md#tokens-and-visibility):
 * - a token of any role (viewer, editor, administrator) reads every document of any dataset:
 *   published, drafts (`drafts.*`), release versions (`versions.<release>.*`) and system documents
 *   (any other id with a dot, `_.…`); the viewer role is "read everything, change nothing";
 * - without a token, a public dataset shows only documents with root ids (no dot) and a private
 *   dataset shows nothing.
 *
 * Write rule: changing documents (mutate, actions, asset uploads) needs an editor or administrator
 * token; administration (creating, editing, deleting datasets, importing verbatim) needs an
 * administrator token. Without a token the answer is 401, with a token of too low a role 403.
 *
 * Release rule: a content release's own document (`_.releases.<id>`) changes only through the
 * release actions (`sanity.action.release.*`), which keep its state and its versions consistent
 * (lake/write/releases.ts); a mutation of it through /data/mutate is a 403 for every role
 * ({@link requireNoReleaseDocumentChanges}), and the document actions refuse it too
 * (lake/write/actions.ts). `/data/import`, the administrator's verbatim restore, may write it.
 */
import {forbidden, insufficientPermissions, mutationError, unauthorized} from '../core/errors.ts'
import {isReleaseDocumentId, isRootId} from '../core/ids.ts'
import {isRecord, type Caller, type Mutation} from '../core/types.ts'
import type {AclMode} from '../store/datasets.ts'

/** How much of one dataset a caller reads: nothing, root ids only, or everything. */
export type ReadAccess = 'none' | 'root' | 'all'

/** The caller's access to a dataset with the given ACL mode (decided once per request). */
export function readAccess(caller: Caller, aclMode: AclMode): ReadAccess {
  if (caller.role) return 'all'
  return aclMode === 'private' ? 'none' : 'root'
}

/** THE read rule: whether a caller with `access` may see the document `id` (or learn it exists). */
export function mayRead(access: ReadAccess, id: string): boolean {
  return access === 'all' || (access === 'root' && isRootId(id))
}

/** What a write changes: documents, or the lake's datasets (administration). */
export type WriteScope = 'documents' | 'administration'

/** Whether the caller may write in `scope`. */
export function mayWrite(caller: Caller, scope: WriteScope = 'documents'): boolean {
  if (scope === 'administration') return caller.role === 'administrator'
  return caller.role === 'administrator' || caller.role === 'editor'
}

/**
 * THE write rule: 401 without a token; 403 for a token whose role may not write in `scope`
 * (document writes answer Sanity's `mutationError` shape, administration the gateway shape).
 */
export function requireWrite(
  caller: Caller,
  scope: WriteScope = 'documents',
  permission: 'create' | 'update' = 'create',
): void {
  if (!caller.role) throw unauthorized()
  if (mayWrite(caller, scope)) return
  throw scope === 'documents'
    ? insufficientPermissions(permission)
    : forbidden('administrator required')
}

/** What a release document is told when something other than a release action changes it. */
export function releaseDocumentRefusal(id: string): string {
  return `Document "${id}" is a content release: change it through the release actions (sanity.action.release.* on /data/actions)`
}

/** The document a mutation names (`_id` of a create*, `id` of a patch or delete), if any. */
function namedId(mutation: Mutation): string | undefined {
  const body = Object.values(mutation)[0]
  if (!isRecord(body)) return undefined
  const id = body._id ?? body.id
  return typeof id === 'string' ? id : undefined
}

/**
 * THE release rule for /data/mutate: throws a 403 `mutationError` when the applied transaction
 * changes a release document. The failing mutation is the one naming the document, else the first
 * one selecting documents by query.
 */
export function requireNoReleaseDocumentChanges(
  mutations: readonly Mutation[],
  changedIds: readonly string[],
): void {
  const id = changedIds.find(isReleaseDocumentId)
  if (id === undefined) return
  let index = mutations.findIndex((mutation) => namedId(mutation) === id)
  if (index === -1)
    index = Math.max(
      0,
      mutations.findIndex((mutation) => !namedId(mutation)),
    )
  const description = releaseDocumentRefusal(id)
  throw mutationError(403, [{index, error: {type: 'permissionDeniedError', description, id}}])
}
