/**
 * Deflated JSON for the parts of the log that are read rarely (a transaction's mutations): raw
 * deflate at a fast level, since it runs inside every commit. Readers accept plain JSON text too
 * (rows written before storage layout 1).
 */
import {deflateRawSync, inflateRawSync} from 'node:zlib'

const LEVEL = 1

export function deflateJson(value: unknown): Uint8Array {
  return deflateRawSync(JSON.stringify(value), {level: LEVEL})
}

export function inflateJson(stored: unknown): unknown {
  if (typeof stored === 'string') return JSON.parse(stored)
  if (stored instanceof Uint8Array) return JSON.parse(inflateRawSync(stored).toString('utf8'))
  throw new Error(`unexpected stored JSON value of type ${typeof stored}`)
}
