/** The backup an applying run takes before its first write: the whole dataset as NDJSON. */
import {createWriteStream, mkdirSync, renameSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {once} from 'node:events'

import {exportDocuments, type MigrateTarget} from './api.ts'
import {MigrateError} from './errors.ts'
import {messageOf} from '../shared/errors.ts'

export interface Backup {
  path: string
  documents: number
}

/** `2026-12-01T02-00-00-000Z`: an ISO timestamp that is a valid file name everywhere. */
export function fileTimestamp(at: Date): string {
  return at.toISOString().replace(/[:.]/g, '-')
}

export async function writeBackup(target: MigrateTarget, dir: string, at: Date): Promise<Backup> {
  const folder = resolve(dir)
  const path = join(folder, `${target.config.dataset}-${fileTimestamp(at)}.ndjson`)
  const partial = `${path}.partial`
  let documents = 0
  try {
    mkdirSync(folder, {recursive: true})
    const out = createWriteStream(partial, {flags: 'wx'})
    for await (const doc of exportDocuments(target)) {
      if (!out.write(`${JSON.stringify(doc)}\n`)) await once(out, 'drain')
      documents++
    }
    out.end()
    await once(out, 'finish')
    renameSync(partial, path)
  } catch (error) {
    throw new MigrateError(
      `Backup before applying failed (${partial}): ${messageOf(error)}. Stopped before changing any document.`,
    )
  }
  return {path, documents}
}
