/**
 * The transaction of an NDJSON import (`/data/import`), pure: one document per line, taken
 * VERBATIM (createOrReplace keeping `_rev`, `_createdAt`, `_updatedAt` as given, no reference
 * checks — like `@sanity/import`, which writes references weak first). Lines without `_id` (an
 * export's `{"nextCursor": …}`) are skipped; a later line with the same `_id` wins.
 */
import {setImmediate as setImmediatePromise} from 'node:timers/promises'
import {importError} from '../core/errors.ts'
import {isValidDocumentId} from '../core/ids.ts'
import type {CommittedTransaction, DocumentChange, LakeDocument} from '../core/types.ts'

export interface ImportInput {
  dataset: string
  ndjson: string
  transactionId: string
  /** ISO with ms. */
  timestamp: string
  identity: string
  /** The committed document with that id, or null. */
  current(id: string): LakeDocument | null
}

/** Throws a 400 importError naming the first bad line; nothing is written then. */
export function importTransaction(input: ImportInput): CommittedTransaction {
  const byId = new Map<string, LakeDocument>()
  input.ndjson.split('\n').forEach((raw, index) => addLine(byId, raw, index + 1, input))
  return transactionOf(byId, input)
}

/** Lines parsed between two turns of the event loop by {@link importTransactionInTurns}. */
const LINES_PER_TURN = 1000

/** {@link importTransaction}, yielding to the event loop every {@link LINES_PER_TURN} lines, so
 *  a large import does not hold up other requests while it is parsed. */
export async function importTransactionInTurns(input: ImportInput): Promise<CommittedTransaction> {
  const byId = new Map<string, LakeDocument>()
  const lines = input.ndjson.split('\n')
  for (let index = 0; index < lines.length; index++) {
    if (index % LINES_PER_TURN === LINES_PER_TURN - 1) await setImmediatePromise()
    addLine(byId, lines[index], index + 1, input)
  }
  return transactionOf(byId, input)
}

function addLine(
  byId: Map<string, LakeDocument>,
  raw: string,
  number: number,
  {transactionId, timestamp}: ImportInput,
): void {
  const line = raw.trim()
  if (!line) return
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    throw importError(number, 'invalid JSON')
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw importError(number, 'not an object')
  const doc = value as Record<string, unknown>
  if (doc._id === undefined) return
  if (!isValidDocumentId(doc._id)) {
    throw importError(number, `invalid _id ${JSON.stringify(doc._id)}`)
  }
  if (typeof doc._type !== 'string' || !doc._type) throw importError(number, 'missing _type')
  // The parsed line is this import's own object: completed in place, not copied.
  if (typeof doc._rev !== 'string') doc._rev = transactionId
  if (typeof doc._createdAt !== 'string') doc._createdAt = timestamp
  if (typeof doc._updatedAt !== 'string') doc._updatedAt = timestamp
  byId.set(doc._id, doc as LakeDocument)
}

function transactionOf(byId: Map<string, LakeDocument>, input: ImportInput): CommittedTransaction {
  const {transactionId, timestamp} = input
  const changes: DocumentChange[] = [...byId.values()].map((doc) => ({
    id: doc._id,
    before: input.current(doc._id),
    after: doc,
    mutations: [{createOrReplace: doc}],
  }))
  return {
    dataset: input.dataset,
    transactionId,
    timestamp,
    identity: input.identity,
    mutations: changes.map((change) => ({createOrReplace: change.after})),
    changes,
    results: changes.map((change) => ({
      id: change.id,
      operation: change.before ? 'update' : 'create',
    })),
  }
}
