/**
 * Applying /data/mutate transactions (lake/README.md#mutate): pure, atomic and ordered.
 *
 * `applyTransaction` never writes: it computes the documents a transaction would leave behind and
 * returns them as a `CommittedTransaction`, or throws a `LakeError` carrying Sanity's
 * `mutationError` body. Patch semantics come from `@sanity/mutator`, the code Studio runs
 * optimistically, so the server's result matches the Studio's prediction.
 *
 * Decisions (where the contract leaves a choice):
 * - `results` has one entry per (mutation × affected document), in mutation order. A
 *   `createIfNotExists` on an existing document gives `none`; `delete {id}` always gives `delete`,
 *   even when the id is missing (it then changes nothing and appears in no `changes`).
 * - `_createdAt` / `_updatedAt` written by the lake use whole seconds with `Z`
 *   (`2024-01-09T11:10:46Z`), derived from the transaction timestamp, as the real API does.
 * - Every patch that reaches a document writes it: new `_rev` and `_updatedAt` even when the content
 *   is unchanged (the Studio waits for its own transaction to come back on the listener). Likewise a
 *   `createOrReplace` with identical content is an update.
 * - Operations inside one patch object apply in `@sanity/mutator` order: setIfMissing, set, unset,
 *   diffMatchPatch, inc, dec, insert.
 * - `changes[].mutations` is `[{createOrReplace: after}]` or `[{delete: {id}}]` per document.
 * - Reference integrity is checked against the state after the whole transaction. Only strong
 *   references that a document did not already hold strongly before the transaction are checked
 *   for existence, so pre-existing dangling data never blocks unrelated edits.
 * - Patch paths are JSONMatch, parsed strictly before anything is applied; a path that does not
 *   parse completely (`a[`, `a]`) is a 400 `invalidPatchPathError`, never a field name.
 *
 * Input checks (ids, patch operations and paths) live in lake/write/mutationInput.ts, the
 * reference-integrity check in lake/write/integrity.ts.
 */
import {randomBytes} from 'node:crypto'

import {Mutation as MutatorMutation} from '@sanity/mutator'

import {
  isRecord,
  type CommittedTransaction,
  type DocumentChange,
  type LakeDocument,
  type Mutation,
} from '../core/types.ts'
import {describeError, LakeError, mutationError} from '../core/errors.ts'
import {randomBase62} from '../core/ids.ts'
import {integrityErrors} from './integrity.ts'
import {
  fail,
  invalid,
  patchOperations,
  validateId,
  validatePatchOperations,
} from './mutationInput.ts'

export interface DocumentSource {
  /** Committed raw document by exact id, or null. */
  get(id: string): LakeDocument | null
  /** Ids of raw documents matching a GROQ query (delete/patch by query), evaluated over the committed
   *  state overlaid with `pending` (id -> document, or null for deleted in this transaction). */
  queryIds(
    query: string,
    params: Record<string, unknown>,
    pending: ReadonlyMap<string, LakeDocument | null>,
  ): string[]
  /** Ids of committed documents holding a strong (not _weak) reference to `id`. */
  referencingIds(id: string): string[]
  /** Optional: whether the target of a cross-dataset reference exists. Without it (and without
   *  `skipCrossDatasetReferenceValidation`), cross-dataset references are not validated. */
  crossDatasetDocumentExists?(target: {dataset?: string; projectId?: string; id: string}): boolean
}

export interface TransactionInput {
  dataset: string
  mutations: Mutation[]
  transactionId: string
  /** ISO with ms */
  timestamp: string
  identity: string
  source: DocumentSource
  autoGenerateArrayKeys?: boolean
  skipCrossDatasetReferenceValidation?: boolean
  /** The mutations were parsed from JSON text for this transaction alone (a request body), so
   *  their documents are taken as they are instead of deep-copied (see `TransactionStateOptions`). */
  parsedInput?: boolean
}

export type MutationResult = CommittedTransaction['results'][number]

/** A random 12-hex-char array `_key`, as Studio generates. */
export function randomKey(): string {
  return randomBytes(6).toString('hex')
}

