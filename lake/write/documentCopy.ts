/**
 * Copying a document to another id, as publish, unpublish, versions and releases do: the system
 * fields the copy must not keep, and the publish rule for `_strengthenOnPublish` references.
 */
import type {LakeDocument} from '../core/types.ts'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Fields a document copied to another id (draft → published, published → draft) must not keep. */
export function copyForId(doc: LakeDocument, id: string): Record<string, unknown> {
  const {_rev, _updatedAt, _originalId, _system, ...rest} = doc
  void _rev
  void _updatedAt
  void _originalId
  void _system
  return {...rest, _id: id}
}

/** Publish semantics for `_strengthenOnPublish` references: drop the marker and `_weak`, unless the
 *  marker says `weak: true` (then the reference stays `_weak: true`). */
export function strengthenOnPublish(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strengthenOnPublish)
  if (!isRecord(value)) return value
  if (typeof value._ref === 'string' && '_strengthenOnPublish' in value) {
    const {_strengthenOnPublish: marker, _weak, ...rest} = value
    void _weak
    const stayWeak = isRecord(marker) && marker.weak === true
    return stayWeak ? {...rest, _weak: true} : rest
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key, strengthenOnPublish(child)]),
  )
}
