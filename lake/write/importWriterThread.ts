/** The import writer's thread (lake/write/importWriter.ts): one import, one transaction, exit. */
import {parentPort} from 'node:worker_threads'
import {LakeStorage} from '../store/storage.ts'
import {importTransaction} from './imports.ts'
import type {ImportWrite, ImportWriteResult} from './importWriter.ts'

parentPort?.once('message', (write: ImportWrite) => parentPort?.postMessage(written(write)))

/** Opens its own connection only now, under the caller's write gate. */
function written(write: ImportWrite): ImportWriteResult {
  const storage = new LakeStorage(write.dataDir)
  try {
    const tx = importTransaction({
      ...write,
      current: (id) => storage.storedDocument(write.dataset, id),
    })
    if (tx.changes.length > 0) storage.commitWithoutMemory(tx, {createDataset: true})
    else storage.createDataset(write.dataset)
    return {ok: true}
  } catch (error) {
    return {ok: false, message: error instanceof Error ? error.message : String(error)}
  } finally {
    storage.close()
  }
}
