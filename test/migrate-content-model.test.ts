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
import {startTestLake, type TestLake} from '../testkit/lake.ts'
import {changedBetween, revisions} from './helpers/revisions.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const fixtures = join(root, 'test', 'fixtures', 'migrations')

const CONTACTS = '2026-12-04-interview-contacts-list'
const SECTIONS = '2026-12-05-criteria-sections'

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

describe(SECTIONS, () => {
  const UNKNOWN = [
    'report qm-legacy: criteria[_key=="c3"]: "Trygghet" matches none of the nine sections; left unchanged',
    'report qm-legacy: criteria[_key=="c5"]: "Organisationen" is section "Organisation", which ' +
      'this certification already has; left unchanged',
    'report qm-mixed: criteria[_key=="m2"]: the free text "Ekonomi" is left next to the chosen ' +
      'section "vision"',
  ]

  it('dry run reports unknown values and writes nothing', async () => {
    const {dataset, client} = await seededDataset('criteria-sections.ndjson')
    const before = await revisions(client)
    const dry = await migrate(dataset, 'run', SECTIONS, '--json')
    expect(dry.err).toBe('')
    expect(dry.code).toBe(0)
    const report = JSON.parse(dry.out) as {
      results: {
        documents: {documentId: string}[]
        reports: {documentId: string; message: string}[]
        documentsChanged: number
      }[]
    }
    const [result] = report.results
    expect(result!.documents.map((plan) => plan.documentId)).toEqual([
      'drafts.qm-legacy',
      'qm-legacy',
      'qm-mixed',
    ])
    expect(result!.reports.map((entry) => entry.documentId)).toEqual([
      'qm-legacy',
      'qm-legacy',
      'qm-mixed',
    ])
    expect(await revisions(client)).toEqual(before)
    expect(await client.getDocument(ledgerIdFor(SECTIONS))).toBeUndefined()
  })

  it('apply maps known values, converts evidence, leaves unknown ones; a rerun changes nothing', async () => {
    const {dataset, client} = await seededDataset('criteria-sections.ndjson')
    const before = await revisions(client)

    const applied = await migrate(dataset, 'run', SECTIONS, '--apply')
    expect(applied.code, applied.out + applied.err).toBe(0)
    for (const line of UNKNOWN) expect(applied.out).toContain(line)
    const afterApply = await revisions(client)
    expect(changedBetween(before, afterApply)).toEqual([
      'drafts.qm-legacy',
      'qm-legacy',
      'qm-mixed',
    ])

    const criteria = async (id: string) =>
      ((await client.getDocument(id)) as unknown as {criteria: Record<string, unknown>[]}).criteria
    const legacy = await criteria('qm-legacy')
    expect(legacy.map(({_key, section, area}) => [_key, section ?? null, area ?? null])).toEqual([
      ['c1', 'currentSituation', null],
      ['c2', 'financeAndBudget', null],
      ['c3', null, 'Trygghet'],
      ['c4', 'organisation', null],
      ['c5', null, 'Organisationen'],
    ])
    const evidence = legacy[0]!.evidence as {_type: string; children: {text: string}[]}[]
    expect(evidence.map((block) => [block._type, block.children[0]!.text])).toEqual([
      ['block', 'Vi har kartlagt vakanserna.'],
      ['block', 'Och besöksflödena varje kvartal.'],
    ])
    expect((legacy[2]!.evidence as unknown[]).length).toBe(1)
    expect((await criteria('drafts.qm-legacy'))[0]).toMatchObject({section: 'currentSituation'})
    expect((await criteria('drafts.qm-legacy'))[0]!.area).toBeUndefined()
    const mixed = await criteria('qm-mixed')
    expect(mixed.map(({section, area}) => [section, area ?? null])).toEqual([
      ['background', null],
      ['vision', 'Ekonomi'],
    ])

    const entry = (await client.getDocument(ledgerIdFor(SECTIONS))) as unknown as LedgerEntry
    expect(entry).toMatchObject({status: 'applied', documentsChanged: 3})

    const rerun = await migrate(dataset, 'run', SECTIONS, '--apply', '--rerun')
    expect(rerun.code, rerun.out + rerun.err).toBe(0)
    expect(rerun.out).toContain('applied: 0 document(s) changed')
    for (const line of UNKNOWN) expect(rerun.out).toContain(line)
    expect(changedBetween(afterApply, await revisions(client))).toEqual([])
  })
})