/** Transaction timestamp → the lake's document timestamp (whole seconds, `Z`). */
export function documentTimestamp(timestamp: string): string {
  const time = new Date(timestamp)
  const valid = Number.isNaN(time.getTime()) ? new Date() : time
  return `${valid.toISOString().slice(0, 19)}Z`
}

function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && !Number.isNaN(Date.parse(value))
}

/** Deep copy through JSON: drops `undefined`, turns array holes into `null`, shares nothing. */
function jsonClone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

/** Adds a random `_key` to every object array item lacking one, recursively (in place). */
export function addMissingArrayKeys(value: unknown): void {
  if (Array.isArray(value)) {
    const used = new Set<string>()
    for (const item of value) {
      if (isRecord(item) && typeof item._key === 'string') used.add(item._key)
    }
    for (const item of value) {
      if (isRecord(item) && typeof item._key !== 'string') {
        let key = randomKey()
        while (used.has(key)) key = randomKey()
        used.add(key)
        item._key = key
      }
      addMissingArrayKeys(item)
    }
    return
  }
  if (isRecord(value)) {
    for (const child of Object.values(value)) addMissingArrayKeys(child)
  }
}

export interface TransactionStateOptions {
  dataset: string
  transactionId: string
  /** The `_createdAt`/`_updatedAt` value for documents written now. */
  now: string
  autoGenerateArrayKeys?: boolean
  /**
   * The mutations' documents came from `JSON.parse` of a request body and nothing else holds
   * them: a created document's content is then used as it is, not copied through JSON (a copy
   * of 500 documents was a tenth of a batched request's time). It is shared with the
   * transaction's `mutations`, which, like committed documents, are never mutated. Array keys
   * are added in place, so with `autoGenerateArrayKeys` the content is still copied.
   */
  parsedInput?: boolean
}

/**
 * The working state of one transaction: the committed documents of `source` overlaid with what the
 * mutations applied so far have written. Used by `applyTransaction`, and by `expandActions` to let
 * each action see the effect of the previous ones.
 */
export class TransactionState {
  readonly source: DocumentSource
  readonly options: TransactionStateOptions
  /** Documents written by this transaction (null = deleted). */
  readonly pending = new Map<string, LakeDocument | null>()
  /** Ids written, in the order first written. */
  readonly writeOrder: string[] = []
  private readonly written = new Set<string>()
  /** Index of the last mutation that wrote each id. */
  readonly lastWrite = new Map<string, number>()
  readonly results: MutationResult[] = []
  private readonly committedCache = new Map<string, LakeDocument | null>()

  constructor(source: DocumentSource, options: TransactionStateOptions) {
    this.source = source
    this.options = options
  }

  /** The committed document, as it was before this transaction. */
  committed(id: string): LakeDocument | null {
    if (!this.committedCache.has(id)) this.committedCache.set(id, this.source.get(id))
    return this.committedCache.get(id) ?? null
  }

  /** The document as this transaction currently sees it. */
  get(id: string): LakeDocument | null {
    return this.pending.has(id) ? (this.pending.get(id) ?? null) : this.committed(id)
  }

  private write(id: string, doc: LakeDocument | null, index: number): void {
    if (!this.written.has(id)) {
      this.written.add(id)
      this.writeOrder.push(id)
    }
    this.pending.set(id, doc)
    this.lastWrite.set(id, index)
  }

  private queryIds(query: unknown, params: unknown, index: number, kind: string): string[] {
    if (typeof query !== 'string' || query.trim() === '') {
      invalid(index, `"${kind}" by query needs a "query" string`)
    }
    if (params !== undefined && params !== null && !isRecord(params)) {
      invalid(index, `"params" of "${kind}" must be an object`)
    }
    let ids: string[]
    try {
      ids = this.source.queryIds(query, (params as Record<string, unknown>) ?? {}, this.pending)
    } catch (error) {
      if (error instanceof LakeError) throw error
      return invalid(index, `Invalid query in "${kind}": ${describeError(error)}`, {query})
    }
    return [...new Set(ids)].filter((id) => this.get(id) !== null)
  }

