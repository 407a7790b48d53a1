/**
 * Shapes shared by the lake's modules. Each module owns one concern (storage, GROQ evaluation,
 * mutation application, actions, listener hub, auth, HTTP routes); these types are the seams.
 */

/** A stored document: raw JSON as the Content Lake returns it, always with system fields. */
export interface LakeDocument {
  _id: string
  _type: string
  _rev: string
  _createdAt: string
  _updatedAt: string
  [field: string]: unknown
}

/** A mutation as sent in the body of /data/mutate: an object with exactly one key. */
export type Mutation = Record<string, unknown>

/** One document changed by a transaction. `before`/`after` are null when absent. */
export interface DocumentChange {
  id: string
  before: LakeDocument | null
  after: LakeDocument | null
  /** The transaction's mutations that concern this document only. */
  mutations: Mutation[]
}

/** What a committed (or dry-run) transaction did. */
export interface CommittedTransaction {
  dataset: string
  transactionId: string
  /** ISO-8601 commit time (milliseconds, Z). */
  timestamp: string
  /** The identity of the token that wrote it, e.g. `p-abc123`. */
  identity: string
  /** The mutations as submitted (after actions were expanded). */
  mutations: Mutation[]
  /** Changed documents in the order they were first touched; documents left unchanged are absent. */
  changes: DocumentChange[]
  /** Per-mutation results for the mutate response. */
  results: Array<{id: string; operation: 'create' | 'update' | 'delete' | 'none'}>
}

export type Role = 'administrator' | 'editor' | 'viewer'

/** Who is calling: resolved from the bearer token, or anonymous. */
export interface Caller {
  identity: string | null
  role: Role | null
  tokenId: string | null
}

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
