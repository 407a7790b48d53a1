/**
 * Runs migrations: reads the documents each one targets from the export endpoint, collects its
 * mutations with `sanity/migrate`'s own `collectMigrationMutations` (so a migration behaves as
 * under `sanity migration run`), and either prints them per document (dry run) or commits them in
 * transactions that also update the migration's ledger entry and the lock's fencing token.
 *
 * Sanity's own `run` is not used: it always builds `https://<projectId>.<apiHost>` URLs, which
 * cannot reach the local lake, and it gives no hook to put ledger updates into its transactions.
 */
import {randomUUID} from 'node:crypto'
import {hostname, userInfo} from 'node:os'
import type {SanityClient, SanityDocument} from '@sanity/client'
import {SanityEncoder} from '@sanity/mutate'
import {evaluate, parse} from 'groq-js'
import {
  collectMigrationMutations,
  type Migration,
  type Mutation,
  type Transaction,
} from 'sanity/migrate'

import {toIsoDate} from '../../domain/qmStatus.ts'
import {assertDatasetExists, exportDocuments, statusCodeOf, type MigrateTarget} from './api.ts'
import {writeBackup} from './backup.ts'
import type {RunnerMigrationContext} from './context.ts'
import {loadMigrations, type LoadedMigration} from './discover.ts'
import {LockLostError, MigrateError, MigrationFailedError} from './errors.ts'
import {messageOf} from '../shared/errors.ts'
import {describeMutation} from './format.ts'
import {
  isApplied,
  ledgerIdFor,
  LEDGER_TYPE,
  LOCK_ID,
  readLedger,
  RUNNER_ID_PREFIX,
  type LedgerEntry,
  type LedgerRun,
} from './ledger.ts'
import {acquireLock, lockFencePatch, releaseLock, type LockHandle, type LockInfo} from './lock.ts'
import {validateChangedDocuments, type ValidationReport} from './validate.ts'

export const DEFAULT_BATCH_SIZE = 50
/** Keep transactions well below the mutate endpoint's body limit. */
const MAX_TRANSACTION_BYTES = 1_000_000
/** Finished runs kept in a ledger entry's history. */
const HISTORY_LENGTH = 20

export interface RunOptions {
  target: MigrateTarget
  migrationsDir: string
  /** Write the changes; otherwise a dry run that only reports them. */
  apply: boolean
  /** Run only these (folder names, or the part after the date); default: pending + recurring. */
  names?: readonly string[]
  /** Run named migrations again even when already applied. */
  rerun?: boolean
  now?: () => Date
  /** "Today" for date-driven migrations (`YYYY-MM-DD`); default: the date of `now()` in Sweden. */
  today?: string
  /** Documents per transaction. */
  batchSize?: number
  /** Folder for the backup taken before the first write; false = no backup. */
  backupDir?: string | false
  /** Validate the changed documents against the schema afterwards (default true). */
  validate?: boolean
  breakLock?: boolean
  waitMs?: number
  pollMs?: number
  onLockWait?: (holder: LockInfo) => void | Promise<void>
  /** Who runs (recorded in the lock and ledger). */
  holder?: string
  /** The command line, recorded in the lock. */
  command?: string
  log?: (line: string) => void
}

export interface DocumentPlan {
  /** The document the migration was visiting when it produced the mutations. */
  documentId: string | undefined
  documentType: string | undefined
  /** Mutations in Sanity's HTTP API format, as they are (or would be) sent. */
  mutations: Record<string, unknown>[]
  /** One line per operation, for people. */
  description: string[]
}

export interface MigrationResult {
  name: string
  title: string
  recurring: boolean
  outcome: 'applied' | 'dry-run' | 'skipped'
  reason?: string
  /** Documents changed (apply) or that would change (dry run). */
  documentsChanged: number
  transactions: number
  documents: DocumentPlan[]
  /** What the migration reported for people to look at, by document. */
  reports: {documentId?: string; message: string}[]
}

export interface RunReport {
  apply: boolean
  dataset: string
  today: string
  results: MigrationResult[]
  backupPath?: string
  validation?: ValidationReport
  changedDocumentIds: string[]
}

