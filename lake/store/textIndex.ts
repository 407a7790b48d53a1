/**
 * The full-text index (`documents_text`, SQLite FTS5, contentless: only the index is stored, the
 * text stays in the documents' revisions), kept in the same SQLite transaction as each document write, for
 * `text::query()` and the Studio's `groq2024` search.
 *
 * - Indexed text: every string inside the document whose key does not start with `_` (system
 *   fields, `_key`, `_ref`, `_type` are not content), including portable-text spans' `text`.
 * - Tokenizer `unicode61 remove_diacritics 0`: case-folded, and å, ä, ö stay letters of their own
 *   ("Södertälje" is found by "södertälje" and "söder*", not by "sodertalje").
 * - {@link ftsQuery} turns Sanity's search syntax into an FTS5 query: words (all must occur),
 *   `"phrases"`, `word*` prefixes and `-word` / `-"phrase"` exclusions.
 */
import type {DatabaseSync, SQLInputValue} from 'node:sqlite'
import {isRecord} from '../core/types.ts'
import type {Database} from './database.ts'
import {CURRENT_BODY, CURRENT_REVISION_JOIN} from './schema.ts'
import {parseSearch} from '../core/searchSyntax.ts'

/** The searchable text of a document: its content strings, one per line. */
export function documentText(doc: unknown): string {
  let text = ''
  const visit = (node: unknown): void => {
    if (typeof node === 'string') text = text === '' ? node : `${text}\n${node}`
    else if (Array.isArray(node)) for (const item of node) visit(item)
    else if (isRecord(node)) {
      // `for…in` rather than Object.entries: this runs for every document of every write.
      for (const key in node) if (key.charCodeAt(0) !== 0x5f /* _ */) visit(node[key])
    }
  }
  visit(doc)
  return text
}

/** The text to index for `doc`, or null when it is `previous`'s (null: nothing indexed yet). */
export function changedText(doc: unknown, previous: unknown): string | null {
  const text = documentText(doc)
  return previous !== null && text === documentText(previous) ? null : text
}

/** A parsed search: FTS5 query of the required terms, or null when there are none. */
export interface TextSearch {
  /** FTS5 MATCH expression, or null when the search has no positive term. */
  match: string | null
  /** FTS5 expression of the excluded terms (joined by OR), or null. */
  excluded: string | null
}

/**
 * Sanity's search syntax (parsed by lake/core/searchSyntax.ts) → FTS5: each word of a term is
 * required (an excluded term's together), a phrase's words adjacent; FTS5 words keep letters and
 * digits only, and a word ending in `*` is a prefix.
 */
export function ftsQuery(search: string): TextSearch {
  const positive: string[] = []
  const negative: string[] = []
  for (const {words, phrase, excluded} of parseSearch(search)) {
    const parts = (phrase ? [quotedPhrase(words)] : words.map(quotedWord)).filter(
      (part): part is string => part !== null,
    )
    if (parts.length === 0) continue
    if (excluded) negative.push(parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`)
    else positive.push(...parts)
  }
  return {
    match: positive.length > 0 ? positive.join(' AND ') : null,
    excluded: negative.length > 0 ? negative.join(' OR ') : null,
  }
}

function tokens(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+/gu) ?? []
}

function quotedPhrase(words: string[]): string | null {
  const found = words.flatMap(tokens)
  return found.length > 0 ? `"${found.join(' ')}"` : null
}

function quotedWord(word: string): string | null {
  const found = tokens(word)
  if (found.length === 0) return null
  return `"${found.join(' ')}"${word.endsWith('*') ? '*' : ''}`
}

/** Fills the (empty) text index of database `schema` ('main', or an attached one) from its documents. */
export function rebuildTextIndex(db: DatabaseSync, schema = 'main'): void {
  const insert = db.prepare(`INSERT INTO ${schema}.documents_text (rowid, text) VALUES (?, ?)`)
  const rows = db.prepare(
    `SELECT d.rowid, ${CURRENT_BODY} AS body FROM ${schema}.documents d
     LEFT JOIN ${schema}.transaction_documents td ON ${CURRENT_REVISION_JOIN}`,
  )
  for (const row of rows.iterate()) {
    insert.run(row.rowid as number, documentText(JSON.parse(String(row.body))))
  }
}

export class TextIndex {
  private readonly database: Database

  constructor(database: Database) {
    this.database = database
  }

  /**
   * Indexes the document stored at `rowid` of `documents`: `previous` is what that row indexed
   * before (null for a new row); its text, when unchanged, is left as it is.
   */
  put(rowid: number | bigint, doc: unknown, previous: unknown): void {
    const text = changedText(doc, previous)
    if (text !== null) this.write(rowid, text)
  }

  /**
   * Indexes new rows of `documents` (pairs of rowid and text): a plain INSERT, which FTS5 does
   * in about half the time of INSERT OR REPLACE, since it need not look for an entry to delete.
   */
  insertNew(rowidsAndTexts: readonly SQLInputValue[]): void {
    this.database.insertRows('INSERT INTO documents_text (rowid, text)', 2, rowidsAndTexts)
  }

  /** Indexes `text` (from {@link changedText}) as the document stored at `rowid`. */
  write(rowid: number | bigint, text: string): void {
    this.database
      .stmt('INSERT OR REPLACE INTO documents_text (rowid, text) VALUES (?, ?)')
      .run(rowid, text)
  }

  remove(rowid: number | bigint): void {
    this.database.stmt('DELETE FROM documents_text WHERE rowid = ?').run(rowid)
  }

  /**
   * Ids of the dataset's documents matching `search` (Sanity's syntax), best match first (FTS5's
   * BM25 rank, ties by `_id`). A search with exclusions only matches every document without them.
   */
  search(dataset: string, search: string): string[] {
    const {match, excluded} = ftsQuery(search)
    if (match === null && excluded === null) return []
    if (match === null) {
      return this.database
        .stmt(
          `SELECT id FROM documents WHERE dataset = ? AND rowid NOT IN (
             SELECT rowid FROM documents_text WHERE documents_text MATCH ?) ORDER BY id`,
        )
        .all(dataset, excluded)
        .map((row) => String(row.id))
    }
    const expression = excluded === null ? match : `(${match}) NOT (${excluded})`
    return this.database
      .stmt(
        `SELECT d.id FROM documents_text t JOIN documents d ON d.rowid = t.rowid
         WHERE documents_text MATCH ? AND d.dataset = ? ORDER BY t.rank, d.id`,
      )
      .all(expression, dataset)
      .map((row) => String(row.id))
  }
}
