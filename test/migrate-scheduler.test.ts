/**
 * The migration scheduler: a cron job (croner) whose ticks apply pending and recurring migrations.
 * The clock and the trigger are injected: no real waiting.
 */
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {SanityDocument} from '@sanity/client'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {toIsoDate} from '../domain/qmStatus.ts'
import {createTarget} from '../scripts/migrate/api.ts'
import {runMigrations, type RunReport} from '../scripts/migrate/engine.ts'
import {MigrateError} from '../scripts/migrate/errors.ts'
import {ledgerIdFor} from '../scripts/migrate/ledger.ts'
import {createScheduler} from '../scripts/migrate/scheduler.ts'
import {startTestLake, type TestLake} from '../testkit/lake.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const EXPIRED = '2026-12-03-mark-expired-interview-certifications'

let lake: TestLake

beforeAll(async () => {
  lake = await startTestLake()
})

afterAll(async () => {
  await lake?.stop()
})

async function seed(dataset: string) {
  const client = lake.client({dataset, perspective: 'raw'})
  const transaction = client.transaction()
  for (const line of readFileSync(join(root, 'test/fixtures/migrations/seed.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)) {
    transaction.createOrReplace(JSON.parse(line) as SanityDocument)
  }
  await transaction.commit({visibility: 'sync'})
  return client
}

describe('createScheduler', () => {
  it('fires the date-driven migration with the tick time as today, through croner', async () => {
    const client = await seed('sched1')
    const target = createTarget({
      apiHost: lake.url,
      projectId: 'test',
      dataset: 'sched1',
      token: lake.adminToken,
      apiVersion: '2025-02-19',
      isLocal: true,
    })
    const logs: string[] = []
    // 2025-06-01 in Sweden: qm-falun (valid until 2025-06-01) is on its last valid day.
    let clock = new Date('2025-06-01T08:00:00Z')
    const scheduler = createScheduler<RunReport>({
      cron: '0 3 * * *',
      now: () => clock,
      log: (line) => logs.push(line),
      runOnce: (at) =>
        runMigrations({
          target,
          migrationsDir: join(root, 'migrations'),
          apply: true,
          now: () => at,
          today: toIsoDate(at),
          backupDir: false,
          validate: false,
          log: (line) => logs.push(line),
        }),
    })
    try {
      // 03:00 in Stockholm is 01:00 UTC in summer.
      expect(scheduler.nextRun(new Date('2025-06-01T00:30:00Z'))?.toISOString()).toBe(
        '2025-06-01T01:00:00.000Z',
      )

      await scheduler.trigger()
      expect(scheduler.ticks.map((tick) => tick.status)).toEqual(['ok'])
      const interview = (id: string) =>
        client.getDocument(id) as Promise<{certificationExpired?: boolean}>
      expect((await interview('interview-falun')).certificationExpired).toBeUndefined()
      expect((await interview('interview-gavle')).certificationExpired).toBe(true)

      // The next night: qm-falun has expired, and only the recurring migration runs.
      clock = new Date('2025-06-02T01:00:00Z')
      await scheduler.trigger()
      expect(scheduler.ticks.map((tick) => tick.status)).toEqual(['ok', 'ok'])
      expect((await interview('interview-falun')).certificationExpired).toBe(true)
      const second = scheduler.ticks[1]
      expect(second?.status === 'ok' && second.result.results.map((r) => r.name)).toEqual([EXPIRED])
      expect(await client.getDocument(ledgerIdFor(EXPIRED))).toMatchObject({
        status: 'applied',
        runs: 2,
        lastRun: {today: '2025-06-02', documentsChanged: 1},
      })
      expect(logs.some((line) => line.includes('scheduled run starting'))).toBe(true)
    } finally {
      scheduler.stop()
    }
  })

  it('survives a failed run and runs again on the next tick', async () => {
    const logs: string[] = []
    let calls = 0
    const scheduler = createScheduler({
      cron: '*/5 * * * *',
      now: () => new Date('2026-12-01T02:00:00Z'),
      log: (line) => logs.push(line),
      runOnce: async () => {
        calls++
        if (calls === 1) throw new MigrateError('the lake is down')
        return 'fine'
      },
    })
    try {
      expect(await scheduler.tick()).toMatchObject({status: 'failed'})
      expect(await scheduler.tick()).toMatchObject({status: 'ok', result: 'fine'})
      expect(logs).toContain('[2026-12-01T02:00:00.000Z] scheduled run failed: the lake is down')
    } finally {
      scheduler.stop()
    }
  })

  it('skips a tick while the previous run is still going', async () => {
    let finish: () => void = () => undefined
    const scheduler = createScheduler({
      cron: '* * * * *',
      runOnce: () => new Promise<void>((resolve) => (finish = resolve)),
    })
    try {
      const first = scheduler.tick()
      expect(await scheduler.tick()).toMatchObject({status: 'skipped'})
      finish()
      expect(await first).toMatchObject({status: 'ok'})
    } finally {
      scheduler.stop()
    }
  })

  it('an invalid cron expression is a clear error', () => {
    expect(() => createScheduler({cron: 'every night', runOnce: () => Promise.resolve()})).toThrow(
      /^Invalid cron expression "every night"/,
    )
  })
})
