/**
 * The provenance model of content source maps (lake/groq/sourceMaps.ts): where a value of a
 * query result came from, and how provenance follows object fields and array items.
 */
import type {LakeDocument} from '../core/types.ts'

/** An array item: its index, and its `_key` when it has one. */
export type Segment = string | {index: number; key: string | undefined}

/**
 * Where a value came from: a document value (`origin`), an object or array built of values with
 * their own provenance, or an array whose items are whole documents. `null`: computed or unknown.
 */
export type Provenance =
  | {kind: 'origin'; doc: LakeDocument; path: Segment[]}
  | {kind: 'fields'; fields: Record<string, Provenance>}
  | {kind: 'items'; items: Provenance[]}
  | {kind: 'documents'}
  | null

/** A value the interpreter could not compute (its subtree gets no mapping). */
export const OPAQUE = Symbol('opaque')

export interface Tracked {
  v: unknown
  p: Provenance
}

export const NULL: Tracked = {v: null, p: null}
export const UNKNOWN: Tracked = {v: OPAQUE, p: null}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function origin(doc: LakeDocument, path: Segment[]): Provenance {
  return {kind: 'origin', doc, path}
}

/**
 * Perspective views (drafts, releases) rewrite `_id` and add `_originalId` to the raw document
 * they show: those two values are not the raw document's.
 */
function isRewritten(doc: LakeDocument, path: Segment[], key: string): boolean {
  return path.length === 0 && (key === '_id' || key === '_originalId') && '_originalId' in doc
}

export function childOf(p: Provenance, key: string): Provenance {
  if (p?.kind === 'origin') {
    return isRewritten(p.doc, p.path, key) ? null : origin(p.doc, [...p.path, key])
  }
  if (p?.kind === 'fields') return p.fields[key] ?? null
  return null
}

export function itemOf(p: Provenance, index: number, item: unknown): Provenance {
  if (p?.kind === 'origin') {
    const key = isObject(item) && typeof item._key === 'string' ? item._key : undefined
    return origin(p.doc, [...p.path, {index, key}])
  }
  if (p?.kind === 'items') return p.items[index] ?? null
  if (p?.kind === 'documents') return isObject(item) ? origin(item as LakeDocument, []) : null
  return null
}
