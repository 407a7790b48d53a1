/**
 * Runs migrations on a cron schedule (croner). Every tick runs `runOnce` with the tick's time; a
 * failed run is logged and the schedule goes on. Ticks never overlap: a tick that comes while the
 * previous run is still going is skipped.
 */
import {Cron} from 'croner'

import {QM_TIME_ZONE} from '../../domain/qmStatus.ts'
import {MigrateError} from './errors.ts'
import {messageOf} from '../shared/errors.ts'

export interface SchedulerOptions<T> {
  cron: string
  /** Time zone the cron expression is read in; default Europe/Stockholm. */
  timezone?: string
  /** The clock; injectable for tests. */
  now?: () => Date
  /** One scheduled run, for the tick's time. */
  runOnce: (at: Date) => Promise<T>
  log?: (line: string) => void
}

export type TickResult<T> =
  | {status: 'ok'; at: Date; result: T}
  | {status: 'failed'; at: Date; error: unknown}
  | {status: 'skipped'; at: Date}

export interface Scheduler<T> {
  /** Starts firing on the schedule. */
  start(): void
  /** Stops the schedule; a run under way finishes. */
  stop(): void
  /** One run now, as a tick would do it (the test hook, and `--immediately`). */
  tick(): Promise<TickResult<T>>
  /** Fires the cron job now, through croner, as the schedule would. */
  trigger(): Promise<void>
  /** The next time the schedule fires after `from` (default: now). */
  nextRun(from?: Date): Date | null
  /** Resolves when the run under way (if any) has finished. */
  idle(): Promise<void>
  readonly ticks: TickResult<T>[]
}

export function createScheduler<T>(options: SchedulerOptions<T>): Scheduler<T> {
  const now = options.now ?? (() => new Date())
  const log = options.log ?? (() => undefined)
  const timezone = options.timezone ?? QM_TIME_ZONE
  let running: Promise<TickResult<T>> | undefined
  const ticks: TickResult<T>[] = []

  const tick = async (): Promise<TickResult<T>> => {
    const at = now()
    if (running) {
      log(`[${at.toISOString()}] previous run still going; this tick is skipped`)
      const skipped: TickResult<T> = {status: 'skipped', at}
      ticks.push(skipped)
      return skipped
    }
    running = (async (): Promise<TickResult<T>> => {
      log(`[${at.toISOString()}] scheduled run starting`)
      try {
        const result = await options.runOnce(at)
        log(`[${now().toISOString()}] scheduled run finished`)
        return {status: 'ok', at, result}
      } catch (error) {
        log(`[${now().toISOString()}] scheduled run failed: ${messageOf(error)}`)
        return {status: 'failed', at, error}
      }
    })()
    try {
      const result = await running
      ticks.push(result)
      return result
    } finally {
      running = undefined
    }
  }

  let job: Cron
  try {
    job = new Cron(options.cron, {paused: true, timezone, catch: true}, async () => {
      await tick()
    })
  } catch (error) {
    throw new MigrateError(`Invalid cron expression "${options.cron}": ${messageOf(error)}`)
  }

  return {
    start() {
      job.resume()
      const next = job.nextRun(now())
      log(
        `Scheduled "${options.cron}" (${timezone}); next run ${next ? next.toISOString() : 'never'}`,
      )
    },
    stop() {
      job.stop()
    },
    tick,
    trigger: () => job.trigger(),
    nextRun: (from = now()) => job.nextRun(from),
    async idle() {
      await running
    },
    ticks,
  }
}
