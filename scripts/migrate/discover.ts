/**
 * Finds and loads the migrations in a migrations folder: one folder per migration, named with a
 * sortable date prefix, with an `index.ts` whose default export is a `defineMigration(...)`.
 */
import {createHash} from 'node:crypto'
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {join, relative, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'
import type {Migration} from 'sanity/migrate'

import {MigrateError} from './errors.ts'
import {messageOf} from '../shared/errors.ts'

/** `2026-12-01-backfill-valid-until`: a date, then lower-case words joined by dashes. */
export const MIGRATION_NAME_PATTERN = /^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$/

const ENTRY_FILES = ['index.ts', 'index.mts', 'index.js', 'index.mjs']

export interface MigrationSource {
  /** The folder name; also the migration's name in the ledger. */
  name: string
  dir: string
  /** The entry file (`index.ts`), absolute. */
  entry: string
  /** sha256 over every file in the folder (relative path and content), hex. */
  checksum: string
}

export interface LoadedMigration extends MigrationSource {
  migration: Migration
  /** Re-run on every run and schedule tick, even once applied (date-driven migrations). */
  recurring: boolean
}

function filesUnder(dir: string, base = dir): string[] {
  const files: string[] = []
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    if (entry.name.startsWith('.')) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...filesUnder(path, base))
    else if (entry.isFile()) files.push(relative(base, path))
  }
  return files.sort()
}

/** sha256 over the folder's files, so a change to any of them is noticed. */
export function checksumOf(dir: string): string {
  const hash = createHash('sha256')
  for (const file of filesUnder(dir)) {
    hash.update(file.split('\\').join('/'))
    hash.update('\0')
    hash.update(readFileSync(join(dir, file)))
    hash.update('\0')
  }
  return hash.digest('hex')
}

/**
 * The migration folders, sorted by name. Folders starting with `_` or `.` hold shared code and are
 * skipped; files next to the folders (README.md) are ignored.
 */
export function listMigrationSources(migrationsDir: string): MigrationSource[] {
  const dir = resolve(migrationsDir)
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new MigrateError(`Migrations folder not found: ${dir}`)
  }
  const sources: MigrationSource[] = []
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    if (!entry.isDirectory() || entry.name.startsWith('_') || entry.name.startsWith('.')) continue
    const folder = join(dir, entry.name)
    if (!MIGRATION_NAME_PATTERN.test(entry.name)) {
      throw new MigrateError(
        `${folder}: a migration folder's name must be a date and lower-case words, ` +
          `e.g. 2026-12-01-backfill-valid-until`,
      )
    }
    const entryFile = ENTRY_FILES.map((file) => join(folder, file)).find((file) => existsSync(file))
    if (!entryFile) {
      throw new MigrateError(`Migration "${entry.name}" has no index.ts (looked in ${folder})`)
    }
    sources.push({name: entry.name, dir: folder, entry: entryFile, checksum: checksumOf(folder)})
  }
  return sources.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

function isMigration(value: unknown): value is Migration {
  if (!value || typeof value !== 'object') return false
  const candidate = value as Record<string, unknown>
  return (
    typeof candidate.title === 'string' &&
    (typeof candidate.migrate === 'function' ||
      (typeof candidate.migrate === 'object' && candidate.migrate !== null)) &&
    (candidate.documentTypes === undefined ||
      (Array.isArray(candidate.documentTypes) &&
        candidate.documentTypes.every((type) => typeof type === 'string'))) &&
    (candidate.filter === undefined || typeof candidate.filter === 'string')
  )
}

/** Imports a migration's entry file and checks that it exports what the runner needs. */
export async function loadMigration(source: MigrationSource): Promise<LoadedMigration> {
  let mod: Record<string, unknown>
  try {
    readFileSync(source.entry)
    // The checksum in the URL makes a changed file load again in a long-running scheduler.
    const url = `${pathToFileURL(source.entry).href}?checksum=${source.checksum.slice(0, 16)}`
    mod = (await import(url)) as Record<string, unknown>
  } catch (error) {
    throw new MigrateError(
      `Cannot load migration "${source.name}" (${source.entry}): ${messageOf(error).split('\n')[0]}`,
    )
  }
  if (!isMigration(mod.default)) {
    throw new MigrateError(
      `Migration "${source.name}" (${source.entry}) must export default defineMigration({title, ` +
        `migrate, ...}) with a string title, migrate functions, and optional documentTypes/filter`,
    )
  }
  if (mod.recurring !== undefined && typeof mod.recurring !== 'boolean') {
    throw new MigrateError(
      `Migration "${source.name}": "export const recurring" must be true or false`,
    )
  }
  return {...source, migration: mod.default, recurring: mod.recurring === true}
}

export async function loadMigrations(migrationsDir: string): Promise<LoadedMigration[]> {
  const loaded: LoadedMigration[] = []
  for (const source of listMigrationSources(migrationsDir)) loaded.push(await loadMigration(source))
  return loaded
}
