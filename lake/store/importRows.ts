/**
 * What an import writes for each document, prepared without SQL, pure: the lake's main thread
 * builds these rows while it parses the NDJSON (it has the committed state in its memory copy),
 * and the import writer's thread only runs the statements (lake/store/importSession.ts). The
 * rules are the commit's own: the log row leaves out a `before` that is the document's last
 * logged revision (lake/store/transactions.ts), unchanged text is not re-indexed
 * ({@link changedText}); references are not written (the reference index is derived from the
 * memory copy: lake/store/documents.ts).
 */
import type {LakeDocument} from '../core/types.ts'
import {changedText} from './textIndex.ts'

/** One imported document's rows. Plain data: it is posted to the writer's thread. */
export interface ImportRow {
  id: string
  type: string
  /** JSON of the document as stored: the log row's `after`. */
  after: string
  /** JSON of the committed revision when the log does not hold it already, else null. */
  before: string | null
  /** Whether the committed revision is the document's last log row (then `before` is null). */
  beforeFromLog: boolean
  /** Whether the document is committed (its `documents` row exists). */
  existing: boolean
  /** Text for the full-text index, or null when it is the committed revision's. */
  text: string | null
  /**
   * A later line of the same import with an id an earlier line had: this row replaces that
   * line's rows (its log row's `after`, its text), diffed against the same
   * committed revision.
   */
  replaces: boolean
}

export interface ImportedDocument {
  doc: LakeDocument
  /** The document's JSON as stored (the line itself when it was taken unchanged). */
  json: string
  /** The committed document with that id, or null. */
  before: LakeDocument | null
  /** Whether `before` is the document's last logged revision. */
  beforeLogged: boolean
  replaces: boolean
}

export function importRow(dataset: string, imported: ImportedDocument): ImportRow {
  const {doc, before, replaces} = imported
  const fromLog = before !== null && imported.beforeLogged
  return {
    id: doc._id,
    type: doc._type,
    after: imported.json,
    before: before === null || fromLog ? null : JSON.stringify(before),
    beforeFromLog: fromLog,
    existing: before !== null,
    // A replacing line's text is always written: the earlier line may have changed it.
    text: replaces ? changedText(doc, null) : changedText(doc, before),
    replaces,
  }
}
