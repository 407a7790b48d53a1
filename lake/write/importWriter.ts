/**
 * Writes an import's SQLite transaction in a worker thread with its own connection
 * (lake/write/importWriterThread.ts), so a large import never blocks the lake's main thread for
 * the seconds its inserts take. The caller holds the storage's write gate (lake/store/writeGate.ts)
 * meanwhile, so no other write needs the database's write lock; reads go on (WAL). The thread
 * parses the NDJSON itself (lake/write/imports.ts is pure, so it builds the same transaction the
 * main thread builds for its memory copy and the listeners) and reads each `before` from SQL.
 */
import {dirname} from 'node:path'
import {Worker} from 'node:worker_threads'

/** What the writer thread needs: an import's input without `current`. */
export interface ImportWrite {
  dataDir: string
  dataset: string
  ndjson: string
  transactionId: string
  timestamp: string
  identity: string
}

export type ImportWriteResult = {ok: true} | {ok: false; message: string}

const THREAD_URL = new URL('./importWriterThread.ts', import.meta.url)

/** The data directory of a storage's database file. */
export function dataDirOf(databasePath: string): string {
  return dirname(databasePath)
}

/** Resolves once the import committed (or only created its dataset); rejects when it failed, with
 *  the thread's message (the caller's own parse names a bad line first). */
export function writeImportInThread(write: ImportWrite): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(THREAD_URL, {workerData: write})
    let result: ImportWriteResult | null = null
    worker.once('message', (message: ImportWriteResult) => (result = message))
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (result?.ok) resolve()
      else reject(new Error(result ? result.message : `The import writer exited with ${code}`))
    })
  })
}
