/**
 * Write-path benchmark (`npm run bench` → `node bench/write.ts`). See bench/README.md.
 *
 * On a fresh lake (in this process; the client in bench/writeClient.ts, a process of its own): the bench documents (bench/lake.ts `generateBenchData`) through one
 * `POST /data/import` (documents/s), then the same number again as `createOrReplace` mutations
 * in batches of BENCH_WRITE_BATCH per `/data/mutate` request into a second dataset
 * (documents/s; and the longest the lake's main thread was blocked during the import), then the
 * database's size on disk (after a WAL checkpoint) against the
 * documents' JSON, with both datasets' history and transaction log kept.
 *
 * Options (env): BENCH_DOCS (default 100000), BENCH_WRITE_BATCH (default 500), BENCH_WRITE_ONLY
 * (`import` or `mutate`: run only that phase into its dataset; the other phase's rows are left out
 * and the disk figures count the one dataset).
 */
import {spawn} from 'node:child_process'
import {once} from 'node:events'
import {statSync} from 'node:fs'
import {monitorEventLoopDelay} from 'node:perf_hooks'
import {createInterface} from 'node:readline'
import type {DatabaseSync} from 'node:sqlite'
import {fileURLToPath} from 'node:url'
import type {LakeDocument} from '../lake/core/types.ts'
import {startTestLake} from '../testkit/lake.ts'
import {generateBenchData} from './lake.ts'
import {table} from './measure.ts'

const TYPE_ORDER = ['city', 'organization', 'person', 'qmCertification', 'interview']

export interface WriteFigures {
  documents: number
  importPerSecond: number
  /** The longest the lake's main thread was busy without a break during the import, ms. */
  importStallMs: number
  /** The lake's main-thread CPU time per `/data/mutate` request, ms (steadier than the rate
   *  on a loaded machine). */
  mutateCpuMsPerRequest: number
  mutatePerSecond: number
  /** The documents' JSON in every dataset written (two, or one with BENCH_WRITE_ONLY). */
  jsonBytes: number
  datasets: number
  diskBytes: number
  /** Bytes on disk per table with its indexes (SQLite's `dbstat`). */
  tables: Record<string, number>
}

/** The bench documents, referenced documents first so every batch's strong references resolve. */
export function benchDocuments(total: number): LakeDocument[] {
  const data = generateBenchData(total)
  const rank = (doc: LakeDocument) =>
    TYPE_ORDER.indexOf(doc._type) + (doc._id.includes('.') ? 10 : 0)
  return [...data.published, ...data.drafts].sort((a, b) => rank(a) - rank(b))
}

type WritePhase = 'import' | 'mutate'

interface ClientReport {
  phase: WritePhase
  seconds: number
  documents: number
}

export async function measureWrites(
  total: number,
  batch: number,
  only?: WritePhase,
): Promise<WriteFigures> {
  const jsonBytes = benchDocuments(total).reduce(
    (sum, doc) => sum + Buffer.byteLength(JSON.stringify(doc)),
    0,
  )
  const lake = await startTestLake()
  try {
    // The client runs in its own process (bench/writeClient.ts): the rates and the stall are
    // the lake's alone.
    const stalls = monitorEventLoopDelay({resolution: 10})
    stalls.enable()
    const child = spawn(
      process.execPath,
      [
        fileURLToPath(new URL('./writeClient.ts', import.meta.url)),
        JSON.stringify({url: lake.url, token: lake.adminToken, total, batch, only}),
      ],
      {stdio: ['ignore', 'pipe', 'inherit']},
    )
    const reports: ClientReport[] = []
    let importStallMs = 0
    // The bench's main thread is the lake's: during the mutate phase it does only the lake's work.
    let mutateCpu = process.threadCpuUsage()
    for await (const line of createInterface({input: child.stdout})) {
      const report = JSON.parse(line) as ClientReport
      reports.push(report)
      if (report.phase === 'import') {
        stalls.disable()
        importStallMs = stalls.max / 1e6
        mutateCpu = process.threadCpuUsage()
      } else mutateCpu = process.threadCpuUsage(mutateCpu)
    }
    const [code] = (await once(child, 'close')) as [number | null]
    const expected = only ? 1 : 2
    if (code !== 0 || reports.length !== expected) {
      throw new Error(`bench/writeClient.ts exited ${code}`)
    }
    const rate = (phase: WritePhase) => {
      const report = reports.find((candidate) => candidate.phase === phase)
      return report ? report.documents / report.seconds : NaN
    }

    lake.server.storage.db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
    const path = lake.server.storage.path
    const diskBytes = statSync(path).size + sizeIfExists(`${path}-wal`)
    const tables = tableSizes(lake.server.storage.db)
    return {
      tables,
      documents: reports[0].documents,
      importPerSecond: rate('import'),
      importStallMs: only === 'mutate' ? NaN : importStallMs,
      mutatePerSecond: rate('mutate'),
      mutateCpuMsPerRequest:
        only === 'import'
          ? NaN
          : (mutateCpu.user + mutateCpu.system) / 1000 / Math.ceil(reports[0].documents / batch),
      // Two datasets hold the documents: compare against twice their JSON.
      jsonBytes: (only ? 1 : 2) * jsonBytes,
      datasets: only ? 1 : 2,
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
  const rows: Array<Array<string | number>> = [
    ['documents per dataset', f.documents],
    ['/data/import, documents/s', f.importPerSecond.toFixed(0)],
    ['  longest main-thread stall during it, ms', f.importStallMs.toFixed(0)],
    ['batched /data/mutate, documents/s', f.mutatePerSecond.toFixed(0)],
    ['  lake main-thread CPU per request, ms', f.mutateCpuMsPerRequest.toFixed(1)],
    [`documents JSON, MB (${f.datasets === 2 ? 'both datasets' : 'one dataset'})`, mb(f.jsonBytes)],
    ['database on disk, MB', mb(f.diskBytes)],
    ['disk ÷ JSON', `${(f.diskBytes / f.jsonBytes).toFixed(2)}×`],
    ...Object.entries(f.tables)
      .filter(([, bytes]) => bytes >= f.diskBytes / 100)
      .sort((a, b) => b[1] - a[1])
      .map(([name, bytes]) => [
        `  ${name} (with indexes), MB`,
        `${mb(bytes)} (${((100 * bytes) / f.diskBytes).toFixed(0)}%)`,
      ]),
  ]
  // A phase left out (BENCH_WRITE_ONLY) has NaN figures: its rows are not printed.
  return table(
    ['measure', 'value'],
    rows.filter((row) => !String(row[1]).startsWith('NaN')),
  )
}

if (import.meta.main) {
  const total = Number(process.env.BENCH_DOCS) || 100_000
  const batch = Number(process.env.BENCH_WRITE_BATCH) || 500
  const only = process.env.BENCH_WRITE_ONLY
  if (only !== undefined && only !== 'import' && only !== 'mutate') {
    throw new Error(`BENCH_WRITE_ONLY must be "import" or "mutate", not ${JSON.stringify(only)}`)
  }
  console.log(`Write path (${total} generated documents, mutation batches of ${batch})\n`)
  console.log(writeTable(await measureWrites(total, batch, only)))
}
