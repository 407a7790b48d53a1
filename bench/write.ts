/**
 * Write-path benchmark (`npm run bench` → `node bench/write.ts`). See bench/README.md.
 *
 * On a fresh lake: the bench documents (bench/lake.ts `generateBenchData`) through one
 * `POST /data/import` (documents/s), then the same number again as `createOrReplace` mutations
 * in batches of BENCH_WRITE_BATCH per `/data/mutate` request into a second dataset
 * (documents/s), then the database's size on disk (after a WAL checkpoint) against the
 * documents' JSON, with both datasets' history and transaction log kept.
 *
 * Options (env): BENCH_DOCS (default 100000), BENCH_WRITE_BATCH (default 500).
 */
import {statSync} from 'node:fs'
import type {DatabaseSync} from 'node:sqlite'
import type {LakeDocument} from '../lake/core/types.ts'
import {startTestLake} from '../testkit/lake.ts'
import {generateBenchData} from './lake.ts'
import {table} from './measure.ts'

const TYPE_ORDER = ['city', 'organization', 'person', 'qmCertification', 'interview']

export interface WriteFigures {
  documents: number
  importPerSecond: number
  mutatePerSecond: number
  jsonBytes: number
  diskBytes: number
  /** Bytes on disk per table with its indexes (SQLite's `dbstat`). */
  tables: Record<string, number>
}

export async function measureWrites(total: number, batch: number): Promise<WriteFigures> {
  const data = generateBenchData(total)
  // Referenced documents first, so every batch's strong references resolve.
  const rank = (doc: LakeDocument) =>
    TYPE_ORDER.indexOf(doc._type) + (doc._id.includes('.') ? 10 : 0)
  const documents = [...data.published, ...data.drafts].sort((a, b) => rank(a) - rank(b))
  const lines = documents.map((doc) => JSON.stringify(doc))
  const jsonBytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0)
  const lake = await startTestLake()
  try {
    let started = performance.now()
    const response = await fetch(`${lake.url}/v2025-02-19/data/import/imported`, {
      method: 'POST',
      headers: {Authorization: `Bearer ${lake.adminToken}`, 'Content-Type': 'application/x-ndjson'},
      body: lines.join('\n'),
    })
    if (!response.ok) throw new Error(`import failed: ${response.status} ${await response.text()}`)
    const importPerSecond = documents.length / ((performance.now() - started) / 1000)

    const client = lake.client({dataset: 'mutated'})
    // Cities and organizations reference each other: the city's side is written weak (as
    // @sanity/import does with every reference before it strengthens them).
    const mutated = documents.map((doc) =>
      doc._type === 'city' && doc.cityCentreOrganization
        ? {...doc, cityCentreOrganization: {...(doc.cityCentreOrganization as object), _weak: true}}
        : doc,
    )
    started = performance.now()
    for (let at = 0; at < documents.length; at += batch) {
      await client.mutate(
        mutated.slice(at, at + batch).map((doc) => ({createOrReplace: doc})),
        {returnDocuments: false, visibility: 'async'},
      )
    }
    const mutatePerSecond = documents.length / ((performance.now() - started) / 1000)

    lake.server.storage.db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
    const path = lake.server.storage.path
    const diskBytes = statSync(path).size + sizeIfExists(`${path}-wal`)
    const tables = tableSizes(lake.server.storage.db)
    return {
      tables,
      documents: documents.length,
      importPerSecond,
      mutatePerSecond,
      // Two datasets hold the documents: compare against twice their JSON.
      jsonBytes: 2 * jsonBytes,
      diskBytes,
    }
  } finally {
    await lake.stop()
  }
}

/** Bytes per table, its indexes and (for the full-text index) its shadow tables counted in. */
function tableSizes(db: DatabaseSync): Record<string, number> {
  const owner = new Map<string, string>()
  for (const row of db.prepare('SELECT name, tbl_name FROM sqlite_master').all()) {
    owner.set(String(row.name), String(row.tbl_name))
  }
  const sizes: Record<string, number> = {}
  for (const row of db
    .prepare('SELECT name, SUM(pgsize) AS size FROM dbstat GROUP BY name')
    .all()) {
    let table = owner.get(String(row.name)) ?? String(row.name)
    if (table.startsWith('documents_text')) table = 'documents_text'
    sizes[table] = (sizes[table] ?? 0) + Number(row.size)
  }
  return sizes
}

function sizeIfExists(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

export function writeTable(f: WriteFigures): string {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1)
  return table(
    ['measure', 'value'],
    [
      ['documents per dataset', f.documents],
      ['/data/import, documents/s', f.importPerSecond.toFixed(0)],
      ['batched /data/mutate, documents/s', f.mutatePerSecond.toFixed(0)],
      ['documents JSON, MB (both datasets)', mb(f.jsonBytes)],
      ['database on disk, MB', mb(f.diskBytes)],
      ['disk ÷ JSON', `${(f.diskBytes / f.jsonBytes).toFixed(2)}×`],
      ...Object.entries(f.tables)
        .filter(([, bytes]) => bytes >= f.diskBytes / 100)
        .sort((a, b) => b[1] - a[1])
        .map(([name, bytes]) => [
          `  ${name} (with indexes), MB`,
          `${mb(bytes)} (${((100 * bytes) / f.diskBytes).toFixed(0)}%)`,
        ]),
    ],
  )
}

if (import.meta.main) {
  const total = Number(process.env.BENCH_DOCS) || 100_000
  const batch = Number(process.env.BENCH_WRITE_BATCH) || 500
  console.log(`Write path (${total} generated documents, mutation batches of ${batch})\n`)
  console.log(writeTable(await measureWrites(total, batch)))
}
