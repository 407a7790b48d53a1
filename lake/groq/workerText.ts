/**
 * A query worker's full-text lookups (lake/groq/plan/textLookup.ts) on its read-only connection,
 * consistent with its in-memory copy of a dataset (lake/groq/workerSource.ts).
 *
 * FTS5 answers rowids of `documents`; turning them into ids by joining `documents` costs more
 * than the lookup itself, so each dataset keeps a rowid → id map read once (an index-only scan)
 * as of log sequence `mapSeq`, and never patched.
 *
 * Why the answer is a superset of the documents of the copy (as of log sequence `seq`) the
 * lookup hits: everything is read in one transaction, i.e. one committed state T no older than
 * the copy. A document the log did not change after `mapSeq` has, in T, the row it had when the
 * map was read (same rowid, same text): if its text is hit, the map names it. Every other
 * document was changed after `mapSeq`, and all of those are added from the log (which also covers
 * rowids reused by other documents since). The map is re-read when that list grows long.
 */
import type {DatabaseSync, StatementSync} from 'node:sqlite'
import {ftsExpression, type TextQuery} from './plan/textLookup.ts'

/** Above this many documents changed since the rowid map was read, it is read again. */
const STALE_LIMIT = 1_000

interface RowidMap {
  createdAt: string
  seq: number
  ids: Map<number, string>
}

export class WorkerText {
  private readonly db: DatabaseSync
  private readonly stmt: (sql: string) => StatementSync
  private readonly maps = new Map<string, RowidMap>()

  constructor(db: DatabaseSync, stmt: (sql: string) => StatementSync) {
    this.db = db
    this.stmt = stmt
  }

  /**
   * Ids of the documents of `dataset` (created at `createdAt`) the lookup hits that `keep`
   * accepts, possibly with more; null when the index can't answer (the expression is refused, or
   * there is no index).
   */
  ids(
    dataset: string,
    createdAt: string,
    query: TextQuery,
    keep: ((id: string) => boolean) | null,
  ): string[] | null {
    const expression = ftsExpression(query)
    if (expression === null) return []
    // One committed state for all the reads below (unless the caller already holds one).
    const own = !this.db.isTransaction
    if (own) this.db.exec('BEGIN')
    try {
      let map = this.maps.get(dataset)
      if (!map || map.createdAt !== createdAt) map = this.readMap(dataset, createdAt)
      let changed = this.changedSince(dataset, map.seq)
      if (changed.size > STALE_LIMIT) {
        map = this.readMap(dataset, createdAt)
        changed = this.changedSince(dataset, map.seq)
      }
      const found = new Set<string>()
      for (const id of changed) if (!keep || keep(id)) found.add(id)
      // One row, a comma-separated list (far cheaper than a row per hit), read without splitting.
      const hits = this.stmt(TEXT_HITS).get(expression)?.rowids
      if (typeof hits === 'string') {
        let rowid = 0
        for (let i = 0; i <= hits.length; i++) {
          const code = i < hits.length ? hits.charCodeAt(i) : COMMA
          if (code !== COMMA) {
            rowid = rowid * 10 + code - ZERO
            continue
          }
          const id = map.ids.get(rowid)
          if (id !== undefined && (!keep || keep(id))) found.add(id)
          rowid = 0
        }
      }
      return [...found]
    } catch {
      return null
    } finally {
      if (own) this.db.exec('COMMIT')
    }
  }

  private changedSince(dataset: string, seq: number): Set<string> {
    const ids = new Set<string>()
    for (const row of this.stmt(CHANGED_SINCE).iterate(dataset, seq)) ids.add(String(row.doc_id))
    return ids
  }

  private readMap(dataset: string, createdAt: string): RowidMap {
    const seq = Number(this.stmt(LAST_SEQ).get(dataset)?.seq ?? 0)
    const ids = new Map<number, string>()
    for (const row of this.stmt(ROWIDS).iterate(dataset)) ids.set(Number(row.rowid), String(row.id))
    const map = {createdAt, seq, ids}
    this.maps.set(dataset, map)
    return map
  }
}

const COMMA = 44
const ZERO = 48
const TEXT_HITS =
  "SELECT group_concat(rowid, ',') AS rowids FROM documents_text WHERE documents_text MATCH ?"
const ROWIDS = 'SELECT rowid, id FROM documents WHERE dataset = ?'
const LAST_SEQ = 'SELECT COALESCE(MAX(seq), 0) AS seq FROM transaction_documents WHERE dataset = ?'
const CHANGED_SINCE = 'SELECT doc_id FROM transaction_documents WHERE dataset = ? AND seq > ?'
