/**
 * The transaction of an NDJSON import (`/data/import`), pure: one document per line, taken
 * VERBATIM (createOrReplace keeping `_rev`, `_createdAt`, `_updatedAt` as given, no reference
 * checks — like `@sanity/import`, which writes references weak first). Lines without `_id` (an
 * export's `{"nextCursor": …}`) are skipped; a later line with the same `_id` wins.
 */
import {importError} from '../core/errors.ts'
import {isValidDocumentId} from '../core/ids.ts'
import type {CommittedTransaction, DocumentChange, LakeDocument} from '../core/types.ts'
import type {ImportHeader} from '../store/storage.ts'

export interface ImportLine {
  doc: LakeDocument
  /**
   * The document's JSON: the line itself when it is taken unchanged (parsing it again gives
   * the same value), else the completed document serialized.
   */
  json: string
}

/**
 * The document of line `number` (1-based), completed with `_rev`, `_createdAt`, `_updatedAt`
 * where it has none, or null for a blank line or one without `_id`. Throws a 400 importError
 * naming the line when it is bad.
 */
export function parseImportLine(
  raw: string,
  number: number,
  header: ImportHeader,
): ImportLine | null {
  const line = raw.trim()
  if (!line) return null
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    throw importError(number, 'invalid JSON')
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw importError(number, 'not an object')
  const doc = value as Record<string, unknown>
  if (doc._id === undefined) return null
  if (!isValidDocumentId(doc._id)) {
    throw importError(number, `invalid _id ${JSON.stringify(doc._id)}`)
  }
  if (typeof doc._type !== 'string' || !doc._type) throw importError(number, 'missing _type')
  // The parsed line is this import's own object: completed in place, not copied.
  const complete =
    typeof doc._rev === 'string' &&
    typeof doc._createdAt === 'string' &&
    typeof doc._updatedAt === 'string'
  if (complete) return {doc: doc as LakeDocument, json: line}
  if (typeof doc._rev !== 'string') doc._rev = header.transactionId
  if (typeof doc._createdAt !== 'string') doc._createdAt = header.timestamp
  if (typeof doc._updatedAt !== 'string') doc._updatedAt = header.timestamp
  return {doc: doc as LakeDocument, json: JSON.stringify(doc)}
}

/** An imported document with the committed one it replaces (null when new). */
export interface ImportedChange {
  after: LakeDocument
  before: LakeDocument | null
}

/** The import's transaction: one createOrReplace per distinct id, in first-line order. */
export function importTransaction(
  header: ImportHeader,
  documents: Iterable<ImportedChange>,
): CommittedTransaction {
  const changes: DocumentChange[] = []
  for (const {after, before} of documents) {
    changes.push({id: after._id, before, after, mutations: [{createOrReplace: after}]})
  }
  return {
    ...header,
    mutations: changes.map((change) => ({createOrReplace: change.after})),
    changes,
    results: changes.map((change) => ({
      id: change.id,
      operation: change.before ? 'update' : 'create',
    })),
  }
}