interface ResolvedSelection {
  selected: LoadedMigration[]
  skipped: {migration: LoadedMigration; reason: string}[]
}

/** Maps names given on the command line to migrations; unknown names are an error. */
export function resolveNames(
  all: readonly LoadedMigration[],
  names: readonly string[],
): LoadedMigration[] {
  const resolved: LoadedMigration[] = []
  for (const name of names) {
    const exact = all.find((migration) => migration.name === name)
    const bySuffix = all.filter((migration) => migration.name.slice(11) === name)
    const match = exact ?? (bySuffix.length === 1 ? bySuffix[0] : undefined)
    if (!match) {
      const known = all.map((migration) => migration.name).join(', ') || '(none)'
      throw new MigrateError(`Unknown migration "${name}". Known migrations: ${known}`)
    }
    if (!resolved.includes(match)) resolved.push(match)
  }
  return resolved.sort((a, b) => (a.name < b.name ? -1 : 1))
}

function select(
  all: readonly LoadedMigration[],
  named: readonly LoadedMigration[] | undefined,
  ledger: Map<string, LedgerEntry>,
  rerun: boolean,
): ResolvedSelection {
  const selection: ResolvedSelection = {selected: [], skipped: []}
  for (const migration of named ?? all) {
    const applied = isApplied(ledger.get(migration.name))
    if (!applied || migration.recurring || (named && rerun)) {
      selection.selected.push(migration)
    } else if (named) {
      selection.skipped.push({
        migration,
        reason: 'already applied (use --rerun to run it again)',
      })
    }
  }
  return selection
}

const isRunnerId = (id: string) => id.startsWith(RUNNER_ID_PREFIX) || id.startsWith('_.')

/** The documents a migration targets: its documentTypes, then its GROQ filter. */
async function readDocuments(
  target: MigrateTarget,
  loaded: LoadedMigration,
): Promise<SanityDocument[]> {
  const {migration} = loaded
  const types = migration.documentTypes?.length ? migration.documentTypes : undefined
  const documents: SanityDocument[] = []
  for await (const doc of exportDocuments(target, types)) {
    if (isRunnerId(doc._id)) continue
    if (types && !types.includes(doc._type)) continue
    documents.push(doc)
  }
  if (!migration.filter) return documents
  let tree: ReturnType<typeof parse>
  try {
    tree = parse(`*[${migration.filter}]._id`)
  } catch (error) {
    throw new MigrateError(
      `Migration "${loaded.name}": its filter is not valid GROQ (${migration.filter}): ${messageOf(error)}`,
    )
  }
  const ids = (await (await evaluate(tree, {dataset: documents})).get()) as string[]
  const keep = new Set(ids)
  return documents.filter((doc) => keep.has(doc._id))
}

function isTransaction(value: unknown): value is Transaction {
  return Boolean(value) && (value as {type?: unknown}).type === 'transaction'
}

interface Group {
  subject: SanityDocument | undefined
  mutations: Mutation[]
  /** A transaction the migration asked for: committed on its own. */
  own: boolean
  transactionId?: string
}

function encode(mutations: readonly Mutation[]): Record<string, unknown>[] {
  return SanityEncoder.encodeAll(mutations as never) as unknown as Record<string, unknown>[]
}

function planOf(group: Group): DocumentPlan {
  return {
    documentId: group.subject?._id,
    documentType: group.subject?._type,
    mutations: encode(group.mutations),
    description: group.mutations.flatMap(describeMutation),
  }
}

/** The id a raw mutation writes, and whether it only creates when missing. */
function targetOf(mutation: Record<string, unknown>): {id?: string; ifMissing: boolean} {
  const body = Object.values(mutation)[0] as {id?: unknown; _id?: unknown} | undefined
  const id =
    typeof body?.id === 'string' ? body.id : typeof body?._id === 'string' ? body._id : undefined
  return {id, ifMissing: 'createIfNotExists' in mutation}
}

