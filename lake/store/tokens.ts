/**
 * The `tokens` table (API tokens, stored as sha256 hashes with a role, a label and an identity) and
 * the user lookups built on it, plus the per-user key-value UI state (`studio_keyvalue`).
 */
import type {Role} from '../core/types.ts'
import type {Database} from './database.ts'

export interface TokenRecord {
  id: string
  hash: string
  role: Role
  label: string | null
  identity: string
  createdAt: string
}

/** A token as `lake:token list` shows it (never the hash). */
export interface TokenListing {
  id: string
  role: Role
  label: string | null
  createdAt: string
  /** Null when it was never used (or not since this was recorded). */
  lastUsedAt: string | null
}

/**
 * Last use is written at most once a minute per token: every request writing (and fsyncing) a row
 * would cost more than the request. A minute is precise enough to see which tokens are idle.
 */
const LAST_USED_RESOLUTION_MS = 60_000

function labelOf(row: Record<string, unknown>): string | null {
  return row.label === null || row.label === undefined ? null : String(row.label)
}

export class TokenStore {
  private readonly database: Database
  /** token id → when its use was last written, for LAST_USED_RESOLUTION_MS. */
  private readonly usageWritten = new Map<string, number>()
  /** Called after this connection adds, re-roles or deletes a token (open streams re-check). */
  private readonly changeListeners = new Set<() => void>()

  constructor(database: Database) {
    this.database = database
  }

  /**
   * Calls `listener` after every token change made through this store; returns the unsubscribe.
   * Changes by another process (the CLI) are not seen here: lake/auth/openStreams.ts polls for them.
   */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener)
    return () => this.changeListeners.delete(listener)
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener()
  }

  /** Inserts a token; a token already known by its hash only gets the new role. */
  insert(record: TokenRecord): void {
    this.database
      .stmt(
        'INSERT INTO tokens (id, hash, role, label, identity, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO UPDATE SET role = excluded.role',
      )
      .run(record.id, record.hash, record.role, record.label, record.identity, record.createdAt)
    this.changed()
  }

  /** The current role of each token id that still exists (revoked ids are absent). */
  rolesById(ids: readonly string[]): Map<string, Role> {
    const roles = new Map<string, Role>()
    const select = this.database.stmt('SELECT role FROM tokens WHERE id = ?')
    for (const id of ids) {
      const row = select.get(id)
      if (row) roles.set(id, row.role as Role)
    }
    return roles
  }

  byHash(hash: string): TokenRecord | null {
    const row = this.database
      .stmt('SELECT id, hash, role, label, identity, created_at FROM tokens WHERE hash = ?')
      .get(hash)
    if (!row) return null
    return {
      id: String(row.id),
      hash: String(row.hash),
      role: row.role as Role,
      label: labelOf(row),
      identity: String(row.identity),
      createdAt: String(row.created_at),
    }
  }

  /** Every token, oldest first, with its last use. */
  list(): TokenListing[] {
    return this.database
      .stmt(
        `SELECT t.id, t.role, t.label, t.created_at, u.last_used_at FROM tokens t
         LEFT JOIN token_usage u ON u.token_id = t.id ORDER BY t.created_at, t.id`,
      )
      .all()
      .map((row) => ({
        id: String(row.id),
        role: row.role as Role,
        label: labelOf(row),
        createdAt: String(row.created_at),
        lastUsedAt: row.last_used_at === null ? null : String(row.last_used_at),
      }))
  }

  /** Records that a token was used now (at most once per LAST_USED_RESOLUTION_MS). */
  recordUse(id: string, now = Date.now()): void {
    const written = this.usageWritten.get(id)
    if (written !== undefined && now - written < LAST_USED_RESOLUTION_MS) return
    this.usageWritten.set(id, now)
    try {
      this.database
        .stmt(
          'INSERT INTO token_usage (token_id, last_used_at) VALUES (?, ?) ON CONFLICT (token_id) DO UPDATE SET last_used_at = excluded.last_used_at',
        )
        .run(id, new Date(now).toISOString())
    } catch {
      // Advisory: a busy database must not fail the request; the next minute writes it.
      this.usageWritten.delete(id)
    }
  }

  /** Deletes a token by id (and its usage); whether there was one. */
  delete(id: string): boolean {
    const deleted = this.database.inTransaction(() => {
      this.database.stmt('DELETE FROM token_usage WHERE token_id = ?').run(id)
      return Number(this.database.stmt('DELETE FROM tokens WHERE id = ?').run(id).changes) > 0
    })
    if (deleted) this.changed()
    return deleted
  }

  /** The label of a token by id (null when it has none or does not exist). */
  labelById(id: string): string | null {
    const row = this.database.stmt('SELECT label FROM tokens WHERE id = ?').get(id)
    return row ? labelOf(row) : null
  }

  /** The most recent token of an identity: its label and role, or null. */
  latestOfIdentity(identity: string): {label: string | null; role: Role} | null {
    const row = this.database
      .stmt('SELECT label, role FROM tokens WHERE identity = ? ORDER BY created_at DESC LIMIT 1')
      .get(identity)
    return row ? {label: labelOf(row), role: row.role as Role} : null
  }

  /** Deletes a token by id when its label starts with `labelPrefix`; whether one was deleted. */
  deleteWithLabelPrefix(id: string, labelPrefix: string): boolean {
    const result = this.database
      .stmt('DELETE FROM tokens WHERE id = ? AND label LIKE ?')
      .run(id, `${labelPrefix}%`)
    const deleted = Number(result.changes) > 0
    if (deleted) this.changed()
    return deleted
  }

  // ---------------------------------------------------------------- key-value UI state

  /** The values of `keys` for an identity (null when unset), in the order asked. */
  keyValues(identity: string, keys: readonly string[]): Array<{key: string; value: unknown}> {
    const select = this.database.stmt(
      'SELECT value FROM studio_keyvalue WHERE identity = ? AND key = ?',
    )
    return keys.map((key) => {
      const row = select.get(identity, key)
      return {key, value: row ? (JSON.parse(String(row.value)) as unknown) : null}
    })
  }

  /** Sets (or, for null, removes) each pair, all in one transaction. */
  setKeyValues(identity: string, pairs: ReadonlyArray<{key: string; value: unknown}>): void {
    const upsert = this.database.stmt(
      'INSERT INTO studio_keyvalue (identity, key, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (identity, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    )
    const remove = this.database.stmt('DELETE FROM studio_keyvalue WHERE identity = ? AND key = ?')
    const now = new Date().toISOString()
    this.database.inTransaction(() => {
      for (const {key, value} of pairs) {
        if (value === null || value === undefined) remove.run(identity, key)
        else upsert.run(identity, key, JSON.stringify(value), now)
      }
    })
  }
}
