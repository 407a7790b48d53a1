/**
 * Upgrades an existing data folder's database to the storage layout this code writes
 * (lake/store/schema.ts, `PRAGMA user_version`), once, on open, in one transaction: a folder
 * either opens upgraded or stays as it was. A new database gets the current layout directly; one
 * written by a newer lake is refused with a clear error rather than misread.
 *
 * Version 0 → 1: document bodies move to rowid tables, the log's `before` copies that repeat the
 * previous revision are dropped, transaction mutations are deflated, `refs` is rebuilt with
 * every reference (weak, cross-dataset and global too) and the full-text index is built, both
 * from the documents.
 */
import type {DatabaseSync} from 'node:sqlite'
import {findReferences, isLocalReference} from '../core/references.ts'
import type {LakeDocument} from '../core/types.ts'
import {deflateJson} from './compression.ts'
import {SCHEMA, SCHEMA_VERSION} from './schema.ts'
import {rebuildTextIndex} from './textIndex.ts'

/** Brings the database to {@link SCHEMA_VERSION}; returns the version it had. */
export function migrate(db: DatabaseSync): number {
  const version = Number(db.prepare('PRAGMA user_version').get()?.user_version ?? 0)
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `The lake database ${JSON.stringify(db.location())} has storage layout ${version}, newer than this lake's ${SCHEMA_VERSION}: update the lake to open it.`,
    )
  }
  const hasTables = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'documents'").get()
  // A database created with the current tables but no version stamp is current, too.
  const current =
    version === SCHEMA_VERSION ||
    !hasTables ||
    db
      .prepare("SELECT 1 FROM pragma_table_info('transaction_documents') WHERE name = ?")
      .get('before_from_log') !== undefined
  if (current) {
    db.exec(SCHEMA)
    if (version !== SCHEMA_VERSION) db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`)
    return version
  }
  db.exec('BEGIN IMMEDIATE')
  try {
    upgradeToVersion1(db)
    db.exec(SCHEMA)
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`)
    db.exec('COMMIT')
  } catch (error) {
    db.exec('ROLLBACK')
    throw error
  }
  // Give the space of the old copies back to the file system.
  db.exec('VACUUM')
  return version
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
  db.exec(SCHEMA)
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
  rebuildTextIndex(db)
  const insert = db.prepare(
    'INSERT INTO refs (dataset, from_id, to_id, strong) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET strong = max(strong, excluded.strong)',
  )
  for (const row of db.prepare('SELECT dataset, id, body FROM documents').all()) {
    const dataset = String(row.dataset)
    const doc = JSON.parse(String(row.body)) as LakeDocument
    for (const reference of findReferences(doc)) {
      const strong = !reference.weak && isLocalReference(reference, dataset) ? 1 : 0
      insert.run(dataset, String(row.id), reference.ref, strong)
    }
  }
}
