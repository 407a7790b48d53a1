/**
 * `npm run migrate -- <command>`: status, run, schedule. See migrations/README.md.
 */
import {resolve} from 'node:path'
import {parseArgs} from 'node:util'

import {ContentLakeConfigError, readScriptConfig} from '../../config/contentLake.ts'
import {toIsoDate} from '../../domain/qmStatus.ts'
import {assertDatasetExists, createTarget, type MigrateTarget} from './api.ts'
import {TODAY_ENV} from './context.ts'
import {listMigrationSources, loadMigration, type LoadedMigration} from './discover.ts'
import {runMigrations, type RunOptions, type RunReport} from './engine.ts'
import {MigrateError} from './errors.ts'
import {messageOf} from '../shared/errors.ts'
import {readLedger, statusRows, type MigrationStatusRow} from './ledger.ts'
import {describeLock, readLock} from './lock.ts'
import {createScheduler} from './scheduler.ts'

export const USAGE = `Usage: npm run migrate -- <command> [options]

Commands:
  status [--json]                 every migration: applied/pending, when, documents changed, checksum
  run [name...] [--apply]         dry run (default) or apply pending + recurring migrations, or the named ones
  schedule "<cron>"               apply pending + recurring migrations on a schedule (long-running)

Options:
  --apply                 write the changes (run); without it nothing is written
  --json                  machine-readable output (status, run)
  --rerun                 run named migrations again even when already applied
  --today YYYY-MM-DD      "today" for date-driven migrations (default: ${TODAY_ENV}, else the date in Sweden)
  --break-lock            take the lock from a runner that is gone
  --wait <seconds>        wait this long for another runner's lock (default 0: refuse at once)
  --batch-size <n>        documents per transaction (default 50)
  --backup-dir <dir>      where the pre-apply backup goes (default .backups)
  --no-backup             skip the backup
  --no-validate           skip validating changed documents against the schema
  --dir <dir>             the migrations folder (default migrations)
  --timezone <tz>         time zone of the cron expression (default Europe/Stockholm)
  --immediately           schedule: also run once at start

Target: SANITY_API_HOST, SANITY_PROJECT_ID, SANITY_DATASET, SANITY_API_TOKEN (config/contentLake.ts).`

export interface CliIo {
  env: Record<string, string | undefined>
  cwd: string
  out: (line: string) => void
  err: (line: string) => void
  now?: () => Date
  /** Resolves when a long-running command (schedule) should stop; default: SIGINT/SIGTERM. */
  stopSignal?: Promise<void>
}

const OPTIONS = {
  apply: {type: 'boolean'},
  json: {type: 'boolean'},
  rerun: {type: 'boolean'},
  today: {type: 'string'},
  'break-lock': {type: 'boolean'},
  wait: {type: 'string'},
  'batch-size': {type: 'string'},
  'backup-dir': {type: 'string'},
  'no-backup': {type: 'boolean'},
  'no-validate': {type: 'boolean'},
  dir: {type: 'string'},
  timezone: {type: 'string'},
  immediately: {type: 'boolean'},
  help: {type: 'boolean', short: 'h'},
} as const

type Flags = ReturnType<typeof parseFlags>['values']

function parseFlags(argv: string[]) {
  try {
    return parseArgs({args: argv, options: OPTIONS, allowPositionals: true, strict: true})
  } catch (error) {
    throw new MigrateError(`${messageOf(error)}\n\n${USAGE}`)
  }
}

function numberFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  const parsed = Number(value)
  if (!Number.isFinite(parsed) || parsed < 0) {
    throw new MigrateError(`--${name} must be a non-negative number (got "${value}")`)
  }
  return parsed
}

function todayFlag(flags: Flags, io: CliIo): string | undefined {
  const value = flags.today ?? io.env[TODAY_ENV]?.trim()
  if (!value) return undefined
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new MigrateError(`--today must be a date as YYYY-MM-DD (got "${value}")`)
  }
  try {
    return toIsoDate(value)
  } catch (error) {
    throw new MigrateError(`--today: ${messageOf(error)}`)
  }
}

function targetFrom(io: CliIo): MigrateTarget {
  try {
    return createTarget(readScriptConfig(io.env))
  } catch (error) {
    if (error instanceof ContentLakeConfigError) throw new MigrateError(error.message)
    throw error
  }
}

function shortSum(checksum: string | undefined): string {
  return checksum ? checksum.slice(0, 12) : '-'
}

interface StatusRowWithError extends MigrationStatusRow {
  loadError?: string
}

