/**
 * The lake's SQLite schema: every table, created on open (`CREATE … IF NOT EXISTS`, so opening an
 * older data directory adds what is missing). The only place that defines tables.
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
  slug TEXT,
  body TEXT NOT NULL,
  PRIMARY KEY (dataset, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS documents_type ON documents (dataset, type, id);
CREATE INDEX IF NOT EXISTS documents_slug ON documents (dataset, slug, id) WHERE slug IS NOT NULL;
CREATE TABLE IF NOT EXISTS refs (
  dataset TEXT NOT NULL,
  from_id TEXT NOT NULL,
  to_id TEXT NOT NULL,
  PRIMARY KEY (dataset, to_id, from_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS refs_from ON refs (dataset, from_id);
CREATE TABLE IF NOT EXISTS transactions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  dataset TEXT NOT NULL,
  id TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  author TEXT NOT NULL,
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
  PRIMARY KEY (dataset, doc_id, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS transaction_documents_seq ON transaction_documents (seq);
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

/** Tables holding one dataset's data (dropped with the dataset). */
export const DATASET_TABLES = [
  'documents',
  'refs',
  'transactions',
  'transaction_documents',
] as const
