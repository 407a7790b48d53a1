/**
 * The migration runner against a real lake seeded with test/fixtures/migrations/seed.ndjson:
 * status, dry run, apply, idempotence, ledger on failure, the lock, and clear errors.
 */
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {SanityClient, SanityDocument} from '@sanity/client'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createTarget} from '../scripts/migrate/api.ts'
import {main} from '../scripts/migrate/cli.ts'
import {LockHeldError} from '../scripts/migrate/errors.ts'
import {ledgerIdFor, LOCK_ID, type LedgerEntry} from '../scripts/migrate/ledger.ts'
import {acquireLock, releaseLock} from '../scripts/migrate/lock.ts'
import {startTestLake, type TestLake} from '../testkit/lake.ts'
import {changedBetween, revisions} from './helpers/revisions.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const fixtures = join(root, 'test', 'fixtures', 'migrations')
const TODAY = '2026-12-01'

const BACKFILL = '2026-12-01-backfill-valid-until'
const ORGANIZATIONS = '2026-12-02-person-organization-reference'
const EXPIRED = '2026-12-03-mark-expired-interview-certifications'
const CONTACTS = '2026-12-04-interview-contacts-list'
const SECTIONS = '2026-12-05-criteria-sections'

let lake: TestLake
let scratch: string
let datasetCounter = 0

beforeAll(async () => {
  lake = await startTestLake()
  scratch = mkdtempSync(join(tmpdir(), 'migrate-test-'))
})

afterAll(async () => {
  await lake?.stop()
  if (scratch) rmSync(scratch, {recursive: true, force: true})
})

