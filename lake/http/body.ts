/**
 * Request bodies: size, encoding and JSON shape are checked here, before any handler or any
 * recursive code sees the data.
 *
 * - Size: the Content Lake's 4,000,000-byte limit (lake/README.md#limits) unless a route sets its own. An oversized
 *   body is answered 413 only after the rest of it has been read and discarded (up to
 *   {@link DRAIN_LIMIT}), so the client, still sending, receives the answer instead of a reset.
 * - Encoding: text bodies must be valid UTF-8 (a fatal decoder); invalid bytes are a 400, never
 *   stored as U+FFFD.
 * - Depth: JSON may nest arrays and objects at most {@link MAX_JSON_DEPTH} levels deep, counted on
 *   the raw text without recursion before `JSON.parse` runs (a 100,000-deep body would otherwise
 *   overflow the stack in the parser, in patching or in the GROQ evaluator). Sanity limits a
 *   document to 20 levels; 32 leaves room for the request's envelope (`{"mutations": [{"patch":
 *   {"set": {…}}}]}` is 4 levels) and for anything hosted Sanity accepts, while Portable Text
 *   (document → body → block → children → span → marks, 6 levels, more with nested objects in
 *   blocks) and the Studio's key-value state stay far below it.
 */
import {badRequest, bodyTooLarge, LakeError} from '../core/errors.ts'
import type {LakeRequest} from './respond.ts'
import {nextTurn} from './turns.ts'

export const BODY_LIMIT = 4_000_000
/** After rejecting an oversized body we keep draining (discarding) at most this much, then cut. */
export const DRAIN_LIMIT = 64 * 1024 * 1024
/** The deepest nesting of arrays and objects a JSON body (or NDJSON line, or param) may have. */
export const MAX_JSON_DEPTH = 32

export class BodyTooLargeError extends LakeError {
  /** False when the rest of the body was not read (beyond DRAIN_LIMIT): the connection must close. */
  readonly drained: boolean
  constructor(limit: number, drained: boolean) {
    super(413, bodyTooLarge(limit).body)
    this.drained = drained
  }
}

/**
 * Reads the whole body. Over `limit`, the rest is read and discarded (up to DRAIN_LIMIT) and the
 * promise rejects with a 413 {@link BodyTooLargeError} once the request has ended.
 */
export function readBody(req: LakeRequest, limit = BODY_LIMIT): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    let settled = false
    const settle = (outcome: () => void) => {
      if (settled) return
      settled = true
      outcome()
    }
    const overflow = () => {
      tooLarge = true
      chunks.length = 0
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (tooLarge) {
        if (size > limit + DRAIN_LIMIT) {
          settle(() => reject(new BodyTooLargeError(limit, false)))
          req.pause()
        }
        return
      }
      if (size > limit) overflow()
      else chunks.push(chunk)
    })
    req.on('end', () => {
      settle(() =>
        tooLarge ? reject(new BodyTooLargeError(limit, true)) : resolve(Buffer.concat(chunks)),
      )
    })
    req.on('error', (error: Error) => settle(() => reject(error)))
    if (Number.isFinite(declared) && declared > limit) {
      overflow()
      if (declared > limit + DRAIN_LIMIT) {
        settle(() => reject(new BodyTooLargeError(limit, false)))
        req.pause()
      }
    }
  })
}

const utf8 = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true})

/** Decodes UTF-8 strictly: invalid bytes are a 400 (`what` names the input, e.g. "Request body"). */
export function decodeUtf8(bytes: Uint8Array, what = 'Request body'): string {
  try {
    return utf8.decode(bytes)
  } catch {
    throw badRequest(`${what} is not valid UTF-8`)
  }
}

/** The deepest array/object nesting of a JSON text, stopping as soon as it exceeds `limit`. */
export function jsonDepthExceeds(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return false
}

/** `JSON.parse` after the depth check; `what` names the input in the 400's description. */
export function parseJsonText(text: string, what = 'request body'): unknown {
  if (jsonDepthExceeds(text)) {
    throw badRequest(
      `Unable to parse ${what} as JSON: nesting deeper than ${MAX_JSON_DEPTH} levels`,
    )
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw badRequest(`Unable to parse ${what} as JSON: ${(error as Error).message}`)
  }
}

/** Reads a body as strict UTF-8 text. */
export async function readText(req: LakeRequest, limit = BODY_LIMIT): Promise<string> {
  return decodeUtf8(await readBody(req, limit))
}

/** Reads and parses a JSON body (empty body → undefined). */
export async function readJson(req: LakeRequest, limit = BODY_LIMIT): Promise<unknown> {
  const text = await readText(req, limit)
  // What follows (parsing, then a commit or a query) is the request's next piece of work.
  await nextTurn()
  if (text.length === 0) return undefined
  return parseJsonText(text)
}