  /** Applies one mutation (throws a mutationError LakeError on failure). */
  apply(mutation: unknown, index: number): void {
    if (!isRecord(mutation)) return invalid(index, 'Mutation must be an object')
    const kinds = Object.keys(mutation)
    if (kinds.length !== 1) {
      return invalid(
        index,
        kinds.length === 0
          ? 'Mutation is empty; expected one of create, createOrReplace, createIfNotExists, delete, patch'
          : `Mutation must have exactly one key, got ${kinds.map((kind) => `"${kind}"`).join(', ')}`,
      )
    }
    const kind = kinds[0]
    const body = mutation[kind]
    switch (kind) {
      case 'create':
      case 'createOrReplace':
      case 'createIfNotExists':
        return this.applyCreate(kind, body, index)
      case 'delete':
        return this.applyDelete(body, index)
      case 'patch':
        return this.applyPatch(body, index)
      default:
        return invalid(index, `Unknown mutation type "${kind}"`)
    }
  }

  private applyCreate(
    kind: 'create' | 'createOrReplace' | 'createIfNotExists',
    body: unknown,
    index: number,
  ): void {
    if (!isRecord(body)) return invalid(index, `"${kind}" needs a document object`)
    const owned = this.options.parsedInput && !this.options.autoGenerateArrayKeys
    const {
      _id: suppliedId,
      _type,
      _rev,
      _createdAt,
      _updatedAt,
      ...content
    } = owned ? body : jsonClone(body)
    let id: unknown = suppliedId
    if (kind === 'create') {
      if (id === undefined || id === null || id === '') id = randomBase62(22)
      else if (typeof id === 'string' && id.endsWith('.') && !id.endsWith('..'))
        id = id + randomBase62(22)
    } else if (id === undefined || id === null || id === '') {
      return invalid(index, `"${kind}" requires a document with an "_id"`)
    }
    const docId = validateId(id, index)
    if (typeof _type !== 'string' || _type === '') {
      return invalid(index, `Document "${docId}" is missing "_type"`, {id: docId})
    }
    const existing = this.get(docId)
    if (existing && kind === 'create') {
      return fail(409, index, {
        type: 'documentAlreadyExistsError',
        id: docId,
        description: `Document by ID "${docId}" already exists`,
      })
    }
    if (existing && kind === 'createIfNotExists') {
      this.results.push({id: docId, operation: 'none'})
      return
    }
    const {now, transactionId} = this.options
    let createdAt = isTimestamp(_createdAt) ? _createdAt : now
    let updatedAt = isTimestamp(_updatedAt) ? _updatedAt : now
    if (kind === 'createOrReplace') {
      if (existing) createdAt = existing._createdAt
      updatedAt = now
    }
    const doc: LakeDocument = {
      _id: docId,
      _type,
      _rev: transactionId,
      _createdAt: createdAt,
      _updatedAt: updatedAt,
      ...content,
    }
    void _rev
    if (this.options.autoGenerateArrayKeys) addMissingArrayKeys(doc)
    this.write(docId, doc, index)
    this.results.push({id: docId, operation: existing ? 'update' : 'create'})
  }

  private applyDelete(body: unknown, index: number): void {
    if (!isRecord(body)) return invalid(index, '"delete" needs an object with "id" or "query"')
    const hasId = body.id !== undefined
    const hasQuery = body.query !== undefined
    if (hasId === hasQuery) return invalid(index, '"delete" needs exactly one of "id" or "query"')
    const extra = Object.keys(body).filter(
      (key) => !['id', 'query', 'params', 'purge'].includes(key),
    )
    if (extra.length > 0) return invalid(index, `Unknown key "${extra[0]}" in "delete"`)
    const ids = hasId
      ? [validateId(body.id, index)]
      : this.queryIds(body.query, body.params, index, 'delete')
    for (const id of ids) {
      if (this.get(id) !== null) this.write(id, null, index)
      this.results.push({id, operation: 'delete'})
    }
  }

