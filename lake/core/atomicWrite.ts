/** Writing a file so a reader sees the old file or the whole new one, never half of it. */
import {randomBytes} from 'node:crypto'
import {mkdirSync, renameSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'

/** Writes `bytes` to a temp file next to `path` and renames it over `path` (folders created). */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), {recursive: true})
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  writeFileSync(temp, bytes)
  renameSync(temp, path)
}
