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
    const body = await readBody(ctx.req, IMPORT_BODY_LIMIT)
    tx = await commitImport(ctx.lake.storage, ctx.lake.hub, {
      dataset,
      lines: checkedLines(body),
      transactionId: validateTransactionId(ctx.search.get('transactionId')),
      identity: ctx.caller.identity ?? '',
      writer,
    })
  } finally {
    writer.cancel()
  }
  sendJson(ctx.res, 200, {transactionId: tx.transactionId, count: tx.changes.length})
}

/** Lines decoded and checked in one turn of the event loop, so a large body does not hold up
 *  other requests. */
const LINES_PER_TURN = 1000

/**
 * The body's lines in batches of {@link LINES_PER_TURN}, one batch per turn, each line checked
 * for its encoding and depth as its batch is reached (`\n` never occurs inside a UTF-8
 * sequence, so each batch of whole lines decodes on its own).
 */
async function* checkedLines(body: Buffer): AsyncGenerator<string[]> {
  let start = 0
  let first = 1
  while (start <= body.length) {
    if (first > 1) await setImmediatePromise()
    let end = start
    for (let count = 0; count < LINES_PER_TURN && end <= body.length; count++) {
      const newline = body.indexOf(10, end)
      end = newline === -1 ? body.length + 1 : newline + 1
    }
    const bytes = body.subarray(start, end - 1)
    let text: string
    try {
      text = decodeUtf8(bytes)
    } catch {
      throw importError(first - 1 + firstInvalidLine(bytes), 'not valid UTF-8')
    }
    const lines = text.split('\n')
    lines.forEach((line, index) => {
      if (jsonDepthExceeds(line)) {
        throw importError(first + index, `nesting deeper than ${MAX_JSON_DEPTH} levels`)
      }
    })
    yield lines
    first += lines.length
    start = end
  }
}

/** The 1-based number of the first line of `body` that is not valid UTF-8. */
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