function seedDocuments(): SanityDocument[] {
  return readFileSync(join(fixtures, 'seed.ndjson'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as SanityDocument)
}

/** A fresh dataset with the seed documents; returns its name and a client for it. */
async function seededDataset(): Promise<{dataset: string; client: SanityClient}> {
  const dataset = `mig${++datasetCounter}`
  const client = lake.client({dataset, perspective: 'raw'})
  const transaction = client.transaction()
  for (const doc of seedDocuments()) transaction.createOrReplace(doc)
  await transaction.commit({visibility: 'sync'})
  return {dataset, client}
}

function envFor(dataset: string): Record<string, string> {
  return {
    SANITY_API_HOST: lake.url,
    SANITY_PROJECT_ID: 'test',
    SANITY_DATASET: dataset,
    SANITY_API_TOKEN: lake.adminToken,
    MIGRATE_TODAY: TODAY,
  }
}

interface CliResult {
  code: number
  out: string
  err: string
}

async function migrate(dataset: string, ...args: string[]): Promise<CliResult> {
  const out: string[] = []
  const err: string[] = []
  const backups = join(scratch, 'backups', dataset)
  const code = await main([...args, '--backup-dir', backups], {
    env: envFor(dataset),
    cwd: root,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  })
  return {code, out: out.join('\n'), err: err.join('\n')}
}

async function statusJson(dataset: string, ...args: string[]) {
  const {code, out, err} = await migrate(dataset, 'status', '--json', ...args)
  expect(err).toBe('')
  return {
    code,
    status: JSON.parse(out) as {
      migrations: {
        name: string
        state: string
        recurring: boolean
        documentsChanged?: number
        appliedAt?: string
        checksum: string
        sourceChanged: boolean
        lastRunStatus?: string
        error?: string
        failedDocumentId?: string
      }[]
      lock: unknown
    },
  }
}

describe('status', () => {
  it('lists every migration as pending on a fresh dataset, with a sha256 of its source', async () => {
    const {dataset} = await seededDataset()
    const {code, status} = await statusJson(dataset)
    expect(code).toBe(0)
    expect(status.migrations.map((m) => [m.name, m.state, m.recurring])).toEqual([
      [BACKFILL, 'pending', false],
      [ORGANIZATIONS, 'pending', false],
      [EXPIRED, 'pending', true],
      [CONTACTS, 'pending', false],
      [SECTIONS, 'pending', false],
    ])
    for (const migration of status.migrations) expect(migration.checksum).toMatch(/^[0-9a-f]{64}$/)
    expect(status.lock).toBeNull()

    const text = await migrate(dataset, 'status')
    expect(text.out).toContain(`pending  ${BACKFILL}`)
    expect(text.out).toContain('Lock: free')
  })
})

describe('run', () => {
  it('dry run prints each document patch and writes nothing', async () => {
    const {dataset, client} = await seededDataset()
    const before = await revisions(client)
    const {code, out, err} = await migrate(dataset, 'run')
    expect(err).toBe('')
    expect(code).toBe(0)
    expect(out).toContain('Dry run')
    expect(out).toContain('patch qm-gavle: validUntil set "2023-03-15"')
    expect(out).toContain('patch qm-leap: validUntil set "2027-02-28"')
    expect(out).toContain('createIfNotExists organization-umea-centrum')
    expect(out).toContain('patch person-anna: organization set')
    expect(out).toContain('patch interview-falun: certificationExpired set true')
    expect(out).toContain('patch interview-renewed: certificationExpired unset')
    expect(await revisions(client)).toEqual(before)
    expect(await client.getDocument(ledgerIdFor(BACKFILL))).toBeUndefined()
    expect(await client.getDocument(LOCK_ID)).toBeUndefined()
    expect((await statusJson(dataset)).status.migrations.every((m) => m.state === 'pending')).toBe(
      true,
    )
  })

  it('--json dry run reports the raw mutations per document', async () => {
    const {dataset} = await seededDataset()
    const {code, out} = await migrate(dataset, 'run', BACKFILL, '--json')
    expect(code).toBe(0)
    const report = JSON.parse(out) as {
      results: {name: string; documents: {documentId: string; mutations: unknown[]}[]}[]
    }
    expect(report.results[0]!.documents).toEqual([
      {
        documentId: 'qm-gavle',
        documentType: 'qmCertification',
        mutations: [{patch: {id: 'qm-gavle', set: {validUntil: '2023-03-15'}}}],
        description: ['patch qm-gavle: validUntil set "2023-03-15"'],
      },
      expect.objectContaining({documentId: 'qm-leap'}),
      expect.objectContaining({documentId: 'qm-umea'}),
    ])
  })

  it('--apply changes exactly the expected documents, records them, and a second apply changes nothing', async () => {
    const {dataset, client} = await seededDataset()
    const before = await revisions(client)

    const first = await migrate(dataset, 'run', '--apply', '--batch-size', '2')
    expect(first.code, first.out + first.err).toBe(2) // applied; created organisation lacks `kind`
    const afterFirst = await revisions(client)
    expect(changedBetween(before, afterFirst)).toEqual([
      'interview-falun',
      'interview-gavle',
      'interview-renewed',
      'organization-umea-centrum',
      'person-anna',
      'person-bo',
      'person-cecilia',
      'person-david',
      'qm-gavle',
      'qm-leap',
      'qm-umea',
    ])

    // The content is what the migrations promise.
    const get = (id: string) => client.getDocument(id) as Promise<Record<string, unknown>>
    expect((await get('qm-gavle')).validUntil).toBe('2023-03-15')
    expect((await get('qm-leap')).validUntil).toBe('2027-02-28')
    expect((await get('qm-falun')).validUntil).toBe('2025-06-01')
    expect(await get('person-anna')).toMatchObject({
      organization: {_type: 'reference', _ref: 'organization-gavle-city'},
    })
    expect((await get('person-anna')).organizationName).toBeUndefined()
    expect((await get('person-bo')).organization).toEqual({
      _type: 'reference',
      _ref: 'organization-umea-centrum',
    })
    expect((await get('person-cecilia')).organization).toMatchObject({
      _ref: 'organization-umea-centrum',
    })
    expect(await get('person-david')).toMatchObject({
      organization: {_ref: 'organization-svenska-stadskarnor'},
    })
    expect((await get('person-david')).organizationName).toBeUndefined()
    expect(await get('organization-umea-centrum')).toMatchObject({
      _type: 'organization',
      name: 'Umeå Centrum',
      slug: {current: 'umea-centrum'},
    })
    expect((await get('interview-gavle')).certificationExpired).toBe(true)
    expect((await get('interview-falun')).certificationExpired).toBe(true)
    expect((await get('interview-umea')).certificationExpired).toBeUndefined()
    expect((await get('interview-renewed')).certificationExpired).toBeUndefined()

    // Backup taken before the first write, path printed.
    const backups = readdirSync(join(scratch, 'backups', dataset))
    expect(backups).toHaveLength(1)
    expect(backups[0]).toMatch(new RegExp(`^${dataset}-.*\\.ndjson$`))
    expect(first.out).toContain(join(scratch, 'backups', dataset, backups[0]!))
    const backedUp = readFileSync(join(scratch, 'backups', dataset, backups[0]!), 'utf8')
    expect(backedUp).toContain('"organizationName":"Umeå Centrum"')

    // Validation of the changed documents ran and reported the new organisation's missing kind.
    expect(first.out).toMatch(/Validated \d+ changed document\(s\)/)
    expect(first.out).toContain(
      'NEW error organization-umea-centrum kind: Välj vilken typ av organisation det är.',
    )
    // interview.certificationExpired is in the schema, so the recurring migration adds no warnings.
    expect(first.out).toContain('1 new error(s), 0 new warning(s)')

    // The ledger records each migration with its document count.
    const {status} = await statusJson(dataset)
    expect(status.migrations.map((m) => [m.name, m.state, m.documentsChanged])).toEqual([
      [BACKFILL, 'applied', 3],
      [ORGANIZATIONS, 'applied', 5],
      [EXPIRED, 'applied', 3],
      [CONTACTS, 'applied', 0],
      [SECTIONS, 'applied', 0],
    ])
    const entry = (await client.getDocument(ledgerIdFor(BACKFILL))) as unknown as LedgerEntry
    expect(entry).toMatchObject({
      _type: 'migration.ledgerEntry',
      status: 'applied',
      totalDocumentsChanged: 3,
      runs: 1,
      lastRun: {status: 'applied', documentsChanged: 3, transactions: 2, today: TODAY},
    })
    expect(await lake.client({dataset, token: null}).getDocument(ledgerIdFor(BACKFILL))).toBe(
      undefined,
    )
    expect(await client.getDocument(LOCK_ID)).toMatchObject({state: 'free'})

    // Second apply: only the recurring migration runs, and it changes nothing.
    const second = await migrate(dataset, 'run', '--apply')
    expect(second.code, second.out + second.err).toBe(0)
    expect(second.out).toContain(`> ${EXPIRED}`)
    expect(second.out).not.toContain(`> ${BACKFILL}`)
    expect(second.out).toContain('applied: 0 document(s) changed')
    expect(changedBetween(afterFirst, await revisions(client))).toEqual([])
    expect(readdirSync(join(scratch, 'backups', dataset))).toHaveLength(1)

    // Naming an applied migration skips it, unless --rerun; rerunning changes nothing either.
    const named = await migrate(dataset, 'run', 'backfill-valid-until', '--apply')
    expect(named.out).toContain('skipped, already applied')
    const rerun = await migrate(dataset, 'run', BACKFILL, ORGANIZATIONS, '--apply', '--rerun')
    expect(rerun.code).toBe(0)
    expect(changedBetween(afterFirst, await revisions(client))).toEqual([])
  })

  it('a migration that throws stops the run with its name and document; the ledger stays consistent and a rerun continues', async () => {
    const {dataset, client} = await seededDataset()
    await client.patch('person-cecilia').set({explode: true}).commit({visibility: 'sync'})
    const dir = join(fixtures, 'failing')
    const failed = await migrate(dataset, 'run', '--apply', '--dir', dir, '--batch-size', '1')
    expect(failed.code).toBe(1)
    expect(failed.err).toBe(
      'migrate: Migration "2026-01-02-explodes-on-marked-person" failed on document ' +
        '"person-cecilia": this person cannot be nicknamed',
    )
    expect(failed.err).not.toContain('    at ')

    const people = await client.fetch<{_id: string; nickname?: string; afterFailure?: boolean}[]>(
      '*[_type == "person"] | order(_id asc){_id, nickname, afterFailure}',
    )
    expect(people.map((p) => [p._id, p.nickname ?? null, p.afterFailure ?? null])).toEqual([
      ['person-anna', 'Anna', null],
      ['person-bo', 'Bo', null],
      ['person-cecilia', null, null],
      ['person-david', null, null],
      ['person-erik', null, null],
    ])
    const entry = (await client.getDocument(
      ledgerIdFor('2026-01-02-explodes-on-marked-person'),
    )) as unknown as LedgerEntry
    expect(entry).toMatchObject({
      status: 'failed',
      totalDocumentsChanged: 2,
      lastRun: {status: 'failed', documentsChanged: 2, failedDocumentId: 'person-cecilia'},
    })
    expect(entry.appliedAt).toBeUndefined()
    expect(await client.getDocument(ledgerIdFor('2026-01-03-after-the-failure'))).toBeUndefined()
    const {status} = await statusJson(dataset, '--dir', dir)
    expect(status.migrations.map((m) => [m.state, m.lastRunStatus ?? null])).toEqual([
      ['applied', 'applied'],
      ['pending', 'failed'],
      ['pending', null],
    ])
    expect(status.migrations[1]!.failedDocumentId).toBe('person-cecilia')
    expect((await client.getDocument(LOCK_ID))?.state).toBe('free')

    // The data is fixed; the rerun continues where it stopped.
    await client.patch('person-cecilia').unset(['explode']).commit({visibility: 'sync'})
    const rerun = await migrate(dataset, 'run', '--apply', '--dir', dir)
    expect(rerun.code, rerun.out + rerun.err).toBe(0)
    const after = (await client.getDocument(
      ledgerIdFor('2026-01-02-explodes-on-marked-person'),
    )) as unknown as LedgerEntry
    expect(after).toMatchObject({
      status: 'applied',
      documentsChanged: 3,
      totalDocumentsChanged: 5,
      runs: 1,
    })
    expect(
      await client.fetch('count(*[_type == "person" && defined(nickname) && afterFailure])'),
    ).toBe(5)
  })

  it('flags a migration whose source changed after it ran', async () => {
    const {dataset} = await seededDataset()
    const dir = join(scratch, 'changing')
    const folder = join(dir, '2026-02-01-flag-cities')
    mkdirSync(folder, {recursive: true})
    const source = (value: string) =>
      `export default {\n  title: 'Flag cities',\n  documentTypes: ['city'],\n` +
      `  migrate: {document: (doc) => (doc.flag === '${value}' ? [] : [{patch: {id: doc._id, set: {flag: '${value}'}}}])},\n}\n`
    writeFileSync(join(folder, 'index.ts'), source('a'))
    const applied = await migrate(dataset, 'run', '--apply', '--dir', dir)
    expect(applied.code, applied.out + applied.err).toBe(0)
    const before = (await statusJson(dataset, '--dir', dir)).status.migrations[0]!
    expect(before).toMatchObject({state: 'applied', documentsChanged: 1, sourceChanged: false})

    writeFileSync(join(folder, 'index.ts'), source('b'))
    const after = (await statusJson(dataset, '--dir', dir)).status.migrations[0]!
    expect(after.state).toBe('applied')
    expect(after.sourceChanged).toBe(true)
    expect(after.checksum).not.toBe(before.checksum)
    const text = await migrate(dataset, 'status', '--dir', dir)
    expect(text.out).toContain('source changed since it was applied')
  })
})

describe('the lock', () => {
  it('of two runners racing for the lock exactly one wins', async () => {
    const {dataset} = await seededDataset()
    const {client} = createTarget({
      apiHost: lake.url,
      projectId: 'test',
      dataset,
      token: lake.adminToken,
      apiVersion: '2025-02-19',
      isLocal: true,
    })
    const results = await Promise.allSettled([
      acquireLock(client, {holder: 'runner-a', command: 'a'}),
      acquireLock(client, {holder: 'runner-b', command: 'b'}),
      acquireLock(client, {holder: 'runner-c', command: 'c'}),
    ])
    const won = results.filter((r) => r.status === 'fulfilled')
    const lost = results.filter((r) => r.status === 'rejected')
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(2)
    for (const result of lost) expect(result.reason).toBeInstanceOf(LockHeldError)
  })

  it('an applying runner refuses while another holds the lock, can wait for it, or break it', async () => {
    const {dataset, client} = await seededDataset()
    const target = createTarget({
      apiHost: lake.url,
      projectId: 'test',
      dataset,
      token: lake.adminToken,
      apiVersion: '2025-02-19',
      isLocal: true,
    })
    const other = await acquireLock(target.client, {holder: 'nightly@ci', command: 'run --apply'})
    const before = await revisions(client)

    const refused = await migrate(dataset, 'run', '--apply')
    expect(refused.code).toBe(1)
    expect(refused.err).toMatch(
      /^migrate: Another migration runner holds the lock on this dataset: nightly@ci \(pid \d+ on .+, running "run --apply"\) since .*--break-lock/,
    )
    expect(await revisions(client)).toEqual(before)
    expect((await migrate(dataset, 'status')).out).toContain('Lock: held by nightly@ci')

    // A dry run needs no lock.
    expect((await migrate(dataset, 'run')).code).toBe(0)

    // Waiting: the other runner finishes while we wait.
    const {runMigrations} = await import('../scripts/migrate/engine.ts')
    let waits = 0
    const waited = await runMigrations({
      target,
      migrationsDir: join(root, 'migrations'),
      apply: true,
      names: [BACKFILL],
      today: TODAY,
      backupDir: false,
      validate: false,
      waitMs: 10_000,
      pollMs: 1,
      onLockWait: async (holder) => {
        expect(holder.holder).toBe('nightly@ci')
        waits++
        await releaseLock(target.client, other)
      },
    })
    expect(waits).toBe(1)
    expect(waited.results[0]).toMatchObject({outcome: 'applied', documentsChanged: 3})

    // Breaking a stale lock.
    await acquireLock(target.client, {holder: 'crashed@laptop', command: 'run --apply'})
    const broken = await migrate(dataset, 'run', '--apply', '--break-lock', '--no-validate')
    expect(broken.code, broken.err).toBe(0)
    expect(broken.out).toContain('Breaking the lock held by crashed@laptop')
    expect(await client.getDocument(LOCK_ID)).toMatchObject({
      state: 'free',
      brokenFrom: {holder: 'crashed@laptop'},
    })
  })

  it('a runner whose lock was broken cannot write any more', async () => {
    const {dataset, client} = await seededDataset()
    const target = createTarget({
      apiHost: lake.url,
      projectId: 'test',
      dataset,
      token: lake.adminToken,
      apiVersion: '2025-02-19',
      isLocal: true,
    })
    const mine = await acquireLock(target.client, {holder: 'me', command: 'x'})
    await acquireLock(target.client, {holder: 'thief', command: 'y', breakLock: true})
    expect(await releaseLock(target.client, mine)).toBe(false)
    expect(await client.getDocument(LOCK_ID)).toMatchObject({state: 'held', holder: 'thief'})
  })
})

describe('bad input', () => {
  it('an unknown migration name is a clear error', async () => {
    const {dataset} = await seededDataset()
    const {code, err} = await migrate(dataset, 'run', 'no-such-migration')
    expect(code).toBe(1)
    expect(err).toBe(
      `migrate: Unknown migration "no-such-migration". Known migrations: ${BACKFILL}, ${ORGANIZATIONS}, ${EXPIRED}, ${CONTACTS}, ${SECTIONS}`,
    )
  })

  it('a dataset that does not exist is a clear error, and nothing creates it', async () => {
    for (const args of [['status'], ['run'], ['run', '--apply']]) {
      const {code, err} = await migrate('does-not-exist', ...args)
      expect(code).toBe(1)
      expect(err).toBe(
        `migrate: The dataset "does-not-exist" at ${lake.url} (project "test") does not exist. ` +
          'Check SANITY_DATASET (and SANITY_PROJECT_ID).',
      )
    }
    const datasets = await lake.client().datasets.list()
    expect(datasets.map((d) => d.name)).not.toContain('does-not-exist')
  })

  it('a missing or unreadable migration file is a clear error naming it', async () => {
    const {dataset} = await seededDataset()
    const missing = join(scratch, 'missing')
    mkdirSync(join(missing, '2026-03-01-no-index'), {recursive: true})
    const noIndex = await migrate(dataset, 'run', '--dir', missing)
    expect(noIndex.code).toBe(1)
    expect(noIndex.err).toBe(
      `migrate: Migration "2026-03-01-no-index" has no index.ts (looked in ${join(missing, '2026-03-01-no-index')})`,
    )

    const broken = join(scratch, 'broken')
    mkdirSync(join(broken, '2026-03-02-syntax-error'), {recursive: true})
    writeFileSync(join(broken, '2026-03-02-syntax-error', 'index.ts'), 'export default {{{\n')
    const unreadable = await migrate(dataset, 'run', '--dir', broken)
    expect(unreadable.code).toBe(1)
    expect(unreadable.err).toMatch(
      /^migrate: Cannot load migration "2026-03-02-syntax-error" \(.*index\.ts\): .+$/,
    )
    const status = await migrate(dataset, 'status', '--dir', broken)
    expect(status.code).toBe(1)
    expect(status.out).toContain('ERROR    2026-03-02-syntax-error')

    const notAMigration = join(scratch, 'not-a-migration')
    mkdirSync(join(notAMigration, '2026-03-03-no-default'), {recursive: true})
    writeFileSync(join(notAMigration, '2026-03-03-no-default', 'index.ts'), 'export const x = 1\n')
    const shape = await migrate(dataset, 'run', '--dir', notAMigration)
    expect(shape.err).toContain('migrate: Migration "2026-03-03-no-default"')
    expect(shape.err).toContain('must export default defineMigration')

    const badName = join(scratch, 'bad-name')
    mkdirSync(join(badName, 'backfill'), {recursive: true})
    const named = await migrate(dataset, 'run', '--dir', badName)
    expect(named.err).toContain("a migration folder's name must be a date")

    const noDir = await migrate(dataset, 'status', '--dir', join(scratch, 'nowhere'))
    expect(noDir.err).toBe(`migrate: Migrations folder not found: ${join(scratch, 'nowhere')}`)
  })

  it('a missing token, an unknown command and a bad --today are clear errors', async () => {
    const out: string[] = []
    const err: string[] = []
    const io = {cwd: root, out: (l: string) => out.push(l), err: (l: string) => err.push(l)}
    expect(await main(['status'], {...io, env: {SANITY_API_HOST: lake.url}})).toBe(1)
    expect(err.pop()).toMatch(/^migrate: SANITY_API_TOKEN is required/)
    expect(await main(['frobnicate'], {...io, env: envFor('x')})).toBe(1)
    expect(err.pop()).toMatch(/^migrate: Unknown command "frobnicate"/)
    expect(await main(['run', '--today', '2026-13-01'], {...io, env: envFor('x')})).toBe(1)
    expect(err.pop()).toMatch(/^migrate: --today: Not a calendar date/)
    expect(await main(['run', '--bogus'], {...io, env: envFor('x')})).toBe(1)
    expect(err.pop()).toMatch(/^migrate: Unknown option '--bogus'/)
  })
})
