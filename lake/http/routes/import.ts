/**
 * `POST /data/import/:dataset` (lake extension, administrator only): an NDJSON body written as one
 * transaction, documents taken verbatim (lake/write/imports.ts). Body limit 256 MiB. Each line must
 * be valid UTF-8 and nest at most MAX_JSON_DEPTH levels (lake/http/body.ts), or the import is a 400
 * naming the line.
 */
import {setImmediate as setImmediatePromise} from 'node:timers/promises'
import {requireWrite} from '../../auth/access.ts'
import {importError} from '../../core/errors.ts'
import {commitImport, validateTransactionId} from '../../write/commit.ts'
import {ImportWriter} from '../../write/importWriter.ts'
import {decodeUtf8, jsonDepthExceeds, MAX_JSON_DEPTH, readBody} from '../body.ts'
import {validateDatasetName, type RequestContext} from '../context.ts'
import {sendJson} from '../respond.ts'

export const IMPORT_BODY_LIMIT = 256 * 1024 * 1024

export async function handleImport(ctx: RequestContext): Promise<void> {
  requireWrite(ctx.caller, 'administration')
  const dataset = ctx.params.dataset
  validateDatasetName(dataset)
  // The writer thread starts while the body arrives (lake/write/importWriter.ts).
  const writer = new ImportWriter()
  let tx
  try {
    const ndjson = await checkedNdjson(await readBody(ctx.req, IMPORT_BODY_LIMIT))
    tx = await commitImport(ctx.lake.storage, ctx.lake.hub, {
      dataset,
      ndjson,
      transactionId: validateTransactionId(ctx.search.get('transactionId')),
      identity: ctx.caller.identity ?? '',
      writer,
    })
  } finally {
    writer.cancel()
  }
  sendJson(ctx.res, 200, {transactionId: tx.transactionId, count: tx.changes.length})
}

/** Lines checked between two turns of the event loop, so a large body does not hold up others. */
const LINES_PER_TURN = 1000

/** The body as text, after checking every line's encoding and depth (`\n` never occurs inside a
 *  UTF-8 sequence, so a line that is not valid UTF-8 is found by decoding each line alone). */
async function checkedNdjson(body: Buffer): Promise<string> {
  let text: string
  try {
    text = decodeUtf8(body)
  } catch {
    throw importError(firstInvalidLine(body), 'not valid UTF-8')
  }
  let start = 0
  for (let number = 1; start <= text.length; number++) {
    if (number % LINES_PER_TURN === 0) await setImmediatePromise()
    const newline = text.indexOf('\n', start)
    const end = newline === -1 ? text.length : newline
    if (jsonDepthExceeds(text.slice(start, end))) {
      throw importError(number, `nesting deeper than ${MAX_JSON_DEPTH} levels`)
    }
    start = end + 1
  }
  return text
}

function firstInvalidLine(body: Buffer): number {
  let start = 0
  for (let number = 1; start <= body.length; number++) {
    const newline = body.indexOf(10, start)
    const end = newline === -1 ? body.length : newline
    try {
      decodeUtf8(body.subarray(start, end))
    } catch {
      return number
    }
    start = end + 1
  }
  return 1
}
