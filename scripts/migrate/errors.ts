/** Errors the runner reports as one clear line (no stack trace). */

/** Bad input or a refused operation: printed as it is, exit code 1. */
export class MigrateError extends Error {
  override name = 'MigrateError'
}

/** Another runner holds the lock on the dataset. */
export class LockHeldError extends MigrateError {
  override name = 'LockHeldError'
}

/** Our lock was broken by someone else while we were applying. */
export class LockLostError extends MigrateError {
  override name = 'LockLostError'
}

/** A migration threw, or one of its transactions was rejected. */
export class MigrationFailedError extends MigrateError {
  override name = 'MigrationFailedError'
  readonly migration: string
  readonly documentId: string | undefined

  constructor(message: string, migration: string, documentId: string | undefined) {
    super(message)
    this.migration = migration
    this.documentId = documentId
  }
}