async function statusCommand(flags: Flags, io: CliIo): Promise<number> {
  const dir = resolve(io.cwd, flags.dir ?? 'migrations')
  const target = targetFrom(io)
  const sources = listMigrationSources(dir)
  const loaded: (LoadedMigration | (typeof sources)[number])[] = []
  const loadErrors = new Map<string, string>()
  for (const source of sources) {
    try {
      loaded.push(await loadMigration(source))
    } catch (error) {
      loadErrors.set(source.name, messageOf(error))
      loaded.push(source)
    }
  }
  await assertDatasetExists(target)
  const [ledger, lock] = [await readLedger(target.client), await readLock(target.client)]
  const rows: StatusRowWithError[] = statusRows(loaded, ledger).map((row) =>
    loadErrors.has(row.name) ? {...row, loadError: loadErrors.get(row.name)} : row,
  )
  const orphans = [...ledger.keys()].filter((name) => !sources.some((s) => s.name === name))
  const now = io.now?.() ?? new Date()
  if (flags.json) {
    io.out(
      JSON.stringify(
        {
          dataset: target.config.dataset,
          migrationsDir: dir,
          migrations: rows,
          orphans,
          lock: lock
            ? {
                holder: lock.holder,
                pid: lock.pid,
                host: lock.host,
                command: lock.command,
                acquiredAt: lock.acquiredAt,
                heartbeatAt: lock.heartbeatAt,
              }
            : null,
        },
        null,
        2,
      ),
    )
  } else {
    io.out(`Migrations in ${dir} for the ${target.label}:`)
    if (rows.length === 0) io.out('  (no migrations)')
    for (const row of rows) {
      const state = row.loadError ? 'ERROR' : row.state
      const docs = row.documentsChanged === undefined ? '-' : String(row.documentsChanged)
      io.out(
        `  ${state.padEnd(8)} ${row.name.padEnd(48)} ${(row.appliedAt ?? '-').padEnd(24)} ` +
          `${docs.padStart(5)} docs  sha256 ${shortSum(row.checksum)}` +
          `${row.recurring ? '  (recurring)' : ''}`,
      )
      if (row.loadError) io.out(`           ! ${row.loadError}`)
      if (row.sourceChanged) {
        io.out(
          `           ! source changed since it was applied ` +
            `(applied ${shortSum(row.appliedChecksum)}, now ${shortSum(row.checksum)})`,
        )
      }
      if (row.lastRunStatus === 'failed') io.out(`           ! last run failed: ${row.error ?? ''}`)
      if (row.lastRunStatus === 'running') {
        io.out('           ! a run is under way, or was interrupted (the next run continues it)')
      }
    }
    for (const name of orphans) io.out(`  ledger   ${name}: recorded, but its folder is gone`)
    io.out(lock ? `Lock: held by ${describeLock(lock, now)}` : 'Lock: free')
  }
  return loadErrors.size > 0 ? 1 : 0
}

function runOptionsFrom(flags: Flags, io: CliIo, target: MigrateTarget, command: string) {
  const batchSize = numberFlag(flags['batch-size'], 'batch-size')
  const options: Omit<RunOptions, 'apply'> = {
    target,
    migrationsDir: resolve(io.cwd, flags.dir ?? 'migrations'),
    rerun: flags.rerun ?? false,
    batchSize,
    backupDir: flags['no-backup'] ? false : resolve(io.cwd, flags['backup-dir'] ?? '.backups'),
    validate: !flags['no-validate'],
    breakLock: flags['break-lock'] ?? false,
    waitMs: (numberFlag(flags.wait, 'wait') ?? 0) * 1000,
    command,
    log: flags.json ? () => undefined : io.out,
    ...(io.now ? {now: io.now} : {}),
  }
  return options
}

function exitCodeFor(report: RunReport): number {
  return report.validation?.problems.some((p) => p.level === 'error' && p.introduced) ? 2 : 0
}

async function runCommand(names: string[], flags: Flags, io: CliIo): Promise<number> {
  const target = targetFrom(io)
  const apply = flags.apply ?? false
  const today = todayFlag(flags, io)
  const report = await runMigrations({
    ...runOptionsFrom(
      flags,
      io,
      target,
      `migrate run ${names.join(' ')}${apply ? ' --apply' : ''}`,
    ),
    apply,
    names,
    ...(today ? {today} : {}),
  })
  if (flags.json) io.out(JSON.stringify(report, null, 2))
  const code = exitCodeFor(report)
  if (code !== 0 && !flags.json) {
    io.err(
      'Applied, but the run left new schema validation errors (NEW, listed above); fix them in the Studio.',
    )
  }
  return code
}

function waitForSignal(): Promise<void> {
  return new Promise((resolveStop) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolveStop()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}

async function scheduleCommand(positionals: string[], flags: Flags, io: CliIo): Promise<number> {
  const [cron, ...rest] = positionals
  if (!cron || rest.length > 0) {
    throw new MigrateError(
      'schedule needs one cron expression, quoted, e.g. npm run migrate -- schedule "0 3 * * *"',
    )
  }
  if (flags.today) throw new MigrateError('--today cannot be used with schedule')
  const target = targetFrom(io)
  const base = runOptionsFrom(flags, io, target, `migrate schedule "${cron}"`)
  const scheduler = createScheduler({
    cron,
    ...(flags.timezone ? {timezone: flags.timezone} : {}),
    ...(io.now ? {now: io.now} : {}),
    log: io.out,
    runOnce: (at) =>
      runMigrations({...base, apply: true, now: () => at, today: toIsoDate(at)}).then((report) => {
        if (exitCodeFor(report) !== 0) {
          io.err('Applied, but the run left new schema validation errors (NEW, listed above).')
        }
        return report
      }),
  })
  const stop = io.stopSignal ?? waitForSignal()
  scheduler.start()
  if (flags.immediately) void scheduler.tick()
  await stop
  scheduler.stop()
  io.out('Stopping: waiting for the run under way (if any) to finish...')
  await scheduler.idle()
  return 0
}

/** Runs one command; returns the exit code. Errors are printed as one line, never a stack. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    const {values: flags, positionals} = parseFlags(argv)
    const [command, ...rest] = positionals
    if (flags.help || !command || command === 'help') {
      io.out(USAGE)
      return command || flags.help ? 0 : 1
    }
    switch (command) {
      case 'status':
        if (rest.length > 0) throw new MigrateError(`status takes no names (got ${rest.join(' ')})`)
        return await statusCommand(flags, io)
      case 'run':
        return await runCommand(rest, flags, io)
      case 'schedule':
        return await scheduleCommand(rest, flags, io)
      default:
        throw new MigrateError(`Unknown command "${command}"\n\n${USAGE}`)
    }
  } catch (error) {
    io.err(`migrate: ${messageOf(error)}`)
    if (!(error instanceof MigrateError) && io.env.MIGRATE_DEBUG) {
      io.err(error instanceof Error ? (error.stack ?? '') : '')
    }
    return 1
  }
}
