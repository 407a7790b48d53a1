/**
 * Mutation input, checked before anything is applied (lake/write/mutations.ts): document ids, and
 * the operations and JSONMatch paths of a patch. Pure; every failure throws Sanity's
 * `mutationError` (lake/core/errors.ts) with the index of the offending mutation.
 */
import {parsePath} from '@sanity/json-match'
import {extract} from '@sanity/mutator'

import {describeError, mutationError, type ErrorItemDetail} from '../core/errors.ts'
import {isValidDocumentId} from '../core/ids.ts'
import {isRecord} from '../core/types.ts'

export function fail(status: number, index: number, error: ErrorItemDetail): never {
  throw mutationError(status, [{index, error}])
}

/** 400 for malformed input. */
export function invalid(
  index: number,
  description: string,
  extra: Record<string, unknown> = {},
): never {
  return fail(400, index, {type: 'invalidMutationError', description, ...extra})
}

export function validateId(id: unknown, index: number): string {
  if (typeof id !== 'string') return invalid(index, `Document ID must be a string`)
  if (!isValidDocumentId(id)) {
    return invalid(index, `Malformed document ID: ${JSON.stringify(id)}`, {
      type: 'invalidDocumentIdError',
      id,
    })
  }
  return id
}

const PATCH_KEYS = new Set([
  'id',
  'query',
  'params',
  'ifRevisionID',
  'set',
  'setIfMissing',
  'unset',
  'inc',
  'dec',
  'insert',
  'diffMatchPatch',
])

/**
 * Whether `path` is a JSONMatch path the lake can apply: it must parse completely with
 * @sanity/json-match (Sanity's strict JSONMatch parser: `a[`, `a]`, `a b`, `a[0]]` fail) and with
 * @sanity/mutator, which applies the patch (and, like the Studio, knows no `[*]` wildcard).
 * Recursive descent (`a..b`) is JSONMatch and stays accepted. Returns the parser's complaint.
 */
export function patchPathError(path: unknown): string | null {
  if (typeof path !== 'string' || path.trim() === '') return 'a path must be a non-empty string'
  try {
    parsePath(path)
    extract(path, {})
  } catch (error) {
    return describeError(error)
  }
  return null
}

function validatePath(path: unknown, index: number, operation: string): void {
  const error = patchPathError(path)
  if (error !== null) {
    invalid(index, `Invalid path ${JSON.stringify(path)} in "${operation}": ${error}`, {
      type: 'invalidPatchPathError',
      path,
    })
  }
}

/** Validates the operations of a patch body (400 on anything malformed). */
export function validatePatchOperations(body: Record<string, unknown>, index: number): void {
  for (const key of Object.keys(body)) {
    if (!PATCH_KEYS.has(key)) invalid(index, `Unknown patch operation "${key}"`)
  }
  for (const operation of ['set', 'setIfMissing', 'inc', 'dec', 'diffMatchPatch'] as const) {
    const value = body[operation]
    if (value === undefined) continue
    if (!isRecord(value)) invalid(index, `Patch operation "${operation}" must be an object`)
    for (const [path, operand] of Object.entries(value)) {
      validatePath(path, index, operation)
      if ((operation === 'inc' || operation === 'dec') && !Number.isFinite(operand)) {
        invalid(index, `Patch operation "${operation}" needs a number at ${JSON.stringify(path)}`)
      }
      if (operation === 'diffMatchPatch' && typeof operand !== 'string') {
        invalid(
          index,
          `Patch operation "diffMatchPatch" needs a patch string at ${JSON.stringify(path)}`,
        )
      }
    }
  }
  if (body.unset !== undefined) {
    if (!Array.isArray(body.unset))
      invalid(index, `Patch operation "unset" must be an array of paths`)
    for (const path of body.unset) validatePath(path as string, index, 'unset')
  }
  if (body.insert !== undefined) {
    const insert = body.insert
    if (!isRecord(insert)) invalid(index, `Patch operation "insert" must be an object`)
    const locations = ['before', 'after', 'replace'].filter((location) => location in insert)
    if (locations.length !== 1) {
      invalid(index, `Patch operation "insert" needs exactly one of "before", "after" or "replace"`)
    }
    const extra = Object.keys(insert).filter((key) => key !== 'items' && key !== locations[0])
    if (extra.length > 0) invalid(index, `Unknown key "${extra[0]}" in "insert"`)
    validatePath(insert[locations[0]] as string, index, 'insert')
    if (!Array.isArray(insert.items))
      invalid(index, `Patch operation "insert" needs an "items" array`)
  }
  if (body.ifRevisionID !== undefined && typeof body.ifRevisionID !== 'string') {
    invalid(index, `"ifRevisionID" must be a string`)
  }
}

/** The operations of a patch body, without its target (`id`, `query`, `params`). */
export function patchOperations(body: Record<string, unknown>): Record<string, unknown> {
  const {id: _id, query: _query, params: _params, ...operations} = body
  return operations
}
