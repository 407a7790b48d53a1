/**
 * What the runner adds to the context `sanity/migrate` passes to every migrate function, and the
 * helper migrations use to ask for "today" (so date-driven migrations can be tested with a fixed
 * clock and re-run by the scheduler with the date of the tick).
 */
import type {MigrationContext} from 'sanity/migrate'

import {toIsoDate} from '../../domain/qmStatus.ts'

/** Environment variable that fixes "today" (`YYYY-MM-DD`) when no runner context provides it. */
export const TODAY_ENV = 'MIGRATE_TODAY'

export interface RunnerMigrationContext extends MigrationContext {
  /** The calendar date (`YYYY-MM-DD`, Swedish time) the run is for. */
  today: string
  /** The instant the run started, ISO 8601. */
  now: string
  /** The migration's folder name. */
  migrationName: string
  /**
   * Reports something about the document being migrated that a person has to look at (e.g. a
   * value the migration cannot map and leaves alone). Printed under the document and returned in
   * the run's results, in dry runs and applying runs alike.
   */
  report: (message: string) => void
}

function isRunnerContext(context: MigrationContext): context is RunnerMigrationContext {
  return typeof (context as Partial<RunnerMigrationContext>).today === 'string'
}

/**
 * Reports a finding about the current document through the runner (see
 * RunnerMigrationContext.report); under Sanity's own CLI it is printed to stderr.
 */
export function reportFinding(context: MigrationContext, message: string): void {
  if (isRunnerContext(context)) context.report(message)
  else console.warn(message)
}

/**
 * "Today" for a date-driven migration: the runner's injected date; otherwise (e.g. under Sanity's own
 * `sanity migration run`) `MIGRATE_TODAY`, otherwise the real date in Sweden.
 */
export function migrationToday(context: MigrationContext): string {
  if (isRunnerContext(context)) return context.today
  const fromEnv = process.env[TODAY_ENV]?.trim()
  return toIsoDate(fromEnv ? fromEnv : new Date())
}
