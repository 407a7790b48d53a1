/** Document ids, dataset names and random identifiers (lake/README.md#document-ids). */
import {randomBytes} from 'node:crypto'

const DATASET_NAME = /^(~[a-z0-9][-\w]{0,63}|[a-z0-9][-\w]{0,63})$/
const DOCUMENT_ID = /^[a-z0-9_][a-z0-9_.-]{0,127}$/i
const PROJECT_ID = /^[-a-z0-9]+$/
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export const DRAFTS_PREFIX = 'drafts.'
export const VERSIONS_PREFIX = 'versions.'
/** Content release documents are `_.releases.<releaseId>` (system documents). */
export const RELEASE_DOCUMENT_PREFIX = '_.releases.'

export function isValidDatasetName(name: string): boolean {
  return DATASET_NAME.test(name)
}

export function isValidProjectId(id: string): boolean {
  return PROJECT_ID.test(id)
}

/**
 * The one document id rule, on every endpoint that takes ids: `[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127}`
 * with no empty path segment, so neither `..` nor a trailing `.` (see lake/README.md, "Document
 * ids"). A trailing `.` is only meaningful in a `create` mutation, where it asks for a random
 * suffix; the id that gets stored never ends with one.
 */
export function isValidDocumentId(id: unknown): id is string {
  return typeof id === 'string' && DOCUMENT_ID.test(id) && !id.includes('..') && !id.endsWith('.')
}

/** Root-path ids (no `.`) are the only ones an anonymous caller may read (lake/README.md#tokens-and-visibility). */
export function isRootId(id: string): boolean {
  return !id.includes('.')
}

export function isDraftId(id: string): boolean {
  return id.startsWith(DRAFTS_PREFIX)
}

/** A content release's own document; only release actions change it (lake/auth/access.ts). */
export function isReleaseDocumentId(id: string): boolean {
  return id.startsWith(RELEASE_DOCUMENT_PREFIX)
}

export function isVersionId(id: string): boolean {
  return id.startsWith(VERSIONS_PREFIX)
}

/** `versions.<release>.X` → `<release>`, else undefined. */
export function versionRelease(id: string): string | undefined {
  if (!isVersionId(id)) return undefined
  const rest = id.slice(VERSIONS_PREFIX.length)
  const dot = rest.indexOf('.')
  return dot > 0 ? rest.slice(0, dot) : undefined
}

/** Strips `drafts.` or `versions.<release>.`. */
export function publishedId(id: string): string {
  if (isDraftId(id)) return id.slice(DRAFTS_PREFIX.length)
  const release = versionRelease(id)
  if (release !== undefined) return id.slice(VERSIONS_PREFIX.length + release.length + 1)
  return id
}

/** Random base62 string of the given length (crypto-random, unbiased). */
export function randomBase62(length: number): string {
  let out = ''
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62]
    }
  }
  return out
}

/** A transaction id in the shape of Sanity's (22-char base62). */
export function newTransactionId(): string {
  return randomBase62(22)
}

/** Ordering of `_id`s: plain code-unit comparison (what `Array.prototype.sort` does). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
