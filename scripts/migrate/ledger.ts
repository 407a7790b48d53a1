/**
 * The ledger: one document per migration in the dataset itself, so every machine (a laptop, CI, the
 * scheduler) sees the same state. Ids contain a dot, so unauthenticated reads never see them.
 */
import type {SanityClient} from '@sanity/client'

import type {LoadedMigration, MigrationSource} from './discover.ts'

export const LEDGER_ID_PREFIX = 'migrations.ledger.'
export const LEDGER_TYPE = 'migration.ledgerEntry'
export const LOCK_ID = 'migrations.lock'
export const LOCK_TYPE = 'migration.lock'

/** Ids under `migrations.` are the runner's own and never passed to migrations. */
export const RUNNER_ID_PREFIX = 'migrations.'

export function ledgerIdFor(name: string): string {
  return `${LEDGER_ID_PREFIX}${name}`
}

export type RunStatus = 'running' | 'applied' | 'failed'

export interface LedgerRun {
  runId: string
  status: RunStatus
  startedAt: string
  finishedAt?: string
  /** The date the run was for (date-driven migrations). */
  today: string
  checksum: string
  holder: string
  host: string
  pid: number
  /** Documents changed by this run's committed transactions so far. */
  documentsChanged: number
  transactions: number
  lastDocumentId?: string
  failedDocumentId?: string
  error?: string
}

export interface LedgerEntry {
  _id: string
  _type: typeof LEDGER_TYPE
  _rev?: string
  name: string
  title: string
  recurring: boolean
  /**
   * `applied` only once a run has committed every transaction; `running` while one is under way
   * (or was interrupted), `failed` when the last run stopped on an error.
   */
  status: RunStatus
  /** Source checksum of the last completed run. */
  checksum?: string
  firstAppliedAt?: string
  /** When the last completed run finished. */
  appliedAt?: string
  /** Documents the last completed run changed. */
  documentsChanged?: number
  totalDocumentsChanged: number
  runs: number
  lastRun?: LedgerRun
}

export async function readLedger(client: SanityClient): Promise<Map<string, LedgerEntry>> {
  const entries = await client.fetch<LedgerEntry[]>(
    '*[_type == $type && _id in path($ids)]',
    {type: LEDGER_TYPE, ids: `${LEDGER_ID_PREFIX}*`},
    {perspective: 'raw'},
  )
  return new Map(
    entries.filter((entry) => entry._id.startsWith(LEDGER_ID_PREFIX)).map((e) => [e.name, e]),
  )
}

/** Whether the migration's last run completed (a failed or interrupted run means pending). */
export function isApplied(entry: LedgerEntry | undefined): boolean {
  return entry?.status === 'applied'
}

export interface MigrationStatusRow {
  name: string
  title: string | undefined
  recurring: boolean
  state: 'applied' | 'pending'
  /** What the last run did, when it did not complete (failed, or interrupted while running). */
  lastRunStatus: RunStatus | undefined
  appliedAt: string | undefined
  documentsChanged: number | undefined
  checksum: string
  appliedChecksum: string | undefined
  /** The source changed since the migration last completed. */
  sourceChanged: boolean
  error: string | undefined
  failedDocumentId: string | undefined
}

export function statusRows(
  migrations: readonly (LoadedMigration | MigrationSource)[],
  ledger: Map<string, LedgerEntry>,
): MigrationStatusRow[] {
  return migrations.map((migration) => {
    const entry = ledger.get(migration.name)
    const loaded = 'migration' in migration ? migration : undefined
    return {
      name: migration.name,
      title: loaded?.migration.title ?? entry?.title,
      recurring: loaded?.recurring ?? entry?.recurring ?? false,
      state: isApplied(entry) ? 'applied' : 'pending',
      lastRunStatus: entry?.lastRun?.status,
      appliedAt: entry?.appliedAt,
      documentsChanged: entry?.documentsChanged,
      checksum: migration.checksum,
      appliedChecksum: entry?.checksum,
      sourceChanged: Boolean(entry?.checksum) && entry?.checksum !== migration.checksum,
      error: entry?.lastRun?.status === 'failed' ? entry.lastRun.error : undefined,
      failedDocumentId:
        entry?.lastRun?.status === 'failed' ? entry.lastRun.failedDocumentId : undefined,
    }
  })
}
