/**
 * Backups of a lake's data folder, safe while the lake serves writes, and restoring one.
 *
 * A backup is a folder: `lake.sqlite` (a consistent snapshot), `assets/` (the stored files, not
 * the transform cache), `tls/` (so a restored lake keeps its trusted certificate) and
 * `backup.json` (what it holds, for verification).
 *
 * Decisions:
 * - The snapshot is copied table by table inside ONE read transaction of a second connection
 *   (`ATTACH` + `INSERT … SELECT`). WAL mode lets the lake keep committing meanwhile; the copy and
 *   the document counts recorded in backup.json come from the same snapshot, so verification can
 *   demand equal counts. (`VACUUM INTO` is as consistent but cannot share a transaction with the
 *   counts; the online backup API restarts whenever another process writes.)
 * - Assets are copied after the snapshot: their files are written before the commit that
 *   references them and never change (content-addressed), so every asset the snapshot references
 *   is already on disk.
 * - A backup is written to `<out>.partial-<pid>` and renamed when complete and verified; restore
 *   refuses a non-empty folder and verifies the backup before copying anything.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import {join, relative} from 'node:path'
import {DatabaseSync} from 'node:sqlite'

import {migrate} from './migrate.ts'
import {rebuildTextIndex} from './textIndex.ts'

export const BACKUP_MANIFEST = 'backup.json'
const DATABASE_FILE = 'lake.sqlite'
/** What is copied besides the database: stored files and the certificate; never caches. */
const COPIED_FOLDERS = ['assets', 'tls']
const SKIPPED = (path: string) => path === join('assets', 'cache') || path.endsWith('.tmp')

export class BackupError extends Error {
  override name = 'BackupError'
}

export interface BackupManifest {
  format: 1
  createdAt: string
  /** Documents per dataset in the snapshot. */
  documents: Record<string, number>
  /** Rows per table in the snapshot. */
  rows: Record<string, number>
  /** The last transaction in the snapshot (0 for none). */
  lastTransactionSeq: number
  assetFiles: number
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

function copyTree(from: string, to: string, root: string): number {
  if (!existsSync(from)) return 0
  let count = 0
  mkdirSync(to, {recursive: true, mode: 0o700})
  for (const entry of readdirSync(from, {withFileTypes: true})) {
    const source = join(from, entry.name)
    if (SKIPPED(relative(root, source))) continue
    if (entry.isDirectory()) count += copyTree(source, join(to, entry.name), root)
    else if (entry.isFile()) {
      copyFileSync(source, join(to, entry.name))
      count++
    }
  }
  return count
}

function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0
  return readdirSync(dir, {withFileTypes: true, recursive: true}).filter((entry) => entry.isFile())
    .length
}

function documentCounts(db: DatabaseSync, schema = 'main'): Record<string, number> {
  const rows = db
    .prepare(
      `SELECT dataset, COUNT(*) AS n FROM ${schema}.documents GROUP BY dataset ORDER BY dataset`,
    )
    .all()
  return Object.fromEntries(rows.map((row) => [String(row.dataset), Number(row.n)]))
}

