/**
 * The content-model migrations of issue 16, each through the real runner (`npm run migrate`'s
 * main) against a real lake seeded with its own fixture dataset: the dry run writes nothing, an
 * applying run changes exactly what it should and records it in the ledger, and a rerun changes
 * nothing.
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {SanityClient, SanityDocument} from '@sanity/client'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {contactKeyFor} from '../migrations/2026-12-04-interview-contacts-list/index.ts'
import {main} from '../scripts/migrate/cli.ts'
import {ledgerIdFor, type LedgerEntry} from '../scripts/migrate/ledger.ts'
import {startTestLake, type TestLake} from './helpers/lake.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const fixtures = join(root, 'test', 'fixtures', 'migrations')

const CONTACTS = '2026-12-04-interview-contacts-list'

let lake: TestLake
let scratch: string
let datasetCounter = 0

beforeAll(async () => {
  lake = await startTestLake()
  scratch = mkdtempSync(join(tmpdir(), 'migrate-model-test-'))
})

afterAll(async () => {
  await lake?.stop()
  if (scratch) rmSync(scratch, {recursive: true, force: true})
})

async function seededDataset(fixture: string): Promise<{dataset: string; client: SanityClient}> {
  const dataset = `model${++datasetCounter}`
  const client = lake.client({dataset, perspective: 'raw'})
  const transaction = client.transaction()
  for (const line of readFileSync(join(fixtures, fixture), 'utf8').split('\n')) {
    if (line.trim()) transaction.createOrReplace(JSON.parse(line) as SanityDocument)
  }
  await transaction.commit({visibility: 'sync'})
  return {dataset, client}
}

async function migrate(dataset: string, ...args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await main([...args, '--no-backup'], {
    env: {
      SANITY_API_HOST: lake.url,
      SANITY_PROJECT_ID: 'test',
      SANITY_DATASET: dataset,
      SANITY_API_TOKEN: lake.adminToken,
    },
    cwd: root,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  })
  return {code, out: out.join('\n'), err: err.join('\n')}
}

/** Every document except the runner's own, as id → _rev. */
async function revisions(client: SanityClient): Promise<Map<string, string>> {
  const docs = await client.fetch<{_id: string; _rev: string}[]>('*{_id, _rev}')
  return new Map(docs.filter((d) => !d._id.startsWith('migrations.')).map((d) => [d._id, d._rev]))
}

function changedBetween(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after]
    .filter(([id, rev]) => before.get(id) !== rev)
    .map(([id]) => id)
    .sort()
}

describe(CONTACTS, () => {
  it('dry run shows the patches and writes nothing; apply moves contact into contacts; a rerun changes nothing', async () => {
    const {dataset, client} = await seededDataset('interview-contacts.ndjson')
    const before = await revisions(client)

    const dry = await migrate(dataset, 'run', CONTACTS)
    expect(dry.err).toBe('')
    expect(dry.code).toBe(0)
    expect(dry.out).toContain('Dry run')
    expect(dry.out).toContain('patch interview-single:')
    expect(dry.out).toContain('patch drafts.interview-single:')
    expect(dry.out).not.toContain('interview-new-model')
    expect(await revisions(client)).toEqual(before)
    expect(await client.getDocument(ledgerIdFor(CONTACTS))).toBeUndefined()

    const applied = await migrate(dataset, 'run', CONTACTS, '--apply')
    expect(applied.code, applied.out + applied.err).toBe(0)
    const afterApply = await revisions(client)
    expect(changedBetween(before, afterApply)).toEqual([
      'drafts.interview-single',
      'interview-already-listed',
      'interview-appended',
      'interview-single',
    ])
    const get = (id: string) => client.getDocument(id) as Promise<Record<string, unknown>>
    const karin = {_type: 'reference', _ref: 'person-karin', _key: contactKeyFor('person-karin')}
    expect(await get('interview-single')).toMatchObject({contacts: [karin]})
    expect(await get('drafts.interview-single')).toMatchObject({contacts: [karin]})
    expect((await get('interview-appended')).contacts).toEqual([
      {_type: 'reference', _ref: 'person-jonas', _key: 'j1'},
      karin,
    ])
    expect((await get('interview-already-listed')).contacts).toEqual([
      {_type: 'reference', _ref: 'person-karin', _key: 'k1'},
    ])
    const leftovers = await client.fetch<number>(
      'count(*[_type == "interview" && defined(contact)])',
    )
    expect(leftovers).toBe(0)

    const entry = (await client.getDocument(ledgerIdFor(CONTACTS))) as unknown as LedgerEntry
    expect(entry).toMatchObject({status: 'applied', documentsChanged: 4, totalDocumentsChanged: 4})

    const rerun = await migrate(dataset, 'run', CONTACTS, '--apply', '--rerun')
    expect(rerun.code, rerun.out + rerun.err).toBe(0)
    expect(rerun.out).toContain('applied: 0 document(s) changed')
    expect(changedBetween(afterApply, await revisions(client))).toEqual([])
  })
})