interface ApplyState {
  client: SanityClient
  lock: LockHandle
  loaded: LoadedMigration
  entry: LedgerEntry | undefined
  run: LedgerRun
  begun: boolean
  /** Revisions of the documents as read; the first patch of each carries `ifRevisionID`. */
  revisions: Map<string, string>
  /** Documents this run has written already (their read revision is outdated). */
  written: Set<string>
  changedIds: Set<string>
  /** Each changed document as first read in this run, for the before/after validation. */
  snapshots: Map<string, SanityDocument>
  byId: ReadonlyMap<string, SanityDocument>
  ensureBackup: () => Promise<void>
  now: () => Date
}

async function commit(
  state: ApplyState,
  mutations: unknown[],
  transactionId: string = randomUUID(),
) {
  const fence = lockFencePatch(state.lock, state.now())
  try {
    await state.client.mutate([...mutations, fence] as never, {
      transactionId,
      autoGenerateArrayKeys: true,
      visibility: 'sync',
      returnDocuments: false,
    })
  } catch (error) {
    const description = describeClientError(error)
    if (statusCodeOf(error) === 409 && description.includes(LOCK_ID)) {
      throw new LockLostError(
        `The migration lock was taken over by another runner while "${state.loaded.name}" was ` +
          'running; stopped before writing anything more.',
      )
    }
    throw error
  }
  state.lock.rev = transactionId
}

function describeClientError(error: unknown): string {
  const body = (error as {response?: {body?: unknown}} | undefined)?.response?.body
  const details = body ? JSON.stringify(body) : ''
  return `${messageOf(error)}${details && !messageOf(error).includes(details) ? ` ${details}` : ''}`
}

function ledgerBase(state: ApplyState) {
  const {loaded} = state
  return {
    _id: ledgerIdFor(loaded.name),
    _type: LEDGER_TYPE,
    name: loaded.name,
    title: loaded.migration.title,
    recurring: loaded.recurring,
    status: 'running',
    totalDocumentsChanged: 0,
    runs: 0,
  }
}

async function begin(state: ApplyState): Promise<void> {
  if (state.begun) return
  const id = ledgerIdFor(state.loaded.name)
  await commit(state, [
    {createIfNotExists: ledgerBase(state)},
    {
      patch: {
        id,
        set: {
          title: state.loaded.migration.title,
          recurring: state.loaded.recurring,
          status: 'running',
          lastRun: state.run,
        },
      },
    },
  ])
  state.begun = true
}

async function commitBatch(state: ApplyState, batch: Group[]): Promise<number> {
  const raw: Record<string, unknown>[] = []
  for (const group of batch) raw.push(...encode(group.mutations))
  if (raw.length === 0) return 0
  const createIds = raw.filter((m) => targetOf(m).ifMissing).map((m) => targetOf(m).id!)
  const existing = new Set(
    createIds.length
      ? await state.client.fetch<string[]>('*[_id in $ids]._id', {ids: createIds})
      : [],
  )
  const changed = new Set<string>()
  const patchedNow = new Set<string>()
  for (const mutation of raw) {
    const {id, ifMissing} = targetOf(mutation)
    if (!id || isRunnerId(id)) continue
    if (!ifMissing || !existing.has(id)) changed.add(id)
    const patch = mutation.patch as Record<string, unknown> | undefined
    const revision = state.revisions.get(id)
    if (patch && revision && !state.written.has(id) && !patchedNow.has(id) && !patch.ifRevisionID) {
      // Fails the transaction if an editor changed the document since it was read.
      patch.ifRevisionID = revision
    }
    patchedNow.add(id)
  }
  if (changed.size > 0) await state.ensureBackup()
  await begin(state)
  const lastSubject = batch.at(-1)?.subject?._id
  const id = ledgerIdFor(state.loaded.name)
  const own = batch.length === 1 && batch[0]!.own ? batch[0]!.transactionId : undefined
  await commit(
    state,
    [
      ...raw,
      {
        patch: {
          id,
          inc: {
            'lastRun.documentsChanged': changed.size,
            'lastRun.transactions': 1,
            totalDocumentsChanged: changed.size,
          },
        },
      },
      ...(lastSubject ? [{patch: {id, set: {'lastRun.lastDocumentId': lastSubject}}}] : []),
    ],
    own,
  )
  for (const changedId of patchedNow) state.written.add(changedId)
  for (const changedId of changed) {
    state.changedIds.add(changedId)
    const snapshot = state.byId.get(changedId)
    if (snapshot && !state.snapshots.has(changedId)) state.snapshots.set(changedId, snapshot)
  }
  state.run.documentsChanged += changed.size
  state.run.transactions += 1
  return changed.size
}

