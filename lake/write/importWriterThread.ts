/**
 * The import writer's thread (lake/write/importWriter.ts): one import, one transaction, exit.
 * It opens its own connection only at `begin`, under the caller's write gate, and after its first
 * failure rolls back, answers, and ignores the rest.
 */
import {parentPort} from 'node:worker_threads'
import {LakeStorage, type ImportSession} from '../store/storage.ts'
import type {ImportMessage, ImportWriteResult} from './importWriter.ts'

let storage: LakeStorage | null = null
let session: ImportSession | null = null
let finished = false

parentPort?.on('message', (message: ImportMessage) => {
  if (finished) return
  try {
    handle(message)
  } catch (error) {
    session?.rollback()
    finish({ok: false, message: error instanceof Error ? error.message : String(error)})
  }
})

function handle(message: ImportMessage): void {
  if (message.kind === 'begin') {
    storage = new LakeStorage(message.dataDir)
    session = storage.beginImport(message.header)
    return
  }
  if (!session) throw new Error(`The import writer got ${message.kind} before begin`)
  if (message.kind === 'rows') session.write(message.rows)
  else if (message.kind === 'commit') {
    session.commit()
    finish({ok: true})
  } else {
    session.rollback()
    finish({ok: true})
  }
}

function finish(result: ImportWriteResult): void {
  finished = true
  storage?.close()
  parentPort?.postMessage(result)
  parentPort?.close()
}
