/** The import writer's thread (lake/write/importWriter.ts): one import, one transaction, exit. */
import {parentPort, workerData} from 'node:worker_threads'
import {LakeStorage} from '../store/storage.ts'
import {importTransaction} from './imports.ts'
import type {ImportWrite, ImportWriteResult} from './importWriter.ts'

const write = workerData as ImportWrite
const storage = new LakeStorage(write.dataDir)
let result: ImportWriteResult
try {
  const tx = importTransaction({
    ...write,
    current: (id) => storage.storedDocument(write.dataset, id),
  })
  if (tx.changes.length > 0) storage.commitWithoutMemory(tx, {createDataset: true})
  else storage.createDataset(write.dataset)
  result = {ok: true}
} catch (error) {
  result = {ok: false, message: error instanceof Error ? error.message : String(error)}
} finally {
  storage.close()
}
parentPort?.postMessage(result)
