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

/**
 * An import writer thread, started before the request's body has arrived so that its start-up
 * (loading its modules) is done when the body is: {@link ImportWriter.write} hands it the
 * import; {@link ImportWriter.cancel} ends it when there is nothing to write after all.
 */
export class ImportWriter {
  readonly #worker: Worker
  readonly #done: Promise<void>
  #used = false

  constructor() {
    this.#worker = new Worker(THREAD_URL)
    // An unused writer never keeps the lake's process alive.
    this.#worker.unref()
    this.#done = new Promise((resolve, reject) => {
      let result: ImportWriteResult | null = null
      this.#worker.once('message', (message: ImportWriteResult) => (result = message))
      this.#worker.once('error', reject)
      this.#worker.once('exit', (code) => {
        if (result?.ok) resolve()
        else reject(new Error(result ? result.message : `The import writer exited with ${code}`))
      })
    })
    this.#done.catch(() => undefined)
  }

  /** Resolves once the import committed (or only created its dataset); rejects when it failed,
   *  with the thread's message (the caller's own parse names a bad line first). */
  write(write: ImportWrite): Promise<void> {
    this.#used = true
    this.#worker.ref()
    this.#worker.postMessage(write)
    return this.#done
  }

  /** Ends the thread unless it was given an import. */
  cancel(): void {
    if (!this.#used) void this.#worker.terminate()
  }
}