function historyWith(entry: LedgerEntry | undefined, run: LedgerRun) {
  const previous = ((entry as {history?: unknown[]} | undefined)?.history ?? []).slice(
    -(HISTORY_LENGTH - 1),
  )
  const {runId, status, startedAt, finishedAt, today, checksum, documentsChanged, transactions} =
    run
  return [
    ...previous,
    {
      _key: runId.replace(/-/g, '').slice(0, 12),
      runId,
      status,
      startedAt,
      finishedAt,
      today,
      checksum,
      documentsChanged,
      transactions,
      ...(run.error ? {error: run.error, failedDocumentId: run.failedDocumentId} : {}),
    },
  ]
}

async function finish(state: ApplyState): Promise<void> {
  await begin(state)
  const at = state.now().toISOString()
  state.run = {...state.run, status: 'applied', finishedAt: at}
  const id = ledgerIdFor(state.loaded.name)
  await commit(state, [
    {
      patch: {
        id,
        setIfMissing: {firstAppliedAt: at},
        set: {
          status: 'applied',
          checksum: state.loaded.checksum,
          appliedAt: at,
          documentsChanged: state.run.documentsChanged,
          'lastRun.status': 'applied',
          'lastRun.finishedAt': at,
          history: historyWith(state.entry, state.run),
        },
        inc: {runs: 1},
      },
    },
  ])
}

async function recordFailure(
  state: ApplyState,
  error: string,
  failedDocumentId: string | undefined,
): Promise<void> {
  await begin(state)
  const at = state.now().toISOString()
  state.run = {
    ...state.run,
    status: 'failed',
    finishedAt: at,
    error,
    ...(failedDocumentId ? {failedDocumentId} : {}),
  }
  await commit(state, [
    {
      patch: {
        id: ledgerIdFor(state.loaded.name),
        set: {
          status: 'failed',
          'lastRun.status': 'failed',
          'lastRun.finishedAt': at,
          'lastRun.error': error,
          ...(failedDocumentId ? {'lastRun.failedDocumentId': failedDocumentId} : {}),
          history: historyWith(state.entry, state.run),
        },
      },
    },
  ])
}

function batchBytes(batch: readonly Group[]): number {
  return batch.reduce((sum, group) => sum + JSON.stringify(group.mutations).length, 0)
}

interface RunOneOptions {
  target: MigrateTarget
  loaded: LoadedMigration
  apply: boolean
  today: string
  now: () => Date
  batchSize: number
  lock?: LockHandle
  entry: LedgerEntry | undefined
  holder: string
  changedIds: Set<string>
  snapshots: Map<string, SanityDocument>
  ensureBackup: () => Promise<void>
  log: (line: string) => void
}

