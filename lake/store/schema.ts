/**
 * The lake's SQLite schema: every table, created on open (`CREATE … IF NOT EXISTS`, so opening an
 * older data directory adds what is missing). The only place that defines tables; the layout's
 * version is `PRAGMA user_version` ({@link SCHEMA_VERSION}, upgrades in lake/store/migrate.ts).
 *
 * Storage layout (version 2): every revision of a document is stored once in full, as the `after`
 * of its transaction-log row; the row's `before` is left out (`before_from_log = 1`) when it is
 * the document's previous logged revision, which it always is for writes through the commit. A
 * `documents` row holds no copy of the document: `seq` names the log row (`dataset`, `doc_id` =
 * `id`, `seq`) whose `after` is its current revision ({@link CURRENT_BODY}). Only a document
 * whose current revision was never logged (written before the log kept every write) keeps it in
 * `documents.body`. A transaction's mutations are kept deflated, a `create*` that repeats its
 * document as a pointer to it (lake/store/mutationLog.ts). Tables holding document bodies have
 * rowids (a WITHOUT ROWID table stores rows over ~1 KB in overflow pages of their own, doubling
 * the space taken).
 *
 * `documents_text` is the FTS5 full-text index of the documents (lake/store/textIndex.ts).
 *
 * Layout 3 has no `refs` table: keyed by the referenced id, its rows sent a batch's writes to a
 * random page per reference (three quarters of the pages a commit of 500 new documents wrote).
 * The reference index is derived from the documents in memory instead (lake/store/documents.ts;
 * the query workers' in lake/groq/documentIndexes.ts).
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS datasets (
  name TEXT PRIMARY KEY,
  acl_mode TEXT NOT NULL DEFAULT 'public',
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
  dataset TEXT NOT NULL,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  -- the log row holding the current revision (see CURRENT_BODY)
  seq INTEGER,
  -- the current revision only when no log row holds it (older data folders)
  body TEXT,
  UNIQUE (dataset, id)
);
-- system documents (releases) by type, for start-up checks that don't load a dataset
CREATE INDEX IF NOT EXISTS documents_system_type ON documents (dataset, type, id)
  WHERE type GLOB 'system.*';
-- full-text index of documents (rowid = documents.rowid; lake/store/textIndex.ts)
CREATE VIRTUAL TABLE IF NOT EXISTS documents_text USING fts5(
  text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TABLE IF NOT EXISTS transactions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  dataset TEXT NOT NULL,
  id TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  author TEXT NOT NULL,
  -- deflated JSON (BLOB); plain JSON text in rows written before schema version 1
  mutations TEXT NOT NULL,
  document_ids TEXT NOT NULL,
  UNIQUE (dataset, id)
);
CREATE TABLE IF NOT EXISTS transaction_documents (
  dataset TEXT NOT NULL,
  doc_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  before TEXT,
  after TEXT,
  before_from_log INTEGER NOT NULL DEFAULT 0,
  UNIQUE (dataset, doc_id, seq)
);
-- a transaction's rows, and the query workers' refresh: a dataset's rows after the last
-- sequence number they applied
CREATE INDEX IF NOT EXISTS transaction_documents_dataset_seq ON transaction_documents (dataset, seq);
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  label TEXT,
  identity TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS token_usage (
  token_id TEXT PRIMARY KEY,
  last_used_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS studio_keyvalue (
  identity TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (identity, key)
) WITHOUT ROWID;
`

/** The storage layout this code writes (`PRAGMA user_version`). */
export const SCHEMA_VERSION = 3

/**
 * The JSON of the current revision of the `documents d` row, read with
 * `LEFT JOIN transaction_documents td ON ${CURRENT_REVISION_JOIN}`.
 */
export const CURRENT_BODY = 'COALESCE(d.body, td.after)'
export const CURRENT_REVISION_JOIN =
  'td.dataset = d.dataset AND td.doc_id = d.id AND td.seq = d.seq'

/** `documents_system_type` holds the documents whose type starts with this. */
export const SYSTEM_TYPE_PREFIX = 'system.'
/** The index's condition, repeated literally in a query so SQLite uses the index. */
export const SYSTEM_TYPE_CONDITION = "type GLOB 'system.*'"

/** Tables holding one dataset's data (dropped with the dataset). */
export const DATASET_TABLES = ['documents', 'transactions', 'transaction_documents'] as const
