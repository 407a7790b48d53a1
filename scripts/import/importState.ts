/**
 * What the importer last wrote, per document: one hidden marker document (`importer.state.<id>`,
 * a dotted id, so anonymous reads and the Studio's lists never show it) holding a hash of every
 * field the import set. Comparing a document with its marker tells an editor's change in the
 * Studio from the import's own value, so a re-import can keep the editor's work.
 */
import {createHash} from 'node:crypto'

export const STATE_TYPE = 'importer.state'
export const STATE_ID_PREFIX = 'importer.state.'

export interface ImportState {
  _id: string
  _type: typeof STATE_TYPE
  _rev?: string
  documentId: string
  /** Field name → hash of the value the import wrote (`ABSENT` when it removed the field). */
  hashes: Record<string, string>
}

/** The hash recorded for a field the import removed or never set. */
export const ABSENT = 'absent'

export function stateIdFor(documentId: string): string {
  return `${STATE_ID_PREFIX}${documentId}`
}

/** A short hash of a JSON value; object key order does not matter. */
export function valueHash(value: unknown): string {
  if (value === undefined || value === null) return ABSENT
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 16)
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`
  }
  return JSON.stringify(value)
}