async function runOne(options: RunOneOptions): Promise<MigrationResult> {
  const {target, loaded, apply, log} = options
  const documents = await readDocuments(target, loaded)
  const result: MigrationResult = {
    name: loaded.name,
    title: loaded.migration.title,
    recurring: loaded.recurring,
    outcome: apply ? 'applied' : 'dry-run',
    documentsChanged: 0,
    transactions: 0,
    documents: [],
    reports: [],
  }
  const byId = new Map(documents.map((doc) => [doc._id, doc]))
  let current: SanityDocument | undefined
  async function* iterate(): AsyncGenerator<SanityDocument> {
    for (const doc of documents) {
      current = doc
      yield doc
    }
    current = undefined
  }
  const context: RunnerMigrationContext = {
    client: target.client as never,
    dryRun: !apply,
    filtered: {
      getDocument: async <T extends SanityDocument>(id: string) => byId.get(id) as T | undefined,
      getDocuments: async <T extends SanityDocument>(ids: string[]) =>
        ids.map((id) => byId.get(id)).filter((doc): doc is SanityDocument => !!doc) as T[],
    },
    today: options.today,
    now: options.now().toISOString(),
    migrationName: loaded.name,
    report: (message) => {
      result.reports.push({documentId: current?._id, message})
      log(`  report ${current?._id ?? '(no document)'}: ${message}`)
    },
  }
  const started = options.now().toISOString()
  const state: ApplyState | undefined =
    apply && options.lock
      ? {
          client: target.client,
          lock: options.lock,
          loaded,
          entry: options.entry,
          run: {
            runId: randomUUID(),
            status: 'running',
            startedAt: started,
            today: options.today,
            checksum: loaded.checksum,
            holder: options.holder,
            host: hostname(),
            pid: process.pid,
            documentsChanged: 0,
            transactions: 0,
          },
          begun: false,
          revisions: new Map(documents.map((doc) => [doc._id, doc._rev])),
          written: new Set(),
          changedIds: options.changedIds,
          snapshots: options.snapshots,
          byId,
          ensureBackup: options.ensureBackup,
          now: options.now,
        }
      : undefined

  let batch: Group[] = []
  const flush = async () => {
    if (!state || batch.length === 0) return
    const groups = batch
    batch = []
    try {
      result.documentsChanged += await commitBatch(state, groups)
      result.transactions += 1
    } catch (error) {
      if (error instanceof LockLostError) throw error
      const ids = [...new Set(groups.map((group) => group.subject?._id).filter(Boolean))]
      const conflict = statusCodeOf(error) === 409
      const message =
        `Migration "${loaded.name}": the transaction for ${ids.length ? ids.join(', ') : 'its documents'} ` +
        `was ${conflict ? 'rejected (a document changed since it was read, or a conflict)' : 'not committed'}: ` +
        describeClientError(error)
      await recordFailure(state, message, ids[0]).catch((recordError) =>
        log(`  could not record the failure in the ledger: ${messageOf(recordError)}`),
      )
      throw new MigrationFailedError(message, loaded.name, ids[0])
    }
  }

  const iterator = collectMigrationMutations(loaded.migration as Migration, iterate, context)
  for (;;) {
    let next: IteratorResult<unknown>
    try {
      next = await iterator.next()
    } catch (error) {
      const failedOn = current?._id
      const message =
        `Migration "${loaded.name}" failed` +
        (failedOn ? ` on document "${failedOn}"` : '') +
        `: ${messageOf(error)}`
      if (state) {
        // What the migration produced before the failing document is valid: commit it, so the
        // ledger's counts match the data and a rerun continues from there.
        await flush()
        await recordFailure(state, message, failedOn).catch((recordError) =>
          log(`  could not record the failure in the ledger: ${messageOf(recordError)}`),
        )
      }
      throw new MigrationFailedError(message, loaded.name, failedOn)
    }
    if (next.done) break
    const items = (Array.isArray(next.value) ? next.value : [next.value]) as (
      Mutation | Transaction
    )[]
    const plain = items.filter((item): item is Mutation => !isTransaction(item))
    const groups: Group[] = []
    if (plain.length) groups.push({subject: current, mutations: plain, own: false})
    for (const item of items.filter(isTransaction)) {
      groups.push({subject: current, mutations: item.mutations, own: true, transactionId: item.id})
    }
    for (const group of groups) {
      const plan = planOf(group)
      result.documents.push(plan)
      if (!apply) {
        log(`  ${plan.documentType ?? ''} ${plan.documentId ?? '(no document)'}`.trimEnd())
        for (const line of plan.description) log(`    ${line}`)
        continue
      }
      if (group.own) {
        await flush()
        batch = [group]
        await flush()
        continue
      }
      batch.push(group)
      if (batch.length >= options.batchSize || batchBytes(batch) > MAX_TRANSACTION_BYTES) {
        await flush()
      }
    }
  }
  if (state) {
    await flush()
    await finish(state)
  } else {
    result.documentsChanged = new Set(
      result.documents.flatMap((plan) =>
        plan.mutations
          .map((mutation) => targetOf(mutation).id)
          .filter((id): id is string => !!id && !isRunnerId(id)),
      ),
    ).size
  }
  return result
}

function defaultHolder(): string {
  try {
    return `${userInfo().username}@${hostname()}`
  } catch {
    return hostname()
  }
}

