/**
 * How a transaction's mutations are kept in the log, pure: `create`, `createOrReplace` and
 * `createIfNotExists` carry whole documents, which the log already holds as the changes' after
 * states, so such a mutation is stored as a pointer to its after state when it can be rebuilt
 * from it exactly.
 *
 * - A create-like mutation whose document has the same content as the after state of the
 *   document with its `_id` (every field but `_id`, `_rev`, `_createdAt` and `_updatedAt`, which
 *   the commit sets, compared as JSON values) is stored as `{<kind>: {$after: 1, <those of the
 *   four it had>}}`. A stored body without `_type` is always such a pointer: a committed
 *   create-like mutation always has a `_type`.
 * - Rebuilt mutations have the same JSON value; only the order of keys may differ.
 * - Everything else (patches, deletes, documents changed by later mutations of the same
 *   transaction or given array keys) is stored as it was.
 */
import {isRecord, type LakeDocument} from '../core/types.ts'

const CREATE_KINDS = ['create', 'createOrReplace', 'createIfNotExists'] as const
const SET_BY_COMMIT = ['_id', '_rev', '_createdAt', '_updatedAt'] as const

/** The mutations with every create-like one that repeats its after state replaced by a pointer. */
export function compactMutations(
  mutations: readonly unknown[],
  afterOf: (id: string) => LakeDocument | null | undefined,
): unknown[] {
  return mutations.map((mutation) => {
    const kind = createKind(mutation)
    if (kind === null) return mutation
    const body = (mutation as Record<string, unknown>)[kind]
    if (!isRecord(body) || typeof body._id !== 'string') return mutation
    const after = afterOf(body._id)
    if (!after || !sameContent(body, after)) return mutation
    const pointer: Record<string, unknown> = {$after: 1}
    for (const key of SET_BY_COMMIT) if (key in body) pointer[key] = body[key]
    return {[kind]: pointer}
  })
}

/** The mutations as they were given, from {@link compactMutations}' result and the after states. */
export function expandMutations(
  stored: readonly unknown[],
  afterOf: (id: string) => LakeDocument | null | undefined,
): unknown[] {
  return stored.map((mutation) => {
    const kind = createKind(mutation)
    if (kind === null) return mutation
    const pointer = (mutation as Record<string, unknown>)[kind]
    if (!isRecord(pointer) || '_type' in pointer || pointer.$after !== 1) return mutation
    const after: Record<string, unknown> = afterOf(String(pointer._id)) ?? {}
    const body: Record<string, unknown> = {}
    for (const key of SET_BY_COMMIT) if (key in pointer) body[key] = pointer[key]
    for (const key in after) {
      if (!(SET_BY_COMMIT as readonly string[]).includes(key)) body[key] = after[key]
    }
    return {[kind]: body}
  })
}

function createKind(mutation: unknown): (typeof CREATE_KINDS)[number] | null {
  if (!isRecord(mutation)) return null
  for (const kind of CREATE_KINDS) if (kind in mutation) return kind
  return null
}

/** Equal as JSON values in every field but the four the commit sets. */
function sameContent(body: Record<string, unknown>, after: LakeDocument): boolean {
  let count = 0
  for (const key in body) {
    if ((SET_BY_COMMIT as readonly string[]).includes(key)) continue
    count++
    if (!(key in after) || !equalJson(body[key], after[key])) return false
  }
  for (const key in after) {
    if (!(SET_BY_COMMIT as readonly string[]).includes(key)) count--
  }
  return count === 0
}

function equalJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!equalJson(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const left = a as Record<string, unknown>
  const right = b as Record<string, unknown>
  let count = 0
  for (const key in left) {
    // An undefined field is absent in JSON.
    if (left[key] === undefined) continue
    count++
    if (!equalJson(left[key], right[key])) return false
  }
  for (const key in right) if (right[key] !== undefined) count--
  return count === 0
}
