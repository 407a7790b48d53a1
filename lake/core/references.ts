/**
 * Finding references inside a document (lake/README.md#reference-integrity).
 *
 * A reference is any object with a string `_ref`. It is weak when it has `_weak: true`, or when it
 * carries the Studio's `_strengthenOnPublish` marker (such references stay weak until publish,
 * where the publish action strips the marker). `_dataset` / `_projectId` make it a cross-dataset
 * reference; a `_ref` of the form `<resourceType>:<resourceId>:<id>` is a global document
 * reference. Neither of those points at a document of this dataset unless `_dataset` names it.
 */
import {isRecord} from './types.ts'

export interface FoundReference {
  /** The referenced document id (`_ref`). */
  ref: string
  /** `_weak: true`, or a `_strengthenOnPublish` marker. */
  weak: boolean
  /** `_dataset` of a cross-dataset reference. */
  dataset?: string
  /** `_projectId` of a cross-dataset reference. */
  projectId?: string
  /** A global document reference (`_ref` containing `:`), never resolved locally. */
  global: boolean
}

/** Every reference object found anywhere inside `value`, in document order. */
export function findReferences(value: unknown): FoundReference[] {
  const found: FoundReference[] = []
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item)
      return
    }
    if (!isRecord(node)) return
    if (typeof node._ref === 'string') {
      const reference: FoundReference = {
        ref: node._ref,
        weak:
          node._weak === true ||
          (node._strengthenOnPublish !== undefined && node._strengthenOnPublish !== null),
        global: node._ref.includes(':'),
      }
      if (typeof node._dataset === 'string') reference.dataset = node._dataset
      if (typeof node._projectId === 'string') reference.projectId = node._projectId
      found.push(reference)
    }
    // `for…in` rather than Object.entries: this runs for every document of every write.
    for (const key in node) {
      const child = node[key]
      if (key !== '_ref' && typeof child === 'object' && child !== null) visit(child)
    }
  }
  visit(value)
  return found
}

/** True when the reference points at a document in `dataset` itself (not cross-dataset, not global). */
export function isLocalReference(reference: FoundReference, dataset: string): boolean {
  if (reference.global) return false
  if (reference.projectId !== undefined) return false
  return reference.dataset === undefined || reference.dataset === dataset
}

/** Ids of documents in `dataset` that `doc` references strongly. */
export function strongLocalTargets(doc: unknown, dataset: string): Set<string> {
  const targets = new Set<string>()
  for (const reference of findReferences(doc)) {
    if (!reference.weak && isLocalReference(reference, dataset)) targets.add(reference.ref)
  }
  return targets
}