/** Runs the selected migrations against the target; throws MigrateError subclasses on failure. */
export async function runMigrations(options: RunOptions): Promise<RunReport> {
  const log = options.log ?? (() => undefined)
  const now = options.now ?? (() => new Date())
  const today = options.today ?? toIsoDate(now())
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new MigrateError(`--batch-size must be a whole number of at least 1 (got ${batchSize})`)
  }
  const holder = options.holder ?? defaultHolder()
  const {target, apply} = options

  const all = await loadMigrations(options.migrationsDir)
  const named = options.names?.length ? resolveNames(all, options.names) : undefined
  await assertDatasetExists(target)

  const lock = apply
    ? await acquireLock(target.client, {
        holder,
        command: options.command ?? 'migrate run --apply',
        now,
        breakLock: options.breakLock,
        waitMs: options.waitMs,
        pollMs: options.pollMs,
        onWait: options.onLockWait,
        log,
      })
    : undefined
  const report: RunReport = {
    apply,
    dataset: target.config.dataset,
    today,
    results: [],
    changedDocumentIds: [],
  }
  const changedIds = new Set<string>()
  const snapshots = new Map<string, SanityDocument>()
  try {
    const ledger = await readLedger(target.client)
    const {selected, skipped} = select(all, named, ledger, options.rerun ?? false)
    log(
      `${apply ? 'Applying' : 'Dry run (nothing is written)'} against the ${target.label}; ` +
        `today is ${today}.`,
    )
    for (const {migration, reason} of skipped) {
      log(`= ${migration.name}: skipped, ${reason}`)
      report.results.push({
        name: migration.name,
        title: migration.migration.title,
        recurring: migration.recurring,
        outcome: 'skipped',
        reason,
        documentsChanged: 0,
        transactions: 0,
        documents: [],
        reports: [],
      })
    }
    if (selected.length === 0) log('Nothing to run: every migration is applied.')
    const ensureBackup = async () => {
      if (report.backupPath !== undefined || options.backupDir === false) return
      const backup = await writeBackup(target, options.backupDir ?? '.backups', now())
      report.backupPath = backup.path
      log(`Backup of ${backup.documents} documents written to ${backup.path}`)
    }
    for (const loaded of selected) {
      const entry = ledger.get(loaded.name)
      const tags = [
        loaded.recurring ? 'recurring' : undefined,
        entry?.checksum && entry.checksum !== loaded.checksum
          ? 'source changed since applied'
          : undefined,
      ].filter(Boolean)
      log(
        `> ${loaded.name}: ${loaded.migration.title}${tags.length ? ` [${tags.join(', ')}]` : ''}`,
      )
      const result = await runOne({
        target,
        loaded,
        apply,
        today,
        now,
        batchSize,
        lock,
        entry,
        holder,
        changedIds,
        snapshots,
        ensureBackup,
        log,
      })
      report.results.push(result)
      log(
        apply
          ? `  applied: ${result.documentsChanged} document(s) changed in ${result.transactions} transaction(s)`
          : `  ${result.documentsChanged} document(s) would change`,
      )
    }
  } finally {
    report.changedDocumentIds = [...changedIds].sort()
    if (lock) {
      const released = await releaseLock(target.client, lock, now()).catch((error: unknown) => {
        log(`Could not release the migration lock: ${messageOf(error)}`)
        return true
      })
      if (!released) log('The migration lock had been taken over by another runner.')
    }
  }
  if (apply && options.validate !== false && report.changedDocumentIds.length > 0) {
    report.validation = await validateChangedDocuments(target, report.changedDocumentIds, snapshots)
    const {problems, checked} = report.validation
    const count = (level: string, introduced: boolean) =>
      problems.filter((p) => p.level === level && p.introduced === introduced).length
    log(
      `Validated ${checked} changed document(s) against the schema: ` +
        `${count('error', true)} new error(s), ${count('warning', true)} new warning(s); ` +
        `${count('error', false) + count('warning', false)} problem(s) they already had.`,
    )
    for (const problem of problems) {
      log(
        `  ${problem.introduced ? 'NEW ' : ''}${problem.level} ${problem.documentId} ` +
          `${problem.path || '(document)'}: ${problem.message}`,
      )
    }
  }
  return report
}
