/**
 * The lake's SQLite database (`node:sqlite`): opening it with the durability pragmas and the
 * schema, a prepared-statement cache, and the one way to run statements atomically.
 *
 * Durability: WAL mode with `synchronous=FULL`, so a transaction that was acknowledged survives a
 * power loss (NORMAL in WAL mode may lose the last commits on power failure).
 */
import {mkdirSync} from 'node:fs'
import {join} from 'node:path'
import {
  DatabaseSync,
  type SQLInputValue,
  type SQLOutputValue,
  type StatementSync,
} from 'node:sqlite'
import {migrate} from './migrate.ts'

export class Database {
  readonly db: DatabaseSync
  readonly path: string
  private readonly statements = new Map<string, StatementSync>()

  /** `busyTimeoutMs`: how long a statement waits for another connection's write lock (5 s). */
  constructor(dataDir: string, options: {busyTimeoutMs?: number} = {}) {
    mkdirSync(dataDir, {recursive: true})
    this.path = join(dataDir, 'lake.sqlite')
    this.db = new DatabaseSync(this.path)
    // Takes effect only in a new file: 8 KiB pages waste less space at the end of each page of
    // log rows (documents of ~1 KB) than 4 KiB ones.
    this.db.exec('PRAGMA page_size = 8192')
    this.db.exec('PRAGMA journal_mode = WAL')
    this.db.exec('PRAGMA synchronous = FULL')
    this.db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`)
    this.db.exec('PRAGMA foreign_keys = ON')
    // 64 MiB of page cache (default 2 MiB): a large import's index pages stay in memory.
    this.db.exec('PRAGMA cache_size = -65536')
    migrate(this.db)
  }

  close(): void {
    if (this.db.isOpen) this.db.close()
  }

  /** A prepared statement, cached by its SQL text. */
  stmt(sql: string): StatementSync {
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.db.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }

  /** Runs `fn` in one write transaction: all of its statements commit, or none. */
  inTransaction<T>(fn: () => T): T {
    this.begin()
    try {
      const result = fn()
      this.commit()
      return result
    } catch (error) {
      this.rollback()
      throw error
    }
  }

  /**
   * Runs `insert` (`INSERT … VALUES`, without the values) for many rows, `width` values each
   * in `values`, with one statement per {@link ROWS_PER_STATEMENT} rows: one call into SQLite
   * per block of rows rather than per row, the cost of a large import. `tail` follows the values
   * (`ON CONFLICT …`, `RETURNING …`); what RETURNING gives comes back in no particular order.
   */
  insertRows(
    insert: string,
    width: number,
    values: readonly SQLInputValue[],
    tail = '',
  ): Array<Record<string, SQLOutputValue>> {
    const returned: Array<Record<string, SQLOutputValue>> = []
    const rowCount = values.length / width
    const row = `(${placeholders(width)})`
    for (let first = 0; first < rowCount; first += ROWS_PER_STATEMENT) {
      const count = Math.min(ROWS_PER_STATEMENT, rowCount - first)
      const statement = this.stmt(`${insert} VALUES ${Array(count).fill(row).join(',')} ${tail}`)
      const block = values.slice(first * width, (first + count) * width)
      if (tail.includes('RETURNING')) returned.push(...statement.all(...block))
      else statement.run(...block)
    }
    return returned
  }

  /** Opens a write transaction that spans several calls (an import's batches); prefer
   *  {@link inTransaction}. */
  begin(): void {
    this.db.exec('BEGIN IMMEDIATE')
  }

  commit(): void {
    this.db.exec('COMMIT')
  }

  /** Rolls back the open transaction, if any. */
  rollback(): void {
    if (this.db.isTransaction) this.db.exec('ROLLBACK')
  }
}

/** Rows per statement of {@link Database.insertRows}: far below SQLite's limit on parameters. */
const ROWS_PER_STATEMENT = 64

/** `?, ?, …` for an `IN (…)` list of `count` values. */
export function placeholders(count: number): string {
  return Array.from({length: count}, () => '?').join(',')
}
