/**
 * Upgrades an existing data folder's database to the storage layout this code writes
 * (lake/store/schema.ts, `PRAGMA user_version`), once, on open, in one transaction: a folder
 * either opens upgraded or stays as it was. A new database gets the current layout directly; one
 * written by a newer lake is refused with a clear error rather than misread. Each step is
 * self-contained (it creates the tables of ITS layout, not the current schema), so steps run one
 * after another from any older layout.
 *
 * Version 0 → 1: document bodies move to rowid tables, the log's `before` copies that repeat the
 * previous revision are dropped, transaction mutations are deflated, and the full-text index is
 * built from the documents (`refs` is left empty: step 2 → 3 drops it).
 *
 * Version 1 → 2: `documents.body` is dropped where the document's last log row holds the same
 * revision (`documents.seq` points at that row instead), so the current revision is stored once;
 * the indexes `refs_from` and `transaction_documents_seq` are dropped (nothing reads them).
 * Rowids of `documents` are kept, so the full-text index stays valid.
 *
 * Version 2 → 3: the `refs` table is dropped; the reference index is derived from the documents in
 * memory (lake/store/documents.ts).
 */
import type {DatabaseSync} from 'node:sqlite'
import type {LakeDocument} from '../core/types.ts'
import {deflateJson} from './compression.ts'
import {SCHEMA, SCHEMA_VERSION} from './schema.ts'
import {documentText} from './textIndex.ts'

/** The tables step 0 → 1 recreates, as layout 1 defined them. */
const LAYOUT_1_TABLES = `
CREATE TABLE documents (
  dataset TEXT NOT NULL,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  slug TEXT,
  body TEXT NOT NULL,
  UNIQUE (dataset, id)
);
CREATE VIRTUAL TABLE IF NOT EXISTS documents_text USING fts5(
  text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TABLE refs (
  dataset TEXT NOT NULL,
  from_id TEXT NOT NULL,
  to_id TEXT NOT NULL,
  strong INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (dataset, to_id, from_id)
) WITHOUT ROWID;
CREATE TABLE transaction_documents (
  dataset TEXT NOT NULL,
  doc_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  before TEXT,
  after TEXT,
  before_from_log INTEGER NOT NULL DEFAULT 0,
  UNIQUE (dataset, doc_id, seq)
);
`

/** Layout 2's `documents` table (step 1 → 2 creates it; schema.ts has the same). */
const LAYOUT_2_DOCUMENTS = `
CREATE TABLE documents (
  dataset TEXT NOT NULL,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  seq INTEGER,
  body TEXT,
  UNIQUE (dataset, id)
);
`

const STEPS: ReadonlyArray<(db: DatabaseSync) => void> = [
  upgradeToVersion1,
  upgradeToVersion2,
  upgradeToVersion3,
]

/** Brings the database to {@link SCHEMA_VERSION}; returns the version it had. */
export function migrate(db: DatabaseSync): number {
  const stamped = Number(db.prepare('PRAGMA user_version').get()?.user_version ?? 0)
  if (stamped > SCHEMA_VERSION) {
    throw new Error(
      `The lake database ${JSON.stringify(db.location())} has storage layout ${stamped}, newer than this lake's ${SCHEMA_VERSION}: update the lake to open it.`,
    )
  }
  const hasTables = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'documents'").get()
  // Layout 1 was first written without a version stamp: its log has `before_from_log`.
  const layout1Unstamped =
    stamped === 0 &&
    db
      .prepare("SELECT 1 FROM pragma_table_info('transaction_documents') WHERE name = ?")
      .get('before_from_log') !== undefined
  const version = layout1Unstamped ? 1 : stamped
  if (!hasTables || version === SCHEMA_VERSION) {
    db.exec(SCHEMA)
    if (stamped !== SCHEMA_VERSION) db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`)
    return stamped
  }
  db.exec('BEGIN IMMEDIATE')
  try {
    for (const step of STEPS.slice(version)) step(db)
    db.exec(SCHEMA)
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`)
    db.exec('COMMIT')
  } catch (error) {
    db.exec('ROLLBACK')
    throw error
  }
  // Give the space of the old copies back to the file system.
  db.exec('VACUUM')
  return stamped
}

function upgradeToVersion1(db: DatabaseSync): void {
  db.exec(`
    ALTER TABLE documents RENAME TO documents_v0;
    DROP INDEX IF EXISTS documents_type;
    DROP INDEX IF EXISTS documents_slug;
    ALTER TABLE transaction_documents RENAME TO transaction_documents_v0;
    DROP INDEX IF EXISTS transaction_documents_seq;
    DROP TABLE refs;
    DROP INDEX IF EXISTS refs_from;
  `)
  db.exec(LAYOUT_1_TABLES)
  db.exec(`
    INSERT INTO documents (dataset, id, type, slug, body)
      SELECT dataset, id, type, slug, body FROM documents_v0 ORDER BY dataset, id;
    DROP TABLE documents_v0;
    INSERT INTO transaction_documents (dataset, doc_id, seq, before, after)
      SELECT dataset, doc_id, seq, before, after FROM transaction_documents_v0 ORDER BY seq;
    DROP TABLE transaction_documents_v0;
    UPDATE transaction_documents AS td SET before = NULL, before_from_log = 1
      WHERE td.before IS NOT NULL AND td.before = (
        SELECT p.after FROM transaction_documents p
        WHERE p.dataset = td.dataset AND p.doc_id = td.doc_id AND p.seq < td.seq
        ORDER BY p.seq DESC LIMIT 1);
  `)
  const update = db.prepare('UPDATE transactions SET mutations = ? WHERE seq = ?')
  for (const row of db.prepare('SELECT seq, mutations FROM transactions').all()) {
    if (typeof row.mutations === 'string') {
      update.run(deflateJson(JSON.parse(row.mutations)), row.seq as number)
    }
  }
  const insertText = db.prepare('INSERT INTO documents_text (rowid, text) VALUES (?, ?)')
  for (const row of db.prepare('SELECT rowid, body FROM documents').all()) {
    const doc = JSON.parse(String(row.body)) as LakeDocument
    insertText.run(row.rowid as number, documentText(doc))
  }
}

function upgradeToVersion2(db: DatabaseSync): void {
  db.exec(`
    ALTER TABLE documents RENAME TO documents_v1;
    DROP INDEX IF EXISTS documents_type;
    DROP INDEX IF EXISTS documents_slug;
    DROP INDEX IF EXISTS refs_from;
    DROP INDEX IF EXISTS transaction_documents_seq;
  `)
  db.exec(LAYOUT_2_DOCUMENTS)
  // A document keeps its body only when its last log row does not hold that same revision.
  db.exec(`
    INSERT INTO documents (rowid, dataset, id, type, seq, body)
      SELECT d.rowid, d.dataset, d.id, d.type,
        CASE WHEN td.after IS d.body THEN td.seq END,
        CASE WHEN td.after IS d.body THEN NULL ELSE d.body END
      FROM documents_v1 d LEFT JOIN transaction_documents td
        ON td.dataset = d.dataset AND td.doc_id = d.id AND td.seq = (
          SELECT MAX(p.seq) FROM transaction_documents p
          WHERE p.dataset = d.dataset AND p.doc_id = d.id)
      ORDER BY d.rowid;
    DROP TABLE documents_v1;
  `)
}

function upgradeToVersion3(db: DatabaseSync): void {
  db.exec('DROP INDEX IF EXISTS refs_from; DROP TABLE IF EXISTS refs;')
}
