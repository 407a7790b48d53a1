/**
 * Reference integrity of a transaction's end state (lake/README.md#reference-integrity), checked by `applyTransaction` after
 * every mutation was applied: strong references a document gained must point at existing
 * documents, and a document that is deleted (or changes `_type`) must not be strongly referenced
 * by any document that remains.
 */
import type {ErrorItem} from '../core/errors.ts'
import {findReferences, isLocalReference, strongLocalTargets} from '../core/references.ts'
import type {TransactionInput, TransactionState} from './mutations.ts'

/** Reference-integrity errors for the transaction's end state (lake/README.md#reference-integrity). */
export function integrityErrors(state: TransactionState, input: TransactionInput): ErrorItem[] {
  const items: ErrorItem[] = []
  const {dataset, source, skipCrossDatasetReferenceValidation: skipCross} = input

  // Outgoing: strong references a written document gained must point at existing documents.
  for (const id of state.writeOrder) {
    const after = state.get(id)
    if (after === null) continue
    const before = state.committed(id)
    const heldBefore = before ? strongLocalTargets(before, dataset) : new Set<string>()
    const reported = new Set<string>()
    for (const reference of findReferences(after)) {
      if (reference.weak || reported.has(reference.ref)) continue
      let exists: boolean
      if (isLocalReference(reference, dataset)) {
        // Targets that existed before and are gone now are reported by the incoming check below.
        if (heldBefore.has(reference.ref) || state.committed(reference.ref) !== null) continue
        exists = state.get(reference.ref) !== null
      } else {
        if (reference.global || skipCross || !source.crossDatasetDocumentExists) continue
        exists = source.crossDatasetDocumentExists({
          dataset: reference.dataset,
          projectId: reference.projectId,
          id: reference.ref,
        })
      }
      if (exists) continue
      reported.add(reference.ref)
      items.push({
        index: state.lastWrite.get(id) ?? 0,
        error: {
          type: 'documentReferenceDoesNotExistError',
          id,
          referenceID: reference.ref,
          description: `Document "${id}" references non-existent document "${reference.ref}"`,
        },
      })
    }
  }

  // Incoming: a document that existed and is now gone (or changed `_type`) must not be strongly
  // referenced by any document remaining after the transaction.
  const pendingReferrers = new Map<string, string[]>()
  for (const [id, doc] of state.pending) {
    if (!doc) continue
    for (const target of strongLocalTargets(doc, dataset)) {
      const referrers = pendingReferrers.get(target)
      if (referrers) referrers.push(id)
      else pendingReferrers.set(target, [id])
    }
  }
  for (const id of state.writeOrder) {
    const before = state.committed(id)
    if (!before) continue
    const after = state.get(id)
    if (after && after._type === before._type) continue
    const referrers = new Set<string>()
    for (const referrer of source.referencingIds(id)) {
      if (referrer !== id && !state.pending.has(referrer)) referrers.add(referrer)
    }
    for (const referrer of pendingReferrers.get(id) ?? []) {
      if (referrer !== id) referrers.add(referrer)
    }
    if (referrers.size === 0) continue
    const referencingIDs = [...referrers].sort()
    const description = after
      ? `Document "${id}" cannot change type from "${before._type}" to "${after._type}" as there are references to it from "${referencingIDs.join('", "')}"`
      : `Document "${id}" cannot be deleted as there are references to it from "${referencingIDs.join('", "')}"`
    items.push({
      index: state.lastWrite.get(id) ?? 0,
      error: {type: 'documentHasExistingReferencesError', id, referencingIDs, description},
    })
  }
  return items.sort((a, b) => a.index - b.index)
}
