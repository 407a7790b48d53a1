/**
 * Writes an import's SQLite transaction in a worker thread with its own connection
 * (lake/write/importWriterThread.ts), so a large import never blocks the lake's main thread for
 * the seconds its inserts take. The caller holds the storage's write gate (lake/store/writeGate.ts)
 * meanwhile, so no other write needs the database's write lock; reads go on (WAL).
 *
 * The work is a pipeline: the main thread parses the NDJSON in batches of lines (it needs the
 * documents for its memory copy and the listeners anyway) and posts each batch's prepared rows
 * (lake/store/importRows.ts) to the thread, which writes them into the one open transaction
 * while the main thread parses the next batch. The thread parses nothing and reads nothing
 * back: each line is parsed once.
 */
import {dirname} from 'node:path'
import {Worker} from 'node:worker_threads'
import type {ImportHeader, ImportRow} from '../store/storage.ts'

/** What the main thread posts to the writer's thread, in this order: begin, rows…, commit or abort. */
export type ImportMessage =
  | {kind: 'begin'; dataDir: string; header: ImportHeader}
  | {kind: 'rows'; rows: ImportRow[]}
  | {kind: 'commit'}
  | {kind: 'abort'}

/** The thread's one answer: after the commit or abort, or at its first failure. */
export type ImportWriteResult = {ok: true} | {ok: false; message: string}

const THREAD_URL = new URL('./importWriterThread.ts', import.meta.url)

/** The data directory of a storage's database file. */
export function dataDirOf(databasePath: string): string {
  return dirname(databasePath)
}

/**
 * An import writer thread, started before the request's body has arrived so that its start-up
 * (loading its modules) is done when the body is. {@link ImportWriter.cancel} ends it when it
 * was never given an import.
 */
export class ImportWriter {
  readonly #worker: Worker
  readonly #done: Promise<void>
  #used = false
  #failure: string | null = null

  constructor() {
    this.#worker = new Worker(THREAD_URL)
    // An unused writer never keeps the lake's process alive.
    this.#worker.unref()
    this.#done = new Promise((resolve, reject) => {
      let result: ImportWriteResult | null = null
      this.#worker.once('message', (message: ImportWriteResult) => {
        result = message
        if (!message.ok) this.#failure = message.message
      })
      this.#worker.once('error', (error) => {
        this.#failure = error.message
        reject(error)
      })
      this.#worker.once('exit', (code) => {
        if (result?.ok) resolve()
        else reject(new Error(result ? result.message : `The import writer exited with ${code}`))
      })
    })
    this.#done.catch(() => undefined)
  }

  /** Opens the import's connection in the thread (the caller holds the write gate). */
  begin(dataDir: string, header: ImportHeader): void {
    this.#used = true
    this.#worker.ref()
    this.#post({kind: 'begin', dataDir, header})
  }

  /** Hands the thread a batch of rows; throws when the thread already failed. */
  write(rows: ImportRow[]): void {
    if (this.#failure !== null) throw new Error(this.#failure)
    if (rows.length > 0) this.#post({kind: 'rows', rows})
  }

  /** Resolves once the import committed (or only created its dataset); rejects when it failed. */
  commit(): Promise<void> {
    this.#post({kind: 'commit'})
    return this.#done
  }

  /** Rolls the import back; resolves once the thread ended, whatever happened in it. */
  abort(): Promise<void> {
    this.#post({kind: 'abort'})
    return this.#done.catch(() => undefined)
  }

  /** Ends the thread unless it was given an import. */
  cancel(): void {
    if (!this.#used) void this.#worker.terminate()
  }

  #post(message: ImportMessage): void {
    this.#worker.postMessage(message)
  }
}
