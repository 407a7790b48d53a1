/** The `datasets` table: names, ACL mode and creation time. */
import type {Database} from './database.ts'
import {DATASET_TABLES} from './schema.ts'

export type AclMode = 'public' | 'private'

export interface DatasetInfo {
  name: string
  aclMode: AclMode
  createdAt: string
}

function datasetOf(row: Record<string, unknown>): DatasetInfo {
  return {
    name: String(row.name),
    aclMode: row.acl_mode as AclMode,
    createdAt: String(row.created_at),
  }
}

export class DatasetStore {
  private readonly database: Database

  constructor(database: Database) {
    this.database = database
  }

  list(): DatasetInfo[] {
    return this.database
      .stmt('SELECT name, acl_mode, created_at FROM datasets ORDER BY name')
      .all()
      .map(datasetOf)
  }

  get(name: string): DatasetInfo | null {
    const row = this.database
      .stmt('SELECT name, acl_mode, created_at FROM datasets WHERE name = ?')
      .get(name)
    return row ? datasetOf(row) : null
  }

  /** Creates the dataset unless it exists (then nothing changes). */
  create(name: string, aclMode: AclMode = 'public', createdAt = new Date().toISOString()): void {
    this.database
      .stmt('INSERT OR IGNORE INTO datasets (name, acl_mode, created_at) VALUES (?, ?, ?)')
      .run(name, aclMode, createdAt)
  }

  setAclMode(name: string, aclMode: AclMode): void {
    this.database.stmt('UPDATE datasets SET acl_mode = ? WHERE name = ?').run(aclMode, name)
  }

  /** Deletes the dataset and all its data in one transaction; whether it existed. */
  delete(name: string): boolean {
    return this.database.inTransaction(() => {
      const existed =
        this.database.stmt('DELETE FROM datasets WHERE name = ?').run(name).changes > 0
      // The text index has no dataset column: its rows go by the documents' rowids.
      this.database
        .stmt(
          'DELETE FROM documents_text WHERE rowid IN (SELECT rowid FROM documents WHERE dataset = ?)',
        )
        .run(name)
      for (const table of DATASET_TABLES) {
        this.database.stmt(`DELETE FROM ${table} WHERE dataset = ?`).run(name)
      }
      return existed
    })
  }
}