/** Copies every table of `source` into the attached `backup` database in one read snapshot. */
function snapshotInto(
  source: DatabaseSync,
  backupPath: string,
): Omit<BackupManifest, 'assetFiles'> {
  source.prepare('ATTACH DATABASE ? AS backup').run(backupPath)
  try {
    source.exec('BEGIN')
    try {
      // A full-text (virtual) table and its shadow tables are not copied: the index is rebuilt
      // in the backup from its documents (SQLite forbids writing shadow tables directly).
      const virtual = source
        .prepare(
          "SELECT name FROM main.sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'",
        )
        .all()
        .map((row) => String(row.name))
      const tables = source
        .prepare(
          "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .all()
        .map((row) => String(row.name))
        .filter((name) => !virtual.some((table) => name === table || name.startsWith(`${table}_`)))
      const rows: Record<string, number> = {}
      for (const table of tables) {
        const columns = source
          .prepare(`SELECT name FROM pragma_table_info(?, 'main')`)
          .all(table)
          .map((row) => quoteIdentifier(String(row.name)))
          .join(', ')
        const name = quoteIdentifier(table)
        source.exec(`INSERT INTO backup.${name} (${columns}) SELECT ${columns} FROM main.${name}`)
        rows[table] = Number(source.prepare(`SELECT COUNT(*) AS n FROM backup.${name}`).get()?.n)
      }
      rebuildTextIndex(source, 'backup')
      const seq = source.prepare('SELECT MAX(seq) AS seq FROM main.transactions').get()?.seq
      const manifest = {
        format: 1 as const,
        createdAt: new Date().toISOString(),
        documents: documentCounts(source),
        rows,
        lastTransactionSeq: seq === null || seq === undefined ? 0 : Number(seq),
      }
      source.exec('COMMIT')
      return manifest
    } catch (error) {
      source.exec('ROLLBACK')
      throw error
    }
  } finally {
    source.exec('DETACH DATABASE backup')
  }
}

/** Checks a backup folder: the database's integrity, its document counts and its files. */
export function verifyBackup(dir: string): BackupManifest {
  const manifestPath = join(dir, BACKUP_MANIFEST)
  const databasePath = join(dir, DATABASE_FILE)
  if (!existsSync(manifestPath) || !existsSync(databasePath)) {
    throw new BackupError(`${dir} is not a lake backup (no ${BACKUP_MANIFEST} or ${DATABASE_FILE})`)
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as BackupManifest
  let db: DatabaseSync
  try {
    db = new DatabaseSync(databasePath, {readOnly: true})
  } catch (error) {
    throw new BackupError(`${databasePath} cannot be opened: ${(error as Error).message}`)
  }
  try {
    let integrity: string
    try {
      integrity = db
        .prepare('PRAGMA integrity_check')
        .all()
        .map((row) => String(Object.values(row)[0]))
        .join('; ')
    } catch (error) {
      throw new BackupError(`${databasePath} is damaged: ${(error as Error).message}`)
    }
    if (integrity !== 'ok') throw new BackupError(`${databasePath} is damaged: ${integrity}`)
    const counts = documentCounts(db)
    if (JSON.stringify(counts) !== JSON.stringify(manifest.documents)) {
      throw new BackupError(
        `${databasePath} holds ${JSON.stringify(counts)} documents, ${BACKUP_MANIFEST} says ${JSON.stringify(manifest.documents)}`,
      )
    }
  } finally {
    db.close()
  }
  const files = countFiles(join(dir, 'assets'))
  if (files < manifest.assetFiles) {
    throw new BackupError(
      `${dir}/assets holds ${files} files, ${BACKUP_MANIFEST} says ${manifest.assetFiles}`,
    )
  }
  return manifest
}

/** Backs up the lake in `dataDir` (running or not) into the new folder `outDir`, verified. */
export function backupLake(dataDir: string, outDir: string): BackupManifest {
  const sourcePath = join(dataDir, DATABASE_FILE)
  if (!existsSync(sourcePath)) throw new BackupError(`No lake in ${dataDir} (no ${DATABASE_FILE})`)
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    throw new BackupError(`${outDir} already exists and is not empty`)
  }
  const partial = `${outDir}.partial-${process.pid}`
  rmSync(partial, {recursive: true, force: true})
  mkdirSync(partial, {recursive: true, mode: 0o700})
  try {
    const backupPath = join(partial, DATABASE_FILE)
    const empty = new DatabaseSync(backupPath)
    migrate(empty)
    empty.close()
    const source = new DatabaseSync(sourcePath)
    let snapshot
    try {
      source.exec('PRAGMA busy_timeout = 5000')
      snapshot = snapshotInto(source, backupPath)
    } finally {
      source.close()
    }
    let assetFiles = 0
    for (const folder of COPIED_FOLDERS) {
      const copied = copyTree(join(dataDir, folder), join(partial, folder), dataDir)
      if (folder === 'assets') assetFiles = copied
    }
    const manifest: BackupManifest = {...snapshot, assetFiles}
    writeFileSync(join(partial, BACKUP_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`)
    verifyBackup(partial)
    if (existsSync(outDir)) rmSync(outDir, {recursive: true})
    renameSync(partial, outDir)
    return manifest
  } catch (error) {
    rmSync(partial, {recursive: true, force: true})
    throw error
  }
}

/** Restores the backup in `fromDir` into `dataDir`, which must not exist or be empty. */
export function restoreLake(fromDir: string, dataDir: string): BackupManifest {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new BackupError(
      `${dataDir} is not empty: restore only into a new folder, so nothing is overwritten`,
    )
  }
  const manifest = verifyBackup(fromDir)
  mkdirSync(dataDir, {recursive: true, mode: 0o700})
  try {
    copyFileSync(join(fromDir, DATABASE_FILE), join(dataDir, DATABASE_FILE))
    for (const folder of COPIED_FOLDERS) {
      copyTree(join(fromDir, folder), join(dataDir, folder), fromDir)
    }
  } catch (error) {
    rmSync(dataDir, {recursive: true, force: true})
    throw error
  }
  return manifest
}
