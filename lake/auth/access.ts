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
 */
import {forbidden, insufficientPermissions, unauthorized} from '../core/errors.ts'
import {isRootId} from '../core/ids.ts'
import type {Caller} from '../core/types.ts'
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