  private applyPatch(body: unknown, index: number): void {
    if (!isRecord(body)) return invalid(index, '"patch" needs an object with "id" or "query"')
    const hasId = body.id !== undefined
    const hasQuery = body.query !== undefined
    if (hasId === hasQuery) return invalid(index, '"patch" needs exactly one of "id" or "query"')
    validatePatchOperations(body, index)
    const operations = jsonClone(patchOperations(body))
    const {ifRevisionID, ...patch} = operations
    // Compiling parses diffMatchPatch strings and the insert spec: failures are malformed input.
    try {
      new MutatorMutation({mutations: [{patch: {...patch, id: '_'}}]}).compile()
    } catch (error) {
      return invalid(index, `Invalid patch: ${describeError(error)}`)
    }

    let ids: string[]
    if (hasId) {
      const id = validateId(body.id, index)
      if (this.get(id) === null) {
        return fail(409, index, {
          type: 'documentNotFoundError',
          id,
          description: `Document "${id}" not found`,
        })
      }
      ids = [id]
    } else {
      ids = this.queryIds(body.query, body.params, index, 'patch')
    }

    const {now, transactionId} = this.options
    for (const id of ids) {
      const current = this.get(id) as LakeDocument
      if (typeof ifRevisionID === 'string' && current._rev !== ifRevisionID) {
        const description = `Document "${id}" has unexpected revision ID ("${current._rev}"), expected "${ifRevisionID}"`
        return fail(409, index, {
          type: 'documentRevisionIDDoesNotMatchError',
          id,
          description,
          currentRevisionID: current._rev,
          expectedRevisionID: ifRevisionID,
        })
      }
      let patched: unknown
      try {
        patched = new MutatorMutation({mutations: [{patch: {...patch, id}}]}).apply(current)
      } catch (error) {
        return fail(409, index, {
          type: 'patchError',
          id,
          description: `Cannot apply patch to document "${id}": ${describeError(error)}`,
        })
      }
      const next = jsonClone(patched) as Record<string, unknown>
      if (next._id !== id) {
        return invalid(index, `Cannot change the "_id" of document "${id}" with a patch`, {id})
      }
      if (typeof next._type !== 'string' || next._type === '') {
        return invalid(index, `Cannot remove or blank the "_type" of document "${id}"`, {id})
      }
      const doc = {
        ...next,
        _rev: transactionId,
        _createdAt: isTimestamp(next._createdAt) ? next._createdAt : current._createdAt,
        _updatedAt: now,
      } as LakeDocument
      if (this.options.autoGenerateArrayKeys) addMissingArrayKeys(doc)
      this.write(id, doc, index)
      this.results.push({id, operation: 'update'})
    }
  }
}

/** Applies mutations in order, atomically (pure; nothing is written). Throws LakeError with Sanity's
 *  mutationError body (409 for conflicts, 400 for malformed) when any mutation fails. */
export function applyTransaction(input: TransactionInput): CommittedTransaction {
  const {mutations} = input
  if (!Array.isArray(mutations)) {
    throw mutationError(400, [
      {
        index: 0,
        error: {type: 'invalidMutationError', description: '"mutations" must be an array'},
      },
    ])
  }
  const state = new TransactionState(input.source, {
    dataset: input.dataset,
    transactionId: input.transactionId,
    now: documentTimestamp(input.timestamp),
    autoGenerateArrayKeys: input.autoGenerateArrayKeys,
    parsedInput: input.parsedInput,
  })
  mutations.forEach((mutation, index) => state.apply(mutation, index))

  const errors = integrityErrors(state, input)
  if (errors.length > 0) throw mutationError(409, errors)

  const changes: DocumentChange[] = []
  for (const id of state.writeOrder) {
    const before = state.committed(id)
    const after = state.get(id)
    if (before === null && after === null) continue
    changes.push({
      id,
      before,
      after,
      // Shared, not copied: committed documents are never mutated (lake/store/documents.ts).
      mutations: after ? [{createOrReplace: after}] : [{delete: {id}}],
    })
  }

  return {
    dataset: input.dataset,
    transactionId: input.transactionId,
    timestamp: input.timestamp,
    identity: input.identity,
    mutations,
    changes,
    results: state.results,
  }
}
